"""`/healthz` (the process answers) and `/readyz` (the database answers, its schema is at the newest
migration, the job queue answers), for the reverse proxy and the orchestrator.

Neither needs a login nor shows anything personal: only "ok" or a short Chinese reason per check.
"""
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db, limiter
from app.jobs.queue import huey
from app.ocr import engine as ocr_engine
from config import BASE_DIR

health = Blueprint("health", __name__)

def migration_heads():
    """The head revisions of the migrations shipped with this code (read once per process)."""
    heads = current_app.extensions.get("ops_migration_heads")
    if heads is None:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(BASE_DIR / "migrations"))
        heads = frozenset(ScriptDirectory.from_config(cfg).get_heads())
        current_app.extensions["ops_migration_heads"] = heads
    return heads


def check_database():
    """(database reachable, schema at head): two checks from one connection."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revisions = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return "数据库无法连接", "未知"
    if revisions != migration_heads():
        return "正常", "数据库结构不是最新版本，请执行 flask db upgrade"
    return "正常", "正常"


def check_queue():
    """The job queue's storage answers (app/jobs/queue.py: Redis with REDIS_URL, else its SQLite file)."""
    try:
        huey.pending_count()
    except Exception:  # noqa: BLE001
        return "任务队列无法连接"
    return "正常"


@health.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify(status="ok")


@health.get("/readyz")
@limiter.exempt
def readyz():
    database, migrations = check_database()
    checks = {"database": database, "migrations": migrations, "queue": check_queue()}
    ready = all(value == "正常" for value in checks.values())
    # Information, not readiness: the platform runs without scan reading (app/ocr).
    on, reason = ocr_engine.status()
    response = jsonify(status="ok" if ready else "unavailable", checks=checks,
                       info={"ocr": "正常" if on else reason})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def register_health(app):
    app.register_blueprint(health)
