"""Logs as JSON lines on stderr: time, level, logger, message, and for requests the request id (the incoming
``X-Request-ID`` if well-formed, else a new one, echoed in the response), the signed-in user's id and
organisation, method, path (never the query string), status and duration.

Nothing personal gets through: every line is scrubbed of resident ID numbers and card-like digit runs
(masked as on screen, app/masking.py) and of anything after ``password``; SQL parameters are never rendered
(``hide_parameters`` in config.py); request bodies and query strings are never logged.
"""
import json
import logging
import re
import time
import uuid

from flask import g, has_request_context, request

from app.clock import utcnow
from app.masking import mask_numbers_in

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PASSWORD = re.compile(r"(?i)(pass(word|wd)?|密码)([\s:=：]{1,3})[^\s\"',;&]+")
request_log = logging.getLogger("app.request")


def scrub(text):
    text = mask_numbers_in(text)
    return _PASSWORD.sub(lambda m: f"{m.group(1)}{m.group(3)}[已隐藏]", text)


def request_fields():
    if not has_request_context():
        return {}
    fields = {"request_id": g.get("request_id"), "method": request.method, "path": request.path}
    # Only a user already loaded by this request: never a database query from inside logging. The session's
    # user is noted when it is loaded (``log_user``: a commit may have expired it since).
    known = g.get("log_user")
    user = g.get("_login_user")
    if known is not None and user is not None:
        fields["user_id"], fields["organisation_id"] = known
    elif user is not None and getattr(user, "is_authenticated", False):
        fields["user_id"] = getattr(user, "id", None)
        fields["organisation_id"] = getattr(user, "organisation_id", None)
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": utcnow().isoformat(timespec="milliseconds") + "Z", "level": record.levelname,
                 "logger": record.name, "message": scrub(record.getMessage())}
        entry.update(request_fields())
        for key in ("status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler(stream=None):
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.set_name("jishi-json")
    return handler


def configure_logging(app):
    root = logging.getLogger()
    if app.config.get("LOG_JSON", True) and not any(h.get_name() == "jishi-json" for h in root.handlers):
        root.addHandler(json_handler())
        if root.level == logging.WARNING or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        # The app logs each request itself (without the query string).
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.monotonic()

    @app.after_request
    def log_request(response):
        response.headers["X-Request-ID"] = g.get("request_id") or ""
        started = g.get("request_started")
        duration = round((time.monotonic() - started) * 1000, 1) if started else None
        request_log.info("%s %s %s", request.method, request.path, response.status_code,
                         extra={"status": response.status_code, "duration_ms": duration})
        return response
