"""The verbs of 扫描件识别: read an uploaded 身份证复印件 / 等级证书复印件 (in a job only), keep the fields found, and
compare an application's six key fields with them.

- ``read_attachment``: the engine's lines → the extracted fields, stored as the attachment's ScanReading; the
  recognised text itself is dropped here, never stored nor logged;
- ``compare_application``: the application's readings merged and compared with what it says now (ScanCheck);
  no OCR, so it runs inside any transaction;
- the hook: an application submitted or corrected (``state_changed`` to 未审核) is compared again before its
  transaction commits when all its scans were read already (e.g. on the form with 「从扫描件识别」), else its
  stale comparison is dropped and one job per transaction and clerk reads the new scans after the commit.
"""
import logging

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from app.applications import attachments as files
from app.applications.models import Application, Attachment
from app.clock import utcnow
from app.extensions import db
from app.masking import shown
from app.ocr import engine, extract
from app.ocr.models import Outcome, ReadingState, ScanCheck, ScanReading
from app.reference import data
from app.review import signals
from app.review.states import State
from app.security import sealed

logger = logging.getLogger(__name__)

#: The scans that are read, in the order their readings are merged.
READ_KINDS = (files.ID_COPY, files.CERTIFICATE_COPY)
#: The job kinds (app/ocr/jobs.py).
APPLICATIONS_JOB = "scan_applications"
FORM_JOB = "scan_form"
NOTHING_READ = "未能从扫描件中识别出所需信息（可能不清晰、有遮挡或不是所需的证件），请核对或重新扫描"
FILE_MISSING = "扫描件文件已不存在"


def status():
    """(on, reason): whether scans can be read on this installation, else why not (Chinese)."""
    try:
        return engine.status()
    except Exception:  # a broken OCR installation must not break a page
        logger.warning("OCR status check failed", exc_info=True)
        return False, "文字识别组件无法使用"


def readable(attachment):
    return attachment is not None and attachment.kind in READ_KINDS


# -- reading (jobs only) ---------------------------------------------------------------------------------

def reading_of(attachment):
    """The attachment's stored reading if it was made of these very bytes, else None."""
    reading = db.session.scalar(select(ScanReading).where(ScanReading.attachment_id == attachment.id))
    return reading if reading is not None and reading.sha256 == attachment.sha256 else None


def recognise(attachment):
    """(fields, reason): the fields the engine finds in the attachment's file, or None and why not.
    Raises engine.OcrUnavailable when OCR cannot run here at all."""
    path = files.stored_path(attachment)
    try:
        content = sealed.read_bytes(path)
    except (OSError, sealed.SealedFileError):
        return None, FILE_MISSING
    try:
        lines = engine.read_lines(content, attachment.content_type)
    except engine.OcrError as exc:
        return None, (str(exc) or NOTHING_READ)[:200]
    fields = extract.extract_fields(lines, attachment.kind)
    del lines  # the recognised text goes no further than this function
    if not any(fields.get(name) for name in extract.FIELDS):
        return None, NOTHING_READ
    return fields, None


def store_reading(attachment, fields, reason=None):
    """Keep what was read from ``attachment`` (``fields`` None: nothing, ``reason`` says why), replacing an
    earlier reading. Also how the demo stores the fields its generated scans show."""
    db.session.execute(delete(ScanReading).where(ScanReading.attachment_id == attachment.id))
    values = {name: (fields or {}).get(name) for name in extract.FIELDS}
    reading = ScanReading(attachment_id=attachment.id, sha256=attachment.sha256,
                          state=ReadingState.READ.value if fields else ReadingState.FAILED.value,
                          reason=None if fields else (reason or NOTHING_READ), read_at=utcnow(), **values)
    db.session.add(reading)
    db.session.flush()
    return reading


def read_attachment(attachment):
    """The attachment's reading, reading the file with the engine unless its bytes were read before."""
    reading = reading_of(attachment)
    if reading is not None:
        return reading
    fields, reason = recognise(attachment)
    return store_reading(attachment, fields, reason)


# -- comparing -------------------------------------------------------------------------------------------

def reading_values(reading):
    return {name: getattr(reading, name) for name in extract.FIELDS}


def merged(readings):
    """The fields of several readings as one (app.ocr.extract.merge, 身份证复印件 first); failed readings add
    nothing."""
    found = [{k: v for k, v in reading_values(r).items() if v not in (None, "")}
             for r in readings if r is not None and r.state == ReadingState.READ.value]
    return extract.merge(*found) if found else {}


def typed_values(source):
    """The key fields as typed, from an Application (or any object with those attributes) or a dict."""
    if isinstance(source, dict):
        return {name: source.get(name) for name in extract.FIELDS}
    return {name: getattr(source, name, None) for name in extract.FIELDS}


def scans_of(application):
    """The application's scans that are read (newest of each kind), in READ_KINDS order."""
    newest = {}
    for attachment in db.session.scalars(select(Attachment).where(
            Attachment.application_id == application.id, Attachment.kind.in_(READ_KINDS)).order_by(Attachment.id)):
        newest[attachment.kind] = attachment
    return [newest[kind] for kind in READ_KINDS if kind in newest]


def check_of(application):
    return db.session.scalar(select(ScanCheck).where(ScanCheck.application_id == application.id))


