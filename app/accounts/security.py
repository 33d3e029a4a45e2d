"""The platform's security manager: a thin FAB subclass naming our user model, our views and our
session rules (named by FAB_SECURITY_MANAGER_CLASS in config.py)."""
from flask import g
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_login import current_user

from app.accounts.login import authenticate
from app.accounts.models import AppUser
from app.accounts.services import set_password
from app.accounts.sessions import guard_session
from app.accounts.views.login import AppAuthDBView, SecurityApiDisabled
from app.accounts.views.user_list import AppRoleModelView, AppUserDBModelView
from app.extensions import db, limiter


class AppSecurityManager(SecurityManager):
    user_model = AppUser
    authdbview = AppAuthDBView
    rolemodelview = AppRoleModelView
    # FAB's JSON login (/api/v1/security/login) would bypass the captcha: not offered.
    security_api = SecurityApiDisabled

    def register_views(self):
        # Not a class attribute: FAB's __init__ would replace the view's interface with a plain one.
        self.userdbmodelview = AppUserDBModelView
        super().register_views()

    def create_limiter(self, app):
        # One limiter for the whole app (app.extensions.limiter, storage RATELIMIT_STORAGE_URI).
        return limiter

    def before_request(self):
        """Registered by AppBuilder for every request: session rules first, then ``g.user``."""
        guard_session()
        g.user = current_user

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
