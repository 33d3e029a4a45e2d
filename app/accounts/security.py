"""The platform's security manager: a thin FAB subclass that knows our user model."""
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.accounts.models import AppUser
from app.accounts.views import AppRoleModelView, AppUserDBModelView


class AppSecurityManager(SecurityManager):
    user_model = AppUser
    userdbmodelview = AppUserDBModelView
    rolemodelview = AppRoleModelView
