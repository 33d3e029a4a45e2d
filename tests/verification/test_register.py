"""证书信息核对: import the register (all or nothing), match applications, filter, compare, bulk 终审通过."""
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.review.models import ReviewRecord
from app.review.services import apply_transition
from app.review.states import State
from app.security import sealed
from app.verification import services
from app.verification.models import RegisterEntry, RegisterImport, RegisterMatch
from tests.conftest import csrf_token
from app.accounts.roles import SYSTEM_ADMIN
from tests.factories import make_user
from tests.ids import unique_id_number
from tests.verification.helpers import HEADER, register_file, row_of

PAGE = "/register/"


def upload(client, data, name="证书信息.xlsx"):
    token = csrf_token(client, PAGE)
    return client.post("/register/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def match(client, **form):
    token = csrf_token(client, PAGE)
    return client.post("/register/match", data={"csrf_token": token, **form}, follow_redirects=True)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# -- import ---------------------------------------------------------------------------------------------

def test_import_stores_every_row_and_keeps_who_when_and_file(db, world, login_as):
    apps = [world.app(State.DISTRICT_APPROVED, name=n) for n in ("张三", "李四")]
    client = login_as(world.city_admin)
    response = upload(client, register_file([row_of(a) for a in apps]), "2015年技师证书.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "已导入" in page and "2015年技师证书.xlsx" in page
    record = db.session.scalars(select(RegisterImport)).one()
    assert (record.file_name, record.row_count, record.imported_by_id) == ("2015年技师证书.xlsx", 2,
                                                                         world.city_admin.id)
    entries = db.session.scalars(select(RegisterEntry).order_by(RegisterEntry.id)).all()
    assert [(e.name, e.id_number, e.level, e.issue_date) for e in entries] == [
        (a.name, a.id_number, "2", a.certificate_date) for a in apps]
    listed = client.get(PAGE).get_data(as_text=True)
    assert "2015年技师证书.xlsx" in listed and world.city_admin.real_name in listed


def test_one_bad_row_imports_nothing_and_every_error_is_listed_and_downloadable(app, db, world, login_as):
    good = world.app(State.DISTRICT_APPROVED)
    bad_id = good.id_number[:17] + ("0" if good.id_number[17] != "0" else "1")
    rows = [
        row_of(good),
        row_of(good, 证书编号="X-2", 身份证号码=bad_id),
        row_of(good, 证书编号="X-3", 等级="特级", 发证日期="2015-02-30"),
        row_of(good, 证书编号=good.certificate_no),  # the same certificate number as row 2
        row_of(good, 证书编号="X-5", 身份证号码=310109198309073016, 发证日期=(date.today() + timedelta(days=400)).isoformat()),
    ]
    client = login_as(world.city_admin)
    response = upload(client, register_file(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert count(db, RegisterEntry) == 0 and count(db, RegisterImport) == 0
    errors = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]+)</td></tr>", page)
    assert [(r, c) for r, c, _m in errors] == [
        ("3", "身份证号码"), ("4", "等级"), ("4", "发证日期"), ("5", "证书编号"), ("6", "身份证号码"),
        ("6", "发证日期")]
    messages = {(r, c): m for r, c, m in errors}
    assert "校验位" in messages[("3", "身份证号码")]
    assert "与第2行重复" in messages[("5", "证书编号")]
    assert "15位有效数字" in messages[("6", "身份证号码")]
    assert "不能晚于今天" in messages[("6", "发证日期")]
    link = re.search(r'href="(/register/errors/[^"]+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.get_data())).active
    header = [c.value for c in sheet[1]]
    assert header == ["行号", *HEADER, "错误"]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in body] == [3, 4, 5, 6, 2]  # rows with errors first, then the others
    assert "校验位" in body[0][-1] and body[-1][-1] is None
    assert body[0][3] == bad_id  # what was typed, as text
    # Kept under UPLOAD_DIR/register/ encrypted: it quotes the ID numbers.
    kept = list((Path(app.config["UPLOAD_DIR"]) / "register").glob(f"errors-{world.city_admin.id}-*.xlsx"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(sealed.FILE_MAGIC)
    assert sealed.read_bytes(kept[0]) == download.get_data()
    # It is offered again on the page until an import succeeds; nobody else can fetch it.
    assert link in client.get(PAGE).get_data(as_text=True)
    other_admin = make_user(SYSTEM_ADMIN, real_name="另一位管理员")
    other = login_as(other_admin)
    assert other.get(link).status_code == 404
    assert link not in other.get(PAGE).get_data(as_text=True)
    assert client.get("/register/errors/nonsense").status_code == 404
    assert client.get(link.replace(f"/{world.city_admin.id}-", f"/{other_admin.id}-")).status_code == 404
    assert upload(client, register_file([row_of(good)])).status_code == 200
    assert client.get(link).status_code == 404 and "register-last-refused" not in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    (b"not an excel file", "不是Excel工作簿"),
    (register_file([], header=["姓名", "身份证号码"]), "表头缺少必需的列：证书编号、等级、工种、发证日期、发证机构"),
    (register_file([]), "没有数据行"),
])
def test_a_malformed_file_gets_a_message(db, world, login_as, data, message):
    client = login_as(world.city_admin)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, RegisterImport) == 0


def test_no_file_chosen(db, world, login_as):
    client = login_as(world.city_admin)
    token = csrf_token(client, PAGE)
    response = client.post("/register/upload", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["baoshan_admin", "finance", "baoshan_clerk"])
def test_only_the_system_admin_imports_and_matches(db, world, login_as, who):
    app = world.app(State.DISTRICT_APPROVED)
    client = login_as(getattr(world, who))
    assert client.get(PAGE).status_code in (302, 403)
    token = csrf_token(client, "/account/password")
    response = client.post("/register/upload", data={"csrf_token": token,
                                                     "file": (io.BytesIO(register_file([row_of(app)])), "r.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 403)
    response = client.post("/register/match", data={"csrf_token": token, "campaign": str(world.campaign.id)})
    assert response.status_code in (302, 403)
    assert count(db, RegisterImport) == 0 and count(db, RegisterMatch) == 0


# -- matching ---------------------------------------------------------------------------------------------

def import_rows(db, user, rows):
    outcome = services.import_register(user, "r.xlsx", register_file(rows))
    assert outcome.ok, [str(e) for e in outcome.errors]
    return outcome.register_import


MISMATCHES = {
    "name": {"姓名": "张叁"},
    "id_number": {"身份证号码": None},
    "new_level": {"等级": "高级技师"},
    "certificate_issuer": {"发证机构": "交通运输部"},
    "certificate_date": {"发证日期": "2014-12-02"},
}


@pytest.mark.parametrize("field", list(MISMATCHES))
def test_each_mismatch_kind_is_named(db, world, field):
    application = world.app(State.DISTRICT_APPROVED)
    changes = dict(MISMATCHES[field])
    if field == "id_number":
        changes["身份证号码"] = unique_id_number()
    import_rows(db, world.city_admin, [row_of(application, **changes)])
    summary = services.match_applications(world.city_admin, campaign_id=world.campaign.id)
    assert (summary.total, summary.counts["different"]) == (1, 1)
    stored = services.match_of(application)
    assert (stored.result, stored.difference_list, stored.found_by) == ("different", [field], "certificate_no")


def test_found_by_id_number_when_the_certificate_number_differs(db, world):
    application = world.app(State.DISTRICT_APPROVED)
    import_rows(db, world.city_admin, [row_of(application, 证书编号="ZZ-1")])
    services.match_applications(world.city_admin, campaign_id=world.campaign.id)
    stored = services.match_of(application)
    assert (stored.result, stored.difference_list, stored.found_by) == ("different", ["certificate_no"], "id_number")


def test_all_equal_and_not_found_and_only_district_approved_rows(db, world):
    same = world.app(State.DISTRICT_APPROVED, name="欧阳·娜娜")
    missing = world.app(State.DISTRICT_APPROVED)
    pending = world.app(State.PENDING)
    foreign = world.app(State.DISTRICT_APPROVED, foreign=True)
    # Spaces and full-width characters in the register do not make a difference.
    import_rows(db, world.city_admin, [row_of(same, 姓名="欧阳 • 娜娜", 等级="国家职业资格二级",
                                              发证日期="2014年12月1日"),
                                       row_of(pending), row_of(foreign)])
    summary = services.match_applications(world.city_admin, campaign_id=world.campaign.id)
    assert summary.total == 3
    assert summary.counts == {"match": 2, "different": 0, "not_found": 1}
    assert services.match_of(same).result == "match"
    assert services.match_of(missing).result == "not_found"
    assert services.match_of(pending) is None


def test_a_batch_other_than_the_applications_matches_nothing(db, world, login_as):
    from tests.review.world import open_campaign

    application = world.app(State.DISTRICT_APPROVED)
    other = open_campaign(name="另一个报名活动")
    client = login_as(world.city_admin)
    response = match(client, campaign=str(world.campaign.id), batch=str(other.batches[0].id))
    assert response.status_code == 400 and "该批次不属于所选报名活动" in response.get_data(as_text=True)
    assert match(client).status_code == 400
    for unknown in ({"campaign": "999999"}, {"batch": "999999"}, {"campaign": "x"}, {"batch": "9" * 30}):
        response = match(client, **unknown)
        assert response.status_code == 400 and "请选择报名活动或批次" in response.get_data(as_text=True)
    response = match(client, batch=str(other.batches[0].id))
    assert response.status_code == 200
    assert services.match_of(application) is None


def test_a_corrected_application_loses_its_old_result(db, world):
    application = world.app(State.DISTRICT_APPROVED)
    import_rows(db, world.city_admin, [row_of(application)])
    services.match_applications(world.city_admin, campaign_id=world.campaign.id)
    assert services.match_of(application).result == "match"
    apply_transition(application, world.city_admin, "reject_final", comment="证书信息待核实")
    db.session.commit()
    assert services.match_of(application) is not None  # a decision keeps the result it was made on
    apply_transition(application, world.baoshan_clerk, "correct", values={"name": "张三丰"})
    db.session.commit()
    assert services.match_of(application) is None


# -- the 终审 screen -------------------------------------------------------------------------------------

def listed_names(client, query):
    page = client.get(f"/review/final/list/?{query}&psize_FinalReviewModelView=100").get_data(as_text=True)
    return sorted(re.findall(r'<tr data-pk="\d+">.*?<td[^>]*>([^<]+)</td>', page, re.DOTALL))


def test_final_list_filters_by_mark_and_show_page_compares_side_by_side(db, world, login_as):
    same = world.app(State.DISTRICT_APPROVED, name="张全同")
    differs = world.app(State.DISTRICT_APPROVED, name="李有异")
    world.app(State.DISTRICT_APPROVED, name="王未找")
    world.app(State.PENDING, name="赵未核")
    import_rows(db, world.city_admin, [row_of(same), row_of(differs, 发证日期="2014-11-30", 姓名="李友异")])
    client = login_as(world.city_admin)
    response = match(client, campaign=str(world.campaign.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="match-count-match">1<', page) and re.search(r'id="match-count-not_found">1<', page)
    assert listed_names(client, "_flt_0_verification=match") == ["张全同"]
    assert listed_names(client, "_flt_0_verification=different") == ["李有异"]
    assert listed_names(client, "_flt_0_verification=not_found") == ["王未找"]
    assert listed_names(client, "_flt_0_verification=unchecked") == ["赵未核"]
    assert listed_names(client, "_flt_0_verification=bogus") == []
    show = client.get(f"/review/final/show/{differs.id}").get_data(as_text=True)
    assert "有差异" in show
    differing = re.findall(r'<tr id="compare-(\w+)" class="register-differs">', show)
    assert differing == ["name", "certificate_date"]
    assert 'class="register-same"' in show and "李友异" in show and "2014-11-30" in show
    assert 'style="' not in show.split('id="register-comparison-title"')[1].split("</table>")[0]
    # The district's own screen has no such filter: the argument is refused, as any unknown filter.
    district = login_as(world.baoshan_admin)
    assert "核对结果" not in district.get("/review/district/list/").get_data(as_text=True)
    page = district.get("/review/district/list/?_flt_0_verification=match&psize_DistrictReviewModelView=100")
    assert page.status_code == 400 and "核对结果" not in page.get_data(as_text=True)


def test_bulk_final_approval_of_the_all_equal_rows_only(db, world, login_as):
    same = [world.app(State.DISTRICT_APPROVED, name=n) for n in ("甲一", "乙二")]
    differs = world.app(State.DISTRICT_APPROVED, name="丙三")
    missing = world.app(State.DISTRICT_APPROVED, name="丁四")
    import_rows(db, world.city_admin, [row_of(a) for a in same] + [row_of(differs, 等级="高级技师")])
    client = login_as(world.city_admin)
    page = match(client, campaign=str(world.campaign.id)).get_data(as_text=True)
    bulk_url = re.search(r'href="([^"]+)" class="btn btn-success" id="register-bulk-approve"', page).group(1)
    bulk_url = bulk_url.replace("&amp;", "&")
    confirm = client.get(bulk_url)
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "核对结果：全部一致" in text
    query = bulk_url.split("?", 1)[1]
    response = client.post(f"/review/final/bulk/approve_final?{query}", data={
        "csrf_token": csrf_token(client, bulk_url), "mode": "filter", "expected_count": "2"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    states = {a.name: db.session.get(type(a), a.id).state for a in [*same, differs, missing]}
    assert states == {"甲一": "final_approved", "乙二": "final_approved", "丙三": "district_approved",
                      "丁四": "district_approved"}
    records = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "approve_final")).all()
    assert sorted(r.application_id for r in records) == sorted(a.id for a in same)


def test_bulk_with_a_changed_filter_result_asks_again(db, world, login_as):
    application = world.app(State.DISTRICT_APPROVED)
    import_rows(db, world.city_admin, [row_of(application)])
    services.match_applications(world.city_admin, campaign_id=world.campaign.id)
    client = login_as(world.city_admin)
    query = "_flt_0_state=district_approved&_flt_0_verification=match"
    response = client.post(f"/review/final/bulk/approve_final?{query}", data={
        "csrf_token": csrf_token(client, f"/review/final/bulk/approve_final?{query}"), "mode": "filter",
        "expected_count": "5"})
    assert "筛选结果已发生变化" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(application), application.id).state == "district_approved"
