"""Login: the captcha, one answer for every failure, the lockout (also under parallel requests and for
names that do not exist), no JSON login, and the per-address rate limit."""
import threading
from datetime import timedelta

import pytest

from app.accounts import captcha, roles
from app.accounts.models import AppUser, SecurityEvent
from app.clock import utcnow
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_user

INVALID = "用户名、密码或验证码不正确"
LOCKED = "连续登录失败次数过多，已被锁定，请15分钟后再试"


def outcome(response):
    """'ok' for a successful login, else the message the page shows."""
    if response.status_code in (302, 303):
        return "ok"
    page = response.get_data(as_text=True)
    if LOCKED in page:
        return "locked"
    if INVALID in page:
        return "invalid"
    return f"other:{response.status_code}"


def reload(db, user):
    db.session.expire_all()
    return db.session.get(AppUser, user.id)


@pytest.fixture
def real_captcha(app, monkeypatch):
    """Switch the fixed test answer off and make the next challenges predictable."""
    monkeypatch.setitem(app.config, "CAPTCHA_FIXED_ANSWER", None)
    texts = iter(["Ab3d", "Qx7k", "Mn5p", "Rt8w", "Hy2c"])
    monkeypatch.setattr(captcha, "random_text", lambda: next(texts))


def test_login_page_has_username_password_and_captcha_image(client):
    page = client.get("/login/").get_data(as_text=True)
    for label in ("用户名", "密码", "验证码", "上海市职工技协服务中心网上申报平台"):
        assert label in page
    assert 'id="captcha"' in page and "/login/captcha.png" in page
    image = client.get("/login/captcha.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG") and len(image.data) > 1000
    assert "no-store" in image.headers["Cache-Control"]


def test_captcha_answer_never_travels_in_the_cookie(app, client, real_captcha):
    client.get("/login/captcha.png")
    cookie = client.get_cookie("session").value
    data = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert set(data["captcha"]) == {"n", "t", "h"}
    assert "ab3d" not in cookie.lower() and "ab3d" not in str(data).lower()


def test_real_captcha_right_answer_in_any_case_logs_in(app, db, client, real_captcha):
    user = make_user()
    client.get("/login/captcha.png")
    assert outcome(login(client, user.username, captcha="aB3D")) == "ok"


def test_real_captcha_wrong_or_missing_answer_is_a_failed_attempt(app, db, client, real_captcha):
    user = make_user()
    client.get("/login/captcha.png")
    assert outcome(login(client, user.username, captcha="Zzzz")) == "invalid"
    # No challenge fetched at all: refused as well (the "TEST" answer only exists in TestConfig).
    assert outcome(login(client, user.username, captcha="TEST")) == "invalid"
    client.get("/login/captcha.png")
    assert outcome(login(client, user.username, captcha="")) == "invalid"
    assert reload(db, user).fail_login_count == 3
    details = [e.detail for e in db.session.query(SecurityEvent).filter_by(event="login_failed")]
    assert len(details) == 3 and all("验证码错误" in d for d in details)


def test_a_challenge_is_good_for_one_attempt_even_when_the_old_cookie_is_replayed(app, db, client, real_captcha):
    user = make_user()
    client.get("/login/captcha.png")
    solved = client.get_cookie("session").value  # the cookie holding the solved challenge
    assert outcome(login(client, user.username, captcha="Ab3d")) == "ok"
    client.post("/logout/", data={"csrf_token": csrf_token(client, "/logout/")})
    # A second attempt from a copy of the cookie that held the same (already used) challenge.
    replay = app.test_client()
    replay.set_cookie("session", solved)
    token = csrf_token(replay, "/login/")
    response = replay.post("/login/", data={"username": user.username, "password": PASSWORD, "captcha": "Ab3d",
                                             "csrf_token": token})
    assert outcome(response) == "invalid"


