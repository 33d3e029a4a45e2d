"""Uploads waiting for the job that reads them (a large register, a workbook and its zip of scans).

The request copies the upload to a private file under ``UPLOAD_DIR/jobs/`` (shared by every web worker and
consumer) in chunks, never holding it in memory, encrypted at rest like every file with personal data
(app/security/sealed.py), and passes the job a token; only the user who uploaded it
gets the file back. The job deletes its uploads when it is over (finished or failed: ``ctx.at_end``), never
when it is interrupted, since it runs again; files older than ``KEEP_SECONDS`` (a job that
never ran) go at the next upload.
"""
import re
import secrets
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from app.security import sealed

#: How long an upload waits for its job at most.
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^(\d{1,12})-[A-Za-z0-9_-]{16,40}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


def folder():
    path = Path(current_app.config["UPLOAD_DIR"]) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _purge_old(directory):
    cutoff = time.time() - KEEP_SECONDS
    for old in directory.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def keep_upload(user, source, suffix):
    """Copy ``source`` (bytes or a binary stream) to a new private file of ``user``; returns its token."""
    if not _SUFFIX.match(suffix):
        raise ValueError(suffix)
    directory = folder()
    _purge_old(directory)
    token = f"{user.id}-{secrets.token_urlsafe(18)}"
    path = directory / f"{token}{suffix}"
    with sealed.open_writer(path, 0o600) as target:
        if isinstance(source, (bytes, bytearray)):
            target.write(source)
        else:
            shutil.copyfileobj(source, target, 1024 * 1024)
    return f"{token}{suffix}"


def upload_path(user, token):
    """The kept upload ``token`` if ``user`` made it and it is still there, else None."""
    stem, dot, suffix = (token or "").partition(".")
    match = _TOKEN.match(stem)
    if not match or int(match[1]) != user.id or not _SUFFIX.match(dot + suffix):
        return None
    path = folder() / f"{stem}.{suffix}"
    return path if path.is_file() else None


def discard_upload(user, token):
    path = upload_path(user, token)
    if path is not None:
        path.unlink(missing_ok=True)


#: A kept upload read back for a reader that must seek (a zip archive) stays in memory up to this size.
SPOOL_BYTES = 64 * 1024 * 1024


@contextmanager
def seekable(path):
    """The clear content of the kept upload at ``path`` as a seekable file (zip archives must seek): in memory
    up to SPOOL_BYTES, beyond that in an unnamed temporary file that is gone when the job closes it."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
        with sealed.open_reader(path) as reader:
            shutil.copyfileobj(reader, copy, 1024 * 1024)
        copy.seek(0)
        yield copy
