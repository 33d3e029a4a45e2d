"""`python run.py --demo`: the 2015 campaign as history, a campaign of the current year that is open
today, demo accounts for every role, and applications in every state."""
import io
import random
import zlib
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from PIL import Image
from stdnum import luhn
from stdnum.cn import ric

from app import clock
from app.accounts.models import AppUser
from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.accounts.services import create_account
from app.applications import attachments
from app.applications.models import Application
from app.campaigns import requests
from app.campaigns.models import Batch, Campaign, CampaignState
from app.exports.xlsx import Column, write_xlsx
from app.extensions import db
from app.notifications import services as notifications
from app.orgs.models import Organisation, OrgKind
from app.orgs.services import create_org
from app.payments import transfers
from app.reference import data
from app.review import services, workflow
from app.review.states import State
from app.verification import services as verification

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

#: How many demo applications end in each state: the 2015 campaign (history, ~200) and this year's (live).
HISTORY_COUNTS = {
    State.PENDING: 20, State.DISTRICT_APPROVED: 20, State.DISTRICT_REJECTED: 12, State.FINAL_APPROVED: 25,
    State.FINAL_REJECTED: 8, State.FUNDED: 20, State.PAID: 85, State.WITHDRAWN: 5, State.VOIDED: 5,
}
LIVE_COUNTS = {
    State.PENDING: 40, State.DISTRICT_APPROVED: 24, State.DISTRICT_REJECTED: 8, State.FINAL_APPROVED: 12,
    State.FINAL_REJECTED: 4, State.FUNDED: 10, State.PAID: 6, State.WITHDRAWN: 4, State.VOIDED: 4,
}
COMMENTS = {"reject_by_district": "证书复印件不清晰，请重新上传", "reject_final": "与鉴定中心证书信息不符",
            "void": "重复录入，作废"}
#: The matching amount (配套) the demo districts pay per person, by level (their 申请单).
DEMO_MATCHING = {data.TECHNICIAN: Decimal("500"), data.SENIOR_TECHNICIAN: Decimal("1000")}


