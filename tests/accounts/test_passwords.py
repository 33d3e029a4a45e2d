"""Password rules and the forced change at first login (it blocks every other page)."""
import re

import pytest

from app.accounts import roles
from app.accounts.models import AppUser
from app.accounts.passwords import password_problems
from app.accounts.services import PasswordRejected, change_password
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_org, make_user

#: Endpoints a user who must change the password may still reach.
ALLOWED = {"PasswordChangeView.password", "static", "appbuilder.static", "AppAuthDBView.logout",
           "AppAuthDBView.login", "AppAuthDBView.captcha_image", "favicon"}


@pytest.mark.parametrize("password, username, message", [
    ("Ab1#xyz", "", "至少需要8个字符"),
    ("abcdefgh12", "", "至少三类"),
    ("ABCDEFGH!!", "", "至少三类"),
    ("abcdefgh!!", "", "至少三类"),
    ("Baoshan001!x", "baoshan001", "不能包含用户名"),
    ("xxBAOSHAN001x", "baoshan001", "不能包含用户名"),
    ("P@ssw0rd", "", "过于常见"),
    ("Admin@123", "", "过于常见"),
    ("Jishi@2015", "", "过于常见"),
])
def test_weak_passwords_are_refused_with_a_reason(password, username, message):
    problems = password_problems(password, username)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("password", ["Xq7#mT9pLw", "lower-UPPER-1", "Zhong8Wen9Mi", "abc DEF 123", "短密码abcD1234"])
def test_good_passwords_pass(password):
    assert password_problems(password, "baoshan001") == []


def test_none_of_the_last_five_passwords_may_come_back(app, db):
    from flask import session  # noqa: F401  (change_password writes the new epoch into the session)

    user = make_user()
    history = [PASSWORD] + [f"Hist#{i}word{i}X" for i in range(1, 6)]
    with app.test_request_context("/"):
        for old, new in zip(history, history[1:]):
            change_password(user, old, new)
        current = history[-1]
        for reused in history[1:]:  # the five last ones, the current included
            with pytest.raises(PasswordRejected) as refused:
                change_password(user, current, reused)
            assert refused.value.field == "new_password"
            assert "最近5次" in refused.value.messages[-1]
        change_password(user, current, history[0])  # the sixth last is allowed again
    db.session.expire_all()
    assert not db.session.get(AppUser, user.id).must_change_password


def _url_for_rule(rule):
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(r"<(?:[^:<>]+:)?%s>" % arg, "1" if arg not in ("filename", "name") else "x", url)
    return url


def test_forced_change_blocks_every_other_page(app, db, login_as):
    user = make_user(roles.DISTRICT_ADMIN, must_change=True)
    client = login_as(user)
    checked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ALLOWED or rule.endpoint.endswith(".static") or "GET" not in rule.methods:
            continue
        url = _url_for_rule(rule)
        response = client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response.headers["Location"].endswith("/account/password"), url
        checked.append(url)
    assert len(checked) > 40 and "/user-management/list/" in checked and "/" in checked


def test_forced_change_blocks_posts_too(app, db, login_as):
    user = make_user(roles.DISTRICT_ADMIN, must_change=True)
    client = login_as(user)
    token = csrf_token(client, "/account/password")
    unit = make_org()
    response = client.post("/user-management/add", data={
        "csrf_token": token, "username": "blocked001", "password": "Gh5#tRw9Lp", "conf_password": "Gh5#tRw9Lp",
        "real_name": "王五", "mobile": "13011112222", "organisation": str(unit.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    assert db.session.query(AppUser).filter_by(username="blocked001").count() == 0
    # Logging out stays possible.
    assert client.post("/logout/", data={"csrf_token": token}).status_code == 302


def test_change_page_asks_old_new_and_confirm_and_then_lets_the_user_in(app, db, login_as):
    user = make_user(must_change=True)
    client = login_as(user)
    page = client.get("/account/password").get_data(as_text=True)
    for label in ("原密码", "新密码", "确认密码", "须先修改密码"):
        assert label in page
    token = csrf_token(client, "/account/password")
    mismatch = client.post("/account/password", data={"csrf_token": token, "old_password": PASSWORD,
                                                       "new_password": "Nx8#vB2qRt", "confirm_password": "Nx8#vB2qRX"})
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    same = client.post("/account/password", data={"csrf_token": token, "old_password": PASSWORD,
                                                   "new_password": PASSWORD, "confirm_password": PASSWORD})
    assert "最近5次" in same.get_data(as_text=True)
    done = client.post("/account/password", data={"csrf_token": token, "old_password": PASSWORD,
                                                   "new_password": "Nx8#vB2qRt", "confirm_password": "Nx8#vB2qRt"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200


def test_fab_own_password_screens_are_closed_to_everyone(app, db, login_as):
    """FAB's reset screens would skip the old password and the rules: no role has them."""
    for role in roles.ROLE_NAMES:
        client = login_as(make_user(role))
        for path in ("/resetmypassword/form", "/resetpassword/form?pk=1", "/userinfoeditview/form"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "/account/password" not in response.headers.get("Location", ""), path
            token = csrf_token(client, "/account/password")
            client.post(path, data={"csrf_token": token, "password": "Zz9#short1", "conf_password": "Zz9#short1"})
    db.session.expire_all()
    for user in db.session.query(AppUser):
        assert not user.must_change_password  # nobody's password was touched
