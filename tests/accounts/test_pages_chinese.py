"""Every account, login and organisation page reads in Chinese, refusals included."""
import re

import pytest

from app.accounts import roles
from tests.conftest import csrf_token, login
from tests.factories import district, make_org, make_user
from tests.test_i18n import NOT_FOUND, assert_page_exists, fab_msgids, untranslated


@pytest.fixture(scope="module")
def msgids():
    return fab_msgids()


def without_one_time_password(response):
    """The generated password is random Latin text by design: leave it out of the check."""
    html = response.get_data(as_text=True)
    response.set_data(re.sub(r'(id="one-time-password"[^>]*>)[^<]+<', r"\1<", html))
    return response


def problems_of(pages, msgids):
    found = {}
    for name, response in pages:
        assert_page_exists(name, response)
        words = untranslated(response.get_data(as_text=True), msgids)
        if words:
            found[name] = sorted(set(words))
    return found


def test_login_logout_and_account_pages_are_chinese(app, db, make_client, msgids):
    baoshan = district("宝山区总工会")
    unit = make_org(parent=baoshan, name="上海江杨机械有限公司工会", unit_name="上海江杨机械有限公司")
    foreign = make_org(parent=district("虹口区总工会"))
    make_user(roles.DISTRICT_ADMIN, username="zhadmin", org=baoshan)
    clerk = make_user(org=unit, username="zhclerk", id_number="310109198309073016")
    anonymous = make_client()
    pages = [("login", anonymous.get("/login/")),
             ("login refused", login(anonymous, "zhclerk", "Wrong#Pass123"))]
    client = make_client()
    assert login(client, "zhadmin").status_code == 302
    token = csrf_token(client, "/user-management/add")
    pages += [
        ("user list", client.get("/user-management/list/")),
        ("user search", client.get("/user-management/list/?_flt_0_username=zh")),
        ("user add", client.get("/user-management/add")),
        ("user add refused", client.post("/user-management/add", data={
            "csrf_token": token, "username": "zh", "password": "abc", "conf_password": "abd",
            "real_name": "", "id_number": "123", "mobile": "1", "organisation": str(foreign.id)})),
        ("user show", client.get(f"/user-management/show/{clerk.id}")),
        ("user edit", client.get(f"/user-management/edit/{clerk.id}")),
        ("reset", without_one_time_password(
            client.post(f"/user-management/action/resetpassword/{clerk.id}", data={"csrf_token": token}))),
        (NOT_FOUND, client.get("/user-management/show/999999")),
        ("logout", client.get("/logout/")),
    ]
    found = problems_of(pages, msgids)
    assert not found, found


def test_system_admin_account_and_organisation_pages_are_chinese(app, db, make_client, msgids):
    make_user(roles.SYSTEM_ADMIN, username="zhadmin")
    hongkou = make_user(roles.DISTRICT_ADMIN, username="zhclerk", org=district("虹口区总工会"))
    unit = make_org()
    client = make_client()
    assert login(client, "zhadmin").status_code == 302
    token = csrf_token(client, "/district-admins/add")
    pages = [
        ("city accounts", client.get("/city-accounts/list/")),
        ("city account add", client.get("/city-accounts/add")),
        ("district admins", client.get("/district-admins/list/")),
        ("district admin add", client.get("/district-admins/add")),
        ("district admin show", client.get(f"/district-admins/show/{hongkou.id}")),
        ("district admin edit", client.get(f"/district-admins/edit/{hongkou.id}")),
        ("district admin refused", client.post("/district-admins/add", data={
            "csrf_token": token, "username": "", "real_name": "", "mobile": "", "organisation": str(unit.id)})),
        ("security log", client.get("/security-log/list/")),
        ("security log filtered", client.get("/security-log/list/?_flt_0_event=login")),
        ("organisation add", client.get("/organisationmodelview/add")),
        ("organisation edit", client.get(f"/organisationmodelview/edit/{unit.id}")),
        ("organisation show", client.get(f"/organisationmodelview/show/{unit.id}")),
        ("organisation refused", client.post("/organisationmodelview/add", data={
            "csrf_token": token, "name": "", "kind": "district", "parent": str(unit.id)})),
    ]
    found = problems_of(pages, msgids)
    assert not found, found
