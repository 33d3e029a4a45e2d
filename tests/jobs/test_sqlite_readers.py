"""The embedded SQLite database in WAL mode: while the queue's consumer streams a long export (an open read
transaction), a web request's write commits at once instead of waiting for the export to end."""
import pytest
from sqlalchemy import text

from app.extensions import db as _db
from tests.factories import make_org


def test_a_write_commits_while_an_export_is_reading(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    for n in range(30):
        make_org(name=f"测试工会{n}")
    with db.engine.connect() as reader, db.engine.connect() as writer:
        assert reader.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        rows = reader.execute(text("SELECT id FROM organisations"))  # a read transaction, still open
        rows.fetchone()
        writer.execute(text("PRAGMA busy_timeout = 0"))  # a lock would fail at once, not wait
        writer.execute(text("UPDATE organisations SET name = name || '（改）' WHERE id = (SELECT MIN(id) FROM organisations)"))
        writer.commit()
        assert rows.fetchone() is not None
    _db.session.remove()
