"""组织机构 (system admin): add, rename, move (paths kept right), 停用/启用; never deleted."""
import pytest

from app.accounts import roles
from app.accounts.models import SecurityEvent
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import OrgError, move_org
from app.security.scoping import in_scope
from tests.conftest import csrf_token
from tests.factories import district, make_application, make_org, make_user, root_org


@pytest.fixture
def admin(app, db, login_as):
    return login_as(make_user(roles.SYSTEM_ADMIN))


def org(db, org_id):
    db.session.expire_all()
    return db.session.get(Organisation, org_id)


def test_add_a_district_and_a_grassroots_union_with_right_paths(app, db, admin):
    token = csrf_token(admin, "/organisationmodelview/add")
    response = admin.post("/organisationmodelview/add", data={
        "csrf_token": token, "name": "上海市教育工会", "kind": "industry", "parent": str(root_org().id),
        "code": "", "unit_name": ""})
    assert response.status_code == 302
    industry = db.session.query(Organisation).filter_by(name="上海市教育工会").one()
    assert industry.kind == "industry" and industry.path == f"{root_org().path}{industry.id}/"
    response = admin.post("/organisationmodelview/add", data={
        "csrf_token": token, "name": "上海中学工会", "kind": "grassroots", "parent": str(industry.id),
        "unit_name": "上海中学"})
    assert response.status_code == 302
    unit = db.session.query(Organisation).filter_by(name="上海中学工会").one()
    assert unit.path == f"{industry.path}{unit.id}/" and unit.unit_name == "上海中学"
    assert db.session.query(SecurityEvent).filter_by(event="org_changed").count() == 2


@pytest.mark.parametrize("kind, parent_name", [("grassroots", None), ("district", "宝山区总工会")])
def test_a_kind_under_the_wrong_parent_is_refused_next_to_the_field(app, db, admin, kind, parent_name):
    parent = district(parent_name) if parent_name else root_org()
    before = db.session.query(Organisation).count()
    response = admin.post("/organisationmodelview/add", data={
        "csrf_token": csrf_token(admin, "/organisationmodelview/add"), "name": "错位工会", "kind": kind,
        "parent": str(parent.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "不能放在所选上级组织之下" in html and 'value="错位工会"' in html
    assert db.session.query(Organisation).count() == before


def test_rename_and_move_keep_the_paths_and_the_scope_right(app, db, admin):
    baoshan, hongkou = district("宝山区总工会"), district("虹口区总工会")
    unit = make_org(parent=baoshan, name="上海某厂工会", unit_name="上海某厂")
    clerk = make_user(org=unit)
    application = make_application(clerk)
    baoshan_admin = make_user(roles.DISTRICT_ADMIN, org=baoshan)
    hongkou_admin = make_user(roles.DISTRICT_ADMIN, org=hongkou)
    path = f"/organisationmodelview/edit/{unit.id}"
    response = admin.post(path, data={"csrf_token": csrf_token(admin, path), "name": "上海某厂新名称工会",
                                      "parent": str(hongkou.id), "unit_name": "上海某厂", "code": "",
                                      "successor": "__None", "active": "y"})
    assert response.status_code == 302
    moved = org(db, unit.id)
    assert moved.name == "上海某厂新名称工会" and moved.parent_id == hongkou.id
    assert moved.path == f"{hongkou.path}{unit.id}/"
    assert in_scope(hongkou_admin, moved) and not in_scope(baoshan_admin, moved)
    assert db.session.get(type(application), application.id).organisation_id == unit.id  # the rows stay
    details = [e.detail for e in db.session.query(SecurityEvent).filter_by(event="org_changed")]
    assert any("移动" in d for d in details) and any("名称" in d for d in details)


def test_moving_a_subtree_moves_every_path_below_it(app, db):
    industry = make_org(OrgKind.INDUSTRY, name="上海市测试产业工会")
    unit = make_org(parent=industry)
    with pytest.raises(OrgError):
        move_org(industry, unit)  # not below itself
    with pytest.raises(OrgError):
        move_org(unit, root_org())  # a 基层工会 sits under a district or industry union
    move_org(unit, district("闵行区总工会"))
    db.session.commit()
    assert org(db, unit.id).path == f"{district('闵行区总工会').path}{unit.id}/"


def test_a_move_below_itself_is_refused_on_the_form(app, db, admin):
    baoshan = district("宝山区总工会")
    path = f"/organisationmodelview/edit/{baoshan.id}"
    response = admin.post(path, data={"csrf_token": csrf_token(admin, path), "name": baoshan.name,
                                      "parent": str(baoshan.id), "successor": "__None", "active": "y"})
    html = response.get_data(as_text=True)
    # (The kind rule already refuses it: a district only sits under the city centre.)
    assert response.status_code == 200 and ("不能放在所选上级组织之下" in html or "不能把组织移到它自己" in html)
    assert org(db, baoshan.id).parent_id == root_org().id


def test_no_delete_only_deactivate_and_activate(app, db, admin):
    unit = make_org()
    make_user(org=unit)
    token = csrf_token(admin, "/organisationmodelview/list/")
    admin.post(f"/organisationmodelview/delete/{unit.id}", data={"csrf_token": token})
    assert org(db, unit.id) is not None
    assert "/organisationmodelview/delete/" not in admin.get("/organisationmodelview/list/").get_data(as_text=True)
    response = admin.post("/organisationmodelview/action_post", data={
        "csrf_token": token, "action": "deactivate", "rowid": [str(unit.id)]}, follow_redirects=True)
    assert "已停用 1 个组织" in response.get_data(as_text=True) and "1 个启用的账号" in response.get_data(as_text=True)
    assert not org(db, unit.id).active
    # A deactivated unit is offered nowhere any more.
    district_admin = make_user(roles.DISTRICT_ADMIN, org=district("宝山区总工会"))
    from tests.conftest import login

    client = app.test_client()
    login(client, district_admin.username)
    assert unit.name not in client.get("/user-management/add").get_data(as_text=True)
    admin.post(f"/organisationmodelview/action/activate/{unit.id}", data={"csrf_token": token})
    assert org(db, unit.id).active


def test_only_the_system_admin_manages_organisations(app, db, login_as):
    for role in (roles.DISTRICT_ADMIN, roles.FINANCE, roles.GRASSROOTS):
        client = login_as(make_user(role))
        assert client.get("/organisationmodelview/list/").status_code in (302, 403)
        assert client.get("/organisationmodelview/add").status_code in (302, 403)
