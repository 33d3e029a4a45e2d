"""进度查询: a worker finds the state of an application by its 身份证号码 and 等级证书编号.

Only the state's title and the date it was reached are shown, and only when both numbers belong to the
same application. Attempts are limited per client address (a decorator on the view) and per ID number
(here, after the captcha was solved, so a mistyped captcha never uses up a worker's attempts); the
per-ID counter is keyed by a keyed hash, so the rate-limit storage never holds a clear ID number.
"""
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from limits import parse
from sqlalchemy import func, select

from app.accounts.events import record_event
from app.applications.models import Application
from app.clock import local_time
from app.extensions import db, limiter
from app.masking import mask_id_number
from app.review.models import ReviewRecord
from app.review.states import title_of

EVENT = "progress_query"


@dataclass(frozen=True)
class Progress:
    state_title: str
    day: object  # the Shanghai date the application reached that state


def normalise_id(value):
    return "".join((value or "").split()).upper()[:22]


def normalise_certificate(value):
    return "".join((value or "").split())[:50]


def address_limit():
    return current_app.config["PROGRESS_RATE_LIMIT"]


def address_key():
    """The per-address rate-limit key: the client's address (behind TRUSTED_PROXIES, the forwarded one)."""
    return f"progress-address:{request.remote_addr or ''}"


def id_key(id_number):
    """A keyed hash of the normalised ID number: the per-ID rate-limit key."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"progress-id:{normalise_id(id_number)}".encode(), hashlib.sha256).hexdigest()[:40]


def allow_id(id_number):
    """Count one lookup for this ID number; False once its limit is used up."""
    item = parse(current_app.config["PROGRESS_ID_RATE_LIMIT"])
    return limiter.limiter.hit(item, "progress-id", id_key(id_number))


def lookup(id_number, certificate_no):
    """The Progress of the newest application having both numbers, or None."""
    id_number, certificate_no = normalise_id(id_number), normalise_certificate(certificate_no)
    if not id_number or not certificate_no:
        return None
    row = db.session.execute(
        select(Application.id, Application.state, Application.submitted_at)
        .where(Application.id_number == id_number, Application.certificate_no == certificate_no)
        .order_by(Application.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    last = db.session.scalar(select(func.max(ReviewRecord.created_at)).where(ReviewRecord.application_id == row.id))
    moment = max(t for t in (last, row.submitted_at) if t is not None)
    return Progress(state_title=title_of(row.state), day=local_time(moment).date())


def record_query(id_number, outcome, found):
    """The security-log line of one query (the ID number masked, never whole)."""
    masked = mask_id_number(normalise_id(id_number)) or "（未填写）"
    user = current_user if current_user and current_user.is_authenticated else None
    record_event(EVENT, user=user, success=found, detail=f"进度查询 身份证号码：{masked}；结果：{outcome}")
