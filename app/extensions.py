"""Extension singletons, imported by every package (never ``from app import ...``)."""
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from app.accounts.security import AppSecurityManager

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
appbuilder = AppBuilder(security_manager_class=AppSecurityManager, update_perms=False)
