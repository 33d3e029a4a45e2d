"""技师奖励申报平台: the application factory."""
import logging

from flask import Flask
from sqlalchemy import event

from app import models  # noqa: F401  (the whole schema on one metadata)
from app.accounts.roles import fab_roles
from app.cli import register_commands
from app.extensions import appbuilder, csrf, db, limiter, migrate
from app.jobs.queue import init_queue
from app.menu import register_views
from app.shell import register_shell
from app.notifications import setup as notifications
from app.ops.cli import register_ops_commands
from app.ops import retention  # noqa: F401  (audit rows are never deleted)
from app.ops.health import register_health
from app.ops.logs import configure_logging
from app.ops.outage import register_outage
from app.security.arguments import BoundedIntegerConverter
from app.web import register_web, trust_proxies
from config import BASE_DIR, Config

# Every domain's job kinds and periodic tasks (app/<domain>/jobs.py): imported here, so the web app and every
# queue consumer (app/jobs/worker.py) know the same ones. app.jobs itself imports no domain.
from app.applications import jobs as _application_jobs  # noqa: E402, F401, I001
from app.exports import jobs as _export_jobs  # noqa: E402, F401
from app.jobs import cleanup as _job_cleanup  # noqa: E402, F401
from app.notifications import jobs as _notification_jobs  # noqa: E402, F401
from app.ocr import jobs as _ocr_jobs  # noqa: F401
from app.verification import jobs as _verification_jobs  # noqa: E402, F401


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
    configure_logging(app)
    app.config["FAB_ROLES"] = fab_roles()
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)

    db.init_app(app)
    # CSRF before AppBuilder, so FAB's forms and our own views are all protected.
    csrf.init_app(app)
    limiter.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True,
                     compare_type=True)
    with app.app_context():
        _sqlite_pragmas(db.engine)
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)
        appbuilder.post_init()

    init_queue(app)
    register_commands(app)
    register_ops_commands(app)
    register_web(app)
    register_shell(app)
    notifications.init_app(app)
    register_health(app)
    register_outage(app)
    return app


def _sqlite_pragmas(engine):
    """The embedded SQLite database: WAL, so the queue's consumer reading a long export never blocks a web
    request's write (nor the other way round), and writers wait for each other up to 30 s."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
