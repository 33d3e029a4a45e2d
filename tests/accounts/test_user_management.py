"""用户管理 of a 区县局管理员, as the manual shows it, and its walls: own subtree, 基层工会用户 only."""
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event

from app.accounts import roles
from app.accounts.models import AppUser, SecurityEvent
from app.extensions import appbuilder
from app.orgs.models import Organisation, OrgKind
from app.review.states import State
from tests.conftest import csrf_token, login
from tests.factories import district, make_application, make_campaign, make_org, make_user

NEW_PASSWORD = "Gh5#tRw9Lp"


@pytest.fixture
def baoshan(app, db, login_as):
    """A 宝山区 admin signed in, with one 基层工会 of its own."""
    admin = make_user(roles.DISTRICT_ADMIN, username="baoshan", org=district("宝山区总工会"))
    unit = make_org(name="上海江杨机械有限公司工会", unit_name="上海江杨机械有限公司")
    return login_as(admin), admin, unit


@pytest.fixture
def foreign(app, db):
    """A 基层工会用户 of another district (虹口)."""
    unit = make_org(parent=district("虹口区总工会"), name="上海虹口电气设备厂工会", unit_name="上海虹口电气设备厂")
    return make_user(org=unit, username="hongkou001")


def form_data(client, path, **values):
    data = {"csrf_token": csrf_token(client, path), "username": "baoshan009", "password": NEW_PASSWORD,
            "conf_password": NEW_PASSWORD, "real_name": "李静", "id_number": "310109198309073016",
            "mobile": "13166295000", "organisation": "", "new_unit": ""}
    data.update(values)
    return data


def table_headers(html):
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>|\s+", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S) if
            re.sub(r"<[^>]+>|\s+", "", h)]


