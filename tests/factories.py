"""Factories for tests: organisations, users, campaigns, applications. Each commits what it makes."""
import itertools
import random
from datetime import date, datetime, timedelta

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.accounts.services import create_account
from app.applications.models import Application, Attachment
from app.campaigns.models import Batch, Campaign, CampaignState
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import create_org
from app.reference import data
from app.review.states import State
from tests.ids import (
    BANK_PREFIX,
    bank_card,
    id_number,
    unique_bank_card,
    unique_id_number,
)

PASSWORD = "Xq7#mT9pLw"
_seq = itertools.count(1)


def root_org():
    return db.session.scalar(db.select(Organisation).where(Organisation.parent_id.is_(None)))


def district(name="宝山区总工会"):
    return db.session.scalar(db.select(Organisation).where(Organisation.name == name))


def make_org(kind=OrgKind.GRASSROOTS, parent=None, name=None, **fields):
    kind = OrgKind(kind)
    if parent is None:
        parent = district() if kind == OrgKind.GRASSROOTS else root_org()
    n = next(_seq)
    org = create_org(name or f"测试{kind.title}{n}", kind, parent,
                     unit_name=fields.pop("unit_name", f"测试单位{n}" if kind == OrgKind.GRASSROOTS else None),
                     **fields)
    db.session.commit()
    return org


def make_user(role=GRASSROOTS, org=None, username=None, password=PASSWORD, must_change=False, **fields):
    if org is None:
        org = {SYSTEM_ADMIN: root_org, FINANCE: root_org, DISTRICT_ADMIN: district}.get(role, make_org)()
    user = create_account(username or f"user{next(_seq)}", password, role, org,
                          fields.pop("real_name", "测试用户"), must_change_password=must_change, **fields)
    db.session.commit()
    return user


def make_campaign(name=None, opens_on=date(2015, 3, 1), deadline=date(2015, 4, 10), paper=date(2015, 4, 20),
                  **fields):
    campaign = Campaign(name=name or f"测试活动{next(_seq)}", category="技师奖励", start_date=opens_on,
                        end_date=paper, state=CampaignState.PUBLISHED.value,
                        cert_issued_from=fields.pop("cert_issued_from", date(2014, 1, 1)), **fields)
    batch = Batch(campaign=campaign, number=1, name="第一批", opens_on=opens_on, system_deadline=deadline,
                  paper_deadline=paper)
    db.session.add_all([campaign, batch])
    db.session.commit()
    return campaign


def valid_values(seed=None, variant=data.VARIANT_GENERAL, **overrides):
    """A complete set of field values that every rule accepts.

    Without a seed every call gets its own ID, card and certificate numbers, so tests that make many
    applications never collide on the first-time rule by chance. The same seed gives the same values.
    """
    n = seed if seed is not None else 10**6 + next(_seq)
    rng = random.Random(n)
    male = rng.random() < 0.5
    if seed is None:
        person, card = unique_id_number(male), unique_bank_card()
    else:
        birth = date(1960, 1, 1) + timedelta(days=n % 12000)
        person = id_number(birth, male, seq=f"{rng.randrange(500) * 2 + male:03d}")
        card = bank_card(f"{BANK_PREFIX}{rng.randrange(10**12):012d}")
    values = dict(
        variant=variant, name="张三", gender="男" if male else "女", mobile="13011112222", industry="C",
        education="college", previous_level="3", previous_level_date=date(2010, 5, 1), trade="焊工",
        new_level="2", certificate_no=f"1501{n:08d}", certificate_date=date(2014, 12, 1),
        certificate_issuer=data.CITY_HR_AUTHORITY if variant == data.VARIANT_GENERAL else "交通运输部",
        id_number=person, union_card_no=None, bank_name="中国工商银行", bank_card_no=card,
        employer="上海江杨机械有限公司", unit_kind="state", address="上海市宝山区江杨南路1号", postcode="200431",
        is_migrant=False, hukou_province=None, years_in_city=None,
        hr_opinion="情况属实" if variant == data.VARIANT_INDUSTRY else None,
        hr_signer="王人事" if variant == data.VARIANT_INDUSTRY else None,
        hr_date=date(2015, 3, 2) if variant == data.VARIANT_INDUSTRY else None,
    )
    values.update(overrides)
    return values


def add_scan_rows(application, kinds=None):
    """Attachment rows (no files on disk) for ``kinds``, by default every scan the variant requires."""
    from app.applications.attachments import required_kinds

    for kind in kinds if kinds is not None else required_kinds(application.variant):
        db.session.add(Attachment(
            application_id=application.id, kind=kind, original_name=f"{kind}.pdf",
            stored_name=f"test{next(_seq)}_{random.getrandbits(64):016x}.pdf", content_type="application/pdf",
            size=1, sha256="0" * 64, uploaded_by_id=application.submitted_by_id,
            organisation_id=application.organisation_id))
    db.session.commit()


def make_application(user, campaign=None, state=State.PENDING, scans=True, **overrides):
    """An application of ``user``'s organisation, stored directly in ``state`` (no workflow), with the rows
    of its required scans unless ``scans`` is false."""
    from app.orgs.services import district_of

    campaign = campaign or make_campaign()
    batch = campaign.batches[0]
    app = Application(campaign=campaign, batch=batch, organisation_id=user.organisation_id,
                      district_id=district_of(user.organisation).id, submitted_by_id=user.id,
                      state=State(state).value, fill_date=batch.opens_on,
                      submitted_at=datetime.combine(batch.opens_on, datetime.min.time()),
                      **valid_values(**overrides))
    db.session.add(app)
    db.session.commit()
    if scans:
        add_scan_rows(app)
    return app


_VOUCHERS = itertools.count(1)


def make_transfer(application, finance, day=None):
    """A 划拨 record of ``application``'s district and batch (not yet holding it), as 奖励资金划拨 makes one."""
    from app.clock import today
    from app.payments.models import Transfer

    transfer = Transfer(district_id=application.district_id, batch_id=application.batch_id,
                        voucher_no=f"财拨-{next(_VOUCHERS)}", transferred_on=day or today(), count=0, total=0,
                        created_by_id=finance.id)
    db.session.add(transfer)
    db.session.flush()
    return transfer


def fund_by_transfer(application, finance, day=None):
    """配套发放 of ``application`` the one way there is: 奖励资金划拨 under a voucher (a transfer of this one
    application). Returns the transfer; commits."""
    from app.clock import today
    from app.payments import transfers

    result = transfers.fund_transfer(finance, application.district, application.batch,
                                     {"transferred_on": (day or today()).isoformat(),
                                      "voucher_no": f"财拨-{next(_VOUCHERS)}"},
                                     targets=[(application.id, application.version)])
    assert result.transfer is not None, result.skipped
    db.session.commit()
    return result.transfer
