"""The verbs of verification (SPEC §6): import the certificate register (all or nothing), match a
campaign's or batch's 区县局初审通过 applications against it, and the error workbook of a refused import.

Personal numbers are compared only by equality / IN in SQL (they may be encrypted at rest); everything else
is compared in Python after loading.
"""
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, insert, select

from app.applications.models import Application
from app.clock import today as shanghai_today
from app.clock import utcnow
from app.exports.reader import CellError, XlsxRejected, check_archive, read_xlsx  # noqa: F401 (CellError for views)
from app.exports.xlsx import Column, write_xlsx
from app.extensions import db
from app.jobs import uploads as job_uploads
from app.review import queries, signals
from app.review.states import State
from app.security import sealed
from app.verification import rules
from app.verification.models import (
    MatchResult,
    RegisterEntry,
    RegisterImport,
    RegisterMatch,
)

#: A register of 10^5 rows is about 5 MB; the reader refuses what is far beyond.
MAX_REGISTER_BYTES = 40 * 1024 * 1024
MAX_REGISTER_ROWS = 200_000
INSERT_CHUNK = 5_000
LOOKUP_CHUNK = 500
#: Error workbooks of refused imports are kept this long (seconds) for their download.
ERROR_FILE_SECONDS = 24 * 3600


def _no_progress(done, total):
    return None


@dataclass
class ImportOutcome:
    register_import: RegisterImport | None = None
    #: every problem (app.exports.reader.CellError), file-level ones with row None
    errors: list = field(default_factory=list)
    #: the data rows read (app.exports.reader.Row), for the error workbook
    rows: list = field(default_factory=list)
    #: why the file as a whole was refused (size, format, header), if it was
    message: str | None = None

    @property
    def ok(self):
        return self.register_import is not None


def import_register(user, file_name, data, *, today=None, progress=_no_progress):
    """Read, check and store a register file. All or nothing: with any problem nothing is written and
    ``errors`` lists every one; otherwise one RegisterImport with its entries is committed."""
    today = today or shanghai_today()
    try:
        result = read_xlsx(data, rules.FIELDS, max_bytes=MAX_REGISTER_BYTES, max_rows=MAX_REGISTER_ROWS)
    except XlsxRejected as exc:
        return ImportOutcome(errors=list(exc.errors), message=exc.message)
    errors, seen, entries = list(result.errors), {}, []
    total = len(result.rows)
    progress(0, total * 2)
    for index, row in enumerate(result.rows, start=1):
        entry = rules.check_row(row, today, seen, errors)
        if entry is not None:
            entries.append(entry)
        if index % 10_000 == 0:
            progress(index, total * 2)
    if errors:
        errors.sort(key=lambda e: (e.row or 0, _column_order(e.column)))
        return ImportOutcome(errors=_unique(errors), rows=result.rows)
    record = RegisterImport(file_name=(file_name or "register.xlsx")[:200], row_count=len(entries),
                            imported_by_id=user.id, imported_at=utcnow())
    try:
        db.session.add(record)
        db.session.flush()
        for start in range(0, len(entries), INSERT_CHUNK):
            chunk = entries[start:start + INSERT_CHUNK]
            for values in chunk:
                values["import_id"] = record.id
            db.session.execute(insert(RegisterEntry), chunk)
            progress(total + start + len(chunk), total * 2)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportOutcome(register_import=record, rows=result.rows)


def _column_order(header):
    headers = list(rules.HEADERS.values())
    return headers.index(header) if header in headers else -1


def _unique(errors):
    seen, kept = set(), []
    for error in errors:
        key = (error.row, error.column, error.message)
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


# -- the error workbook ----------------------------------------------------------------------------

ERROR_COLUMNS = [Column("行号", 8, "integer")] + [
    Column(f.header, 22 if f.kind == "identifier" else 14, "text" if f.kind == "identifier" else "general")
    for f in rules.FIELDS] + [Column("错误", 60)]


def write_error_workbook(target, outcome):
    """The register rows as uploaded with an 错误 column: every row with a problem, first, then the others
    (so the file can be corrected and uploaded again). File-level problems are rows without a row number."""
    by_row = {}
    for error in outcome.errors:
        by_row.setdefault(error.row, []).append(error)

    def text(row_errors):
        return "；".join(f"{e.column}：{e.message}" if e.column else e.message for e in row_errors)

    def rows():
        for error in by_row.get(None, []):
            yield [None] + [None] * len(rules.FIELDS) + [error.message]
        failing = [r for r in outcome.rows if r.number in by_row]
        passing = [r for r in outcome.rows if r.number not in by_row]
        for row in failing + passing:
            yield [row.number] + [_shown(row.raw.get(f.key)) for f in rules.FIELDS] + [text(by_row.get(row.number, []))]
    return write_xlsx(target, ERROR_COLUMNS, rows(), sheet_title="错误报告")


