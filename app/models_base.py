"""Shared column helpers for the product's models."""
from datetime import datetime, timezone

from flask_appbuilder import Model  # noqa: F401  (one metadata with FAB's ab_* tables)


def utcnow():
    """Naive UTC timestamp: both SQLite and PostgreSQL store it the same way."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
