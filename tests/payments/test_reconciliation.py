"""对账: each kind of difference flagged on crafted fixtures, nothing flagged when the money adds up, the
district's own figures only (page and Excel), the page's numbers equal to the export's."""
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.campaigns.models import DistrictRequest
from app.clock import today
from app.extensions import db as _db
from app.payments import reconciliation as recon
from app.payments.models import Transfer, TransferItem
from app.review.states import State
from tests.factories import make_application
from tests.review.world import open_campaign

_vouchers = iter(range(1, 10**6))


def request_for(admin, campaign, technician="800", senior="1200"):
    _db.session.add(DistrictRequest(organisation_id=admin.organisation_id, batch_id=campaign.batches[0].id,
                                    state="submitted", matching_technician=Decimal(technician),
                                    matching_senior_technician=Decimal(senior), leader_name="张建华",
                                    handler_name="王经办"))
    _db.session.commit()


def transfer_of(world, apps, total=None):
    first = apps[0]
    transfer = Transfer(district_id=first.district_id, batch_id=first.batch_id, voucher_no=f"T{next(_vouchers)}",
                        transferred_on=today() - timedelta(days=2), count=len(apps),
                        total=total if total is not None else sum(Decimal(a.city_amount) for a in apps),
                        created_by_id=world.finance.id)
    _db.session.add(transfer)
    _db.session.flush()
    for app in apps:
        _db.session.add(TransferItem(transfer_id=transfer.id, application_id=app.id, amount=app.city_amount))
    _db.session.commit()
    return transfer


def paid(world, campaign, city="2000", matching="800", **fields):
    return make_application(world.baoshan_clerk, campaign, State.PAID, city_amount=Decimal(city),
                            funded_on=today() - timedelta(days=2), district_amount=Decimal(matching),
                            paid_on=today(), paid_card_no="6222020200112233445", **fields)


def funded(world, campaign, city="2000", days_ago=2):
    return make_application(world.baoshan_clerk, campaign, State.FUNDED, city_amount=Decimal(city),
                            funded_on=today() - timedelta(days=days_ago))


def row_of(user, campaign):
    rows = recon.reconciliation_rows(user, campaign_id=campaign.id)
    assert len(rows) == 1
    return rows[0]


def codes(row):
    return [f.code for f in row.flags]


def test_money_that_adds_up_is_not_flagged(db, world):
    campaign = open_campaign()
    request_for(world.baoshan_admin, campaign)
    apps = [paid(world, campaign), paid(world, campaign, city="3000", matching="1200", new_level="1",
                                      previous_level="2")]
    make_application(world.baoshan_clerk, campaign, State.FINAL_APPROVED)
    make_application(world.baoshan_clerk, campaign, State.PENDING)
    transfer_of(world, apps)
    row = row_of(world.city_admin, campaign)
    assert (row.approved, row.funded, row.funded_total, row.funded_expected, row.transfer_total) == (
        3, 2, Decimal("5000.00"), Decimal("5000.00"), Decimal("5000.00"))
    assert (row.paid, row.paid_city, row.paid_matching, row.unpaid, row.unpaid_total) == (
        2, Decimal("5000.00"), Decimal("2000.00"), 0, Decimal("0.00"))
    # Committed: 2 技师 × 800 + 1 高级技师 × 1200 over the 终审通过 applications.
    assert row.committed_matching == Decimal("2800.00")
    assert row.flags == []


def test_funded_amount_other_than_reward_times_count_is_flagged(db, world):
    campaign = open_campaign()
    request_for(world.baoshan_admin, campaign)
    app = paid(world, campaign, city="1500")
    transfer_of(world, [app])
    row = row_of(world.city_admin, campaign)
    assert codes(row) == ["funded"]
    assert "1,500.00" in row.flags[0].message and "2,000.00" in row.flags[0].message


def test_funded_outside_any_transfer_is_flagged(db, world):
    campaign = open_campaign()
    request_for(world.baoshan_admin, campaign)
    paid(world, campaign)
    assert codes(row_of(world.city_admin, campaign)) == ["transfer"]


def test_funded_but_unpaid_is_a_difference_and_overdue_after_n_days(db, world, app):
    campaign = open_campaign()
    recent, old = funded(world, campaign, days_ago=3), funded(world, campaign, days_ago=45)
    transfer_of(world, [recent, old])
    row = row_of(world.city_admin, campaign)
    assert codes(row) == ["paid_city", "overdue"]
    assert (row.unpaid, row.unpaid_total, row.overdue, row.overdue_total) == (2, Decimal("4000.00"), 1,
                                                                              Decimal("2000.00"))
    assert "超过 30 天" in row.flags[1].message
    app.config["RECONCILIATION_UNPAID_DAYS"] = 60
    try:
        assert codes(row_of(world.city_admin, campaign)) == ["paid_city"]
    finally:
        app.config["RECONCILIATION_UNPAID_DAYS"] = 30


