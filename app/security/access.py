"""The access log of whole personal numbers: every detail page, print view and export that shows an ID or card
number whole is recorded in the 安全日志 (security_events) with who, their organisation, when and what.
Nothing of the numbers themselves is written."""
from app.accounts.events import record_event
from app.extensions import db

VIEW, PRINT, EXPORT = "personal_view", "personal_print", "personal_export"


def record_whole_numbers(user, kind, what):
    """Add the record to the session (the caller commits; views showing a page commit at once)."""
    record_event(kind, user=user, detail=what[:500])


def record_application_view(user, application, kind=VIEW):
    record_whole_numbers(user, kind, f"申请 #{application.id}（{application.name}）")
    db.session.commit()
