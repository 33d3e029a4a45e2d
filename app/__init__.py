"""技师奖励申报平台: the application factory."""
import logging

from flask import Flask

from config import BASE_DIR, Config


def create_app(config=None):
    """Build the Flask app: extensions, security manager, views and commands."""
    config = config or Config()
    if hasattr(config, "validate"):
        config.validate()
    app = Flask(__name__, instance_path=str(config.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config)
    from app.web import trust_proxies

    trust_proxies(app)
    from app.accounts.roles import fab_roles

    app.config["FAB_ROLES"] = fab_roles()
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)

    from app import models  # noqa: F401  (the whole schema on one metadata)
    from app.payments import services as _payments  # noqa: F401  (registers the money steps with the workflow)
    from app.extensions import appbuilder, csrf, db, limiter, migrate

    db.init_app(app)
    # CSRF before AppBuilder, so FAB's forms and our own views are all protected.
    csrf.init_app(app)
    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True,
                     compare_type=True)
    with app.app_context():
        appbuilder.init_app(app, db.session)
        from app.menu import register_views

        register_views(appbuilder)
        appbuilder.post_init()

    from app.cli import register_commands
    from app.web import register_web

    register_commands(app)
    register_web(app)
    return app
