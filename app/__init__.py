"""技师奖励申报平台: the application factory."""
import logging

from flask import Flask

from app import models  # noqa: F401  (the whole schema on one metadata)
from app.accounts.roles import fab_roles
from app.cli import register_commands
from app.extensions import appbuilder, csrf, db, limiter, migrate
from app.jobs.queue import init_queue
from app.menu import register_views
from app.shell import register_shell
from app.notifications import setup as notifications
from app.web import register_web, trust_proxies
from config import BASE_DIR, Config

# Every domain's job kinds and periodic tasks (app/<domain>/jobs.py): imported here, so the web app and every
# queue consumer (app/jobs/worker.py) know the same ones. app.jobs itself imports no domain.
from app.applications import jobs as _application_jobs  # noqa: E402, F401, I001
from app.exports import jobs as _export_jobs  # noqa: E402, F401
from app.jobs import cleanup as _job_cleanup  # noqa: E402, F401
from app.notifications import jobs as _notification_jobs  # noqa: E402, F401
from app.verification import jobs as _verification_jobs  # noqa: E402, F401


def create_app(config=None):
    """Build the Flask app: extensions, security manager (FAB_SECURITY_MANAGER_CLASS), views and commands."""
    config = config or Config()
    if hasattr(config, "validate"):
        config.validate()
    app = Flask(__name__, instance_path=str(config.INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config)
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

    init_queue(app)
    register_commands(app)
    register_web(app)
    register_shell(app)
    notifications.init_app(app)
    return app
