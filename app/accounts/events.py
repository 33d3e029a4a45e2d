"""Writing the security audit log. Never a password, never a full ID or card number."""
from flask import has_request_context, request
from sqlalchemy import inspect

from app.accounts.models import SecurityEvent
from app.extensions import db


def client_address():
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:64]


def record_event(event, user=None, username=None, success=True, detail=None, target=None):
    """Add one security event to the session (the caller commits)."""
    db.session.add(SecurityEvent(
        event=event,
        user_id=getattr(user, "id", None),
        username=username or getattr(user, "username", None),
        organisation_id=getattr(user, "organisation_id", None),
        address=client_address(),
        success=success,
        detail=detail,
        target_user_id=getattr(target, "id", None),
    ))


def changed_fields(item, names):
    """Which of ``names`` a form changed on ``item`` since it was loaded; the log names them, never their values.

    Read before anything flushes (a flush clears the history). A name ending in ``_id`` stands for its
    many-to-one relationship: until the flush, the foreign key keeps the loaded value and the
    relationship holds the new one.
    """
    state = inspect(item)
    changed = []
    for name in names:
        relation = name[:-3] if name.endswith("_id") else None
        if relation in state.mapper.relationships:
            related = getattr(item, relation)
            if getattr(item, name) != (related.id if related is not None else None):
                changed.append(name)
        elif state.attrs[name].history.has_changes():
            changed.append(name)
    return changed
