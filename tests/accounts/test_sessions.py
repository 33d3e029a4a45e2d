"""Sessions: idle timeout, the epoch (logout, password change, reset and deactivation end every session),
logout by POST only, cookie flags, CSRF on state-changing requests, no-store on personal pages."""
import pytest

from app.accounts import roles
from app.accounts.models import AppUser, SecurityEvent
from app.accounts.sessions import LAST_SEEN_KEY
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_org, make_user


def signed_in(client):
    # A page only a signed-in user reaches (the home page greets visitors too).
    return client.get("/account/password").status_code == 200


def sent_to_login(response):
    return response.status_code == 302 and "/login/" in response.headers["Location"]


@pytest.mark.parametrize("idle_minutes, still_in", [(29, True), (31, False)])
def test_idle_sessions_end_after_thirty_minutes(app, db, login_as, idle_minutes, still_in):
    client = login_as(make_user())
    with client.session_transaction() as s:
        s[LAST_SEEN_KEY] -= idle_minutes * 60
    assert signed_in(client) is still_in
    if not still_in:
        assert "长时间未操作" in client.get("/login/").get_data(as_text=True)
        assert not signed_in(client)


def test_activity_keeps_the_session_alive(app, db, login_as, monkeypatch):
    import app.accounts.sessions as sessions

    client = login_as(make_user())
    start = sessions.now_ts()
    for minutes in (20, 40, 60):  # a request every 20 minutes: never idle for 30
        monkeypatch.setattr(sessions, "now_ts", lambda m=minutes: start + m * 60)
        assert signed_in(client)
    monkeypatch.setattr(sessions, "now_ts", lambda: start + 60 * 60 + 31 * 60)
    assert not signed_in(client)


def test_a_session_without_last_seen_or_with_an_old_epoch_is_ended(app, db, login_as):
    user = make_user()
    client = login_as(user)
    with client.session_transaction() as s:
        del s[LAST_SEEN_KEY]
    assert not signed_in(client)
    client = login_as(user)
    with client.session_transaction() as s:
        s["epoch"] = s["epoch"] - 1
    assert not signed_in(client)


def test_logout_is_a_post_with_csrf_token_and_ends_every_session_of_the_account(app, db, login_as):
    user = make_user()
    here, elsewhere = login_as(user), login_as(user)
    # GET only asks for confirmation: nothing changes.
    page = here.get("/logout/")
    assert page.status_code == 200 and "确定退出" in page.get_data(as_text=True)
    assert signed_in(here) and signed_in(elsewhere)
    # POST without the token is refused.
    assert here.post("/logout/").status_code == 400
    assert signed_in(here)
    response = here.post("/logout/", data={"csrf_token": csrf_token(here, "/logout/")})
    assert sent_to_login(response)
    assert not signed_in(here)
    assert not signed_in(elsewhere)
    assert db.session.query(SecurityEvent).filter_by(event="logout", user_id=user.id).count() == 1
    # Logging in again works.
    assert signed_in(login_as(user))