def compare_application(application, readings=None):
    """Compare the application's key fields with its scans' readings and store it (replacing the earlier
    ScanCheck). Returns the ScanCheck, or None when a scan has no reading yet (nothing is stored then, an
    earlier comparison is dropped) or the application has no scan to read."""
    scans = scans_of(application)
    if readings is None:
        readings = {a.id: reading_of(a) for a in scans}
    db.session.execute(delete(ScanCheck).where(ScanCheck.application_id == application.id))
    if not scans or any(readings.get(a.id) is None for a in scans):
        return None
    scanned = merged([readings[a.id] for a in scans])
    outcomes = extract.compare(typed_values(application), scanned)
    ordered = [(name, outcomes.get(name, Outcome.UNREAD.value)) for name in extract.KEY_FIELDS]
    newest_read = max(readings[a.id].read_at for a in scans)
    check = ScanCheck(application_id=application.id, outcomes=",".join(f"{n}:{o}" for n, o in ordered),
                      differs=any(o == Outcome.DIFFER.value for _n, o in ordered),
                      attachment_ids=",".join(str(a.id) for a in scans), read_at=newest_read,
                      compared_at=utcnow(), **scanned)
    db.session.add(check)
    db.session.flush()
    return check


def refresh(application, user):
    """The application's scans or typed values changed: compare again now if every scan was read, else drop
    the stale comparison and have the scans read after the commit (when OCR is on)."""
    if compare_application(application) is not None:
        return
    if scans_of(application) and status()[0]:
        from app.jobs.services import (
            submit_after_commit,  # the jobs package imports no domain
        )

        submit_after_commit(APPLICATIONS_JOB, owner=user, params={"application_ids": [application.id]})


# -- the hook: submissions and corrections -----------------------------------------------------------------

_PENDING = "ocr_refresh"


@signals.state_changed.connect
def _note_changed(application, record=None, user=None, **extra):
    """A new or corrected application (to 未审核): its comparison is refreshed before the commit."""
    if record is None or user is None or application.state != State.PENDING.value:
        return
    if record.from_state is not None and record.action != "correct":
        return
    db.session.info.setdefault(_PENDING, {})[application.id] = user.id


@event.listens_for(Session, "before_commit")
def _refresh_noted(session):
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from app.accounts.models import AppUser

    session.flush()  # the scans linked by the service are in the database before they are looked up
    for application_id, user_id in pending.items():
        application = session.get(Application, application_id)
        user = session.get(AppUser, user_id)
        if application is not None and user is not None:
            refresh(application, user)


@event.listens_for(Session, "after_rollback")
def _forget_noted(session):
    session.info.pop(_PENDING, None)


# -- what pages show -------------------------------------------------------------------------------------

#: Where the form's 从扫描件识别 fills a field: the form's field name and how a value becomes the form's value.
def form_value(name, value):
    if value is None or value == "":
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def form_values(attachments):
    """What the form's 从扫描件识别 offers: {field: value as the form takes it} of the fields read from these
    scans (only fields found), and the Chinese reasons of the scans read without result."""
    scans = sorted((a for a in attachments if readable(a)), key=lambda a: READ_KINDS.index(a.kind))
    readings = [reading_of(a) for a in scans]
    values = {name: form_value(name, value) for name, value in merged(readings).items() if value}
    reasons = sorted({r.reason for r in readings if r is not None and r.state == ReadingState.FAILED.value
                      and r.reason})
    return values, reasons


def differing_by_application(rows):
    """{application id: [labels of the key fields 不一致]} of a list page's rows (one query)."""
    ids = [row.id for row in rows]
    if not ids:
        return {}
    found = {}
    for application_id, outcomes in db.session.execute(
            select(ScanCheck.application_id, ScanCheck.outcomes)
            .where(ScanCheck.application_id.in_(ids), ScanCheck.differs.is_(True))):
        found[application_id] = [extract.FIELD_TITLES[n] for n in ScanCheck(outcomes=outcomes).differing]
    return found


def _shown(name, value, whole, level_names):
    if value is None or value == "":
        return None
    if name == "id_number":
        return shown("id_number", value, whole)
    if name == "new_level":
        return level_names.get(value, value)
    return value


def comparison(application, whole):
    """What 查看 shows of the scans: None when never compared, else (check, [(field, label, typed, scanned,
    outcome code, outcome title)]) of the six key fields; ID numbers whole only when ``whole``."""
    check = check_of(application)
    if check is None:
        return None
    levels = data.names(data.SKILL_LEVELS)
    outcomes = check.outcome_map
    rows = []
    for name in extract.KEY_FIELDS:
        outcome = outcomes.get(name, Outcome.UNREAD.value)
        rows.append((name, extract.FIELD_TITLES[name], _shown(name, getattr(application, name), whole, levels),
                     _shown(name, getattr(check, name), whole, levels), outcome, Outcome.title_of(outcome)))
    return check, rows


def warnings_of(application):
    """The clerk's warnings: [(label, what the scan says)] of the key fields 不一致 (whole numbers: the clerk's
    role sees them)."""
    found = comparison(application, True)
    if found is None:
        return []
    return [(label, scanned) for _n, label, _typed, scanned, outcome, _t in found[1]
            if outcome == Outcome.DIFFER.value]
