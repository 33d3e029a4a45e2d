"""The money screens over HTTP: 奖励资金划拨 per row and ticked, refusals beside their field with nothing typed
lost, 划拨记录 paid in one step, 发放情况备案 submitted, printed and exported, foreign ids answering 404."""
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.applications.models import Application
from app.clock import today
from app.payments.models import PaymentReport, Transfer
from app.review.states import State
from tests.conftest import csrf_token
from tests.factories import district

SENIOR = {"new_level": "1", "previous_level": "2"}


def ids(world):
    return world.campaign.batches[0].id, district("宝山区总工会").id, district("虹口区总工会").id


def approved(world):
    apps = [world.app(State.FINAL_APPROVED), world.app(State.FINAL_APPROVED, **SENIOR)]
    world.app(State.FINAL_APPROVED, foreign=True)
    return apps


def fund_row(client, batch_id, district_id, voucher="财2026-001", day=None, count=2, total="5000.00"):
    token = csrf_token(client, "/payments/due/list/")
    return client.post(f"/payments/due/{batch_id}/{district_id}/fund", data={
        "csrf_token": token, "transferred_on": (day or today()).isoformat(), "voucher_no": voucher,
        "expected_count": count, "expected_total": total})


def test_finance_sees_what_is_due_per_district_and_batch(db, world, login_as):
    approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    html = login_as(world.finance).get("/payments/due/list/").get_data(as_text=True)
    row = re.search(rf'<tr id="due-{batch_id}-{baoshan}".*?</tr>', html, re.S).group(0)
    assert re.search(r'class="text-right technician">1<', row) and re.search(r'class="text-right senior">1<', row)
    assert "5,000.00" in row and "虹口区总工会" in html


def test_finance_funds_a_whole_row_in_one_step(db, world, login_as):
    apps = approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    response = fund_row(login_as(world.finance), batch_id, baoshan)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="fund-count">2<' in html and "5,000.00" in html
    assert {db.session.get(Application, a.id).state for a in apps} == {State.FUNDED.value}
    transfer = db.session.scalar(select(Transfer))
    assert (transfer.count, transfer.total, transfer.district_id) == (2, Decimal("5000.00"), baoshan)


def test_a_refused_voucher_is_shown_beside_its_field_and_the_date_typed_is_kept(db, world, login_as):
    approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    day = today() - timedelta(days=3)
    html = fund_row(login_as(world.finance), batch_id, baoshan, voucher="", day=day).get_data(as_text=True)
    row = re.search(rf'<tr id="due-{batch_id}-{baoshan}".*?</tr>', html, re.S).group(0)
    assert re.search(r'data-field="voucher_no">请填写凭证号<', row)
    assert f'value="{day.isoformat()}"' in row
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0


def test_a_row_changed_since_the_page_asks_again(db, world, login_as):
    approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    html = fund_row(login_as(world.finance), batch_id, baoshan, voucher="V-9", count=1, total="2000.00").get_data(
        as_text=True)
    assert "该行数据已发生变化" in html and 'value="V-9"' in html


def test_finance_funds_ticked_applications(db, world, login_as):
    apps = approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(world.finance)
    page = client.get(f"/payments/due/{batch_id}/{baoshan}/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/payments/due/{batch_id}/{baoshan}/ticked", data={
        "csrf_token": token, "rowid": [apps[1].id], f"version_{apps[1].id}": apps[1].version,
        "transferred_on": today().isoformat(), "voucher_no": "V-2"})
    assert 'id="fund-count">1<' in response.get_data(as_text=True)
    assert db.session.get(Application, apps[0].id).state == State.FINAL_APPROVED.value
    assert db.session.scalar(select(Transfer.total)) == Decimal("3000.00")


def test_nothing_ticked_is_refused_beside_the_list(db, world, login_as):
    approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(world.finance)
    token = csrf_token(client, f"/payments/due/{batch_id}/{baoshan}/")
    html = client.post(f"/payments/due/{batch_id}/{baoshan}/ticked", data={
        "csrf_token": token, "transferred_on": today().isoformat(), "voucher_no": "V-3"}).get_data(as_text=True)
    assert "请至少勾选一份申请" in html and 'value="V-3"' in html


@pytest.mark.parametrize("path", ["/payments/due/{batch}/999999/", "/payments/due/999999/{baoshan}/",
                                  "/payments/due/{batch}/{unit}/"])
