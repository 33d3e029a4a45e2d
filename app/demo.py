"""`python run.py --demo`: the 2015 campaign, demo accounts for every role, ~200 applications."""
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from stdnum import luhn
from stdnum.cn import ric

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.accounts.services import create_account
from app.applications.models import Application
from app.campaigns.models import Batch, Campaign, CampaignState
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import create_org
from app.reference import data
from app.review.models import ReviewRecord
from app.review.states import State

#: Documented in the README; every demo account must change it at first login.
DEMO_PASSWORD = "Demo#2015jishi"
CAMPAIGN_NAME = "2015年度上海职工晋升技师、高级技师奖励计划"

#: (district name, grassroots unions: (union name, 单位))
DEMO_UNITS = {
    "宝山区总工会": [("上海江杨机械有限公司工会", "上海江杨机械有限公司"),
                 ("上海光丰钢铁表面处理厂工会", "上海光丰钢铁表面处理厂")],
    "虹口区总工会": [("上海虹口电气设备厂工会", "上海虹口电气设备厂")],
    "浦东新区总工会": [("上海浦东船舶修造有限公司工会", "上海浦东船舶修造有限公司"),
                   ("上海张江精密仪器有限公司工会", "上海张江精密仪器有限公司")],
    "闵行区总工会": [("上海闵行汽车零部件有限公司工会", "上海闵行汽车零部件有限公司")],
}

