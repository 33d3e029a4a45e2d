"""The one organisation scope of the platform, for every caller: list, detail page, action, export, job,
statistics query and API.

A user sees the rows of an organisation scope:
- ``SUBTREE``: its own organisation and everything below it (the city centre: everything; a 区县局（产业）工会:
  its subtree; a 基层工会: itself, a leaf);
- ``UNIT``: its own organisation only (what a clerk may correct or withdraw).

Fail closed: a user without an organisation (or not signed in) sees nothing.
"""
from flask import abort
from sqlalchemy import false, select

from app.orgs.models import Organisation

SUBTREE = "subtree"
UNIT = "unit"


def user_org(user):
    """The organisation of a signed-in user, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "organisation", None)


def subtree_ids(org):
    """A sub-select of the ids of ``org`` and everything below it."""
    return select(Organisation.id).where(Organisation.path.startswith(org.path, autoescape=True))


def scope_filter(column, user, kind=SUBTREE):
    """A WHERE clause limiting ``column`` (an organisation id column) to the user's scope of ``kind``."""
    org = user_org(user)
    if org is None:
        return false()
    if kind == UNIT:
        return column == org.id
    if kind != SUBTREE:
        raise ValueError(f"unknown scope kind {kind!r}")
    if org.parent_id is None:
        # The city centre sees every organisation; no sub-select needed.
        return column.isnot(None)
    return column.in_(subtree_ids(org))


def limit_to_scope(statement, column, user, kind=SUBTREE):
    """``statement`` (a select, update or delete, or an ORM query) limited to the user's scope."""
    clause = scope_filter(column, user, kind)
    if hasattr(statement, "where"):
        return statement.where(clause)
    return statement.filter(clause)


def in_scope(user, organisation, kind=SUBTREE):
    """Whether ``organisation`` (an Organisation) lies in the user's scope of ``kind``."""
    org = user_org(user)
    if org is None or organisation is None:
        return False
    if kind == UNIT:
        return organisation.id == org.id
    return organisation.path.startswith(org.path)


def get_in_scope(session, model, pk, user, kind=SUBTREE, column="organisation_id"):
    """The row ``pk`` of ``model`` if its ``column`` lies in the user's scope, else None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not -(2 ** 63) < pk < 2 ** 63:
        return None
    statement = select(model).where(model.id == pk)
    return session.scalar(limit_to_scope(statement, getattr(model, column), user, kind))


def get_in_scope_or_404(session, model, pk, user, kind=SUBTREE, column="organisation_id"):
    """As :func:`get_in_scope`, answering 404 for a foreign or missing row (never revealing which)."""
    row = get_in_scope(session, model, pk, user, kind, column)
    if row is None:
        abort(404)
    return row