def test_every_failure_has_the_same_message_whether_or_not_the_name_exists(app, db, make_client):
    user = make_user()
    inactive = make_user()
    inactive.active = False
    db.session.commit()
    answers = {
        "wrong password": login(make_client(), user.username, "Wrong#Pass123"),
        "wrong captcha": login(make_client(), user.username, captcha="NOPE"),
        "unknown name": login(make_client(), "nobody-here", "Wrong#Pass123"),
        "deactivated": login(make_client(), inactive.username),
    }
    assert {name: outcome(r) for name, r in answers.items()} == dict.fromkeys(answers, "invalid")
    # The page keeps the name typed, never the password.
    page = answers["wrong password"].get_data(as_text=True)
    assert f'value="{user.username}"' in page and "Wrong#Pass123" not in page


def test_five_failures_lock_the_account_for_fifteen_minutes(app, db, make_client):
    user = make_user()
    client = make_client()
    results = [outcome(login(client, user.username, "Wrong#Pass123")) for _ in range(5)]
    assert results == ["invalid"] * 4 + ["locked"]
    locked_until = reload(db, user).locked_until
    assert timedelta(minutes=14) < locked_until - utcnow() <= timedelta(minutes=15)
    # The right password does not help while locked, from any client.
    assert outcome(login(make_client(), user.username)) == "locked"
    events = [e.event for e in db.session.query(SecurityEvent).order_by(SecurityEvent.id)]
    assert events.count("locked") == 1 and events.count("login_failed") == 6
    # When the lock has run out the right password works and the counter starts again.
    db.session.get(AppUser, user.id).locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outcome(login(make_client(), user.username)) == "ok"
    user = reload(db, user)
    assert user.fail_login_count == 0 and user.login_count == 1


def test_a_success_resets_the_counter(app, db, make_client):
    user = make_user()
    for _ in range(4):
        login(make_client(), user.username, "Wrong#Pass123")
    assert outcome(login(make_client(), user.username)) == "ok"
    assert reload(db, user).fail_login_count == 0
    assert outcome(login(make_client(), user.username, "Wrong#Pass123")) == "invalid"


def test_unknown_names_lock_exactly_like_existing_ones(app, db, make_client):
    user = make_user()
    existing = [outcome(login(make_client(), user.username, "Wrong#Pass123")) for _ in range(6)]
    unknown = [outcome(login(make_client(), "no-such-user", "Wrong#Pass123")) for _ in range(6)]
    assert existing == unknown == ["invalid"] * 4 + ["locked"] * 2


def test_every_refusal_does_the_same_work_whether_or_not_the_name_exists(app, db, make_client, monkeypatch):
    """Locked or not, known or unknown, deactivated, empty password or not: exactly one password-hash check
    per attempt (the costly work is compared, not the wall time)."""
    import app.accounts.login as security

    checks = []
    real_check = security.check_password_hash
    monkeypatch.setattr(security, "check_password_hash", lambda h, p: checks.append(1) or real_check(h, p))

    def work(username, password="Wrong#Pass123"):
        client = make_client()
        token = csrf_token(client, "/login/")
        checks.clear()
        response = client.post("/login/", data={"username": username, "password": password, "captcha": "TEST",
                                                "csrf_token": token})
        return outcome(response), len(checks)

    user = make_user(username="zhangsan")
    deactivated = make_user(username="lisi")
    deactivated.active = False
    db.session.commit()
    assert {name: work(name) for name in ("zhangsan", "no-such-user", "lisi")} == {
        "zhangsan": ("invalid", 1), "no-such-user": ("invalid", 1), "lisi": ("invalid", 1)}
    assert work("zhangsan", "") == work("no-such-user", "")  # the form refuses it before any lookup
    for _ in range(4):
        work("zhangsan")
        work("no-such-user")
    assert reload(db, user).locked_until is not None
    # Locked: the account's own hash is not looked at, a dummy one is, as for the locked unknown name.
    assert work("zhangsan") == work("no-such-user") == ("locked", 1)
    assert work("zhangsan", PASSWORD) == work("no-such-user", PASSWORD) == ("locked", 1)


