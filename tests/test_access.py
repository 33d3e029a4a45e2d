"""Anonymous users meet the public front page or the login page; each demo role signs in, must change its
password, sees its menus."""
import re

import pytest

from app.accounts import roles
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from tests.conftest import csrf_token, login

#: Menu entries (their labels as shown) each role must see, and ones it must not.
EXPECTED_MENUS = {
    roles.SYSTEM_ADMIN: {"系统管理", "组织机构", "报名活动", "批次", "参考数据", "区县局管理员账号", "安全日志", "终审"},
    roles.FINANCE: {"报名活动", "配套发放查询"},
    roles.DISTRICT_ADMIN: {"报名活动", "用户管理", "报名管理"},
    roles.GRASSROOTS: {"报名活动"},
}
ADMIN_ONLY_MENUS = {"系统管理", "组织机构", "参考数据", "批次", "区县局管理员账号", "安全日志", "终审"}
#: Entries only the 区县局管理员 has.
DISTRICT_ONLY_MENUS = {"用户管理"}


def menu_labels(html):
    nav = html.split('id="side-menu"', 1)[1].split("</nav>", 1)[0]
    texts = (re.sub(r"\s+|&nbsp;", "", t) for t in re.findall(r">([^<>]+)<", nav))
    return {t for t in texts if t}


def test_anonymous_is_sent_to_login(client):
    for path in ("/campaigns/", "/campaigns/1", "/batchmodelview/list/", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login/" in response.headers["Location"]
    # "/" is the public front page, with the manual's two entries to the login page.
    front = client.get("/")
    assert front.status_code == 200
    assert "管理员登录" in front.get_data(as_text=True) and "我要报名" in front.get_data(as_text=True)
    page = client.get("/login/").get_data(as_text=True)
    assert "用户名" in page and "密码" in page


def change_password(client, old, new):
    token = csrf_token(client, "/account/password")
    return client.post("/account/password", data={"csrf_token": token, "old_password": old,
                                                   "new_password": new, "confirm_password": new})


@pytest.mark.parametrize("username", ["admin", "caiwu", "baoshan", "baoshan001"])
def test_demo_role_logs_in_changes_password_and_sees_only_its_menus(app, db, make_client, username):
    load_demo()
    role = DEMO_ACCOUNTS[username][0]
    client = make_client()
    response = login(client, username, DEMO_PASSWORD)
    assert response.status_code == 302
    # Forced to change the password first: every other page redirects there.
    for path in ("/", "/campaigns/"):
        forced = client.get(path)
        assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/password")
    assert "须先修改密码" in client.get("/account/password").get_data(as_text=True)
    response = change_password(client, DEMO_PASSWORD, "Nx8#vB2qRt")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    labels = menu_labels(home.get_data(as_text=True))
    assert EXPECTED_MENUS[role] <= labels
    if role != roles.DISTRICT_ADMIN:
        assert not (DISTRICT_ONLY_MENUS & labels)
    if role != roles.SYSTEM_ADMIN:
        assert not (ADMIN_ONLY_MENUS & labels)
        assert client.get("/campaigns/new").status_code in (302, 403)
        assert client.get("/city-accounts/list/").status_code in (302, 403)
    else:
        assert client.get("/city-accounts/list/").status_code == 200
    # FAB's generic account screens are not offered to anybody.
    assert client.get("/users/list/").status_code == 404


def test_weak_new_password_is_refused_next_to_the_field(app, db, make_client):
    load_demo()
    client = make_client()
    login(client, "baoshan001", DEMO_PASSWORD)
    response = change_password(client, DEMO_PASSWORD, "abcdefgh")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "至少三类" in page
    assert client.get("/").status_code == 302  # still forced


def test_wrong_old_password_is_refused(app, db, make_client):
    load_demo()
    client = make_client()
    login(client, "baoshan001", DEMO_PASSWORD)
    page = change_password(client, "wrong-old-1A", "Nx8#vB2qRt").get_data(as_text=True)
    assert "原密码不正确" in page
