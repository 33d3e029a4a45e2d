"""While the database is unreachable (restart, fail-over, network), every request that needs it gets a
Chinese 503 page asking to retry, never a traceback; the session's transaction is rolled back and its
connection dropped, so the next request takes a fresh one. The pool checks a connection before handing it
out (``pool_pre_ping`` in config.py), so the app recovers by itself once the database is back.

The page is drawn without the database: no navbar, no signed-in user, no menu.
"""
import logging

from flask import render_template
from sqlalchemy import exc

from app.extensions import db

log = logging.getLogger("app.ops.outage")

#: Errors meaning "the database cannot answer now": connection lost or refused, pool exhausted,
#: server shutting down, deadlock or serialization failure (all worth a retry).
UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 5
MESSAGE = "系统暂时无法访问数据库，请稍后重试。您刚才的操作如未显示成功，则没有保存，请重新提交。"


def _discard_session():
    for step in (db.session.rollback, db.session.remove):
        try:
            step()
        except Exception:
            log.debug("discarding the session after a database error failed", exc_info=True)


def unavailable_page(error):
    _discard_session()
    # The class and the driver's first line only: never the statement or its parameters.
    lines = str(getattr(error, "orig", None) or type(error).__name__).splitlines() or [""]
    log.warning("database unavailable: %s %s", type(error).__name__, lines[0][:200])
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return render_template("unavailable.html", message=MESSAGE), 503, headers


def lost_connection(error):
    """Whether ``error`` comes of the connection going away mid-request rather than of the statement:
    a session left needing a rollback, a connection invalidated, a driver error of the operational kind."""
    if isinstance(error, (*UNAVAILABLE, exc.PendingRollbackError)):
        return True
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or type(error.orig).__name__ in ("OperationalError", "InterfaceError")
    return False


def _other_database_error(error):
    if lost_connection(error):
        return unavailable_page(error)
    raise error  # a real fault: the usual 500 path (logged, Chinese 500 page)


def register_outage(app):
    # Runs before Flask-SQLAlchemy's own teardown (teardowns run last-registered first): closing the
    # session rolls back on a connection the server may just have terminated, which must not turn the
    # finished response into the server's bare 500.
    @app.teardown_appcontext
    def _remove_session_quietly(_error):
        try:
            db.session.remove()
        except Exception:
            log.warning("closing the session failed (database unavailable); connection dropped")
            db.session.registry.clear()

    for error_class in UNAVAILABLE:
        app.register_error_handler(error_class, unavailable_page)
    app.register_error_handler(exc.SQLAlchemyError, _other_database_error)
