"""Signed-in sessions: started at login, ended after 30 idle minutes or when the account's epoch moves.

The session cookie carries the account's ``session_epoch`` from the moment of login. Logging out,
a password change or reset and deactivation bump the epoch in the database, so every other session
of that account stops working at its next request (nothing is kept in process memory).
"""
import time

from flask import current_app, flash, request, session
from flask_login import current_user, login_user, logout_user

#: Requests a page makes by itself (the bell's unread count): they never count as the user's activity.
PASSIVE_ENDPOINTS = {"NotificationView.count"}
EPOCH_KEY = "epoch"
LAST_SEEN_KEY = "last_seen"


def now_ts():
    """Seconds since the epoch; one place so tests can move the clock."""
    return int(time.time())


def idle_limit_seconds():
    return int(current_app.config.get("SESSION_IDLE_MINUTES", 30)) * 60


def start_session(user):
    """Sign ``user`` in on a fresh session (no value of the anonymous session survives)."""
    session.clear()
    login_user(user, remember=False)
    session[EPOCH_KEY] = user.session_epoch or 0
    session[LAST_SEEN_KEY] = now_ts()


def keep_session(user):
    """After the user's own password change (which moved the epoch), this session stays valid."""
    session[EPOCH_KEY] = user.session_epoch


def end_session(message=None):
    logout_user()
    session.clear()
    if message:
        flash(message, "warning")


def guard_session():
    """Before every request: end a session that is idle too long or belongs to an older epoch."""
    if "_user_id" not in session:
        return
    user = current_user
    if not user or not user.is_authenticated:
        # Deleted or deactivated since the login.
        end_session("您的账号已停用，或登录已失效，请重新登录。")
        return
    if session.get(EPOCH_KEY) != (user.session_epoch or 0):
        end_session("您的登录已失效（已在别处退出或密码已修改），请重新登录。")
        return
    now = now_ts()
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, int) or now - last_seen > idle_limit_seconds():
        end_session("由于长时间未操作，您已自动退出，请重新登录。")
        return
    if now != last_seen and request.endpoint not in PASSIVE_ENDPOINTS:
        session[LAST_SEEN_KEY] = now
