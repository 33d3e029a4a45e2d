"""Login attempts and the account lock (SPEC §7: 5 failed logins lock the account for 15 minutes).

Every attempt first *reserves* itself with one atomic ``UPDATE … SET fail_login_count =
fail_login_count + 1 … RETURNING``: under any number of parallel requests each attempt gets its own
number, so at most ``LOGIN_MAX_FAILURES`` passwords are ever checked before the account locks.
A success sets the counter back to 0; when a lock has run out, the next attempt starts again at 1.

A login name that does not exist (or belongs to a deactivated account) is counted the same way in
the rate-limit storage, so it locks after the same number of failures for the same time: the
answers never tell whether a name exists.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, func, or_, update

from app.accounts.models import AppUser
from app.clock import utcnow
from app.extensions import db, limiter

#: How long failures of an unknown name are remembered (seconds).
UNKNOWN_NAME_WINDOW = 24 * 3600


def max_failures():
    return int(current_app.config.get("LOGIN_MAX_FAILURES", 5))


def lock_minutes():
    return int(current_app.config.get("LOGIN_LOCK_MINUTES", 15))


@dataclass
class Attempt:
    """One reserved login attempt of an existing account."""

    number: int
    locked: bool


def reserve_attempt(user_id, now=None):
    """Count one attempt atomically; tells its number and whether the account is locked now."""
    now = now or utcnow()
    t = AppUser.__table__
    expired = and_(t.c.locked_until.isnot(None), t.c.locked_until <= now)
    row = db.session.execute(
        update(t).where(t.c.id == user_id).values(
            fail_login_count=case((expired, 1), else_=func.coalesce(t.c.fail_login_count, 0) + 1),
            locked_until=case((expired, None), else_=t.c.locked_until),
        ).returning(t.c.fail_login_count, t.c.locked_until)
    ).one()
    db.session.commit()
    locked = row.locked_until is not None and row.locked_until > now
    return Attempt(number=row.fail_login_count, locked=locked)


def lock_account(user_id, now=None):
    """Lock the account for LOGIN_LOCK_MINUTES unless it is locked already; True if this call locked it."""
    now = now or utcnow()
    t = AppUser.__table__
    result = db.session.execute(
        update(t).where(t.c.id == user_id, or_(t.c.locked_until.is_(None), t.c.locked_until <= now))
        .values(locked_until=now + timedelta(minutes=lock_minutes()))
    )
    db.session.commit()
    return result.rowcount == 1


def record_success(user_id, now=None):
    t = AppUser.__table__
    db.session.execute(
        update(t).where(t.c.id == user_id).values(
            fail_login_count=0, login_count=func.coalesce(t.c.login_count, 0) + 1, last_login=now or utcnow())
    )
    db.session.commit()


def unlock(user):
    """The system admin's unlock: clear the counter and the lock."""
    user.fail_login_count = 0
    user.locked_until = None


# Unknown login names: the same rule, counted in the rate-limit storage.

def _name_key(kind, username):
    return f"login-{kind}/{(username or '').strip().lower()[:128]}"


def unknown_name_locked(username):
    try:
        return limiter.storage.get(_name_key("lock", username)) > 0
    except Exception:
        current_app.logger.warning("login lock storage unavailable")
        return False


def unknown_name_failed(username):
    """Count a failure of a name that is no account; True when this failure locks the name."""
    try:
        storage = limiter.storage
        count = storage.incr(_name_key("fail", username), UNKNOWN_NAME_WINDOW)
        if count >= max_failures():
            storage.incr(_name_key("lock", username), lock_minutes() * 60)
            storage.clear(_name_key("fail", username))
            return True
    except Exception:
        current_app.logger.warning("login lock storage unavailable")
    return False
