"""技师奖励申报平台: the application factory."""
import logging

from flask import Flask

from app import models  # noqa: F401  (the whole schema on one metadata)
from app.accounts.roles import fab_roles
from app.cli import register_commands
from app.extensions import appbuilder, csrf, db, limiter, migrate
from app.menu import register_views
from app.security.arguments import BoundedIntegerConverter
from app.web import register_web, trust_proxies
from config import BASE_DIR, Config


def create_app(config=None):
    """Build the Flask app: extensions, security manager (FAB_SECURITY_MANAGER_CLASS), views and commands."""
    config = config or Config()
    if hasattr(config, "validate"):
        config.validate()
    app = Flask(__name__, instance_path=str(config.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config)
    # Before any route: an <int:…> id beyond the database's integers does not match (404).
    app.url_map.converters["int"] = BoundedIntegerConverter
    trust_proxies(app)
    app.config["FAB_ROLES"] = fab_roles()
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)

    db.init_app(app)
    # CSRF before AppBuilder, so FAB's forms and our own views are all protected.
    csrf.init_app(app)
    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True,
                     compare_type=True)
    with app.app_context():
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)
        appbuilder.post_init()

    register_commands(app)
    register_web(app)
    return app
