"""`flask backup` / `flask restore`: a database with applications in every state, attachments and audit
records round-trips into a fresh instance with nothing lost; a changed or cut archive, a wrong key and a
non-empty target are refused."""
import io
import os
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from app.accounts.events import record_event
from app.applications.attachments import store_upload
from app.ops.backup import BackupError, make_backup, restore_backup
from app.review.services import record_creation
from app.review.states import State
from app.security.personal import new_key
from tests.factories import make_application, make_user

KEY = os.urandom(32)


def pdf(n):
    return io.BytesIO(b"%PDF-1.4\n" + f"scan {n}\n".encode() * 50 + b"%%EOF\n")


def build_world(db):
    clerk = make_user()
    apps = [make_application(clerk, state=state, scans=False) for state in State]
    for item in apps:
        record_creation(item, clerk)
    for n, item in enumerate(apps[:3]):
        attachment = store_upload(clerk, "id_copy", f"身份证{n}.pdf", pdf(n))
        attachment.application_id = item.id
    record_event("login", user=clerk)
    db.session.commit()
    return apps


def table_rows(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{t}"')).all()))
                    for t in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


@pytest.fixture
def fresh_target(app, tmp_path):
    """An empty database of the same kind as the test database, and an empty upload folder."""
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    if source.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}", tmp_path / "restored_uploads"
        return
    base = source.rsplit("/", 1)[0].replace("+psycopg", "")
    name = "jishi_ops_restore_t"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield source.rsplit("/", 1)[0] + f"/{name}", tmp_path / "restored_uploads"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_round_trip_into_a_fresh_instance(app, db, tmp_path, fresh_target):
    apps = build_world(db)
    assert {a.state for a in apps} == {s.value for s in State}
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    uploads = Path(app.config["UPLOAD_DIR"])
    before = table_rows(source)
    archive, manifest = make_backup(source, uploads, tmp_path / "out", KEY)
    assert manifest["tables"]["applications"] == len(apps) and manifest["tables"]["attachments"] == 3
    assert len(manifest["files"]) >= 3
    # Encrypted: nothing readable in the archive.
    blob = archive.read_bytes()
    assert apps[0].name.encode() not in blob and b"manifest" not in blob and b"%PDF" not in blob

    target_url, target_uploads = fresh_target
    restored = restore_backup(archive, target_url, target_uploads, KEY)
    assert restored["tables"] == manifest["tables"]
    assert table_rows(target_url) == before
    for name in manifest["files"]:
        assert (target_uploads / name).read_bytes() == (uploads / name).read_bytes()

    # A second restore onto the now full instance is refused.
    with pytest.raises(BackupError, match="不是空的"):
        restore_backup(archive, target_url, tmp_path / "other", KEY)


def test_tampered_cut_or_wrong_key_archives_are_refused(app, db, tmp_path):
    build_world(db)
    archive, _manifest = make_backup(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_DIR"],
                                     tmp_path / "out", KEY)
    data = archive.read_bytes()
    changed = tmp_path / "changed.jsbak"
    changed.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    cut = tmp_path / "cut.jsbak"
    cut.write_bytes(data[: len(data) // 2])
    for bad, key in ((changed, KEY), (cut, KEY), (archive, os.urandom(32))):
        with pytest.raises(BackupError):
            restore_backup(bad, f"sqlite:///{tmp_path / (bad.stem + '.db')}", tmp_path / f"u_{bad.stem}", key)


def test_the_commands(app, db, tmp_path, monkeypatch):
    build_world(db)
    monkeypatch.setenv("BACKUP_KEY", new_key())
    runner = CliRunner()
    result = runner.invoke(app.cli, ["backup", "--output", str(tmp_path / "b")], catch_exceptions=False)
    assert "已备份" in result.output, result.output
    (archive,) = (tmp_path / "b").glob("*.jsbak")
    # Restoring onto the running (non-empty) instance is refused with a Chinese message.
    result = runner.invoke(app.cli, ["restore", str(archive)])
    assert result.exit_code != 0 and "不是空的" in result.output
