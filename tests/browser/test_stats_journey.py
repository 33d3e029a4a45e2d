"""统计分析 in real Chromium: the city opens it from the menu and every chart is drawn (canvas) with its
table; the tables equal the key figures; the campaign filter narrows them; one table downloads as Excel;
a district sees only its own 基层工会; each home page shows its figures and its chart."""
import io
import random
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.accounts.roles import GRASSROOTS
from app.extensions import db
from app.orgs.models import OrgKind
from app.review.states import State
from tests.browser.conftest import fill_login, next_person, open_menu
from tests.factories import PASSWORD, district, make_application, make_campaign, make_org, make_user
from tests.ids import id_number
from tests.review.world import make_world

pytestmark = pytest.mark.browser

DISTRICTS = ("宝山区总工会", "虹口区总工会", "浦东新区总工会", "徐汇区总工会", "闵行区总工会", "杨浦区总工会")
#: A spread like a campaign late in its year.
STATES = [State.PENDING] * 6 + [State.DISTRICT_APPROVED] * 4 + [State.DISTRICT_REJECTED] + \
    [State.FINAL_APPROVED] * 3 + [State.FINAL_REJECTED] + [State.FUNDED] * 2 + [State.PAID] * 3 + \
    [State.WITHDRAWN, State.VOIDED]
INDUSTRIES = "CCCCEEGGIMFDNPQ"
EDUCATIONS = ["secondary_vocational", "technical_school", "college", "college", "bachelor", "senior", "master"]
UNIT_KINDS = ["state", "state", "private", "joint", "foreign", "collective", "other"]
PROVINCES = ["34", "32", "41", "51", "36", "43"]


def populate(count=90, seed=2015):
    """Applications over six districts, every state, the fields varied (a fixed seed: the same picture)."""
    rng = random.Random(seed)
    world = make_world()
    clerks = {"宝山区总工会": [world.baoshan_clerk], "虹口区总工会": [world.hongkou_clerk]}
    for name in DISTRICTS[2:]:
        unit = make_org(OrgKind.GRASSROOTS, district(name), name=f"{name[:-3]}机电工会", unit_name=f"上海{name[:-3]}机电有限公司")
        clerks[name] = [make_user(GRASSROOTS, org=unit, real_name="填报员")]
    second = make_org(OrgKind.GRASSROOTS, district("宝山区总工会"), name="上海宝钢检修工会", unit_name="上海宝钢检修有限公司")
    clerks["宝山区总工会"].append(make_user(GRASSROOTS, org=second, real_name="周敏"))
    earlier = make_campaign(name="2014年技师奖励", opens_on=date(2014, 3, 1), deadline=date(2014, 4, 10),
                            paper=date(2014, 4, 20))
    weights = [30, 18, 26, 12, 9, 5]
    for n in range(count):
        name = rng.choices(DISTRICTS, weights)[0]
        clerk = rng.choice(clerks[name])
        state = rng.choice(STATES)
        senior = rng.random() < 0.3
        migrant = rng.random() < 0.35
        born = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 34 * 365))
        fields = {
            "new_level": "1" if senior else "2", "previous_level": "2" if senior else "3",
            "variant": "industry" if rng.random() < 0.25 else "general",
            "industry": rng.choice(INDUSTRIES), "education": rng.choice(EDUCATIONS),
            "unit_kind": rng.choice(UNIT_KINDS), "is_migrant": migrant,
            "hukou_province": rng.choice(PROVINCES) if migrant else None,
            "years_in_city": rng.randrange(1, 15) if migrant else None,
            "id_number": id_number(born, male=True, seq=f"{(n * 2 + 1) % 1000:03d}"),
            "certificate_date": date(2014, 1, 1) + timedelta(days=rng.randrange(0, 330)),
        }
        if fields["variant"] == "industry":
            fields.update(certificate_issuer="交通运输部", hr_opinion="情况属实", hr_signer="王人事",
                          hr_date=date(2015, 3, 2))
        if state in (State.FUNDED, State.PAID):
            fields["city_amount"] = Decimal("3000.00" if senior else "2000.00")
        if state == State.PAID:
            fields["district_amount"] = Decimal("1200.00" if senior else "800.00")
        campaign = earlier if n % 7 == 0 else world.campaign
        app = make_application(clerk, campaign, state, **fields)
        opened = campaign.batches[0].opens_on
        app.submitted_at = datetime.combine(opened, datetime.min.time()) + timedelta(
            days=min(int(rng.expovariate(1 / 6)), 35), hours=rng.randrange(0, 10))
    db.session.commit()
    return world


