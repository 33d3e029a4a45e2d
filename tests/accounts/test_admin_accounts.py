"""The system admin's account screens: 区县局管理员账号 (one-time password), 用户列表, 安全日志."""
import logging
import re

import pytest

from app.accounts import roles
from app.accounts.models import EVENT_TITLES, AppUser, SecurityEvent
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, district, make_org, make_user

ID_NUMBER = "310109198309073016"


@pytest.fixture
def sysadmin(app, db, login_as):
    admin = make_user(roles.SYSTEM_ADMIN, username="admin")
    return login_as(admin), admin


def one_time_password(html):
    return re.search(r'id="one-time-password"[^>]*>([^<]+)<', html).group(1)


def test_creating_a_district_admin_shows_its_one_time_password_once(app, db, sysadmin):
    client, admin = sysadmin
    baoshan = district("宝山区总工会")
    response = client.post("/district-admins/add", data={
        "csrf_token": csrf_token(client, "/district-admins/add"), "username": "baoshan", "real_name": "宝山管理员",
        "organisation": str(baoshan.id), "mobile": "13011112222"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "账号已创建" in html and "只显示这一次" in html
    password = one_time_password(html)
    user = db.session.query(AppUser).filter_by(username="baoshan").one()
    assert [r.name for r in user.roles] == [roles.DISTRICT_ADMIN] and user.organisation_id == baoshan.id
    assert user.must_change_password and user.password != password
    # Gone from everywhere after this page: the list does not show it, the log does not hold it.
    assert password not in client.get("/district-admins/list/").get_data(as_text=True)
    assert all(password not in (e.detail or "") for e in db.session.query(SecurityEvent))
    new = app.test_client()
    assert login(new, "baoshan", password).status_code == 302
    assert new.get("/").headers["Location"].endswith("/account/password")


def test_district_admin_must_belong_to_a_district_or_industry_union(app, db, sysadmin):
    client, admin = sysadmin
    unit = make_org()
    response = client.post("/district-admins/add", data={
        "csrf_token": csrf_token(client, "/district-admins/add"), "username": "wrongplace", "real_name": "某人",
        "organisation": str(unit.id), "mobile": "13011112222"})
    assert response.status_code == 200 and db.session.query(AppUser).filter_by(username="wrongplace").count() == 0


def test_district_admin_list_shows_only_district_admins_and_can_reset(app, db, sysadmin):
    client, admin = sysadmin
    hongkou = make_user(roles.DISTRICT_ADMIN, username="hongkou", org=district("虹口区总工会"))
    make_user(username="clerk001")
    html = client.get("/district-admins/list/").get_data(as_text=True)
    assert "hongkou" in html and "clerk001" not in html and ">admin<" not in html
    assert client.get(f"/district-admins/show/{admin.id}").status_code == 404
    token = csrf_token(client, f"/district-admins/show/{hongkou.id}")
    html = client.post(f"/district-admins/action/resetpassword/{hongkou.id}",
                       data={"csrf_token": token}).get_data(as_text=True)
    password = one_time_password(html)
    assert login(app.test_client(), "hongkou", password).status_code == 302


def test_city_accounts_are_made_with_a_fixed_city_role_and_a_one_time_password(app, db, sysadmin):
    client, admin = sysadmin
    data = {"csrf_token": csrf_token(client, "/city-accounts/add"), "username": "caiwu", "real_name": "赵财务",
            "mobile": "13011112222", "role": ""}
    response = client.post("/city-accounts/add", data=data)
    assert response.status_code == 200 and "请选择角色" in response.get_data(as_text=True)
    # Only the two city roles can be chosen: a district or public role is refused.
    for role in (roles.DISTRICT_ADMIN, "公开"):
        response = client.post("/city-accounts/add", data={**data, "role": role})
        assert response.status_code == 200
        assert db.session.query(AppUser).filter_by(username="caiwu").count() == 0
    response = client.post("/city-accounts/add", data={**data, "role": roles.FINANCE})
    assert response.status_code == 200
    password = one_time_password(response.get_data(as_text=True))
    db.session.expire_all()
    user = db.session.query(AppUser).filter_by(username="caiwu").one()
    assert [r.name for r in user.roles] == [roles.FINANCE]
    assert user.organisation_id == admin.organisation_id and user.must_change_password
    assert login(app.test_client(), "caiwu", password).status_code == 302
    listed = client.get("/city-accounts/list/").get_data(as_text=True)
    assert "caiwu" in listed and roles.FINANCE in listed
    # The edit form changes no role; deactivating through it ends the account's sessions.
    path = f"/city-accounts/edit/{user.id}"
    epoch = user.session_epoch
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "username": "caiwu",
                                       "real_name": "赵财务", "mobile": "13011112222", "role": roles.SYSTEM_ADMIN})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(AppUser, user.id)
    assert [r.name for r in user.roles] == [roles.FINANCE]
    assert not user.active and user.session_epoch == epoch + 1
    # A district admin is not a city account.
    district_admin = make_user(roles.DISTRICT_ADMIN)
    assert client.get(f"/city-accounts/show/{district_admin.id}").status_code == 404


@pytest.mark.parametrize("path", ["/users/list/", "/users/add", "/users/show/1", "/roles/list/", "/roles/add",
                                  "/permissions/list/", "/viewmenus/list/", "/permissionviews/list/",
                                  "/groups/list/", "/userstatschartview/chart/", "/users/userinfo/",
                                  "/resetpassword/form?pk=1", "/api/v1/security/login"])