def make_id_number(rng, birth, male, region="310109"):
    seq = rng.randrange(0, 50) * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{rng.randrange(10)}{seq:02d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def make_bank_card(rng):
    body = "622202" + "".join(str(rng.randrange(10)) for _ in range(12))
    return body + luhn.calc_check_digit(body)


def load_demo(today=None):
    """Load the demo once (returns False if it is already there): the 2015 campaign as history and a
    campaign of the current year whose first batch is open on ``today`` (default: the clock's today).

    Every application is created as the intake does and then moved along ``workflow.path_to`` its state
    through the real transitions, each at its moment on the platform's clock."""
    if db.session.scalar(db.select(Campaign).where(Campaign.name == CAMPAIGN_NAME)):
        return False
    day = today or clock.today()
    rng = random.Random(2015)
    users = _accounts()
    history = _campaign(CAMPAIGN_NAME, users["admin"], CampaignState.ENDED, date(2015, 3, 1), date(2015, 10, 15),
                        date(2014, 1, 1), [(date(2015, 3, 1), date(2015, 4, 10), date(2015, 4, 20)),
                                           (date(2015, 9, 1), date(2015, 9, 30), date(2015, 10, 15))],
                        description="沪工总经〔2015〕55号：2015年度上海职工晋升技师、高级技师奖励计划申报。")
    live = _campaign(f"{day.year}年度上海职工晋升技师、高级技师奖励计划", users["admin"], CampaignState.PUBLISHED,
                     day - timedelta(days=30), day + timedelta(days=180), date(day.year - 1, 1, 1),
                     [(day - timedelta(days=20), day + timedelta(days=10), day + timedelta(days=20)),
                      (day + timedelta(days=90), day + timedelta(days=120), day + timedelta(days=135))],
                     description=f"{day.year}年度上海职工晋升技师、高级技师奖励计划：本市工会会员首次获得技师、"
                                 "高级技师证书的，由所在基层工会网上申报，区县局（产业）工会初审，市职工技协服务中心终审。")
    # History: every district submitted its 申请单 on the paper deadline, then paid.
    serial, money = _applications(rng, users, history, HISTORY_COUNTS, day, first=1)
    _requests(users, history, _paper_day, submitting=tuple(DEMO_UNITS))
    _fund(money, lambda batch: _paper_day(batch) + timedelta(days=10))
    _pay(money, _paper_day(history.batches[-1]) + timedelta(days=20))
    # This year: 宝山 and 虹口 have submitted their 申请单 and paid a few workers, 浦东 has only saved its
    # own, 闵行 has not started; the pending rows wait for their districts.
    _serial, money = _applications(rng, users, live, LIVE_COUNTS, day, first=serial,
                                   paying_districts=("宝山区总工会", "虹口区总工会"))
    _fund(money, lambda _batch: _latest(day) + timedelta(minutes=5))
    _requests(users, live, lambda _batch: _latest(day) + timedelta(minutes=10),
              submitting=("宝山区总工会", "虹口区总工会"), drafting=("浦东新区总工会",))
    _pay(money, _latest(day) + timedelta(minutes=20))
    db.session.commit()
    _register(users["admin"], live, day)
    # The history's messages (消息中心) were read long ago: the demo's bells count only this year's news.
    notifications.mark_read_before(datetime.combine(live.start_date, time.min))
    db.session.commit()
    return True


#: Register rows of the demo that disagree with their application (every tenth) or are missing (every 7th).
REGISTER_DIFFERENT, REGISTER_MISSING = 10, 7


def _register(admin, campaign, day):
    """The certificate authority's register as the city centre would have imported it this morning: the
    certificates of this year's 区县局初审通过 applications, one in ten with a wrong 发证日期 or 姓名 and one in
    seven missing, imported through the real import (all rows checked), so 核对申请 works at once."""
    applications = db.session.scalars(db.select(Application).where(
        Application.campaign_id == campaign.id, Application.state == State.DISTRICT_APPROVED.value)
        .order_by(Application.id)).all()
    rows = []
    for n, a in enumerate(applications, start=1):
        if n % REGISTER_MISSING == 0:
            continue
        name, issued = a.name, a.certificate_date
        if n % REGISTER_DIFFERENT == 3:
            issued = issued - timedelta(days=1)
        elif n % REGISTER_DIFFERENT == 6:
            name = name[:-1] + ("华" if name[-1] != "华" else "明")
        rows.append([a.certificate_no, name, a.id_number, "技师" if a.new_level == data.TECHNICIAN else "高级技师",
                     a.trade, issued, a.certificate_issuer])
    if not rows:
        return
    buffer = io.BytesIO()
    write_xlsx(buffer, [Column(h, kind="text" if h in ("证书编号", "身份证号码") else "date" if h == "发证日期"
                               else "general") for h in verification.rules.HEADERS.values()], rows,
               sheet_title="证书信息")
    with clock.at(_latest(day)):
        outcome = verification.import_register(admin, "证书信息（演示）.xlsx", buffer.getvalue())
    if not outcome.ok:
        raise RuntimeError("; ".join(str(e) for e in outcome.errors[:5]))


def _accounts():
    orgs = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    for district, units in DEMO_UNITS.items():
        for union_name, unit in units:
            if union_name not in orgs:
                orgs[union_name] = create_org(union_name, OrgKind.GRASSROOTS, orgs[district], unit_name=unit)
    users = {}
    for login, (role, org_name, real_name) in DEMO_ACCOUNTS.items():
        existing = db.session.scalar(db.select(AppUser).where(AppUser.username == login))
        if existing is not None:  # e.g. the first admin created before the demo was loaded
            users[login] = existing
            continue
        users[login] = create_account(login, DEMO_PASSWORD, role, orgs[org_name], real_name,
                                      mobile=f"1391234{len(users):04d}", must_change_password=True)
    return users


def _campaign(name, creator, state, start, end, cert_from, batch_dates, description):
    campaign = Campaign(name=name, category="技师奖励", start_date=start, end_date=end, state=state.value,
                        cert_issued_from=cert_from, cert_issued_to=None, reward_technician=Decimal("1000"),
                        reward_senior_technician=Decimal("2000"), description=description, created_by=creator)
    db.session.add(campaign)
    for number, (opens, deadline, paper) in enumerate(batch_dates, start=1):
        db.session.add(Batch(campaign=campaign, number=number, name=f"第{'一二三四'[number - 1]}批", opens_on=opens,
                             system_deadline=deadline, paper_deadline=paper))
    db.session.flush()
    db.session.refresh(campaign)
    return campaign


def _applications(rng, users, campaign, counts, today, first, paying_districts=None):
    """Applications of ``campaign`` over its open or past batches, ``counts[state]`` ending in each state,
    moved along their paths up to the money steps; returns (next serial, [(application, target state,
    actors)] of those still to be funded and paid)."""
    clerks = [u for u in users.values() if u.roles[0].name == GRASSROOTS]
    admins = {u.organisation_id: u for u in users.values() if u.roles[0].name == DISTRICT_ADMIN}
    batches = [b for b in campaign.batches if b.opens_on <= today]
    n, money = first, []
    for state, count in counts.items():
        paying = [c for c in clerks if paying_districts is None or c.organisation.parent.name in paying_districts]
        for _ in range(count):
            pool = paying if state == State.PAID else clerks
            clerk = pool[n % len(pool)]
            batch = batches[(n // len(clerks)) % len(batches)]
            application = _demo_application(rng, n, clerk, clerk.organisation.parent, campaign, batch)
            actors = {GRASSROOTS: clerk, DISTRICT_ADMIN: admins[clerk.organisation.parent_id],
                      SYSTEM_ADMIN: users["admin"], FINANCE: users["caiwu"]}
            money += _replay(application, state, actors, today)
            n += 1
    return n, money


def _paper_day(batch):
    return datetime.combine(batch.paper_deadline, time(10, 0), clock.SHANGHAI)


def _latest(today):
    """The last moment demo history may have: this morning, and never later than an hour ago."""
    morning = datetime.combine(today, time(8, 0), clock.SHANGHAI)
    return min(morning, clock.now() - timedelta(hours=1)) if today == clock.today() else morning


def _replay(application, state, actors, today):
    """Submit ``application`` and move it towards ``state`` through the real transitions, a few days apart
    and never later than ``_latest(today)``. The money steps go as finance and the districts take them (a
    transfer per district and batch, payment after the 申请单): [(application, state, actors)] is returned
    for them."""
    moment = application.submitted_at.replace(tzinfo=timezone.utc).astimezone(clock.SHANGHAI)
    with clock.at(moment):
        db.session.add(application)
        db.session.flush()
        services.record_creation(application, actors[GRASSROOTS])
        # Every fifth pending application came in by Excel without its certificate scan: the lists mark it
        # and the district cannot approve it until the clerk adds the scan.
        lacking = (attachments.CERTIFICATE_COPY,) if state == State.PENDING and application.id % 5 == 0 else ()
        _demo_scans(application, actors[GRASSROOTS], lacking)
    path = workflow.path_to(state)
    step = min(timedelta(days=3), (_latest(today) - moment) / (len(path) + 1)) if path else timedelta(0)
    for transition in path:
        actor = actors[transition.roles[0]]
        if transition.name == "fund":
            return [(application, state, actors)]
        moment += step
        with clock.at(moment):
            services.apply_transition(application, actor, transition.name, comment=COMMENTS.get(transition.name))
    return []


_SCAN_BYTES = {}
#: Fonts the generated scans are drawn with (Debian's fonts-noto-cjk); Pillow's own font otherwise.
SCAN_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
_FONTS = {}
#: About one demo application in DIFFERING_EVERY, in every district, has a certificate copy that says something
#: else than its form (one of these fields), so 扫描件识别 shows 不一致 on 查看 and in the 扫描件核对 filter.
DIFFERING_EVERY = 6
DIFFERING_FIELDS = ("certificate_no", "certificate_date", "name")
LEVEL_WORDS = {data.TECHNICIAN: "技师（国家职业资格二级）", data.SENIOR_TECHNICIAN: "高级技师（国家职业资格一级）"}


def _font(size):
    if size not in _FONTS:
        from PIL import ImageFont

        font = None
        for path in SCAN_FONTS:
            try:
                font = ImageFont.truetype(path, size)
                break
            except OSError:
                continue
        _FONTS[size] = font or ImageFont.load_default()
    return _FONTS[size]


def scan_lines(kind, shown):
    """The printed lines of a generated 身份证复印件 / 等级证书复印件 showing ``shown`` (the fields' values)."""
    if kind == attachments.ID_COPY:
        return ["中华人民共和国居民身份证（复印件）", f"姓名  {shown['name']}",
                f"公民身份号码  {shown['id_number']}"]
    day = shown["certificate_date"]
    return ["职业资格证书（复印件）", f"姓名：{shown['name']}", f"身份证号码：{shown['id_number']}",
            f"职业（工种）：{shown['trade']}", f"等级：{LEVEL_WORDS.get(shown['new_level'], shown['new_level'])}",
            f"证书编号：{shown['certificate_no']}", f"发证机关：{shown['certificate_issuer']}",
            f"发证日期：{day.year}年{day.month}月{day.day}日"]


def scan_image(kind, shown, fmt="JPEG"):
    """A copy of a 身份证 or 等级证书 as a clerk scans it: the lines of :func:`scan_lines` on paper-coloured
    ground, as JPEG (or PNG) bytes. Used by the demo and by the tests that read scans for real."""
    from PIL import ImageDraw

    lines = scan_lines(kind, shown)
    width, size = 900, 30
    image = Image.new("RGB", (width, 90 + len(lines) * 62), (246, 243, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, width - 17, image.height - 17), outline=(150, 120, 90), width=3)
    draw.text((60, 40), lines[0], fill=(120, 30, 30), font=_font(size + 6))
    for number, line in enumerate(lines[1:], start=1):
        draw.text((60, 50 + number * 62), line, fill=(25, 25, 25), font=_font(size))
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=85) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


def _scan_bytes(kind):
    """A small stand-in scan of the kinds nobody reads (a JPEG, or a one-page PDF), made once."""
    if kind not in _SCAN_BYTES:
        buffer = io.BytesIO()
        if kind == attachments.CARD_COPY:
            Image.new("RGB", (120, 76), (240, 222, 200)).save(buffer, "JPEG")
        else:
            buffer.write(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                         b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                         b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
        _SCAN_BYTES[kind] = buffer.getvalue()
    return _SCAN_BYTES[kind]


def shown_on_scans(application):
    """What the demo application's scans show: its own values, except one field on the certificate of about one
    application in DIFFERING_EVERY (a typo in the form, as reviewers meet them)."""
    shown = {name: getattr(application, name) for name in ("name", "id_number", "trade", "new_level",
                                                           "certificate_no", "certificate_date",
                                                           "certificate_issuer")}
    certificate = dict(shown)
    # Chosen by the certificate number, not the id: the demo makes its applications district after district in
    # a fixed turn, so every sixth id fell in one district.
    draw = zlib.crc32(application.certificate_no.encode())
    if draw % DIFFERING_EVERY == 0:
        field = DIFFERING_FIELDS[(draw // DIFFERING_EVERY) % len(DIFFERING_FIELDS)]
        if field == "certificate_no":
            certificate["certificate_no"] = shown["certificate_no"][:-2] + f"{(int(shown['certificate_no'][-2:]) + 37) % 100:02d}"
        elif field == "certificate_date":
            certificate["certificate_date"] = shown["certificate_date"] - timedelta(days=31)
        else:  # the name on both documents
            other = shown["name"][0] + ("伟" if shown["name"][1:2] != "伟" else "芳") + shown["name"][2:]
            shown = {**shown, "name": other}
            certificate["name"] = other
    return {attachments.ID_COPY: shown, attachments.CERTIFICATE_COPY: certificate}


def _demo_scans(application, clerk, lacking=()):
    """The scans the application's variant requires, uploaded as the clerk (except the ``lacking`` kinds). The
    身份证 and 等级证书 copies are generated images of what they show; what they show is stored as their reading
    through the scan-reading service, so the comparisons are there without running OCR at demo load."""
    from app.ocr import services as scans

    names = {attachments.ID_COPY: "身份证.jpg", attachments.CERTIFICATE_COPY: "等级证书.jpg",
             attachments.CARD_COPY: "银行卡.jpg"}
    shown = shown_on_scans(application)
    for kind in attachments.required_kinds(application.variant):
        if kind in lacking:
            continue
        content = scan_image(kind, shown[kind]) if kind in shown else _scan_bytes(kind)
        upload = attachments.store_upload(clerk, kind, names.get(kind, f"{attachments.KIND_TITLES[kind]}.pdf"),
                                          io.BytesIO(content))
        upload.application_id = application.id
        if kind in shown:
            fields = dict(shown[kind])
            if kind == attachments.ID_COPY:
                fields = {"name": fields["name"], "id_number": fields["id_number"]}
            scans.store_reading(upload, fields)
    db.session.flush()


def _requests(users, campaign, moment_for, submitting, drafting=()):
    """The 申请单 of the demo districts for each batch of ``campaign`` that has opened: submitted by the
    districts named in ``submitting`` (where there is something to count), saved only by ``drafting``."""
    for user in users.values():
        if user.roles[0].name != DISTRICT_ADMIN:
            continue
        org = user.organisation
        for batch in campaign.batches:
            if org.name not in (*submitting, *drafting) or batch.opens_on > clock.today():
                continue
            form = {"matching_technician": DEMO_MATCHING[data.TECHNICIAN],
                    "matching_senior_technician": DEMO_MATCHING[data.SENIOR_TECHNICIAN],
                    "leader_name": "张建华", "handler_name": user.real_name[:2] + "经办"}
            with clock.at(moment_for(batch)):
                try:
                    if org.name in submitting:
                        requests.submit_request(user, org, batch, form)
                    else:
                        requests.save_request(user, org, batch, form)
                except requests.RequestDenied:
                    pass  # nothing of this district was approved in this batch: no 申请单 to submit


def _fund(money, moment_for):
    """奖励资金划拨: one transfer per district and batch of the applications meant to be funded."""
    groups = {}
    for application, _state, actors in money:
        groups.setdefault((application.district_id, application.batch_id), []).append((application, actors))
    for number, rows in enumerate(groups.values(), start=1):
        application, actors = rows[0]
        batch = application.batch
        moment = moment_for(batch)
        form = {"transferred_on": moment.date().isoformat(),
                "voucher_no": f"沪工财〔{batch.opens_on.year}〕{batch.number}-{number:03d}号"}
        with clock.at(moment):
            transfers.fund_transfer(actors[FINANCE], application.district, batch, form,
                                    targets=[(a.id, a.version) for a, _actors in rows])


def _pay(money, moment):
    """已发放至职工 of the applications meant to end paid (after their district's 申请单 was submitted)."""
    with clock.at(moment):
        for application, state, actors in money:
            if state == State.PAID:
                services.apply_transition(application, actors[DISTRICT_ADMIN], "record_payment")


def _demo_application(rng, n, clerk, district, campaign, batch):
    male = rng.random() < 0.7
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 25))
    new_level = data.SENIOR_TECHNICIAN if n % 4 == 0 else data.TECHNICIAN
    industry_variant = n % 5 == 0
    cert_date = max(batch.opens_on - timedelta(days=rng.randrange(20, 400)), campaign.cert_issued_from)
    migrant = n % 6 == 0
    union_card = n % 3 != 0
    last_day = min(batch.system_deadline, clock.today() - timedelta(days=2), batch.opens_on + timedelta(days=25))
    submitted_local = datetime.combine(batch.opens_on, time(8, 0)) + timedelta(
        days=rng.randrange(0, max((last_day - batch.opens_on).days, 0) + 1), hours=rng.randrange(0, 10),
        minutes=rng.randrange(60))
    submitted = submitted_local - timedelta(hours=8)  # stored as UTC
    issuers = [i for i in data.ISSUERS if i[2] == (data.VARIANT_INDUSTRY if industry_variant else data.VARIANT_GENERAL)]
    return Application(
        campaign=campaign, batch=batch, organisation=clerk.organisation, district=district,
        submitted_by=clerk, variant=data.VARIANT_INDUSTRY if industry_variant else data.VARIANT_GENERAL,
        state=State.PENDING.value, version=1, fill_date=submitted_local.date(),
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        gender="男" if male else "女", mobile=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
        industry=rng.choice("CCCEDGI"), education=rng.choice(["senior", "secondary_vocational", "college",
                                                               "technical_school", "bachelor"]),
        previous_level="2" if new_level == "1" else "3",
        previous_level_date=cert_date - timedelta(days=rng.randrange(400, 2000)),
        trade=rng.choice(TRADES), new_level=new_level,
        certificate_no=f"{campaign.start_date:%y}{n:03d}{rng.randrange(10**7):07d}",
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
        hr_date=submitted_local.date() if industry_variant else None,
        submitted_at=submitted, updated_at=submitted,
    )
