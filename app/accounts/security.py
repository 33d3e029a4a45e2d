"""The platform's security manager: a thin FAB subclass that knows our user model, our login page
(captcha, lockout) and our session rules.

The view classes are imported when the views are registered, not at import time: this module is
imported by ``app.extensions`` before the extension singletons exist.
"""
from dataclasses import dataclass

from flask import current_app, g
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.utils import is_null_password
from flask_login import current_user
from werkzeug.security import check_password_hash

from app.accounts.models import AppUser


@dataclass
class LoginOutcome:
    """The result of one login attempt: the user on success; ``locked`` when the name is locked."""

    user: AppUser | None = None
    locked: bool = False


class AppSecurityManager(SecurityManager):
    user_model = AppUser

    def register_views(self):
        from app.accounts.login_views import AppAuthDBView, SecurityApiDisabled
        from app.accounts.views import AppRoleModelView, AppUserDBModelView

        self.authdbview = AppAuthDBView
        self.userdbmodelview = AppUserDBModelView
        self.rolemodelview = AppRoleModelView
        # FAB's JSON login (/api/v1/security/login) would bypass the captcha: not offered.
        self.security_api = SecurityApiDisabled
        super().register_views()

    def create_limiter(self, app):
        # One limiter for the whole app (app.extensions.limiter, storage RATELIMIT_STORAGE_URI).
        from app.extensions import limiter

        return limiter

    def before_request(self):
        """Registered by AppBuilder for every request: session rules first, then ``g.user``."""
        from app.accounts.sessions import guard_session

        guard_session()
        g.user = current_user

    # ------------------------------------------------------------------ login

    def auth_user_db(self, username, password):
        """FAB's entry point for a database login; it obeys the same lockout (no captcha here)."""
        return self.authenticate(username, password, captcha_ok=True).user

    def authenticate(self, username, password, captcha_ok):
        """One login attempt: lockout, captcha, password; every attempt is in the security log."""
        from app.accounts import lockout
        from app.accounts.events import record_event
        from app.extensions import db

        username = (username or "").strip()
        if not username:
            return LoginOutcome()
        user = self.find_user(username=username)
        if user is None or not user.is_active:
            # Same work and the same answers as for an existing account.
            check_password_hash(current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"], password or "-")
            why = "账号已停用" if user is not None else "用户名不存在"
            if lockout.unknown_name_locked(username):
                record_event("login_failed", user=user, username=username, success=False,
                             detail=f"{why}；该登录名处于锁定期")
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

        user_id = user.id
        attempt = lockout.reserve_attempt(user_id)
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

        password_ok = (not is_null_password(password) and bool(user.password)
                       and check_password_hash(user.password, password))
        if captcha_ok and password_ok:
            lockout.record_success(user_id)
            user = self.get_user_by_id(user_id)
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

    def reset_password(self, userid, password):
        """FAB's own reset screens are granted to no role; should anything call this, the rules hold."""
        from app.accounts.services import set_password
        from app.extensions import db

        user = self.get_user_by_id(userid)
        set_password(user, password, must_change=True)
        db.session.commit()
