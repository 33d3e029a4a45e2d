"""Every export leaves two traces: an ExportRecord (what, which filter, how many rows) and a security
event "export" in the audit log. Neither ever holds an ID or card number."""
import re

from app.accounts.events import record_event
from app.exports.models import ExportRecord
from app.extensions import db


def record_export(user, kind, filter_text, row_count, file_name):
    """Record one export by ``user`` (the caller commits)."""
    filter_text = (filter_text or "")[:1000]
    db.session.add(ExportRecord(user_id=user.id, organisation_id=user.organisation_id, kind=kind,
                                filter_text=filter_text, row_count=row_count, file_name=file_name[:200]))
    record_event("export", user=user, detail=f"{file_name}（{row_count}行；筛选：{filter_text or '全部'}）"[:500])


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def export_file_name(*parts):
    """The Excel file's name: its non-empty ``parts`` joined by "_", without characters a file name cannot hold."""
    return "_".join(_UNSAFE.sub("", str(part)) for part in parts if part) + ".xlsx"
