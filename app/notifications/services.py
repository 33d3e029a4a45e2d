"""Writing and reading 消息中心 messages.

Messages are queued on the database session while a transaction runs (``queue``) and written with one
multi-row INSERT just before it commits; a rollback drops them. So they commit or vanish with the change
they tell of, and a bulk decision of 10⁴ rows writes its messages in a few executemany statements, not one
ORM flush per message.
"""
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from app.accounts.models import AppUser
from app.accounts.roles import DISTRICT_ADMIN, SYSTEM_ADMIN
from app.clock import utcnow
from app.extensions import appbuilder, db
from app.notifications.models import Notification
from app.orgs.models import Organisation

PENDING_KEY = "pending_notifications"
CACHE_KEY = "notification_recipients"
TEXT_MAX = 500
PAGE_SIZE = 50


def queue(user_ids, kind, text, target=None, *, session=None, skip=None):
    """Queue one message for each of ``user_ids`` (``skip``: the actor, who needs no message of its own act)."""
    session = session or db.session()
    pending = session.info.setdefault(PENDING_KEY, [])
    now = utcnow()
    text = text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…"
    for user_id in dict.fromkeys(user_ids):
        if user_id is not None and user_id != skip:
            pending.append({"user_id": user_id, "created_at": now, "kind": kind, "text": text, "target": target})


@event.listens_for(Session, "before_commit")
def _write_queued(session):
    session.info.pop(CACHE_KEY, None)
    rows = session.info.pop(PENDING_KEY, None)
    if rows:
        session.execute(insert(Notification.__table__), rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(PENDING_KEY, None)
        session.info.pop(CACHE_KEY, None)


def _cached(key, compute):
    cache = db.session.info.setdefault(CACHE_KEY, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def admins_of(organisation_id):
    """Ids of the active 区县局管理员 accounts of one organisation (cached for the transaction)."""
    def compute():
        role = appbuilder.sm.find_role(DISTRICT_ADMIN)
        return list(db.session.scalars(select(AppUser.id).where(
            AppUser.organisation_id == organisation_id, AppUser.active.is_(True),
            AppUser.roles.contains(role))))
    return _cached(("district", organisation_id), compute)


def city_admins():
    """Ids of the active 系统管理员 accounts of the city centre (the root organisation)."""
    def compute():
        role = appbuilder.sm.find_role(SYSTEM_ADMIN)
        root = select(Organisation.id).where(Organisation.parent_id.is_(None))
        return list(db.session.scalars(select(AppUser.id).where(
            AppUser.organisation_id.in_(root), AppUser.active.is_(True), AppUser.roles.contains(role))))
    return _cached(("city",), compute)


# -- reading -----------------------------------------------------------------------------------------------

def unread_count(user):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def messages(user, page=0, size=PAGE_SIZE):
    """(total, the user's messages of one page, newest first)."""
    total = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id))
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id.desc()).limit(size).offset(page * size)).all()
    return total, rows


def own_message(user, notification_id):
    """One of the user's own messages, or None (another user's message is never found)."""
    try:
        notification_id = int(notification_id)
    except (TypeError, ValueError):
        return None
    if not 0 < notification_id < 2 ** 31:
        return None
    return db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                        Notification.user_id == user.id))


def mark_read(user, notification):
    if notification.user_id == user.id and notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user):
    """Mark every unread message of the user read; returns how many."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
        .execution_options(synchronize_session=False))
    return result.rowcount


def set_email(user, enabled):
    user.email_notifications = bool(enabled)


def mark_read_before(moment):
    """Mark every message created before ``moment`` (UTC) read, whoever it is for (loading history)."""
    return db.session.execute(update(Notification).where(
        Notification.created_at < moment, Notification.read_at.is_(None)).values(read_at=moment)
        .execution_options(synchronize_session=False)).rowcount