def sign_in(page, username):
    next_person(page)
    fill_login(page, username, PASSWORD)
    page.wait_for_selector("#home-figures")


def wait_for_charts(page, count):
    page.locator(".stats-chart[data-drawn]").nth(count - 1).wait_for()  # (no string evaluation: CSP forbids eval)
    page.wait_for_timeout(600)  # the charts' short entry animation


def test_the_city_reads_its_statistics_and_a_district_only_its_own(db, page, tmp_path):
    world = populate()
    login = {k: getattr(world, k).username for k in ("city_admin", "baoshan_admin", "finance", "baoshan_clerk")}
    campaign_id = world.campaign.id
    db.session.remove()

    # 系统管理员: home page figures and its chart, then 统计分析 from the menu.
    sign_in(page, login["city_admin"])
    page.wait_for_selector("#home-chart canvas")
    wait_for_charts(page, 1)
    page.screenshot(path=str(tmp_path / "home_city.png"), full_page=True)
    open_menu(page, "统计分析")
    page.wait_for_selector("#stats-kpis")
    page.wait_for_selector("#chart-organisation canvas")
    wait_for_charts(page, 12)
    drawn = page.eval_on_selector_all(".stats-chart", "els => els.map(e => e.getAttribute('data-drawn'))")
    assert drawn.count("chart") == 12, drawn
    assert page.locator(".stats-chart canvas").count() >= 12
    page.screenshot(path=str(tmp_path / "stats_city.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(tmp_path / "stats_city_top.png"))

    # The tables add up to the key figures above them.
    submitted = int(page.inner_text("[data-measure=submitted] .stats-kpi-value").replace(",", "").rstrip("人"))
    total = page.inner_text("#table-organisation tfoot td[data-measure=submitted]")
    assert int(total.replace(",", "")) == submitted
    assert int(page.inner_text("#table-level tfoot td[data-measure=submitted]")) == submitted
    assert "虹口区总工会" in page.inner_text("#table-organisation")

    # One campaign: fewer rows, the same sums.
    page.select_option("#filter-campaign", str(campaign_id))
    page.wait_for_url(re.compile(rf"campaign={campaign_id}"))
    wait_for_charts(page, 12)
    narrowed = int(page.inner_text("[data-measure=submitted] .stats-kpi-value").replace(",", "").rstrip("人"))
    assert 0 < narrowed < submitted
    assert int(page.inner_text("#table-batch tfoot td[data-measure=submitted]")) == narrowed

    # 下载Excel of one table: the very lines of the page.
    with page.expect_download() as info:
        page.click("#excel-organisation")
    download = info.value
    assert download.suggested_filename.startswith("统计分析_按区县局（产业）工会统计_")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["合计"] == narrowed

    # 区县局管理员: its own 基层工会 only, nothing of 虹口.
    sign_in(page, login["baoshan_admin"])
    page.wait_for_selector("#home-chart canvas")
    page.screenshot(path=str(tmp_path / "home_district.png"), full_page=True)
    open_menu(page, "统计分析")
    page.wait_for_selector("#chart-organisation canvas")
    wait_for_charts(page, 12)
    text = page.inner_text("#stats-page")
    assert "按基层工会统计" in text and "虹口" not in text
    assert "宝山区总工会及所属基层工会" in page.inner_text("#stats-scope")
    page.screenshot(path=str(tmp_path / "stats_district.png"), full_page=True)

    # 市总财务 and a 基层工会: their home pages' figures and chart.
    sign_in(page, login["finance"])
    page.wait_for_selector("#home-chart canvas")
    page.screenshot(path=str(tmp_path / "home_finance.png"), full_page=True)
    sign_in(page, login["baoshan_clerk"])
    page.wait_for_selector("#home-chart canvas")
    assert page.locator("text=统计分析").count() == 0
    page.screenshot(path=str(tmp_path / "home_clerk.png"), full_page=True)
