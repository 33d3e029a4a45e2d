"""Audit and security records are never deleted by the app (MLPS 2.0 level 3 asks for at least six months;
AUDIT_RETENTION_DAYS, at least 180, documents the promise): the session refuses to delete a row of an audit
table, whether through ``session.delete`` or a DELETE statement. Archiving old records elsewhere is an
operator's task on a database copy (flask backup), never a deletion here."""
from sqlalchemy import event
from sqlalchemy.orm import Session

#: The audit trails: review_records, the 安全日志, campaign and 申请单 trails, export records.
AUDIT_TABLES = frozenset({"review_records", "security_events", "campaign_events", "district_request_events",
                          "export_records"})
MIN_RETENTION_DAYS = 180


class AuditDeletionRefused(RuntimeError):
    pass


def _refuse(table_name):
    raise AuditDeletionRefused(f"审计记录（{table_name}）不能删除，至少保留 {MIN_RETENTION_DAYS} 天")


@event.listens_for(Session, "before_flush")
def _no_deleted_audit_rows(session, _context, _instances):
    for item in session.deleted:
        table = getattr(getattr(item, "__table__", None), "name", None)
        if table in AUDIT_TABLES:
            _refuse(table)


@event.listens_for(Session, "do_orm_execute")
def _no_delete_statements(state):
    if state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table in AUDIT_TABLES:
            _refuse(table)
