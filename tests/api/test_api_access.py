"""Who may call the API: personal tokens only (not a browser's cookie, not FAB's JSON login), live ones only,
each rate-limited; the OpenAPI document and the Swagger page."""
from datetime import timedelta

from flask_appbuilder.security.sqla.models import ApiKey

from app.accounts import tokens
from app.accounts.models import SecurityEvent
from app.clock import utcnow
from tests.api.conftest import make_token
from tests.factories import PASSWORD


def test_no_token_no_access_and_a_signed_in_browser_is_not_enough(app, db, world, login_as):
    anonymous = app.test_client()
    response = anonymous.get("/api/v1/applications/")
    assert response.status_code == 401
    assert "API令牌" in response.get_json()["message"]
    browser = login_as(world.baoshan_admin)
    assert browser.get("/api/v1/applications/").status_code == 401
    application = world.app()
    assert browser.post(f"/api/v1/applications/{application.id}/transitions/approve_by_district",
                        json={"version": 1}).status_code == 401


def test_revoked_and_expired_tokens_are_refused(app, db, world, api, login_as):
    raw = make_token(world.baoshan_admin)
    assert api(raw).get("/api/v1/campaigns/").status_code == 200
    token = db.session.scalar(db.select(ApiKey).where(ApiKey.user_id == world.baoshan_admin.id))
    page = login_as(world.baoshan_admin)
    html = page.get("/api-tokens/").get_data(as_text=True)
    assert "测试脚本" in html and "有效" in html and raw not in html
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    assert page.post(f"/api-tokens/{token.id}/revoke", data={"csrf_token": csrf}).status_code == 302
    refused = api(raw).get("/api/v1/campaigns/")
    assert refused.status_code == 401 and refused.get_json()["message"] == "API令牌无效、已过期或已撤销"
    assert "已撤销" in page.get("/api-tokens/").get_data(as_text=True)

    expiring = make_token(world.baoshan_admin, "临时")
    row = db.session.scalar(db.select(ApiKey).where(ApiKey.name == "临时"))
    row.expires_on = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert api(expiring).get("/api/v1/campaigns/").status_code == 401
    assert api("jst_" + "x" * 43).get("/api/v1/campaigns/").status_code == 401
    assert api("not-a-token").get("/api/v1/campaigns/").status_code == 401


def test_a_deactivated_user_s_token_stops_working(app, db, world, api):
    raw = make_token(world.baoshan_admin)
    world.baoshan_admin.active = False
    db.session.commit()
    assert api(raw).get("/api/v1/campaigns/").status_code == 401


def test_the_token_page_shows_a_new_token_once_and_stores_only_hashes(app, db, world, login_as):
    page = login_as(world.hongkou_clerk)
    html = page.get("/api-tokens/").get_data(as_text=True)
    csrf = html.split('name="csrf_token" value="')[1].split('"')[0]
    refused = page.post("/api-tokens/", data={"csrf_token": csrf, "name": "", "days": "90"})
    assert refused.status_code == 422 and "请填写令牌名称" in refused.get_data(as_text=True)
    created = page.post("/api-tokens/", data={"csrf_token": csrf, "name": "人事系统", "days": "30"})
    assert created.status_code == 201
    raw = created.get_data(as_text=True).split('id="new-token-value">')[1].split("<")[0]
    assert raw.startswith("jst_")
    assert raw not in page.get("/api-tokens/").get_data(as_text=True)
    row = db.session.scalar(db.select(ApiKey).where(ApiKey.name == "人事系统"))
    assert raw not in (row.key_hash, row.lookup_hash) and row.lookup_hash == tokens.lookup_hash(raw)
    assert timedelta(days=29) < row.expires_on - utcnow() <= timedelta(days=30)
    events = db.session.scalars(db.select(SecurityEvent.event).where(SecurityEvent.user_id == world.hongkou_clerk.id))
    assert "api_token_created" in list(events)
    # Nobody revokes another user's token.
    other = login_as(world.baoshan_clerk)
    csrf2 = other.get("/api-tokens/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    other.post(f"/api-tokens/{row.id}/revoke", data={"csrf_token": csrf2})
    db.session.expire_all()
    assert db.session.get(ApiKey, row.id).revoked_on is None


def test_last_use_is_shown(app, db, world, api, login_as):
    raw = make_token(world.baoshan_admin)
    assert "从未使用" in login_as(world.baoshan_admin).get("/api-tokens/").get_data(as_text=True)
    api(raw).get("/api/v1/campaigns/")
    db.session.expire_all()
    assert db.session.scalar(db.select(ApiKey.last_used_on)) is not None
    assert "从未使用" not in login_as(world.baoshan_admin).get("/api-tokens/").get_data(as_text=True)


def test_each_token_is_rate_limited_on_its_own(app, db, world, api):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = api(make_token(world.baoshan_admin, "一")), api(make_token(world.baoshan_admin, "二"))
        assert [first.get("/api/v1/campaigns/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert first.get("/api/v1/campaigns/").get_json()["message"] == "请求过于频繁，请稍后再试"
        assert second.get("/api/v1/campaigns/").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"


def test_fab_json_login_stays_closed(app, db, world):
    client = app.test_client()
    response = client.post("/api/v1/security/login", json={"username": world.baoshan_admin.username,
                                                            "password": PASSWORD, "provider": "db"})
    assert response.status_code == 404 and "access_token" not in response.get_data(as_text=True)
    # Nor does a JWT-looking bearer value open anything.
    jwt_like = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}
    assert client.get("/api/v1/applications/", headers=jwt_like).status_code == 401


def test_openapi_document_for_tokens_and_signed_in_users_and_the_swagger_page(app, db, world, api, login_as):
    assert app.test_client().get("/api/v1/_openapi").status_code == 401
    document = api(make_token(world.baoshan_clerk)).get("/api/v1/_openapi").get_json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert {"/api/v1/applications/", "/api/v1/applications/{pk}", "/api/v1/applications/{pk}/transitions/{name}",
            "/api/v1/campaigns/", "/api/v1/batches/{pk}", "/api/v1/requests/", "/api/v1/stats/summary"} <= set(paths)
    assert document["components"]["securitySchemes"]["api_token"]["scheme"] == "bearer"
    browser = login_as(world.baoshan_clerk)
    assert browser.get("/api/v1/_openapi").status_code == 200
    swagger = browser.get("/swagger/")
    assert swagger.status_code == 200
    html = swagger.get_data(as_text=True)
    assert "swagger-ui-bundle.js" in html and "swagger-init.js" in html and "<script>" not in html
    assert "https://" not in html.split('id="swagger-ui"')[1]
    anonymous = app.test_client().get("/swagger/")
    assert anonymous.status_code == 302
