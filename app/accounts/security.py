"""The platform's security manager: a thin FAB subclass naming our user model, our views and our
session rules (named by FAB_SECURITY_MANAGER_CLASS in config.py)."""
from flask import g
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.accounts.login import authenticate
from app.accounts.models import AppUser
from app.accounts.services import set_password
from app.accounts.sessions import guard_session
from app.accounts.views.login import AppAuthDBView, SecurityApiDisabled
from app.extensions import db, limiter


class AppSecurityManager(SecurityManager):
    user_model = AppUser
    authdbview = AppAuthDBView
    # FAB's JSON login (/api/v1/security/login) would bypass the captcha: not offered.
    security_api = SecurityApiDisabled

    def register_views(self):
        """Only the login and logout pages. Accounts are made and changed through the platform's own
        screens (市级账号, 区县局管理员账号, 用户管理) and services, the roles are fixed by app.accounts.roles:
        FAB's user, role, group, permission, view-menu, statistics, user-info and reset-password screens
        (and its 用户权限 menu) are not registered, so their URLs answer 404."""
        self.auth_view = self.authdbview()
        self.appbuilder.add_view_no_menu(self.auth_view)
        if self.is_auth_limited:
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(self.auth_view.blueprint)

    def create_limiter(self, app):
        # One limiter for the whole app (app.extensions.limiter, storage RATELIMIT_STORAGE_URI).
        return limiter

    def before_request(self):
        """Registered by AppBuilder for every request: session rules first, then ``g.user``."""
        guard_session()
        g.user = current_user

    def load_user(self, pk):
        """The signed-in user of a request with its roles and groups (FAB reads both on every access check) in
        the statement that loads it, instead of one more statement for each."""
        user = self.session.get(self.user_model, int(pk),
                                options=[joinedload(AppUser.roles), joinedload(AppUser.groups)])
        if user and user.is_active:
            # For the request's log lines (app/ops/logs.py), read now: a commit later in the request expires the
            # user, and a log line must not load it again.
            g.log_user = (user.id, user.organisation_id)
            return user
        return None

    def validate_api_key(self, api_key_string):
        """FAB's protect() asks this for the Bearer token: the API's own check (app.api.auth) already ran."""
        token = getattr(g, "api_token", None)
        if token is None or g.get("user") is None:
            return None
        return g.user

    def auth_user_db(self, username, password):
        """FAB's entry point for a database login; it obeys the same lockout (no captcha here)."""
        return authenticate(username, password, captcha_ok=True).user

    def reset_password(self, userid, password):
        """FAB's own reset screens are granted to no role; should anything call this, the rules hold."""
        set_password(self.get_user_by_id(userid), password, must_change=True)
        db.session.commit()
