"""How an application reads to a reviewer: coded fields as their reference-list names, in form order.
Shared by the review page and the 汇总表 Excel so both say the same."""
from sqlalchemy import select

from app.applications.rules import FIELD_LABELS, HR_FIELDS
from app.extensions import db
from app.reference import data
from app.reference.models import ReferenceItem

#: Application field → the reference list its codes come from.
CODED_FIELDS = {
    "industry": "industry",
    "education": "education",
    "previous_level": "skill_level",
    "new_level": "skill_level",
    "unit_kind": "unit_kind",
    "hukou_province": "province",
}
_SEED_NAMES = {
    "industry": data.names(data.INDUSTRIES),
    "education": data.names(data.EDUCATIONS),
    "skill_level": data.names(data.SKILL_LEVELS),
    "unit_kind": data.names(data.UNIT_KINDS),
    "province": data.names(data.PROVINCES),
}
VARIANT_TITLES = data.names(data.VARIANTS)
LEVEL_SHORT = {data.TECHNICIAN: "技师", data.SENIOR_TECHNICIAN: "高级技师"}


def reference_names():
    """{list name: {code: name}} from the editable reference lists, the seed values filling gaps."""
    names = {list_name: dict(values) for list_name, values in _SEED_NAMES.items()}
    for list_name, code, name in db.session.execute(
            select(ReferenceItem.list_name, ReferenceItem.code, ReferenceItem.name)):
        names.setdefault(list_name, {})[code] = name
    return names


def field_value(field, value, names):
    """The value of one application field as people read it (dates stay dates)."""
    if value is None or value == "":
        return None
    if field == "variant":
        return VARIANT_TITLES.get(value, value)
    if field == "is_migrant":
        return "是" if value else "否"
    if field in CODED_FIELDS:
        return names.get(CODED_FIELDS[field], {}).get(value, value)
    return value


def application_fields(application, names=None, *, every=False):
    """[(field, label, value)] of the form in order; unless ``every``, without the fields that do not
    apply (HR confirmation for 通用工种, migrant details for non-migrants, the unused card)."""
    names = names if names is not None else reference_names()
    rows = []
    for field, label in FIELD_LABELS.items():
        value = getattr(application, field)
        if not every:
            if field in HR_FIELDS and application.variant != data.VARIANT_INDUSTRY:
                continue
            if field in ("hukou_province", "years_in_city") and not application.is_migrant:
                continue
            if field == "union_card_no" and not value:
                continue
            if field in ("bank_name", "bank_card_no") and application.union_card_no:
                continue
        rows.append((field, label, field_value(field, value, names)))
    return rows