#: login name → (role, organisation name, real name); district logins follow the reporting-system names.
DEMO_ACCOUNTS = {
    "admin": (SYSTEM_ADMIN, data.CITY_CENTRE, "王奇峰"),
    "caiwu": (FINANCE, data.CITY_CENTRE, "赵财务"),
    "baoshan": (DISTRICT_ADMIN, "宝山区总工会", "宝山管理员"),
    "hongkou": (DISTRICT_ADMIN, "虹口区总工会", "虹口管理员"),
    "pudong": (DISTRICT_ADMIN, "浦东新区总工会", "浦东管理员"),
    "minhang": (DISTRICT_ADMIN, "闵行区总工会", "闵行管理员"),
    "baoshan001": (GRASSROOTS, "上海江杨机械有限公司工会", "李静"),
    "baoshan002": (GRASSROOTS, "上海光丰钢铁表面处理厂工会", "李思"),
    "hongkou001": (GRASSROOTS, "上海虹口电气设备厂工会", "陈志渊"),
    "pudong001": (GRASSROOTS, "上海浦东船舶修造有限公司工会", "张浦东"),
    "pudong002": (GRASSROOTS, "上海张江精密仪器有限公司工会", "刘张江"),
    "minhang001": (GRASSROOTS, "上海闵行汽车零部件有限公司工会", "周闵行"),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红波斌玉兰海燕东晨"
TRADES = ["焊工", "钳工", "车工", "电工", "维修电工", "数控车工", "汽车修理工", "铣工", "磨工", "电梯安装维修工"]
MOBILE_PREFIXES = ["130", "131", "135", "138", "139", "150", "158", "186", "189"]

#: How many demo applications end in each state (~200 in all).
STATE_COUNTS = {
    State.PENDING: 60, State.DISTRICT_APPROVED: 40, State.DISTRICT_REJECTED: 12, State.FINAL_APPROVED: 25,
    State.FINAL_REJECTED: 8, State.FUNDED: 20, State.PAID: 25, State.WITHDRAWN: 5, State.VOIDED: 5,
}
#: The transitions that lead to each state: (action, from, to, acting role).
PATHS = {
    State.PENDING: [],
    State.DISTRICT_APPROVED: [("approve_by_district", State.PENDING, State.DISTRICT_APPROVED, DISTRICT_ADMIN)],
    State.DISTRICT_REJECTED: [("reject_by_district", State.PENDING, State.DISTRICT_REJECTED, DISTRICT_ADMIN)],
    State.WITHDRAWN: [("withdraw", State.PENDING, State.WITHDRAWN, GRASSROOTS)],
    State.VOIDED: [("void", State.PENDING, State.VOIDED, DISTRICT_ADMIN)],
}
PATHS[State.FINAL_APPROVED] = PATHS[State.DISTRICT_APPROVED] + [
    ("approve_final", State.DISTRICT_APPROVED, State.FINAL_APPROVED, SYSTEM_ADMIN)]
PATHS[State.FINAL_REJECTED] = PATHS[State.DISTRICT_APPROVED] + [
    ("reject_final", State.DISTRICT_APPROVED, State.FINAL_REJECTED, SYSTEM_ADMIN)]
PATHS[State.FUNDED] = PATHS[State.FINAL_APPROVED] + [("fund", State.FINAL_APPROVED, State.FUNDED, FINANCE)]
PATHS[State.PAID] = PATHS[State.FUNDED] + [("record_payment", State.FUNDED, State.PAID, DISTRICT_ADMIN)]
COMMENTS = {"reject_by_district": "证书复印件不清晰，请重新上传", "reject_final": "与鉴定中心证书信息不符",
            "void": "重复录入，作废"}


def make_id_number(rng, birth, male, region="310109"):
    seq = rng.randrange(0, 50) * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{rng.randrange(10)}{seq:02d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def make_bank_card(rng):
    body = "622202" + "".join(str(rng.randrange(10)) for _ in range(12))
    return body + luhn.calc_check_digit(body)


def load_demo(today=None):
    """Load the demo campaign once; returns False if it is already there."""
    if db.session.scalar(db.select(Campaign).where(Campaign.name == CAMPAIGN_NAME)):
        return False
    rng = random.Random(2015)
    orgs = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    for district, units in DEMO_UNITS.items():
        for union_name, unit in units:
            if union_name not in orgs:
                orgs[union_name] = create_org(union_name, OrgKind.GRASSROOTS, orgs[district], unit_name=unit)
    users = {}
    from app.accounts.models import AppUser

    for login, (role, org_name, real_name) in DEMO_ACCOUNTS.items():
        existing = db.session.scalar(db.select(AppUser).where(AppUser.username == login))
        if existing is not None:  # e.g. the first admin created before the demo was loaded
            users[login] = existing
            continue
        users[login] = create_account(login, DEMO_PASSWORD, role, orgs[org_name], real_name,
                                      mobile=f"1391234{len(users):04d}", must_change_password=True)
    campaign = Campaign(name=CAMPAIGN_NAME, category="技师奖励", start_date=date(2015, 3, 1),
                        end_date=date(2015, 10, 15), state=CampaignState.PUBLISHED.value,
                        cert_issued_from=date(2014, 1, 1), cert_issued_to=None,
                        reward_technician=Decimal("1000"), reward_senior_technician=Decimal("2000"),
                        description="沪工总经〔2015〕55号：2015年度上海职工晋升技师、高级技师奖励计划申报。",
                        created_by=users["admin"])
    db.session.add(campaign)
    batches = [
        Batch(campaign=campaign, number=1, name="第一批", opens_on=date(2015, 3, 1),
              system_deadline=date(2015, 4, 10), paper_deadline=date(2015, 4, 20)),
        Batch(campaign=campaign, number=2, name="第二批", opens_on=date(2015, 9, 1),
              system_deadline=date(2015, 9, 30), paper_deadline=date(2015, 10, 15)),
    ]
    db.session.add_all(batches)
    db.session.flush()
    clerks = [u for u in users.values() if u.roles[0].name == GRASSROOTS]
    admins_by_district = {u.organisation_id: u for u in users.values() if u.roles[0].name == DISTRICT_ADMIN}
    n = 0
    for state, count in STATE_COUNTS.items():
        for _ in range(count):
            n += 1
            clerk = clerks[n % len(clerks)]
            district = clerk.organisation.parent
            app = _demo_application(rng, n, clerk, district, campaign, batches[n % 2], state)
            db.session.add(app)
            db.session.flush()
            _demo_history(app, state, clerk, admins_by_district[district.id], users)
    db.session.commit()
    return True


def _demo_application(rng, n, clerk, district, campaign, batch, state):
    male = rng.random() < 0.7
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 25))
    new_level = data.SENIOR_TECHNICIAN if n % 4 == 0 else data.TECHNICIAN
    industry_variant = n % 5 == 0
    cert_date = batch.opens_on - timedelta(days=rng.randrange(20, 400))
    migrant = n % 6 == 0
    union_card = n % 3 != 0
    submitted = datetime.combine(batch.opens_on, datetime.min.time()) + timedelta(
        days=rng.randrange(0, 25), hours=rng.randrange(8, 18), minutes=rng.randrange(60))
    issuers = [i for i in data.ISSUERS if i[2] == (data.VARIANT_INDUSTRY if industry_variant else data.VARIANT_GENERAL)]
    app = Application(
        campaign=campaign, batch=batch, organisation=clerk.organisation, district=district,
        submitted_by=clerk, variant=data.VARIANT_INDUSTRY if industry_variant else data.VARIANT_GENERAL,
        state=state.value, version=1 + len(PATHS[state]), fill_date=submitted.date(),
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        gender="男" if male else "女", mobile=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
        industry=rng.choice("CCCEDGI"), education=rng.choice(["senior", "secondary_vocational", "college",
                                                               "technical_school", "bachelor"]),
        previous_level="2" if new_level == "1" else "3",
        previous_level_date=cert_date - timedelta(days=rng.randrange(400, 2000)),
        trade=rng.choice(TRADES), new_level=new_level, certificate_no=f"15{n:03d}{rng.randrange(10**7):07d}",
        certificate_date=cert_date, certificate_issuer=rng.choice(issuers)[1],
        id_number=make_id_number(rng, birth, male),
        union_card_no=f"{rng.randrange(10**15, 10**16)}" if union_card else None,
        bank_name=None if union_card else "中国工商银行", bank_card_no=None if union_card else make_bank_card(rng),
        employer=clerk.organisation.unit_name, unit_kind=rng.choice(["state", "collective", "private", "joint"]),
        address=f"上海市{district.name[:-3]}示范路{rng.randrange(1, 999)}号", postcode=f"20{rng.randrange(0, 2200):04d}",
        is_migrant=migrant, hukou_province=rng.choice(["32", "33", "34", "43"]) if migrant else None,
        years_in_city=rng.randrange(1, 20) if migrant else None,
        hr_opinion="情况属实，同意申报" if industry_variant else None,
        hr_signer="人事科" if industry_variant else None,
        hr_date=submitted.date() if industry_variant else None,
        submitted_at=submitted, updated_at=submitted,
    )
    if state in (State.FUNDED, State.PAID):
        app.city_amount = campaign.reward_senior_technician if new_level == "1" else campaign.reward_technician
        app.funded_on = batch.paper_deadline + timedelta(days=30)
    if state == State.PAID:
        app.district_amount = Decimal("500")
        app.paid_on = batch.paper_deadline + timedelta(days=45)
        app.paid_card_no = app.union_card_no or app.bank_card_no
    return app


def _demo_history(app, state, clerk, district_admin, users):
    actors = {GRASSROOTS: clerk, DISTRICT_ADMIN: district_admin, SYSTEM_ADMIN: users["admin"],
              FINANCE: users["caiwu"]}
    at = app.submitted_at
    db.session.add(ReviewRecord(application=app, user=clerk, role=GRASSROOTS, organisation_id=clerk.organisation_id,
                                action="submit", from_state=None, to_state=State.PENDING.value, created_at=at))
    for action, source, target, role in PATHS[state]:
        at += timedelta(days=3)
        actor = actors[role]
        record = ReviewRecord(application=app, user=actor, role=role, organisation_id=actor.organisation_id,
                              action=action, from_state=source.value, to_state=target.value,
                              comment=COMMENTS.get(action), created_at=at)
        if action == "fund":
            record.amount = app.city_amount
        if action == "record_payment":
            record.amount, record.amount2 = app.city_amount, app.district_amount
        db.session.add(record)
