"""The one Huey instance of the platform, configured by the app factory (``init_queue``):

- embedded default: a SQLite file in the instance folder (JOBS_SQLITE_PATH), whose consumer ``python run.py``
  starts beside the web server;
- production: Redis (REDIS_URL), served by any number of ``huey_consumer app.jobs.worker.huey`` processes;
- JOBS_IMMEDIATE (tests only): a submitted task runs at once in the submitting process.

Tasks and periodic tasks run inside an app context of the app that configured the queue
(``app_task`` / ``app_periodic_task``).
"""
import functools
import logging

from huey import Huey, crontab  # noqa: F401  (crontab for the periodic tasks of every domain)
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)

#: Until init_queue runs, nothing leaves the process (an import alone never creates a queue file).
huey = Huey("jishi", storage_class=MemoryStorage, utc=True)
_state = {"app": None}


def init_queue(app):
    """Point the queue at this app's storage and remember the app for the tasks' app context."""
    config = app.config
    huey.name = config.get("JOBS_QUEUE_NAME", "jishi")
    redis_url = config.get("REDIS_URL")
    if redis_url:
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": redis_url}
    else:
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": config["JOBS_SQLITE_PATH"]}
    huey._immediate = bool(config.get("JOBS_IMMEDIATE"))
    huey.storage = huey.create_storage()
    _state["app"] = app


def flask_app():
    app = _state["app"]
    if app is None:
        raise RuntimeError("the job queue is not configured: create the app first (app.create_app)")
    return app


def set_immediate(value):
    """Huey's immediate mode on or off (tests that need a job's result synchronously)."""
    huey.immediate = bool(value)


def _in_app_context(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with flask_app().app_context():
            return func(*args, **kwargs)
    return wrapper


def app_task(**options):
    """``@app_task()``: a Huey task whose body runs inside an app context."""
    def decorator(func):
        return huey.task(**options)(_in_app_context(func))
    return decorator


def app_periodic_task(validate_datetime, **options):
    """``@app_periodic_task(crontab(minute="*/10"))``: a periodic task inside an app context (UTC times)."""
    def decorator(func):
        return huey.periodic_task(validate_datetime, **options)(_in_app_context(func))
    return decorator


def put_value(key, value):
    """A small value beside the queue (Redis or the queue's SQLite file), e.g. a running job's progress."""
    huey.put(key, value)


def peek_value(key, default=None):
    try:
        value = huey.get(key, peek=True)
    except Exception:  # the queue's storage unreachable: the page shows the last committed figures
        logger.warning("job queue storage unreachable reading %s", key, exc_info=True)
        return default
    return default if value is None else value


def delete_value(key):
    try:
        huey.delete(key)
    except Exception:
        logger.warning("job queue storage unreachable deleting %s", key, exc_info=True)
