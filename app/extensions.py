"""Extension singletons, imported by every package (never ``from app import ...``)."""
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
# The security manager is named by FAB_SECURITY_MANAGER_CLASS (config.py), so nothing here imports the app.
appbuilder = AppBuilder(update_perms=False)
