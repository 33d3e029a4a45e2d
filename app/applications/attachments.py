"""Attachment scans: recognised by their content, size-limited, stored on disk under random names.

The database row (Attachment) keeps who uploaded it, for which organisation and (once submitted) for
which application; the bytes live only under UPLOAD_DIR. Nothing here trusts the file name or the
content type the browser sent.
"""
import hashlib
import io
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from app.applications.models import Attachment
from app.clock import utcnow
from app.extensions import db
from app.reference import data

ID_COPY, CERTIFICATE_COPY, CARD_COPY, HR_FORM = "id_copy", "certificate_copy", "card_copy", "hr_form"
#: Attachment kinds in the order of the notice, with their Chinese titles.
KIND_TITLES = {
    ID_COPY: "身份证复印件",
    CERTIFICATE_COPY: "等级证书复印件",
    CARD_COPY: "工会会员服务卡或银行卡复印件",
    HR_FORM: "经基层单位人力资源部门审核盖章的申请表",
}
KINDS = tuple(KIND_TITLES)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
#: Days an upload that never became part of an application is kept (a refused form may be resent).
ORPHAN_DAYS = 2


def required_kinds(variant):
    """The scans an application of this variant must carry."""
    kinds = [ID_COPY, CERTIFICATE_COPY, CARD_COPY]
    if variant == data.VARIANT_INDUSTRY:
        kinds.append(HR_FORM)
    return kinds


class UploadRefused(ValueError):
    """The file is not accepted; the message is for the user."""


@dataclass
class Detected:
    content_type: str
    extension: str


def max_bytes():
    return int(current_app.config.get("MAX_UPLOAD_BYTES", 5 * 1024 * 1024))


def _size_text(size):
    mb = size / (1024 * 1024)
    return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"


def detect(content):
    """The type of ``content`` by its bytes: PDF, PNG or JPEG, or UploadRefused."""
    if not content:
        raise UploadRefused("文件是空的，请重新选择")
    if content.startswith(b"%PDF-"):
        # A complete PDF ends with %%EOF (scanners may add a few bytes after it).
        if b"%%EOF" not in content[-2048:]:
            raise UploadRefused("PDF文件不完整或已损坏，请重新扫描后上传")
        return Detected(PDF, EXTENSIONS[PDF])
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        expected = "PNG"
    elif content.startswith(b"\xff\xd8\xff"):
        expected = "JPEG"
    else:
        raise UploadRefused("只能上传PDF、JPG或PNG格式的扫描件或照片（按文件内容识别，与文件名无关）")
    try:
        with Image.open(io.BytesIO(content)) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused("图片文件已损坏或无法识别，请重新扫描后上传") from None
    if fmt != expected:
        raise UploadRefused("图片文件已损坏或无法识别，请重新扫描后上传")
    content_type = PNG if fmt == "PNG" else JPEG
    return Detected(content_type, EXTENSIONS[content_type])


def clean_filename(name):
    """The name the user's file had, without any path, control characters or excess length."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[-200:] or "附件"


def upload_dir():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(attachment):
    return upload_dir() / attachment.stored_name


def read_limited(stream):
    """Read at most MAX_UPLOAD_BYTES (+1 to tell that it was longer) from an upload stream."""
    limit = max_bytes()
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(f"文件不能超过{_size_text(limit)}，请压缩或降低扫描分辨率后重新上传")
    return content


def store_upload(user, kind, filename, stream):
    """Check one uploaded file and keep it as an Attachment of nobody's application yet (flushed)."""
    if kind not in KIND_TITLES:
        raise UploadRefused("未知的附件类别")
    content = read_limited(stream)
    detected = detect(content)
    stored_name = secrets.token_hex(16) + detected.extension
    path = upload_dir() / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    attachment = Attachment(
        application_id=None, kind=kind, original_name=clean_filename(filename), stored_name=stored_name,
        content_type=detected.content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id, organisation_id=user.organisation_id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def pending_uploads(user, ids):
    """The user's own not-yet-submitted uploads among ``ids`` (anything else is silently left out)."""
    wanted = {int(i) for i in ids if str(i).isdigit()}
    if not wanted:
        return []
    return db.session.scalars(
        select(Attachment).where(Attachment.id.in_(wanted), Attachment.uploaded_by_id == user.id,
                                 Attachment.application_id.is_(None))
        .order_by(Attachment.id)
    ).all()


def purge_stale_uploads(user=None):
    """Delete the uploads (of ``user``, or everybody's) that never became part of an application within
    ORPHAN_DAYS. Run by a periodic task (app/applications/jobs.py) and ``flask purge-uploads``."""
    cutoff = utcnow() - timedelta(days=ORPHAN_DAYS)
    statement = select(Attachment).where(Attachment.application_id.is_(None), Attachment.uploaded_at < cutoff)
    if user is not None:
        statement = statement.where(Attachment.uploaded_by_id == user.id)
    stale = db.session.scalars(statement).all()
    if not stale:
        return 0
    paths = [stored_path(a) for a in stale]
    for attachment in stale:
        db.session.delete(attachment)
    db.session.commit()
    # Files go only after the rows are gone: a failed commit never leaves a row without its file.
    for path in paths:
        path.unlink(missing_ok=True)
    return len(stale)


def size_text(size):
    """'12 KB' / '1.2 MB' for lists of uploaded files."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
