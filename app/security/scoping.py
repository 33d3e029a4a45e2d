"""One organisation scope for every list, detail page, action, export and API call.

Fail closed: a user without an organisation sees nothing.
"""
from sqlalchemy import false, select

from app.orgs.models import Organisation


def user_org(user):
    """The organisation of a signed-in user, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "organisation", None)


def subtree_ids(org):
    """A sub-select of the ids of ``org`` and everything below it."""
    return select(Organisation.id).where(Organisation.path.startswith(org.path, autoescape=True))


def scope_filter(column, user):
    """A WHERE clause limiting ``column`` (an organisation id column) to the user's subtree."""
    org = user_org(user)
    if org is None:
        return false()
    if org.parent_id is None:
        # The city centre sees every organisation; no sub-select needed.
        return column.isnot(None)
    return column.in_(subtree_ids(org))


def in_scope(user, organisation):
    """Whether ``organisation`` (an Organisation) lies in the user's subtree."""
    org = user_org(user)
    if org is None or organisation is None:
        return False
    return organisation.path.startswith(org.path)