def test_ten_parallel_wrong_attempts_lock_the_account_and_check_at_most_five_passwords(app, db, monkeypatch):
    import app.accounts.login as security

    user = make_user()
    checks = []
    real_check = security.check_password_hash

    def counting_check(pwhash, password):
        if pwhash == user_hash:
            checks.append(1)
        return real_check(pwhash, password)

    user_hash = user.password
    monkeypatch.setattr(security, "check_password_hash", counting_check)
    clients = [app.test_client() for _ in range(10)]
    tokens = [csrf_token(c, "/login/") for c in clients]
    barrier = threading.Barrier(10)
    results = [None] * 10

    def attempt(i):
        barrier.wait()
        results[i] = clients[i].post("/login/", data={"username": user.username, "password": f"Wrong#Pass{i}",
                                                      "captcha": "TEST", "csrf_token": tokens[i]})

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is not None and r.status_code == 200 for r in results)
    user = reload(db, user)
    assert user.fail_login_count == 10  # every attempt counted: no lost update
    assert user.locked_until is not None and user.locked_until > utcnow()
    assert len(checks) <= 5
    assert sorted(outcome(r) for r in results).count("locked") >= 5
    assert outcome(login(app.test_client(), user.username)) == "locked"


def test_the_json_login_of_fab_is_not_offered(app, db, client):
    user = make_user()
    response = client.post("/api/v1/security/login", json={"username": user.username, "password": PASSWORD,
                                                            "provider": "db", "refresh": True})
    assert response.status_code == 404
    assert "access_token" not in response.get_data(as_text=True)


def test_fab_database_login_entry_point_obeys_the_lock(app, db, make_client):
    from app.extensions import appbuilder

    user = make_user()
    for _ in range(5):
        login(make_client(), user.username, "Wrong#Pass123")
    with app.test_request_context("/"):
        assert appbuilder.sm.auth_user_db(user.username, PASSWORD) is None
    with app.test_request_context("/"):
        other = make_user()
        assert appbuilder.sm.auth_user_db(other.username, PASSWORD).id == other.id


def test_login_posts_are_rate_limited_per_address_with_a_chinese_page(app, db, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    token = csrf_token(client, "/login/")
    statuses = [client.post("/login/", data={"username": "x", "password": "y", "captcha": "TEST",
                                             "csrf_token": token}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    page = client.post("/login/", data={"username": "x", "password": "y", "csrf_token": token})
    assert page.status_code == 429 and "操作过于频繁" in page.get_data(as_text=True)
    assert client.get("/login/").status_code == 200  # only the POST is limited
    other = app.test_client()
    other.environ_base = {"REMOTE_ADDR": "10.0.0.7"}
    assert other.post("/login/", data={"username": "x", "password": "y", "captcha": "TEST",
                                       "csrf_token": csrf_token(other, "/login/")}).status_code == 200


def test_successful_login_starts_a_fresh_session_and_goes_only_to_local_pages(app, db, client):
    user = make_user()
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    token = csrf_token(client, "/login/")
    response = client.post("/login/?next=https://evil.example/x", data={
        "username": user.username, "password": PASSWORD, "captcha": "TEST", "csrf_token": token})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
    with client.session_transaction() as s:
        assert "planted" not in s and s["epoch"] == user.session_epoch
    event = db.session.query(SecurityEvent).filter_by(event="login").one()
    assert event.user_id == user.id and event.success and event.address == "127.0.0.1"
    assert event.organisation_id == user.organisation_id
    assert outcome(login(app.test_client(), user.username.upper())) == "ok"  # names are case-insensitive


def test_already_signed_in_user_is_sent_on(app, db, login_as):
    client = login_as(make_user(roles.DISTRICT_ADMIN))
    assert client.get("/login/").status_code == 302
