"""下载Excel: the 汇总表 of the reviewer's current filtered, scoped list."""
import io
import re
from urllib.parse import unquote

from openpyxl import load_workbook

from app.accounts.models import SecurityEvent
from app.applications.rules import FIELD_LABELS
from app.clock import today
from app.exports.models import ExportRecord
from app.review import services
from app.review.states import State
from tests.factories import fund_by_transfer

DISTRICT = "/review/district"


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data()))["汇总表"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c for c in row])) for row in sheet.iter_rows(min_row=2)]
    return response, header, rows


def listed_names(client, query):
    page = client.get(f"{DISTRICT}/list/?{query}&psize_DistrictReviewModelView=100").get_data(as_text=True)
    return sorted(re.findall(r'<tr data-pk="\d+">.*?<td data-label="姓名">([^<]+)</td>', page, re.S))


def test_export_equals_the_filtered_scoped_list(db, world, login_as):
    pending = [world.app(name=n) for n in ("张三", "李四", "王五")]
    world.app(State.DISTRICT_APPROVED, name="赵六")
    world.app(name="钱七", foreign=True)
    client = login_as(world.baoshan_admin)
    for query in ("_flt_0_state=pending", "", "_flt_0_name=张"):
        _response, header, rows = download(client, f"{DISTRICT}/excel/?{query}")
        assert sorted(r["姓名"].value for r in rows) == listed_names(client, query), query
    _response, header, rows = download(client, f"{DISTRICT}/excel/?_flt_0_state=pending")
    assert len(rows) == len(pending)
    for label in list(FIELD_LABELS.values()) + ["所属区县局（产业）工会", "单位", "填报人", "报名时间", "状态",
                                                "最近审核意见"]:
        assert label in header, label


def test_identifier_cells_are_text_and_dates_are_dates(db, world, login_as):
    app = world.app(union_card_no=None, postcode="200431", certificate_no="000123456789")
    client = login_as(world.baoshan_admin)
    _response, _header, (row,) = download(client, f"{DISTRICT}/excel/")
    for label, value in (("身份证号码", app.id_number), ("银行卡号", app.bank_card_no), ("等级证书编号", "000123456789"),
                         ("手机号码", app.mobile), ("邮编", "200431")):
        cell = row[label]
        assert cell.value == value and cell.data_type == "s" and cell.number_format == "@", label
    assert row["发证日期"].is_date and row["发证日期"].value.date() == app.certificate_date
    assert row["报名时间"].is_date
    assert row["所属行业"].value == "制造业" and row["现晋升的技能等级"].value == "技师（国家职业资格二级）"
    assert row["状态"].value == "未审核" and row["填报人"].value == "李静" and row["单位"].value == "上海江杨机械有限公司"
    assert row["所属区县局（产业）工会"].value == "宝山区总工会"


def test_formula_like_text_is_neutralised(db, world, login_as):
    world.app(address="=HYPERLINK(\"http://evil\",\"点我\")", employer="+SUM(1,2)", trade="-1+2", bank_name="@cmd")
    client = login_as(world.baoshan_admin)
    _response, _header, (row,) = download(client, f"{DISTRICT}/excel/")
    for label in ("通信地址", "工作单位", "工种", "银行名称"):
        assert row[label].data_type == "s" and row[label].value.startswith("'"), label


def test_last_review_comment_and_payment_columns(db, world, login_as):
    app = world.app(State.FINAL_APPROVED)
    from app.payments import services as payments

    world.submitted_request(technician="800")
    fund_by_transfer(app, world.finance)
    payments.record_payment(app, world.baoshan_admin)
    rejected = world.app()
    services.reject_by_district(rejected, world.baoshan_admin, "证书复印件不清晰")
    db.session.commit()
    client = login_as(world.baoshan_admin)
    _response, _header, rows = download(client, f"{DISTRICT}/excel/")
    by_state = {r["状态"].value: r for r in rows}
    paid = by_state["已发放至职工"]
    assert paid["市总奖励金额（元）"].value == 2000 and paid["区县局配套金额（元）"].value == 800
    assert paid["发放至职工日期"].value.date() == today() and paid["发放卡号"].data_type == "s"
    assert by_state["区县局初审未通过"]["最近审核意见"].value == "证书复印件不清晰"


def test_file_name_header_and_audit(db, world, login_as):
    world.app()
    client = login_as(world.baoshan_admin)
    query = f"_flt_0_campaign={world.campaign.id}&_flt_0_batch={world.campaign.batches[0].id}&_flt_0_state=pending"
    response, _header, rows = download(client, f"{DISTRICT}/excel/?{query}")
    disposition = response.headers["Content-Disposition"]
    name = unquote(re.search(r"filename\*=UTF-8''(.+)$", disposition).group(1))
    assert name == f"汇总表_宝山区总工会_{world.campaign.name}_第一批_{today():%Y%m%d}.xlsx"
    assert 'filename="summary_' in disposition
    record = db.session.query(ExportRecord).one()
    assert (record.user_id, record.row_count, record.kind, record.file_name) == (
        world.baoshan_admin.id, 1, "summary_xlsx", name)
    assert "状态：未审核" in record.filter_text and "批次" in record.filter_text
    event = db.session.query(SecurityEvent).filter_by(event="export").one()
    assert event.user_id == world.baoshan_admin.id and name in event.detail


def test_no_filter_names_all_and_city_export_covers_every_district(db, world, login_as):
    world.app()
    world.app(foreign=True)
    client = login_as(world.city_admin)
    response, _header, rows = download(client, "/review/final/excel/")
    assert len(rows) == 2
    assert "%E5%85%A8%E9%83%A8%E6%B4%BB%E5%8A%A8" in response.headers["Content-Disposition"]  # 全部活动
    assert db.session.query(ExportRecord).one().filter_text == ""


def test_finance_export_holds_only_its_rows(db, world, login_as):
    world.app(State.FINAL_APPROVED)
    world.app(State.PENDING)
    client = login_as(world.finance)
    _response, _header, rows = download(client, "/payments/funding/excel/")
    assert [r["状态"].value for r in rows] == ["市技协服务中心终审通过"]