def test_list_shows_the_manuals_columns_for_own_grassroots_users_only(app, db, baoshan, foreign):
    client, admin, unit = baoshan
    clerk = make_user(org=unit, username="baoshan001", real_name="李静", mobile="13166295000")
    other = make_user(org=make_org(), username="baoshan002", real_name="李思", mobile="13512171435")
    gone = make_user(org=unit, username="baoshan003")
    gone.active = False
    db.session.commit()
    campaign = make_campaign()
    make_application(clerk, campaign)
    make_application(clerk, campaign, state=State.WITHDRAWN)
    make_application(other, campaign)
    html = client.get("/user-management/list/").get_data(as_text=True)
    assert table_headers(html) == ["账号", "手机号码", "注册时间", "报名次数", "姓名", "区县局", "操作"]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr[^>]*>.*?(baoshan00\d).*?</tr>", html, re.S)}
    assert set(rows) == {"baoshan001", "baoshan002"}  # no deactivated, no foreign user, not the admin
    cells = lambda row: [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][:-1]
    first = cells(rows["baoshan001"])
    assert first[:2] == ["baoshan001", "13166295000"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", first[2])
    assert first[3:] == ["2", "李静", "宝山区总工会"]
    assert cells(rows["baoshan002"])[3] == "1"
    assert "hongkou001" not in html and ">baoshan<" not in html


def count_queries(app, client, path):
    from app.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *a, **k: statements.append(1)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_application_counts_come_with_the_list_query_not_one_per_row(app, db, baoshan):
    client, admin, unit = baoshan
    campaign = make_campaign()
    make_application(make_user(org=unit), campaign)
    few = count_queries(app, client, "/user-management/list/")
    for _ in range(8):
        make_application(make_user(org=make_org()), campaign)
    assert count_queries(app, client, "/user-management/list/") == few


def test_add_form_is_the_manuals_dialog(app, db, baoshan, foreign):
    client, admin, unit = baoshan
    html = client.get("/user-management/add").get_data(as_text=True)
    for label in ("登录名", "密码", "确认密码", "姓名", "身份证", "手机号码", "区县局", "单位", "注册时间"):
        assert f">{label}" in re.sub(r">\s+", ">", html), label
    assert '<p class="form-control-static" id="district_display">宝山区总工会</p>' in html
    assert "上海江杨机械有限公司" in html
    assert "上海虹口电气设备厂" not in html  # only units of its own subtree


def test_add_user_creates_a_grassroots_account_that_must_change_its_password(app, db, baoshan):
    client, admin, unit = baoshan
    response = client.post("/user-management/add", data=form_data(client, "/user-management/add",
                                                                  organisation=str(unit.id)))
    assert response.status_code == 302
    user = db.session.query(AppUser).filter_by(username="baoshan009").one()
    assert [r.name for r in user.roles] == [roles.GRASSROOTS]
    assert user.organisation_id == unit.id and user.must_change_password and user.active
    assert user.real_name == "李静" and user.mobile == "13166295000" and user.id_number == "310109198309073016"
    assert user.created_on is not None and user.created_by_fk == admin.id
    assert user.password != NEW_PASSWORD and user.password.startswith("pbkdf2:")
    event = db.session.query(SecurityEvent).filter_by(event="account_created").one()
    assert event.user_id == admin.id and event.target_user_id == user.id
    # The new user logs in and is sent to change the password first.
    new = app.test_client()
    assert login(new, "baoshan009", NEW_PASSWORD).status_code == 302
    assert new.get("/").headers["Location"].endswith("/account/password")


def test_add_user_with_a_new_unit_creates_the_grassroots_union_under_the_own_district(app, db, baoshan):
    client, admin, unit = baoshan
    response = client.post("/user-management/add", data=form_data(
        client, "/user-management/add", new_unit="上海宝钢包装有限公司", id_number=""))
    assert response.status_code == 302
    user = db.session.query(AppUser).filter_by(username="baoshan009").one()
    org = user.organisation
    assert org.kind == OrgKind.GRASSROOTS.value and org.unit_name == "上海宝钢包装有限公司"
    assert org.name == "上海宝钢包装有限公司工会" and org.parent_id == admin.organisation_id
    assert org.path == f"{admin.organisation.path}{org.id}/"
    assert user.id_number is None


@pytest.mark.parametrize("field, value, message", [
    ("username", "李静", "登录名为3–64位字母"),
    ("username", "BAOSHAN", "已被使用"),  # case-insensitive clash with the admin's own name
    ("password", "abcdefgh", "至少三类"),
    ("password", "Baoshan009!", "不能包含用户名"),
    ("conf_password", "Other#Pass99", "两次输入的密码不一致"),
    ("real_name", "", "请填写姓名"),
    ("id_number", "310109198309073017", "校验位不正确"),
    ("mobile", "1234567", "手机号码应为11位"),
    ("organisation", "", "请选择单位"),
    ("new_unit", "上海新单位", "已选择单位时"),
])
def test_refusals_are_shown_next_to_the_field_and_nothing_typed_is_lost(app, db, baoshan, field, value, message):
    client, admin, unit = baoshan
    values = {"organisation": str(unit.id), field: value}
    response = client.post("/user-management/add", data=form_data(client, "/user-management/add", **values))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert db.session.query(AppUser).count() == 1
    if field != "real_name":
        assert 'value="李静"' in html
    if field != "mobile":
        assert 'value="13166295000"' in html


def test_posting_a_foreign_unit_or_a_higher_role_changes_nothing(app, db, baoshan, foreign):
    client, admin, unit = baoshan
    sysadmin_role = appbuilder.sm.find_role(roles.SYSTEM_ADMIN)
    response = client.post("/user-management/add", data=form_data(
        client, "/user-management/add", organisation=str(foreign.organisation_id)))
    assert response.status_code == 200 and db.session.query(AppUser).filter_by(username="baoshan009").count() == 0
    response = client.post("/user-management/add", data=form_data(
        client, "/user-management/add", organisation=str(unit.id), roles=str(sysadmin_role.id),
        organisation_id=str(foreign.organisation_id), active="n", must_change_password="n"))
    assert response.status_code == 302
    user = db.session.query(AppUser).filter_by(username="baoshan009").one()
    assert [r.name for r in user.roles] == [roles.GRASSROOTS]
    assert user.organisation_id == unit.id and user.must_change_password and user.active
    # Editing: a foreign unit is refused, a posted role ignored.
    path = f"/user-management/edit/{user.id}"
    response = client.post(path, data=form_data(client, path, username="baoshan009", password="", conf_password="",
                                                organisation=str(foreign.organisation_id)))
    assert response.status_code == 200
    response = client.post(path, data=form_data(client, path, username="baoshan009", password="", conf_password="",
                                                organisation=str(unit.id), roles=str(sysadmin_role.id)))
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(AppUser, user.id)
    assert [r.name for r in user.roles] == [roles.GRASSROOTS] and user.organisation_id == unit.id


def test_edit_keeps_the_password_unless_a_new_one_is_typed(app, db, baoshan):
    client, admin, unit = baoshan
    clerk = make_user(org=unit, username="baoshan001", mobile="13166295000")
    old_hash, old_epoch = clerk.password, clerk.session_epoch
    path = f"/user-management/edit/{clerk.id}"
    page = client.get(path).get_data(as_text=True)
    assert 'value="baoshan001"' in page and "13166295000" in page
    response = client.post(path, data=form_data(client, path, username="baoshan001", password="", conf_password="",
                                                mobile="13512171435", organisation=str(unit.id)))
    assert response.status_code == 302
    db.session.expire_all()
    clerk = db.session.get(AppUser, clerk.id)
    assert clerk.mobile == "13512171435" and clerk.password == old_hash and clerk.session_epoch == old_epoch
    changed = db.session.query(SecurityEvent).filter_by(event="account_changed").one()
    assert "手机号码" in changed.detail and "13512171435" not in changed.detail
    response = client.post(path, data=form_data(client, path, username="baoshan001", organisation=str(unit.id),
                                                password=NEW_PASSWORD, conf_password=NEW_PASSWORD))
    assert response.status_code == 302
    db.session.expire_all()
    clerk = db.session.get(AppUser, clerk.id)
    assert clerk.password != old_hash and clerk.must_change_password and clerk.session_epoch == old_epoch + 1
    assert login(app.test_client(), "baoshan001", NEW_PASSWORD).status_code == 302


def test_delete_deactivates_and_the_applications_stay(app, db, baoshan):
    client, admin, unit = baoshan
    clerk = make_user(org=unit)
    application = make_application(clerk)
    token = csrf_token(client, "/user-management/list/")
    assert client.post(f"/user-management/delete/{clerk.id}", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    clerk = db.session.get(AppUser, clerk.id)
    assert clerk is not None and not clerk.active
    assert db.session.get(type(application), application.id).submitted_by_id == clerk.id
    assert db.session.query(SecurityEvent).filter_by(event="account_deactivated", target_user_id=clerk.id).count() == 1
    assert login(app.test_client(), clerk.username).status_code == 200  # refused
    assert client.get(f"/user-management/show/{clerk.id}").status_code == 404


def test_reset_password_shows_a_one_time_password_once(app, db, baoshan):
    client, admin, unit = baoshan
    clerk = make_user(org=unit)
    for _ in range(5):
        login(app.test_client(), clerk.username, "Wrong#Pass123")  # locked
    token = csrf_token(client, f"/user-management/show/{clerk.id}")
    response = client.post(f"/user-management/action/resetpassword/{clerk.id}", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="one-time-password"[^>]*>([^<]+)<', html).group(1)
    assert "只显示这一次" in html
    with client.session_transaction() as s:
        assert password not in str(dict(s))  # not flashed into the cookie
    new = app.test_client()
    assert login(new, clerk.username, password).status_code == 302  # the reset lifted the lock
    assert new.get("/").headers["Location"].endswith("/account/password")
    events = db.session.query(SecurityEvent).filter_by(event="password_reset").all()
    assert len(events) == 1 and password not in (events[0].detail or "")


def test_foreign_user_ids_answer_404_on_every_endpoint(app, db, baoshan, foreign):
    client, admin, unit = baoshan
    sysadmin = make_user(roles.SYSTEM_ADMIN)
    neighbour_admin = make_user(roles.DISTRICT_ADMIN, org=district("虹口区总工会"))
    own_unit_admin_peer = make_user(roles.DISTRICT_ADMIN, org=admin.organisation)  # same org, not a clerk
    token = csrf_token(client, "/user-management/list/")
    for victim in (foreign, sysadmin, neighbour_admin, own_unit_admin_peer):
        pk = victim.id
        assert client.get(f"/user-management/show/{pk}").status_code == 404
        assert client.get(f"/user-management/edit/{pk}").status_code == 404
        assert client.post(f"/user-management/edit/{pk}", data=form_data(
            client, "/user-management/add", organisation=str(unit.id))).status_code == 404
        assert client.post(f"/user-management/delete/{pk}", data={"csrf_token": token}).status_code == 404
        assert client.post(f"/user-management/action/resetpassword/{pk}", data={"csrf_token": token}).status_code == 404
        assert client.post("/user-management/action_post", data={
            "csrf_token": token, "action": "resetpassword", "rowid": [str(pk)]}).status_code == 404
    db.session.expire_all()
    for victim in (foreign, sysadmin, neighbour_admin, own_unit_admin_peer):
        kept = db.session.get(AppUser, victim.id)
        assert kept.active and not kept.must_change_password and kept.password == victim.password


def test_district_admin_reaches_none_of_the_system_admins_screens(app, db, baoshan):
    client, admin, unit = baoshan
    for path in ("/city-accounts/list/", "/city-accounts/add", "/district-admins/list/", "/security-log/list/",
                 "/organisationmodelview/list/", "/organisationmodelview/add"):
        response = client.get(path)
        assert response.status_code in (302, 403), path


def test_grassroots_user_has_no_user_management(app, db, login_as):
    client = login_as(make_user())
    assert client.get("/user-management/list/").status_code in (302, 403)
    assert "用户管理" not in client.get("/").get_data(as_text=True)


def test_an_admin_without_a_district_sees_nothing_and_creates_nothing(app, db, login_as):
    root = db.session.scalar(db.select(Organisation).where(Organisation.parent_id.is_(None)))
    stray = make_user(roles.DISTRICT_ADMIN, org=root)
    make_user(org=make_org(), username="strayclerk")
    client = login_as(stray)
    html = client.get("/user-management/list/").get_data(as_text=True)
    assert "strayclerk" not in html
    response = client.post("/user-management/add", data=form_data(client, "/user-management/add",
                                                                  new_unit="某某单位"))
    assert response.status_code == 200 and "未关联区县局" in response.get_data(as_text=True)
    assert db.session.query(AppUser).filter_by(username="baoshan009").count() == 0


def test_saving_returns_to_the_list_the_user_had_open_else_to_the_views_own_list(app, db, baoshan):
    """保存 goes back to the list (with its filter) the form was opened from; with no list of this view in the
    history (a form reached from elsewhere, a background poll recorded since) to this view's own list, never
    to 首页."""
    client, _admin, unit = baoshan
    response = client.post("/user-management/add", data=form_data(client, "/user-management/add",
                                                                  organisation=str(unit.id)))
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/user-management/list/"
    assert client.get("/user-management/list/?_flt_0_username=bao").status_code == 200
    client.get("/review/district/list/")  # other lists since
    client.get("/review/district/list/?_flt_0_state=pending")
    response = client.post("/user-management/add", data=form_data(
        client, "/user-management/add", organisation=str(unit.id), username="baoshan010", id_number=""))
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and (location.path, location.query) == (
        "/user-management/list/", "_flt_0_username=bao")