def test_fab_generic_account_screens_answer_404(app, db, sysadmin, path):
    client, _admin = sysadmin
    assert client.get(path).status_code == 404
    home = client.get("/").get_data(as_text=True)
    for label in ("用户列表", "角色列表", "用户统计", "用户权限", "List Users"):
        assert label not in home
    assert "市级账号" in home and "区县局管理员账号" in home


def test_the_system_admin_cannot_deactivate_itself(app, db, sysadmin):
    client, admin = sysadmin
    token = csrf_token(client, "/city-accounts/list/")
    client.post(f"/city-accounts/delete/{admin.id}", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(AppUser, admin.id).active


def test_security_log_lists_events_in_chinese_and_filters_them(app, db, sysadmin):
    client, admin = sysadmin
    clerk = make_user(username="clerk001")
    login(app.test_client(), "clerk001", "Wrong#Pass123")
    login(app.test_client(), "clerk001")
    html = client.get("/security-log/list/").get_data(as_text=True)
    for header in ("时间", "登录名", "组织", "地址", "事件", "成功"):
        assert header in html
    assert EVENT_TITLES["login_failed"] in html and EVENT_TITLES["login"] in html
    # The organisation filter offers the city and district level only (not tens of thousands of 基层工会).
    options = re.search(r'<select[^>]*id="flt-organisation"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert ">宝山区总工会</option>" in options and clerk.organisation.name not in options
    filtered = client.get("/security-log/list/?_flt_0_event=login_failed").get_data(as_text=True)
    assert EVENT_TITLES["login_failed"] in filtered and "登录成功" not in filtered.split("<tbody>", 1)[-1]
    event = db.session.query(SecurityEvent).filter_by(event="login", user_id=clerk.id).one()
    assert client.get(f"/security-log/show/{event.id}").status_code == 200
    for path in ("/security-log/add", f"/security-log/edit/{event.id}"):
        assert client.get(path).status_code in (302, 403, 404)
    assert client.post(f"/security-log/delete/{event.id}",
                       data={"csrf_token": csrf_token(client, "/security-log/list/")}).status_code in (302, 403, 404)
    assert db.session.get(SecurityEvent, event.id) is not None


def test_only_the_system_admin_reads_the_security_log(app, db, login_as):
    for role in (roles.DISTRICT_ADMIN, roles.FINANCE, roles.GRASSROOTS):
        assert login_as(make_user(role)).get("/security-log/list/").status_code in (302, 403)


def test_no_password_and_no_full_id_number_reaches_any_log(app, db, sysadmin, caplog):
    """A whole account journey, then every security-log row and every captured log line is scanned."""
    caplog.set_level(logging.DEBUG)
    client, admin = sysadmin
    baoshan = district("宝山区总工会")
    html = client.post("/district-admins/add", data={
        "csrf_token": csrf_token(client, "/district-admins/add"), "username": "baoshan", "real_name": "宝山管理员",
        "organisation": str(baoshan.id), "mobile": "13011112222"}).get_data(as_text=True)
    first = one_time_password(html)
    district_client = app.test_client()
    login(district_client, "baoshan", "Wrong#Guess1")
    login(district_client, "baoshan", first)
    token = csrf_token(district_client, "/account/password")
    district_client.post("/account/password", data={
        "csrf_token": token, "old_password": first, "new_password": "Dist#2015pass", "confirm_password": "Dist#2015pass"})
    unit = make_org(parent=baoshan)
    token = csrf_token(district_client, "/user-management/add")
    district_client.post("/user-management/add", data={
        "csrf_token": token, "username": "baoshan001", "password": "Clerk#2015pw", "conf_password": "Clerk#2015pw",
        "real_name": "李静", "id_number": ID_NUMBER, "mobile": "13166295000", "organisation": str(unit.id)})
    clerk = db.session.query(AppUser).filter_by(username="baoshan001").one()
    path = f"/user-management/edit/{clerk.id}"
    district_client.post(path, data={
        "csrf_token": token, "username": "baoshan001", "password": "Again#2015pw", "conf_password": "Again#2015pw",
        "real_name": "李静", "id_number": "110101199003074477", "mobile": "13166295000",
        "organisation": str(unit.id)})
    reset = district_client.post(f"/user-management/action/resetpassword/{clerk.id}", data={"csrf_token": token})
    second = one_time_password(reset.get_data(as_text=True))
    login(app.test_client(), "baoshan001", second)
    district_client.post("/logout/", data={"csrf_token": token})

    secrets = [first, second, "Dist#2015pass", "Clerk#2015pw", "Again#2015pw", "Wrong#Guess1", PASSWORD,
               ID_NUMBER, "110101199003074477"]
    rows = db.session.query(SecurityEvent).all()
    kinds = {r.event for r in rows}
    assert {"account_created", "login_failed", "login", "password_changed", "account_changed", "password_reset",
            "logout"} <= kinds
    for row in rows:
        text = " ".join(str(v) for v in (row.username, row.detail, row.address) if v)
        assert not any(s in text for s in secrets), text
    for record in caplog.records:
        line = record.getMessage()
        assert not any(s in line for s in secrets), line