def _shown(value):
    if isinstance(value, float) and value.is_integer():
        return int(value) if abs(value) < 1e15 else f"{value:.15g}"
    return value


def storage_dir():
    """Error workbooks of imports refused in the request: under UPLOAD_DIR, which every web worker shares (a
    refused background import keeps its workbook as its job's result instead)."""
    path = Path(current_app.config["UPLOAD_DIR"]) / "register"
    path.mkdir(parents=True, exist_ok=True)
    return path


_TOKEN = re.compile(r"^(\d{1,12})-[A-Za-z0-9_-]{16,40}$")


def _purge_old(folder):
    cutoff = time.time() - ERROR_FILE_SECONDS
    for old in folder.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _new_file(user, kind):
    """(token, path) of a new private file of ``user``; the token starts with the user's id."""
    folder = storage_dir()
    _purge_old(folder)
    token = f"{user.id}-{secrets.token_urlsafe(18)}"
    return token, folder / f"{kind}-{token}.xlsx"


def _own_file(user, kind, token):
    """The file of ``token`` if it is ``user``'s, else None."""
    match = _TOKEN.match(token or "")
    if not match or int(match[1]) != user.id:
        return None
    path = storage_dir() / f"{kind}-{token}.xlsx"
    return path if path.is_file() else None


def save_error_workbook(user, outcome):
    """Write the error workbook of a refused import for its ``user``; returns its token."""
    forget_error_workbooks(user)
    token, path = _new_file(user, "errors")
    with sealed.open_writer(path) as target:  # it quotes the rows, ID numbers included: encrypted at rest
        write_error_workbook(target, outcome)
    return token


def error_workbook_path(user, token):
    """The saved error workbook of ``token`` if ``user`` made it, else None."""
    return _own_file(user, "errors", token)


def latest_error_token(user):
    """The token of ``user``'s error workbook of the last refused import, if still kept."""
    files = sorted(storage_dir().glob(f"errors-{user.id}-*.xlsx"), key=lambda p: p.stat().st_mtime)
    return files[-1].stem.removeprefix("errors-") if files else None


def forget_error_workbooks(user):
    for path in storage_dir().glob(f"errors-{user.id}-*.xlsx"):
        path.unlink(missing_ok=True)


def save_upload(user, data):
    """Keep an uploaded register for the job that imports it (app.jobs.uploads); returns its token."""
    return job_uploads.keep_upload(user, data, ".xlsx")


def read_upload(user, token):
    """The bytes of ``user``'s kept upload ``token``, or None (the job deletes it when it is over)."""
    path = job_uploads.upload_path(user, token)
    return None if path is None else sealed.read_bytes(path)


def discard_upload(user, token):
    job_uploads.discard_upload(user, token)


def import_or_report(user, file_name, data, *, progress=_no_progress):
    """Import and, when refused with rows read, keep the error workbook: (outcome, error token or None).
    A successful import forgets the user's earlier error workbooks."""
    outcome = import_register(user, file_name, data, progress=progress)
    if outcome.ok:
        forget_error_workbooks(user)
        return outcome, None
    return outcome, (save_error_workbook(user, outcome) if outcome.rows else None)


def estimated_rows(data):
    """Rows of the uploaded file as its raw XML says (before reading it); 0 when the file is refused."""
    try:
        return check_archive(data, max_rows=MAX_REGISTER_ROWS)
    except XlsxRejected:
        return 0


def imports():
    return db.session.scalars(select(RegisterImport).order_by(RegisterImport.imported_at.desc(),
                                                             RegisterImport.id.desc())).all()


# -- matching --------------------------------------------------------------------------------------

@dataclass
class MatchSummary:
    total: int = 0
    unchecked: int = 0
    counts: dict = field(default_factory=lambda: {r.value: 0 for r in MatchResult})

    def count(self, result):
        return self.counts.get(MatchResult(result).value, 0)


def matching_filter(campaign_id=None, batch_id=None):
    """The applications a matching covers: 区县局初审通过 of the campaign and/or batch."""
    values = {"state": State.DISTRICT_APPROVED.value}
    if campaign_id:
        values["campaign"] = str(campaign_id)
    if batch_id:
        values["batch"] = str(batch_id)
    return queries.ApplicationFilter.from_values(values)


