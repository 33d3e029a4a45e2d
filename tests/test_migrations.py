"""The migrations alone build the schema, and it agrees with the models (no pending autogenerate diff)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.models import metadata
from config import BASE_DIR


def test_single_head():
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(BASE_DIR / "migrations"))
    assert len(ScriptDirectory.from_config(cfg).get_heads()) == 1


def test_no_pending_autogenerate_diff(app, db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == [], diff


def test_every_model_table_exists_and_partial_unique_indexes_are_built(app, db):
    inspector = inspect(db.engine)
    assert set(metadata.tables) <= set(inspector.get_table_names())
    unique = {ix["name"] for ix in inspector.get_indexes("applications") if ix["unique"]}
    assert {"uq_applications_live_person_level", "uq_applications_live_certificate"} <= unique
