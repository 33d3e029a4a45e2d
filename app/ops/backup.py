"""`flask backup` and `flask restore ARCHIVE`.

A backup is one file: a gzip-compressed tar of the database (SQLite through its online backup API, PostgreSQL
through ``pg_dump --format=custom`` on an exported snapshot), the upload folder and a manifest (row count of
every table read in the same snapshot, SHA-256 of every uploaded file), encrypted with AES-256-GCM under
``BACKUP_KEY`` in 1 MiB chunks (each chunk authenticated with its number and whether it is the last, so a
changed, reordered or cut file is refused).

Restoring rebuilds a fresh instance (an empty database and an empty upload folder) and checks the row counts
and the file hashes against the manifest, and every attachment row against its file.
"""
import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.clock import utcnow
from app.security import sealed

MAGIC = b"JISHIBK1"
MANIFEST = "manifest.json"
BACKUP_ERRORS = {"format": "不是本系统的备份文件", "truncated": "备份文件不完整（被截断）",
                 "tampered": "备份文件校验失败：密钥不对，或文件已被修改、截断"}


class BackupError(RuntimeError):
    """A backup or restore refused, with a Chinese message."""


# -- the key and the encrypted container --------------------------------------------------------------

def backup_key(config):
    """BACKUP_KEY (32 bytes, base64url) from the environment; outside production generated once into instance/."""
    value = os.environ.get("BACKUP_KEY") or config.get("BACKUP_KEY")
    if not value:
        if config.get("APP_ENV") == "production":
            raise BackupError("APP_ENV=production 时必须通过环境变量 BACKUP_KEY 提供备份加密密钥")
        path = Path(config.get("INSTANCE_DIR", ".")) / "backup_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))
            path.chmod(0o600)
        value = path.read_text().strip()
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if len(raw) != 32:
        raise BackupError("BACKUP_KEY 必须是 32 字节密钥的 base64url 编码")
    return raw


def encrypt_file(source, target, key):
    with open(source, "rb") as plain, open(target, "wb") as out:
        sealed.seal_stream(plain, out, key, MAGIC)


def decrypt_file(source, target, key):
    try:
        with open(source, "rb") as sealed_file, open(target, "wb") as out:
            sealed.unseal_stream(sealed_file, out, key, MAGIC)
    except sealed.SealedFileError as exc:
        raise BackupError(BACKUP_ERRORS[exc.reason]) from None


# -- database ------------------------------------------------------------------------------------------

def _pg_url(url):
    """A libpq URI (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url):
    return make_url(url).database


def dump_database(url, folder):
    """Write the database into ``folder``; returns (file name, {table: rows}) read from the same snapshot."""
    if url.startswith("sqlite"):
        target = folder / "database.sqlite3"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        with sqlite3.connect(target) as copy:
            tables = [r[0] for r in copy.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            counts = {t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        return target.name, counts
    target = folder / "database.pgdump"
    with psycopg.connect(_pg_url(url)) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        counts = {t: conn.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0] for t in tables}
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                                 "-f", str(target), "-d", _pg_url(url)], capture_output=True, text=True,
                                check=False)
        conn.rollback()
    if result.returncode:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()[:500]}")
    return target.name, counts


def database_is_empty(url):
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def load_database(dump, url):
    if url.startswith("sqlite"):
        path = Path(_sqlite_path(url))
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(dump) as source, sqlite3.connect(path) as target:
            source.backup(target)
        return
    result = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", _pg_url(url), str(dump)],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()[:500]}")


def count_rows(url, tables):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}
    finally:
        engine.dispose()


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# -- the two commands ----------------------------------------------------------------------------------

def make_backup(database_url, upload_dir, output_dir, key):
    """Write an encrypted backup into ``output_dir``; returns (path, manifest)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="jishi_backup_") as work:
        work = Path(work)
        # The database first: any file it names was written before (uploads are written, then recorded).
        dump_name, counts = dump_database(database_url, work)
        files = {}
        uploads = Path(upload_dir)
        if uploads.is_dir():
            for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
                files[path.relative_to(uploads).as_posix()] = _sha256(path)
        manifest = {"format": 1, "created_at": stamp, "dialect": database_url.split(":")[0].split("+")[0],
                    "database": dump_name, "tables": counts, "files": files}
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        plain = work / "backup.tar.gz"
        with tarfile.open(plain, "w:gz") as tar:
            tar.add(work / MANIFEST, MANIFEST)
            tar.add(work / dump_name, dump_name)
            for name in files:
                tar.add(uploads / name, f"uploads/{name}")
        target = output_dir / f"jishi_backup_{stamp}.jsbak"
        encrypt_file(plain, target, key)
        target.chmod(0o600)
    return target, manifest


def restore_backup(archive, database_url, upload_dir, key):
    """Rebuild a fresh instance from ``archive``; returns the manifest after every check passed."""
    uploads = Path(upload_dir)
    if not database_is_empty(database_url):
        raise BackupError("目标数据库不是空的：请恢复到新建的空数据库")
    if uploads.is_dir() and any(uploads.iterdir()):
        raise BackupError(f"上传文件目录 {uploads} 不是空的：请恢复到新的空目录")
    with tempfile.TemporaryDirectory(prefix="jishi_restore_") as work:
        work = Path(work)
        plain = work / "backup.tar.gz"
        decrypt_file(archive, plain, key)
        with tarfile.open(plain, "r:gz") as tar:
            tar.extractall(work / "x", filter="data")
        manifest = json.loads((work / "x" / MANIFEST).read_text())
        load_database(work / "x" / manifest["database"], database_url)
        for name, digest in manifest["files"].items():
            source = work / "x" / "uploads" / name
            target = uploads / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    check_restored(manifest, database_url, uploads)
    return manifest


def check_restored(manifest, database_url, uploads):
    problems = []
    counts = count_rows(database_url, manifest["tables"])
    for table, expected in manifest["tables"].items():
        if counts[table] != expected:
            problems.append(f"表 {table}：应有 {expected} 行，恢复后 {counts[table]} 行")
    for name, digest in manifest["files"].items():
        path = uploads / name
        if not path.is_file() or _sha256(path) != digest:
            problems.append(f"文件 {name} 缺失或内容不符")
    if "attachments" in manifest["tables"]:
        engine = create_engine(database_url)
        try:
            with engine.connect() as conn:
                for stored, digest in conn.execute(text("SELECT stored_name, sha256 FROM attachments")):
                    path = uploads / stored
                    # Scans are encrypted at rest: the row's digest is of the clear content (same DATA_KEYS).
                    if not path.is_file() or sealed.sha256_of(path) != digest:
                        problems.append(f"附件 {stored} 缺失或内容与登记的摘要不符")
        finally:
            engine.dispose()
    if problems:
        raise BackupError("恢复后的检查未通过：\n" + "\n".join(problems[:50]))
