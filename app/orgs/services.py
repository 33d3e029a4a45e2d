"""Organisation tree operations; they keep the materialised paths right."""
from app.extensions import db
from app.orgs.models import Organisation, OrgKind

#: Which kind of organisation may sit under which.
ALLOWED_PARENT = {
    OrgKind.CITY: (None,),
    OrgKind.DISTRICT: (OrgKind.CITY,),
    OrgKind.INDUSTRY: (OrgKind.CITY,),
    OrgKind.GRASSROOTS: (OrgKind.DISTRICT, OrgKind.INDUSTRY),
}


class OrgError(ValueError):
    """A change the tree does not allow; the message is for the user."""


def check_parent(kind, parent):
    parent_kind = OrgKind(parent.kind) if parent is not None else None
    if parent_kind not in ALLOWED_PARENT[OrgKind(kind)]:
        raise OrgError("该类型的组织不能放在所选上级组织之下")


def create_org(name, kind, parent=None, **fields):
    """Add an organisation under ``parent`` and give it its path."""
    return attach_new_org(Organisation(name=name, kind=OrgKind(kind).value, parent=parent, **fields))


def attach_new_org(org):
    """Insert a new Organisation (kind and parent set) with its path, in the current transaction."""
    check_parent(org.kind, org.parent)
    org.path = "/"  # replaced below, before anything is committed
    db.session.add(org)
    db.session.flush()
    org.path = f"{org.parent.path if org.parent else '/'}{org.id}/"
    db.session.flush()
    return org


def expected_path(org):
    return f"{org.parent.path if org.parent else '/'}{org.id}/"


def set_active(orgs, active):
    """停用 / 启用: organisations are never deleted (their applications and users keep their history)."""
    changed = [org for org in orgs if org.active != active]
    for org in changed:
        org.active = active
    db.session.flush()
    return changed


def move_org(org, new_parent):
    """Put ``org`` (and its subtree) under ``new_parent``."""
    check_parent(org.kind, new_parent)
    if new_parent is not None and new_parent.path.startswith(org.path):
        raise OrgError("不能把组织移到它自己的下级之下")
    old_prefix = org.path
    new_prefix = f"{new_parent.path if new_parent else '/'}{org.id}/"
    descendants = db.session.scalars(
        db.select(Organisation).where(Organisation.path.startswith(old_prefix, autoescape=True))
    )
    for node in descendants:
        node.path = new_prefix + node.path[len(old_prefix):]
    org.parent = new_parent
    db.session.flush()
    return org


def district_of(org):
    """The 区县局（产业）工会 an organisation belongs to (itself for a district or industry union)."""
    node = org
    while node is not None and node.kind == OrgKind.GRASSROOTS.value:
        node = node.parent
    if node is None or node.kind not in (OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value):
        return None
    return node
