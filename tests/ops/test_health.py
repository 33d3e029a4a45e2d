"""/healthz and /readyz: no login, nothing personal, 503 with the failing check named."""
from sqlalchemy import text

from app.ops import health


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "正常", "migrations": "正常", "queue": "正常"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_refuses_a_database_behind_the_migrations(app, client, db):
    with db.engine.begin() as conn:
        (revision,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "flask db upgrade" in response.get_json()["checks"]["migrations"]
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})


def test_readyz_reports_an_unreachable_database(app, client, monkeypatch):
    class Broken:
        def connect(self):
            raise OSError("connection refused")

    monkeypatch.setattr(health, "db", type("D", (), {"engine": Broken()})())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "数据库无法连接"


def test_readyz_reports_an_unreachable_queue(app, client, monkeypatch):
    from huey.storage import RedisStorage

    unreachable = RedisStorage(name="jishi-ops-test", url="redis://127.0.0.1:1/0")
    monkeypatch.setattr(health.huey, "storage", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["queue"] == "任务队列无法连接"