def test_unknown_districts_and_batches_answer_404(db, world, login_as, path):
    batch_id, baoshan, _hongkou = ids(world)
    url = path.format(batch=batch_id, baoshan=baoshan, unit=world.baoshan_unit.id)
    assert login_as(world.finance).get(url).status_code == 404


def test_a_ticked_unknown_application_refuses_everything(db, world, login_as):
    apps = approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(world.finance)
    token = csrf_token(client, f"/payments/due/{batch_id}/{baoshan}/")
    response = client.post(f"/payments/due/{batch_id}/{baoshan}/ticked", data={
        "csrf_token": token, "rowid": [apps[0].id, 999999], "transferred_on": today().isoformat(),
        "voucher_no": "V-4"})
    assert response.status_code == 404
    assert db.session.get(Application, apps[0].id).state == State.FINAL_APPROVED.value


@pytest.mark.parametrize("user", ["baoshan_admin", "city_admin", "baoshan_clerk"])
def test_only_finance_reaches_the_funding_page(db, world, login_as, user):
    approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(getattr(world, user))
    assert client.get("/payments/due/list/").status_code != 200
    assert client.get(f"/payments/due/{batch_id}/{baoshan}/").status_code != 200


def funded_transfer(world, login_as):
    approved(world)
    batch_id, baoshan, _hongkou = ids(world)
    fund_row(login_as(world.finance), batch_id, baoshan, day=today() - timedelta(days=1))
    return _db_transfer()


def _db_transfer():
    from app.extensions import db

    return db.session.scalar(select(Transfer))


def test_the_district_sees_its_transfer_and_pays_it_in_one_step(db, world, login_as):
    transfer = funded_transfer(world, login_as)
    world.submitted_request(technician="800", senior="1200")
    db.session.commit()
    client = login_as(world.baoshan_admin)
    assert transfer.voucher_no in client.get("/payments/transfers/list/").get_data(as_text=True)
    page = client.get(f"/payments/transfers/{transfer.id}/").get_data(as_text=True)
    assert 'id="unpaid-count">2<' in page
    # Cards are masked on screen: only the last four digits.
    app = db.session.scalar(select(Application).where(Application.district_id == transfer.district_id).limit(1))
    card = app.union_card_no or app.bank_card_no
    assert card not in page and card[-4:] in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    html = client.post(f"/payments/transfers/{transfer.id}/pay", data={
        "csrf_token": token, "paid_on": today().isoformat()}).get_data(as_text=True)
    assert 'id="bulk-changed">2<' in html
    amounts = db.session.execute(select(Application.new_level, Application.district_amount).where(
        Application.state == State.PAID.value)).all()
    assert sorted(amounts) == [("1", Decimal("1200.00")), ("2", Decimal("800.00"))]


def test_a_payment_day_before_the_transfer_is_refused_beside_the_field(db, world, login_as):
    transfer = funded_transfer(world, login_as)
    world.submitted_request()
    db.session.commit()
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"/payments/transfers/{transfer.id}/")
    day = (today() - timedelta(days=5)).isoformat()
    html = client.post(f"/payments/transfers/{transfer.id}/pay", data={"csrf_token": token, "paid_on": day}
                       ).get_data(as_text=True)
    assert re.search(r'data-field="paid_on">发放至职工日期不能早于划拨日期', html) and f'value="{day}"' in html
    assert db.session.scalar(select(func.count()).where(Application.state == State.PAID.value)) == 0


def test_another_district_gets_404_for_a_transfer_and_cannot_pay_it(db, world, login_as):
    transfer = funded_transfer(world, login_as)
    client = login_as(world.hongkou_admin)
    assert client.get(f"/payments/transfers/{transfer.id}/").status_code == 404
    assert transfer.voucher_no not in client.get("/payments/transfers/list/").get_data(as_text=True)
    token = csrf_token(client, "/payments/transfers/list/")
    assert client.post(f"/payments/transfers/{transfer.id}/pay", data={
        "csrf_token": token, "paid_on": today().isoformat()}).status_code == 404


def test_finance_cannot_pay(db, world, login_as):
    transfer = funded_transfer(world, login_as)
    client = login_as(world.finance)
    assert 'id="pay-form"' not in client.get(f"/payments/transfers/{transfer.id}/").get_data(as_text=True)
    token = csrf_token(client, "/payments/transfers/list/")
    assert client.post(f"/payments/transfers/{transfer.id}/pay", data={
        "csrf_token": token, "paid_on": today().isoformat()}).status_code != 200


