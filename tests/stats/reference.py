"""The statistics counted again, independently: every application of a scope loaded as an object and
counted in Python, with the rules spelled out here (not imported from app.stats)."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from app.applications.models import Application
from app.clock import local_time
from app.extensions import db
from app.orgs.models import Organisation

NOT_COUNTED = {"withdrawn", "voided"}
IN_REVIEW = {"pending", "district_approved"}
REJECTED = {"district_rejected", "final_rejected"}
APPROVED = {"final_approved", "funded", "paid"}
BAND_LIMITS = (25, 30, 35, 40, 45, 50, 55)


def visible(user, campaign_id=None, batch_id=None):
    """The applications the user's organisation path covers, loaded whole (fine for a test)."""
    paths = dict(db.session.execute(select(Organisation.id, Organisation.path)).all())
    mine = paths[user.organisation_id]
    rows = db.session.scalars(select(Application)).all()
    return [a for a in rows if paths[a.organisation_id].startswith(mine)
            and (campaign_id is None or a.campaign_id == campaign_id)
            and (batch_id is None or a.batch_id == batch_id)]


def age(application):
    digits = application.id_number[6:14]
    born_year, born_month, born_day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    issued = application.certificate_date
    return issued.year - born_year - ((issued.month, issued.day) < (born_month, born_day))


def band(years):
    for index, limit in enumerate(BAND_LIMITS):
        if years < limit:
            return index
    return len(BAND_LIMITS)


def key_of(dimension, application, city):
    return {
        "organisation": lambda a: a.district_id if city else a.organisation_id,
        "batch": lambda a: a.batch_id,
        "level": lambda a: a.new_level,
        "variant": lambda a: a.variant,
        "state": lambda a: a.state,
        "industry": lambda a: a.industry,
        "education": lambda a: a.education,
        "unit_kind": lambda a: a.unit_kind,
        "migrant": lambda a: bool(a.is_migrant),
        "hukou": lambda a: a.hukou_province,
        "age": lambda a: band(age(a)),
        "day": lambda a: f"{local_time(a.submitted_at):%Y-%m-%d}",
    }[dimension](application)


def measures(apps):
    return {
        "submitted": sum(a.state not in NOT_COUNTED for a in apps),
        "in_review": sum(a.state in IN_REVIEW for a in apps),
        "rejected": sum(a.state in REJECTED for a in apps),
        "approved": sum(a.state in APPROVED for a in apps),
        "paid": sum(a.state == "paid" for a in apps),
        "excluded": sum(a.state in NOT_COUNTED for a in apps),
        "count": len(apps),
        "city_amount": sum((a.city_amount or Decimal(0) for a in apps), Decimal("0.00")),
        "district_amount": sum((a.district_amount or Decimal(0) for a in apps), Decimal("0.00")),
    }


def expected(dimension, apps, city):
    """{group key: {measure: value}} of the groups that have a row."""
    if dimension == "hukou":
        apps = [a for a in apps if a.is_migrant]
    groups = defaultdict(list)
    for a in apps:
        groups[key_of(dimension, a, city)].append(a)
    return {k: measures(v) for k, v in groups.items()}