def test_the_navbar_logs_out_with_a_post_form(app, db, login_as):
    page = login_as(make_user()).get("/").get_data(as_text=True)
    form = page.split('id="logout-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in page.split('id="logout-form"', 1)[0][-200:] and 'name="csrf_token"' in form


def test_password_change_ends_the_other_sessions_but_not_this_one(app, db, login_as):
    user = make_user()
    here, elsewhere = login_as(user), login_as(user)
    token = csrf_token(here, "/account/password")
    response = here.post("/account/password", data={"csrf_token": token, "old_password": PASSWORD,
                                                     "new_password": "Vb6$kLm2Qz", "confirm_password": "Vb6$kLm2Qz"})
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_reset_and_deactivation_end_the_users_sessions(app, db, login_as):
    district = make_user(roles.DISTRICT_ADMIN)
    admin = login_as(district)
    clerk = make_user(org=make_org())
    clerk_client = login_as(clerk)
    token = csrf_token(admin, f"/user-management/show/{clerk.id}")
    assert admin.post(f"/user-management/action/resetpassword/{clerk.id}",
                      data={"csrf_token": token}).status_code == 200
    assert not signed_in(clerk_client)
    assert login(app.test_client(), clerk.username).status_code == 200  # the old password no longer works
    other = make_user(org=clerk.organisation)
    other_client = login_as(other)
    assert admin.post(f"/user-management/delete/{other.id}", data={"csrf_token": token}).status_code == 302
    assert not signed_in(other_client)
    db.session.expire_all()
    assert not db.session.get(AppUser, other.id).active


def test_session_cookie_is_httponly_and_samesite(app, db, client):
    user = make_user()
    response = login(client, user.username)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production, where Config sets SESSION_COOKIE_SECURE


def test_production_cookie_is_secure(tmp_path, monkeypatch):
    from config import Config

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATA_KEYS", "k1:" + "A" * 43)
    monkeypatch.setenv("DATA_LOOKUP_KEY", "B" * 43)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    config = Config()
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == "Lax"


def test_login_without_csrf_token_is_refused_and_not_counted(app, db, client):
    user = make_user()
    client.get("/login/")
    response = client.post("/login/", data={"username": user.username, "password": PASSWORD, "captcha": "TEST"})
    assert response.status_code == 400 and "请求无效或页面已过期" in response.get_data(as_text=True)
    assert not signed_in(client)
    db.session.expire_all()
    assert not db.session.get(AppUser, user.id).fail_login_count


def test_user_add_without_csrf_token_is_refused(app, db, login_as):
    admin = login_as(make_user(roles.DISTRICT_ADMIN))
    unit = make_org()
    response = admin.post("/user-management/add", data={
        "username": "nocsrf001", "password": "Gh5#tRw9Lp", "conf_password": "Gh5#tRw9Lp", "real_name": "王五",
        "mobile": "13011112222", "organisation": str(unit.id)})
    assert response.status_code == 400
    assert db.session.query(AppUser).filter_by(username="nocsrf001").count() == 0


def test_fab_delete_and_actions_need_a_post_with_token(app, db, login_as):
    district = make_user(roles.DISTRICT_ADMIN)
    admin = login_as(district)
    clerk = make_user(org=make_org())
    # POST without token: refused.
    assert admin.post(f"/user-management/delete/{clerk.id}").status_code == 400
    # GET delete and GET action: refused by the routes or by FAB, nothing changes.
    assert admin.get(f"/user-management/delete/{clerk.id}").status_code in (302, 405)
    assert admin.get(f"/user-management/action/resetpassword/{clerk.id}").status_code in (302, 405)
    db.session.expire_all()
    kept = db.session.get(AppUser, clerk.id)
    assert kept.active and not kept.must_change_password
    # The organisation view too (a plain FAB ModelView of the system admin).
    sysadmin = login_as(make_user(roles.SYSTEM_ADMIN))
    unit = make_org()
    assert sysadmin.get(f"/organisationmodelview/action/deactivate/{unit.id}").status_code in (302, 405)
    assert sysadmin.get(f"/city-accounts/delete/{clerk.id}").status_code == 302  # FAB: no GET mutation with CSRF on
    assert sysadmin.get(f"/city-accounts/action/resetpassword/{clerk.id}").status_code == 405
    assert sysadmin.post("/organisationmodelview/action_post",
                         data={"action": "deactivate", "rowid": str(unit.id)}).status_code == 400
    db.session.expire_all()
    assert db.session.get(type(unit), unit.id).active
    kept = db.session.get(AppUser, clerk.id)
    assert kept.active and not kept.must_change_password


def test_pages_with_personal_data_are_never_cached(app, db, login_as):
    admin = login_as(make_user(roles.DISTRICT_ADMIN))
    clerk = make_user(org=make_org(), id_number="310109198309073016", mobile="13166295000")
    for path in (f"/user-management/show/{clerk.id}", "/user-management/list/", "/"):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert "no-store" in admin.application.test_client().get("/login/").headers["Cache-Control"]
