"""Attachment scans: recognised by their content, size-limited, stored on disk under random names.

The database row (Attachment) keeps who uploaded it, for which organisation and (once submitted) for
which application; the bytes live only under UPLOAD_DIR, encrypted at rest (app/security/sealed.py: the
row's ``size`` and ``sha256`` are of the clear content). Nothing here trusts the file name or the content
type the browser sent; a resident ID number in the file name is kept masked.
"""
import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import and_, event, exists, or_, select, true
from sqlalchemy.orm import Session

from app.applications.models import Application, Attachment
from app.clock import utcnow
from app.extensions import db
from app.masking import mask_numbers_in
from app.models_base import written_in
from app.reference import data
from app.security import sealed

ID_COPY, CERTIFICATE_COPY, CARD_COPY, HR_FORM = "id_copy", "certificate_copy", "card_copy", "hr_form"
#: Attachment kinds in the order of the notice, with their Chinese titles.
KIND_TITLES = {
    ID_COPY: "身份证复印件",
    CERTIFICATE_COPY: "等级证书复印件",
    CARD_COPY: "工会会员服务卡或银行卡复印件",
    HR_FORM: "经基层单位人力资源部门审核盖章的申请表",
}
KINDS = tuple(KIND_TITLES)
#: The short names a clerk gives each kind in the file names of a zip of scans (the first is the one the
#: instructions show: ``310109198309073016_身份证.pdf``); the full titles are accepted too.
KIND_FILE_NAMES = {
    ID_COPY: ("身份证", "身份证复印件", "身份证正反面"),
    CERTIFICATE_COPY: ("等级证书", "证书", "技能等级证书", "职业资格证书", "等级证书复印件"),
    CARD_COPY: ("银行卡", "工会会员服务卡", "会员服务卡", "会员卡", "银行卡复印件", "工会会员服务卡复印件",
                "工会会员服务卡或银行卡复印件"),
    HR_FORM: ("盖章申请表", "人事盖章申请表", "申请表", "人力资源部门盖章申请表",
              "经基层单位人力资源部门审核盖章的申请表"),
}


def kind_of_file_name(word):
    """The attachment kind a file-name word such as “身份证” names, or None."""
    word = unicodedata.normalize("NFKC", word or "").strip()
    for kind, names in KIND_FILE_NAMES.items():
        if word in names:
            return kind
    return None

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


def missing_kinds(variant, present):
    """The kinds of scan an application of ``variant`` still lacks, given the kinds it has (in order)."""
    have = set(present)
    return [kind for kind in required_kinds(variant) if kind not in have]


def present_kinds(application):
    """The kinds of scan ``application`` carries: its ``scan_kinds`` when they were read in bulk
    (:func:`read_scan_kinds`), else from its attachments."""
    kinds = getattr(application, "scan_kinds", None)  # a plain object standing in for one has none
    if kinds is not None:
        return kinds
    return (a.kind for a in application.attachments)


def read_scan_kinds(applications):
    """Set ``scan_kinds`` of each of ``applications`` from one query of (application, kind) pairs, for checking
    many applications' scans without loading an Attachment object per scan."""
    rows = list(applications)
    present = {}
    if rows:
        for application_id, kind in db.session.execute(
                select(Attachment.application_id, Attachment.kind)
                .where(written_in(Attachment.application_id, [a.id for a in rows]))):
            present.setdefault(application_id, []).append(kind)
    for application in rows:
        application.scan_kinds = tuple(present.get(application.id, ()))
    return rows


def missing_titles(application):
    """The Chinese titles of the scans ``application`` still lacks (empty when complete)."""
    return [KIND_TITLES[k] for k in missing_kinds(application.variant, present_kinds(application))]


def missing_scans_text(titles):
    """“缺少扫描件：身份证复印件、等级证书复印件” for lists and reasons."""
    return "缺少扫描件：" + "、".join(titles)


def missing_by_application(applications):
    """{application id: [titles of missing scans]} for a page of applications, with one query; complete
    applications are left out."""
    rows = list(applications)
    if not rows:
        return {}
    present = {}
    for application_id, kind in db.session.execute(
            select(Attachment.application_id, Attachment.kind)
            .where(written_in(Attachment.application_id, [a.id for a in rows]))):
        present.setdefault(application_id, set()).add(kind)
    missing = {}
    for application in rows:
        kinds = missing_kinds(application.variant, present.get(application.id, ()))
        if kinds:
            missing[application.id] = [KIND_TITLES[k] for k in kinds]
    return missing


def missing_scans_clause():
    """SQL: the application lacks a scan its variant requires (the list filter 缺少扫描件; its negation is
    扫描件齐全). The same rule as :func:`missing_kinds`, per kind: the variants that require it, and no
    attachment of that kind (served by the index on attachments.application_id)."""
    lacking = []
    for kind in KINDS:
        variants = [code for code, _title in data.VARIANTS if kind in required_kinds(code)]
        if not variants:
            continue
        required = true() if len(variants) == len(data.VARIANTS) else Application.variant.in_(variants)
        present = exists().where(Attachment.application_id == Application.id, Attachment.kind == kind)
        lacking.append(and_(required, ~present))
    return or_(*lacking)


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
    # A zip of scans names them 身份证号码_类别: the number is on the application, the name keeps it masked.
    return mask_numbers_in(name)[-200:] or "附件"


def upload_dir():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(attachment):
    return upload_dir() / attachment.stored_name


#: session.info key: the files written in the session's transaction, kept only if it commits.
WRITTEN_KEY = "attachment_files_written"


@event.listens_for(Session, "after_commit")
def _keep_written_files(session):
    session.info.pop(WRITTEN_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _delete_files_of_a_rollback(session, transaction):
    """A transaction that ends without its commit (rolled back, a failed commit, a closed session) leaves no
    file behind: the Attachment rows that named them are gone with it."""
    if transaction.parent is None:
        for path in session.info.pop(WRITTEN_KEY, ()):
            path.unlink(missing_ok=True)


def read_limited(stream):
    """Read at most MAX_UPLOAD_BYTES (+1 to tell that it was longer) from an upload stream."""
    limit = max_bytes()
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(f"文件不能超过{_size_text(limit)}，请压缩或降低扫描分辨率后重新上传")
    return content


def store_upload(user, kind, filename, stream):
    """Check one uploaded file and keep it as an Attachment of nobody's application yet (flushed)."""
    attachment = store_content(user, kind, filename, read_limited(stream))
    db.session.flush()
    return attachment


def store_content(user, kind, filename, content, detected=None, application_id=None):
    """Keep ``content`` (at most MAX_UPLOAD_BYTES, checked by :func:`detect` unless ``detected`` is that
    check's result already) as an Attachment added to the session, of ``application_id`` if given. The file
    stays only if the session's transaction commits."""
    if kind not in KIND_TITLES:
        raise UploadRefused("未知的附件类别")
    if len(content) > max_bytes():
        raise UploadRefused(f"文件不能超过{_size_text(max_bytes())}，请压缩或降低扫描分辨率后重新上传")
    detected = detected or detect(content)
    stored_name = secrets.token_hex(16) + detected.extension
    path = upload_dir() / stored_name
    db.session.info.setdefault(WRITTEN_KEY, []).append(path)
    sealed.write_bytes(path, content, mode=0o640)  # encrypted at rest (app/security/sealed.py)
    attachment = Attachment(
        application_id=application_id, kind=kind, original_name=clean_filename(filename), stored_name=stored_name,
        content_type=detected.content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id, organisation_id=user.organisation_id,
    )
    db.session.add(attachment)
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
