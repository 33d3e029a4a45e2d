"""One login attempt: lockout, captcha, password (SPEC §7); every attempt is in the security log.

The counters and the lock themselves are kept by app.accounts.lockout.

Every attempt does the same costly work whatever the name: exactly one password-hash check
(``_verify``), against the account's hash when its answer counts, else against a dummy hash. A locked
account, an attempt beyond the limit, an empty password, a deactivated account and a name that is no
account all take as long as a wrong password, so the time of an answer never tells whether a name exists.
"""
from dataclasses import dataclass

from flask import current_app
from flask_appbuilder.security.utils import is_null_password
from werkzeug.security import check_password_hash

from app.accounts import lockout
from app.accounts.events import record_event
from app.accounts.models import AppUser
from app.extensions import appbuilder, db


@dataclass
class LoginOutcome:
    """The result of one login attempt: the user on success; ``locked`` when the name is locked."""

    user: AppUser | None = None
    locked: bool = False


def _verify(stored_hash, password):
    """The one password-hash check of an attempt; a missing hash or password is checked against a dummy."""
    usable = bool(stored_hash) and not is_null_password(password)
    candidate = stored_hash if usable else current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"]
    matches = check_password_hash(candidate, password or "-")
    return usable and matches


def _refuse_unknown(user, username, password, captcha_ok):
    """A name that is no active account: the same work and the same answers as for an existing one."""
    _verify(None, password)
    why = "账号已停用" if user is not None else "用户名不存在"
    if lockout.unknown_name_locked(username):
        record_event("login_failed", user=user, username=username, success=False, detail=f"{why}；该登录名处于锁定期")
        db.session.commit()
        return LoginOutcome(locked=True)
    locked = lockout.unknown_name_failed(username)
    record_event("login_failed", user=user, username=username, success=False,
                 detail=why + ("；验证码错误" if not captcha_ok else ""))
    if locked:
        record_event("locked", user=user, username=username, success=False,
                     detail=f"{why}；连续{lockout.max_failures()}次登录失败，锁定{lockout.lock_minutes()}分钟")
    db.session.commit()
    return LoginOutcome(locked=locked)


def authenticate(username, password, captcha_ok):
    """One login attempt of ``username``; ``captcha_ok`` tells whether the captcha was solved."""
    username = (username or "").strip()
    if not username:
        return LoginOutcome()
    user = appbuilder.sm.find_user(username=username)
    if user is None or not user.is_active:
        return _refuse_unknown(user, username, password, captcha_ok)

    user_id = user.id
    attempt = lockout.reserve_attempt(user_id)
    if attempt.locked or attempt.number > lockout.max_failures():
        _verify(None, password)  # refused without looking at the password, in the same time
    if attempt.locked:
        record_event("login_failed", user=user, username=username, success=False, detail="账号锁定期内尝试登录")
        db.session.commit()
        return LoginOutcome(locked=True)
    if attempt.number > lockout.max_failures():
        # Parallel attempts beyond the limit: refused without looking at the password.
        if lockout.lock_account(user_id):
            record_event("locked", user=user, username=username, success=False,
                         detail=f"连续{lockout.max_failures()}次登录失败，锁定{lockout.lock_minutes()}分钟")
        record_event("login_failed", user=user, username=username, success=False,
                     detail=f"超过允许的失败次数（第{attempt.number}次）")
        db.session.commit()
        return LoginOutcome(locked=True)

    password_ok = _verify(user.password, password)
    if captcha_ok and password_ok:
        lockout.record_success(user_id)
        user = db.session.get(AppUser, user_id)
        record_event("login", user=user, username=username)
        db.session.commit()
        return LoginOutcome(user=user)

    reason = "验证码错误" if not captcha_ok else "密码错误"
    record_event("login_failed", user=user, username=username, success=False,
                 detail=f"{reason}（连续第{attempt.number}次失败）")
    locked = False
    if attempt.number >= lockout.max_failures():
        locked = True
        if lockout.lock_account(user_id):
            record_event("locked", user=user, username=username, success=False,
                         detail=f"连续{attempt.number}次登录失败，锁定{lockout.lock_minutes()}分钟")
    db.session.commit()
    return LoginOutcome(locked=locked)
