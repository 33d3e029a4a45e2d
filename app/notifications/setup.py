"""Wiring 消息中心 into the app: the subscribers and the bell's template helper."""
from flask import g
from flask_login import current_user

from app.notifications import services, subscribers


def unread_notifications():
    user = g.get("user") or current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return services.unread_count(user)


def init_app(app):
    subscribers.connect()
    app.jinja_env.globals["unread_notifications"] = unread_notifications
