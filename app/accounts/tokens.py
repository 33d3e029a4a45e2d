"""Personal API tokens: a user creates, names and revokes its own; a token acts as its user (the same role
and organisation scope) until it expires or is revoked.

The token is shown once, when it is created. Only two hashes are stored (Flask-AppBuilder's ``ab_api_key``
table): a keyed HMAC to find the row, and a salted hash checked after it. Every creation and revocation is
in the security log. No HTTP here but reading the request's address for the log.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_appbuilder.security.sqla.models import ApiKey
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.events import record_event
from app.accounts.models import AppUser
from app.clock import utcnow
from app.extensions import db

#: What every token starts with (FAB_API_KEY_PREFIXES), so a Bearer value is known to be one of ours.
PREFIX = "jst_"
NAME_MAX = 60
#: The lifetimes a user may choose, in days.
LIFETIMES = (30, 90, 180, 365)
#: Live tokens one user may hold at once.
MAX_LIVE = 10
#: last_used_on is written at most once a minute per token.
LAST_USE_STEP = timedelta(minutes=1)


class TokenInvalid(ValueError):
    """Refused input for a new token; ``errors`` maps each form field to its Chinese message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


def lookup_hash(raw):
    """The keyed hash by which a presented token finds its row (HMAC-SHA256 with SECRET_KEY)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"api-token:{raw}".encode(), hashlib.sha256).hexdigest()


def is_live(token, now=None):
    now = now or utcnow()
    return bool(token.active) and token.revoked_on is None and (
        token.expires_on is None or token.expires_on > now)


def status_title(token, now=None):
    now = now or utcnow()
    if token.revoked_on is not None or not token.active:
        return "已撤销"
    if token.expires_on is not None and token.expires_on <= now:
        return "已过期"
    return "有效"


def tokens_of(user):
    """The user's tokens, newest first."""
    return db.session.scalars(select(ApiKey).where(ApiKey.user_id == user.id)
                              .order_by(ApiKey.id.desc())).all()


def create_token(user, name, days):
    """A new token for ``user``: (row, the token in clear, to be shown once). The caller commits."""
    name = " ".join(str(name or "").split())
    errors = {}
    if not name:
        errors["name"] = "请填写令牌名称（例如“区县台账同步脚本”）"
    elif len(name) > NAME_MAX:
        errors["name"] = f"令牌名称不能超过{NAME_MAX}个字（现为{len(name)}个字）"
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days not in LIFETIMES:
        errors["days"] = "请选择有效期"
    now = utcnow()
    live = db.session.scalar(select(func.count(ApiKey.id)).where(
        ApiKey.user_id == user.id, ApiKey.active.is_(True), ApiKey.revoked_on.is_(None),
        (ApiKey.expires_on.is_(None)) | (ApiKey.expires_on > now)))
    if live >= MAX_LIVE:
        errors["name"] = f"您已有{MAX_LIVE}个有效令牌，请先撤销不再使用的令牌"
    if errors:
        raise TokenInvalid(errors)
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiKey(name=name, key_hash=generate_password_hash(raw, method="pbkdf2:sha256:1000"),
                   lookup_hash=lookup_hash(raw), key_prefix=PREFIX, user_id=user.id, active=True,
                   created_on=now, expires_on=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record_event("api_token_created", user=user, detail=f"API令牌“{name}”，有效期{days}天")
    return token, raw


def revoke_token(user, token_id):
    """撤销 one of the user's own tokens (False if it is not the user's or already revoked). The caller commits."""
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        return False
    token = db.session.scalar(select(ApiKey).where(ApiKey.id == token_id, ApiKey.user_id == user.id)) \
        if 0 < token_id < 2 ** 31 else None
    if token is None or token.revoked_on is not None:
        return False
    token.revoked_on = utcnow()
    token.active = False
    record_event("api_token_revoked", user=user, detail=f"API令牌“{token.name}”")
    return True


def authenticate(raw):
    """The live token ``raw`` of an active user who may sign in, or None. Notes its last use (committed)."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiKey).where(ApiKey.lookup_hash == lookup_hash(raw)))
    if token is None or not check_password_hash(token.key_hash, raw):
        return None
    now = utcnow()
    # Not token.user: FAB's relationship names its own User class; the platform's account is AppUser.
    user = db.session.get(AppUser, token.user_id)
    if not is_live(token, now) or user is None or not user.is_active or user.must_change_password:
        return None
    if token.last_used_on is None or now - token.last_used_on >= LAST_USE_STEP:
        db.session.execute(update(ApiKey).where(ApiKey.id == token.id).values(last_used_on=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        token = db.session.get(ApiKey, token.id)
    token.account = user
    return token