def _lookup(column, keys):
    """{number: [entries, newest import first]} of the register entries whose ``column`` is one of ``keys``."""
    found = {}
    keys = sorted(k for k in keys if k)
    for start in range(0, len(keys), LOOKUP_CHUNK):
        statement = (select(RegisterEntry).where(column.in_(keys[start:start + LOOKUP_CHUNK]))
                     .order_by(RegisterEntry.import_id.desc(), RegisterEntry.id.desc()))
        for entry in db.session.scalars(statement):
            found.setdefault(getattr(entry, column.key), []).append(entry)
    return found


def match_applications(user, *, campaign_id=None, batch_id=None, progress=_no_progress):
    """Match every 区县局初审通过 application of the campaign/batch in ``user``'s scope against the register,
    storing one RegisterMatch per application (replacing an earlier one). Returns a MatchSummary."""
    flt = matching_filter(campaign_id, batch_id)
    ids = queries.ids(db.session, user, flt)
    summary = MatchSummary(total=len(ids))
    progress(0, len(ids))
    now = utcnow()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk_ids = ids[start:start + LOOKUP_CHUNK]
        applications = db.session.scalars(select(Application).where(Application.id.in_(chunk_ids))).all()
        by_certificate = _lookup(RegisterEntry.certificate_no,
                                 {rules._normalised("certificate_no", a.certificate_no) for a in applications})
        by_id_number = _lookup(RegisterEntry.id_number,
                               {rules._normalised("id_number", a.id_number) for a in applications})
        rows = []
        for application in applications:
            entry, found_by = rules.choose_entry(application, by_certificate, by_id_number)
            if entry is None:
                result, differing = MatchResult.NOT_FOUND, []
            else:
                differing = rules.differences(application, entry)
                result = MatchResult.DIFFERENT if differing else MatchResult.MATCH
            summary.counts[result.value] += 1
            rows.append({"application_id": application.id, "result": result.value,
                         "differences": ",".join(differing), "entry_id": entry.id if entry else None,
                         "found_by": found_by, "matched_by_id": user.id, "matched_at": now})
        db.session.execute(delete(RegisterMatch).where(RegisterMatch.application_id.in_(chunk_ids)))
        if rows:
            db.session.execute(insert(RegisterMatch), rows)
        db.session.commit()
        progress(start + len(chunk_ids), len(ids))
    return summary


def stored_summary(user, campaign_id=None, batch_id=None):
    """The stored results of the campaign's/batch's 区县局初审通过 applications in ``user``'s scope, with how
    many have none yet (``unchecked``)."""
    flt = matching_filter(campaign_id, batch_id)
    total = queries.count(db.session, user, flt)
    summary = MatchSummary(total=total)
    rows = db.session.execute(
        select(RegisterMatch.result, func.count(RegisterMatch.id))
        .where(RegisterMatch.application_id.in_(select(Application.id).where(*queries.conditions(user, flt))))
        .group_by(RegisterMatch.result)).all()
    for result, n in rows:
        summary.counts[result] = n
    summary.unchecked = total - sum(summary.counts.values())
    return summary


def match_of(application):
    """The stored RegisterMatch of an application (its entry loaded), or None."""
    return db.session.scalar(select(RegisterMatch).where(RegisterMatch.application_id == application.id))


def comparison(application):
    """What the 查看 page shows: None when never matched, else (match, [(label, application value,
    register value, differs)])."""
    match = match_of(application)
    if match is None:
        return None
    entry = match.entry
    differing = set(match.difference_list)
    rows = []
    for field_name, label in rules.COMPARED.items():
        mine = getattr(application, field_name)
        theirs = getattr(entry, rules.ENTRY_ATTRIBUTE[field_name]) if entry is not None else None
        if field_name == "new_level":
            mine = rules.LEVEL_TITLES.get(mine, mine)
            theirs = rules.LEVEL_TITLES.get(theirs, theirs) if theirs else theirs
        rows.append((field_name, label, mine, theirs, field_name in differing))
    return match, rows


def _forget_stale_match(application, record=None, user=None, **extra):
    """An application sent back to 未审核 (corrected) is matched again after its new district approval:
    its old result says nothing about what it says now."""
    _forget_stale_matches(None, changes=[(application, record)])


def _forget_stale_matches(_sender=None, changes=(), **extra):
    """The same for a bulk decision's changes at once: one DELETE for all of them."""
    stale = [application.id for application, record in changes
             if application.state == State.PENDING.value and record is not None and record.from_state is not None]
    if stale:
        db.session.execute(delete(RegisterMatch).where(RegisterMatch.application_id.in_(stale)))


signals.subscribe(_forget_stale_match, _forget_stale_matches)
