"""The login page's image captcha, drawn locally (the ``captcha`` package; no outside service).

The session is a signed, not encrypted, cookie: it holds only a keyed hash of the answer, with a
nonce and the time it was issued, so the cookie never gives the answer away. Each challenge is
good for one login attempt: the attempt removes it from the session, and its nonce is marked used
in the rate-limit storage (Redis when configured), so replaying an old cookie does not help either.

Tests may fix the answer through ``CAPTCHA_FIXED_ANSWER`` (only TestConfig sets it; production
configuration refuses it in ``Config.validate``).
"""
import hashlib
import hmac
import secrets
import time

from captcha.image import ImageCaptcha
from flask import current_app, session

from app.extensions import limiter

#: No 0/O, 1/I/l: the characters people confuse.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 4
#: A challenge older than this is refused (seconds).
MAX_AGE = 10 * 60
SESSION_KEY = "captcha"


def random_text():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _digest(nonce, answer):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"captcha:{nonce}:{answer.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def issue():
    """A new challenge for this session; returns the PNG bytes of its image."""
    text = current_app.config.get("CAPTCHA_FIXED_ANSWER") or random_text()
    nonce = secrets.token_urlsafe(12)
    session[SESSION_KEY] = {"n": nonce, "t": int(time.time()), "h": _digest(nonce, text)}
    return ImageCaptcha(width=140, height=50).generate(text).getvalue()


def _first_use(nonce):
    """True once per nonce (across processes when the rate-limit storage is Redis)."""
    try:
        return limiter.storage.incr(f"captcha-used/{nonce}", MAX_AGE + 60) == 1
    except Exception:  # storage down: the session pop below still makes the challenge single-use
        current_app.logger.warning("captcha nonce storage unavailable")
        return True


def check(answer):
    """Whether ``answer`` solves this session's challenge; the challenge is used up either way."""
    challenge = session.pop(SESSION_KEY, None)
    fixed = current_app.config.get("CAPTCHA_FIXED_ANSWER")
    answer = (answer or "").strip()
    if fixed:
        return answer.lower() == fixed.lower()
    if not answer or not isinstance(challenge, dict):
        return False
    try:
        nonce, issued, digest = challenge["n"], int(challenge["t"]), challenge["h"]
    except (KeyError, TypeError, ValueError):
        return False
    if time.time() - issued > MAX_AGE:
        return False
    if not hmac.compare_digest(digest, _digest(nonce, answer)):
        _first_use(nonce)
        return False
    return _first_use(nonce)