def test_matching_paid_other_than_the_requests_amount_is_flagged(db, world):
    campaign = open_campaign()
    request_for(world.baoshan_admin, campaign, technician="800")
    app = paid(world, campaign, matching="500")
    transfer_of(world, [app])
    row = row_of(world.city_admin, campaign)
    assert codes(row) == ["matching"] and "800.00" in row.flags[0].message


def test_paid_without_a_submitted_request_is_flagged(db, world):
    campaign = open_campaign()
    app = paid(world, campaign)
    transfer_of(world, [app])
    row = row_of(world.city_admin, campaign)
    assert row.committed_matching is None
    assert codes(row) == ["matching"] and "未提交申请单" in row.flags[0].message


def test_rejected_withdrawn_and_voided_rows_count_nothing(db, world):
    campaign = open_campaign()
    for state in (State.FINAL_REJECTED, State.WITHDRAWN, State.VOIDED, State.DISTRICT_APPROVED):
        make_application(world.baoshan_clerk, campaign, state)
    assert recon.reconciliation_rows(world.city_admin, campaign_id=campaign.id) == []


def two_districts(world):
    campaign = open_campaign()
    request_for(world.baoshan_admin, campaign)
    transfer_of(world, [paid(world, campaign)])
    foreign = make_application(world.hongkou_clerk, campaign, State.FUNDED, city_amount=Decimal("2000"),
                               funded_on=today() - timedelta(days=50))
    transfer_of(world, [foreign])
    return campaign


def test_a_district_sees_only_its_own_figures(db, world):
    campaign = two_districts(world)
    city = recon.reconciliation_rows(world.city_admin, campaign_id=campaign.id)
    assert sorted(r.district_name for r in city) == ["宝山区总工会", "虹口区总工会"]
    own = recon.reconciliation_rows(world.baoshan_admin, campaign_id=campaign.id)
    assert [r.district_name for r in own] == ["宝山区总工会"] and own[0].flags == []
    assert recon.reconciliation_rows(world.baoshan_clerk) == []


def page_rows(html):
    """{district name: {field: text}} from the reconciliation table."""
    rows = {}
    for body in re.findall(r'<tr class="[^"]*" data-district="\d+" data-batch="\d+">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        fields = dict(re.findall(r'data-field="(\w+)">(.*?)</td>', body, re.S))
        rows[cells[2].strip()] = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in fields.items()}
    return rows


def excel_rows(response):
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    return values[0], values[1:]


def test_the_district_page_and_excel_hold_only_its_own_rows(db, world, login_as):
    campaign = two_districts(world)
    client = login_as(world.baoshan_admin)
    html = client.get(f"/payments/reconciliation/list/?campaign={campaign.id}").get_data(as_text=True)
    assert "宝山区总工会" in html and "虹口区总工会" not in html
    response = client.get(f"/payments/reconciliation/excel/?campaign={campaign.id}")
    assert response.status_code == 200
    _header, rows = excel_rows(response)
    assert [r[2] for r in rows] == ["宝山区总工会"]


def test_page_numbers_equal_the_export(db, world, login_as):
    campaign = two_districts(world)
    client = login_as(world.city_admin)
    html = client.get(f"/payments/reconciliation/list/?campaign={campaign.id}").get_data(as_text=True)
    page = page_rows(html)
    header, rows = excel_rows(client.get(f"/payments/reconciliation/excel/?campaign={campaign.id}"))
    assert set(page) == {r[2] for r in rows}
    order = ["approved", "funded", "funded_total", "funded_expected", None, "transfer_total", "paid", "paid_city",
             "paid_matching", "unpaid", "unpaid_total", "overdue", "committed_matching"]
    for row in rows:
        shown = page[row[2]]
        for field, value in zip(order, row[3:16]):
            if field is None:
                continue
            if field in ("approved", "funded", "paid", "unpaid", "overdue"):
                assert shown[field] == str(value), (row[2], field)
            elif value == "未提交申请单":
                assert shown[field] == value
            else:
                # Amounts read with two decimals on the page; the cell holds the number itself.
                assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d", shown[field]), shown[field]
                assert Decimal(shown[field].replace(",", "")) == Decimal(str(value)), (row[2], field)
    assert "超过 30 天未发放" in rows[[r[2] for r in rows].index("虹口区总工会")][16]


@pytest.mark.parametrize("query", ["campaign=999999", "batch=999999", "campaign=abc", "batch=1" + "0" * 12])
def test_unknown_filter_ids_answer_404(db, world, login_as, query):
    client = login_as(world.city_admin)
    assert client.get(f"/payments/reconciliation/list/?{query}").status_code == 404
    assert client.get(f"/payments/reconciliation/excel/?{query}").status_code == 404


def test_grassroots_users_have_no_reconciliation(db, world, login_as):
    client = login_as(world.baoshan_clerk)
    assert client.get("/payments/reconciliation/list/").status_code != 200