def paid_world(world):
    world.submitted_request()
    world.app(State.PAID, city_amount=Decimal("2000"), funded_on=today(), district_amount=Decimal("800"),
              paid_on=today(), paid_card_no="6222020200112233445")
    world.app(State.PAID, city_amount=Decimal("3000"), funded_on=today(), district_amount=Decimal("1200"),
              paid_on=today(), paid_card_no="6222020200112233445", **SENIOR)
    world.app(State.FUNDED, city_amount=Decimal("2000"), funded_on=today())
    world.app(State.PAID, foreign=True, city_amount=Decimal("2000"), funded_on=today(),
              district_amount=Decimal("500"), paid_on=today(), paid_card_no="6222020200112233445")


def test_the_district_submits_its_payment_report_and_the_city_sees_it(db, world, login_as):
    paid_world(world)
    batch_id, baoshan, hongkou = ids(world)
    client = login_as(world.baoshan_admin)
    page = client.get(f"/payments/reports/{batch_id}/{baoshan}/").get_data(as_text=True)
    assert "未备案" in page and "7,000.00" in page  # 2000 + 800 + 3000 + 1200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(f"/payments/reports/{batch_id}/{baoshan}/submit", data={"csrf_token": token})
    report = db.session.scalar(select(PaymentReport))
    assert (report.technician_count, report.technician_city, report.technician_matching, report.senior_count,
            report.senior_city, report.senior_matching, report.unpaid_count, report.unpaid_city,
            report.submitted_by_id) == (1, Decimal("2000.00"), Decimal("800.00"), 1, Decimal("3000.00"),
                                        Decimal("1200.00"), 1, Decimal("2000.00"), world.baoshan_admin.id)
    city = login_as(world.city_admin).get(f"/payments/reports/list/?batch={batch_id}").get_data(as_text=True)
    baoshan_row = re.search(rf'<tr data-district="{baoshan}".*?</tr>', city, re.S).group(0)
    hongkou_row = re.search(rf'<tr data-district="{hongkou}".*?</tr>', city, re.S).group(0)
    assert "已备案" in baoshan_row and "宝山管理员" in baoshan_row and "未备案" in hongkou_row
    assert 'id="reported-count">1<' in city


def test_the_report_prints_and_exports_the_same_figures(db, world, login_as):
    paid_world(world)
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(world.baoshan_admin)
    printed = client.get(f"/payments/reports/{batch_id}/{baoshan}/print").get_data(as_text=True)
    assert "奖励发放情况备案表" in printed and "5,000.00" in printed and "2,000.00" in printed
    assert "css/report_print.css" in printed  # A4 portrait, from the stylesheet (no inline style under the CSP)
    assert "size: A4 portrait" in (Path(client.application.static_folder) / "css" / "report_print.css").read_text()
    response = client.get(f"/payments/reports/{batch_id}/{baoshan}/excel")
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("新晋升技师", 1, 2000, 800)
    assert rows[3][:5] == ("合计", 2, 5000, 2000, 7000)


def test_a_report_without_payments_is_refused(db, world, login_as):
    world.app(State.FUNDED, city_amount=Decimal("2000"), funded_on=today())
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"/payments/reports/{batch_id}/{baoshan}/")
    html = client.post(f"/payments/reports/{batch_id}/{baoshan}/submit", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "尚无已发放至职工的申请，不能备案" in html
    assert db.session.scalar(select(func.count()).select_from(PaymentReport)) == 0


@pytest.mark.parametrize("suffix", ["", "print", "excel"])
def test_another_districts_report_answers_404(db, world, login_as, suffix):
    paid_world(world)
    batch_id, _baoshan, hongkou = ids(world)
    assert login_as(world.baoshan_admin).get(f"/payments/reports/{batch_id}/{hongkou}/{suffix}").status_code == 404


def test_the_city_cannot_submit_a_districts_report(db, world, login_as):
    paid_world(world)
    batch_id, baoshan, _hongkou = ids(world)
    client = login_as(world.city_admin)
    token = csrf_token(client, f"/payments/reports/{batch_id}/{baoshan}/")
    client.post(f"/payments/reports/{batch_id}/{baoshan}/submit", data={"csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(PaymentReport)) == 0
