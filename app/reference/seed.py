"""`flask seed`: reference lists, the 2015 organisation tree and the role rows. Idempotent."""
from app.accounts.roles import ROLE_NAMES
from app.extensions import appbuilder, db
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import create_org
from app.reference import data
from app.reference.models import ReferenceItem

REFERENCE_LISTS = {
    "industry": [(code, name, None) for code, name in data.INDUSTRIES],
    "education": [(code, name, None) for code, name in data.EDUCATIONS],
    "skill_level": [(code, name, None) for code, name in data.SKILL_LEVELS],
    "unit_kind": [(code, name, None) for code, name in data.UNIT_KINDS],
    "province": [(code, name, None) for code, name in data.PROVINCES],
    "issuer": list(data.ISSUERS),
}


def seed_reference_lists():
    """Add the items a list lacks; never overwrite what the system admin edited."""
    existing = {(i.list_name, i.code) for i in db.session.scalars(db.select(ReferenceItem))}
    added = 0
    for list_name, rows in REFERENCE_LISTS.items():
        for order, (code, name, variant) in enumerate(rows, start=1):
            if (list_name, code) not in existing:
                db.session.add(ReferenceItem(list_name=list_name, code=code, name=name,
                                             sort_order=order, variant=variant))
                added += 1
    return added


def seed_organisations():
    """The city centre, the 17 区县 unions of early 2015 and a few marked example 产业局 unions."""
    root = db.session.scalar(db.select(Organisation).where(Organisation.parent_id.is_(None)))
    if root is None:
        root = create_org(data.CITY_CENTRE, OrgKind.CITY)
    known = set(db.session.scalars(db.select(Organisation.name).where(Organisation.parent_id == root.id)))
    added = 0
    for code, name in data.DISTRICTS_2015:
        if name not in known:
            create_org(name, OrgKind.DISTRICT, root, code=code)
            added += 1
    for name in data.EXAMPLE_INDUSTRY_UNIONS:
        if name not in known:
            create_org(name, OrgKind.INDUSTRY, root, is_example=True)
            added += 1
    return root, added


def seed_roles():
    """The four role rows (their permissions are declared in app.accounts.roles)."""
    sm = appbuilder.sm
    for name in ROLE_NAMES + (sm.auth_role_public,):
        if sm.find_role(name) is None:
            sm.add_role(name)


def seed_all():
    seed_roles()
    added_items = seed_reference_lists()
    _, added_orgs = seed_organisations()
    db.session.commit()
    return added_items, added_orgs
