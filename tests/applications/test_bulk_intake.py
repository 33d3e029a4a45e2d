"""批量导入: the template, every row through the form's rules and first-time rule, duplicates inside the file
and against the database, all or nothing, per-row errors on the page and as Excel, a zip of scans checked
by content, and the applications that lack scans (marked in the lists, not approvable by the district)."""
import html as html_lib
import io
import pathlib
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS, SYSTEM_ADMIN
from app.applications import bulk
from app.applications.models import Application, Attachment
from app.applications.rules import FIELD_LABELS
from app.review.models import ReviewRecord
from app.review.states import State
from tests.applications.bulk_files import fill_template, upload, zip_of
from tests.applications.intake import jpeg_bytes, pdf_bytes, png_bytes, post_form, scans
from tests.conftest import csrf_token
from tests.factories import district, make_application, make_campaign, make_org, make_user, valid_values
from tests.ids import id_number


@pytest.fixture
def world(db, set_today):
    campaign = make_campaign(name="2015年度奖励计划")
    unit = make_org(name="宝山甲厂工会", unit_name="宝山甲厂")
    other = make_org(name="宝山乙厂工会", unit_name="宝山乙厂")
    return {
        "campaign": campaign, "batch": campaign.batches[0], "unit": unit,
        "clerk": make_user(GRASSROOTS, org=unit, username="jia01"),
        "other_clerk": make_user(GRASSROOTS, org=other, username="yi01"),
        "admin": make_user(DISTRICT_ADMIN, username="baoshan_admin"),
        "city": make_user(SYSTEM_ADMIN, username="city_admin"),
    }


def template_bytes(client, batch):
    response = client.get(f"/apply/bulk/{batch.id}/template")
    assert response.status_code == 200, response.status_code
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def three_rows():
    return [valid_values(seed=501, name="王建国"),
            valid_values(seed=502, name="李秀英", variant="industry"),
            valid_values(seed=503, name="赵小明", is_migrant=True, hukou_province="43", years_in_city=6,
                         union_card_no="6228123412341234", bank_name=None, bank_card_no=None)]


def scans_for(rows):
    entries = {}
    for values in rows:
        number = values["id_number"]
        entries[f"{number}_身份证.png"] = png_bytes()
        entries[f"{number}_等级证书.pdf"] = pdf_bytes()
        entries[f"{number}_银行卡.jpg"] = jpeg_bytes()
        if values["variant"] == "industry":
            entries[f"{number}_盖章申请表.pdf"] = pdf_bytes("hr")
    return entries


def problems(html):
    """(row, column, message) of the refusal's problem list."""
    found = re.findall(r'<tr class="problem" data-row="(\d*)">\s*<td class="row-number">[^<]*</td>\s*<td>[^<]*</td>'
                       r'<td class="column">([^<]*)</td><td class="message">([^<]*)</td>', html)
    return [(int(r) if r else None, c, m) for r, c, m in found]


def count(db, model=Application):
    db.session.expire_all()
    return db.session.query(model).count()


# -- the template -------------------------------------------------------------------------------------

def test_template_has_the_forms_labels_drop_downs_text_columns_and_instructions(world, login_as):
    client = login_as(world["clerk"])
    workbook = load_workbook(io.BytesIO(template_bytes(client, world["batch"])))
    assert workbook.sheetnames == ["申请表", "填写说明", "选项"]
    sheet, lists = workbook["申请表"], workbook["选项"]
    assert lists.sheet_state == "hidden"
    headers = [c.value for c in sheet[1]]
    assert headers == list(FIELD_LABELS.values())
    letter = {label: sheet.cell(row=1, column=i + 1).column_letter for i, label in enumerate(headers)}
    for label in ("身份证号码", "等级证书编号", "工会会员服务卡卡号", "银行卡号", "手机号码"):
        assert sheet.column_dimensions[letter[label]].number_format == "@", label
    assert sheet.column_dimensions[letter["发证日期"]].number_format == "yyyy-mm-dd"
    # Every closed field has a drop-down list whose values are the form's choices.
    validations = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list":
            column = str(validation.sqref).split(":")[0].rstrip("0123456789")
            source = re.search(r"\$([A-Z]+)\$1:\$[A-Z]+\$(\d+)", validation.formula1)
            values = [lists[f"{source.group(1)}{n}"].value for n in range(1, int(source.group(2)) + 1)]
            validations[column] = values
    closed = {"申报类别": ["通用工种", "行业特有工种"], "性别": ["男", "女"], "是否外来务工人员": ["是", "否"],
              "现晋升的技能等级": ["技师（国家职业资格二级）", "高级技师（国家职业资格一级）"]}
    for label, values in closed.items():
        assert validations[letter[label]] == values, label
    for label, member in (("所属行业", "制造业"), ("学历", "大专"), ("原有最高技能等级", "高级工（国家职业资格三级）"),
                          ("单位性质", "集体"), ("发证机构", "上海市人力资源和社会保障局"), ("户籍地", "湖南省")):
        assert member in validations[letter[label]], label
    assert "高级技师（国家职业资格一级）" not in validations[letter["原有最高技能等级"]]
    notes = "\n".join(str(c.value) for c in workbook["填写说明"]["A"])
    assert "2015年度奖励计划" in notes and "310109198309073016_身份证.pdf" in notes and "全部不导入" in notes


def test_only_a_clerk_gets_the_page_and_the_template(world, login_as):
    assert login_as(world["clerk"]).get(f"/apply/bulk/{world['batch'].id}").status_code == 200
    for user in (world["admin"], world["city"]):
        client = login_as(user)
        for path in (f"/apply/bulk/{world['batch'].id}", f"/apply/bulk/{world['batch'].id}/template"):
            assert client.get(path).status_code in (302, 403), (user.username, path)
    assert login_as(world["clerk"]).get("/apply/bulk/999999").status_code == 404


# -- a good file ---------------------------------------------------------------------------------------

def test_three_rows_with_their_scans_are_created_pending_with_one_audit_record_each(world, db, login_as):
    client = login_as(world["clerk"])
    rows = three_rows()
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    response = upload(client, world["batch"].id, workbook, zip_of(scans_for(rows)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/myapplicationmodelview/list/")
    db.session.expire_all()
    created = db.session.scalars(db.select(Application).order_by(Application.id)).all()
    assert [a.name for a in created] == ["王建国", "李秀英", "赵小明"]
    for application, values in zip(created, rows, strict=True):
        assert application.state == State.PENDING.value and application.version == 1
        assert application.organisation_id == world["unit"].id
        assert application.district_id == district().id and application.submitted_by_id == world["clerk"].id
        for name in ("id_number", "variant", "certificate_no", "industry", "education", "new_level", "unit_kind"):
            assert getattr(application, name) == values[name], name
        records = db.session.scalars(db.select(ReviewRecord).where(ReviewRecord.application_id == application.id)).all()
        assert [(r.action, r.from_state, r.to_state) for r in records] == [("submit", None, "pending")]
        kinds = sorted(a.kind for a in application.attachments)
        expected = ["card_copy", "certificate_copy", "id_copy"]
        assert kinds == sorted(expected + (["hr_form"] if values["variant"] == "industry" else []))
    migrant = created[2]
    assert migrant.is_migrant and migrant.hukou_province == "43" and migrant.years_in_city == 6
    assert migrant.union_card_no == "6228123412341234" and migrant.bank_card_no is None
    assert created[1].hr_signer == "王人事" and created[1].certificate_issuer == "交通运输部"
    # The clerk sees them listed, none marked as lacking scans.
    page = client.get("/myapplicationmodelview/list/").get_data(as_text=True)
    assert all(name in page for name in ("王建国", "李秀英", "赵小明")) and "label-danger missing-scans" not in page
    # The stored scans are the files of the zip, downloadable within scope.
    scan = created[0].attachments[0]
    assert client.get(f"/application/attachment/{scan.id}").status_code == 200


def test_the_rows_go_through_the_form_rules_as_a_clerk_types_them(world, db, login_as):
    """Codes or list names, a date typed as text, full-width digits: whatever the form accepts."""
    client = login_as(world["clerk"])
    values = valid_values(seed=504, name="孙 丽")
    number = values["id_number"]
    typed = dict(values, industry="制造业", certificate_date="2014/12/01", id_number=number.translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}))
    workbook = fill_template(template_bytes(client, world["batch"]), [typed])
    assert upload(client, world["batch"].id, workbook).status_code == 302
    application = db.session.scalar(db.select(Application))
    assert (application.name, application.industry, application.certificate_date, application.id_number) == (
        "孙丽", "C", date(2014, 12, 1), number)


# -- all or nothing ----------------------------------------------------------------------------------------

def test_one_bad_row_creates_nothing_and_every_problem_is_listed_and_downloadable(world, db, login_as):
    client = login_as(world["clerk"])
    rows = three_rows()
    rows[1] = dict(rows[1], mobile="1234", hr_signer=None)
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    response = upload(client, world["batch"].id, workbook, zip_of(scans_for(rows)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert count(db) == 0 and count(db, Attachment) == 0 and count(db, ReviewRecord) == 0
    found = problems(html)
    assert (3, "手机号码", "手机号码应为11位大陆手机号码，以13–19开头（如13012345678）") in found
    assert (3, "人力资源部门经办人", "请填写人力资源部门经办人") in found
    assert len(found) == 2 and "没有导入任何申请" in html
    # The list downloads as Excel (row, name, column, message).
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    payload = html_lib.unescape(re.search(r'name="problems" value="([^"]*)"', html).group(1))
    response = client.post("/apply/bulk/errors", data={"csrf_token": token, "problems": payload})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0] == ["行号", "姓名", "列或文件", "错误说明"]
    assert [3, "李秀英", "手机号码", "手机号码应为11位大陆手机号码，以13–19开头（如13012345678）"] in table


def test_a_file_that_is_no_template_is_refused_with_a_message(world, db, login_as):
    client = login_as(world["clerk"])
    html = upload(client, world["batch"].id, b"name,id\n").get_data(as_text=True)
    assert "文件不是Excel工作簿" in html and count(db) == 0
    from openpyxl import Workbook
    other = Workbook()
    other.active.append(["姓名", "身份证号码"])
    other.active.append(["张三", "310109198309073016"])
    out = io.BytesIO()
    other.save(out)
    html = upload(client, world["batch"].id, out.getvalue()).get_data(as_text=True)
    assert "表头缺少必需的列" in html and "申报类别" in html and count(db) == 0
    page = client.post(f"/apply/bulk/{world['batch'].id}", data={"csrf_token": csrf_token(
        client, f"/apply/bulk/{world['batch'].id}")}, content_type="multipart/form-data").get_data(as_text=True)
    assert "请选择填好的Excel文件" in page


def test_an_id_number_excel_turned_into_a_number_is_refused_not_changed(world, db, login_as):
    client = login_as(world["clerk"])
    values = valid_values(seed=505)
    template = fill_template(template_bytes(client, world["batch"]), [values])
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    column = [c.value for c in sheet[1]].index("身份证号码") + 1
    sheet.cell(row=2, column=column, value=float(values["id_number"][:17] + "0"))
    out = io.BytesIO()
    workbook.save(out)
    found = problems(upload(client, world["batch"].id, out.getvalue()).get_data(as_text=True))
    assert [p[:2] for p in found] == [(2, "身份证号码")] and "15位有效数字" in found[0][2]
    assert count(db) == 0


# -- duplicates -------------------------------------------------------------------------------------------

def test_duplicates_inside_the_file_are_refused(world, db, login_as):
    client = login_as(world["clerk"])
    first = valid_values(seed=506, name="王建国")
    same_person = valid_values(seed=507, name="王建国", id_number=first["id_number"], gender=first["gender"])
    same_certificate = valid_values(seed=508, name="钱多多", certificate_no=first["certificate_no"])
    workbook = fill_template(template_bytes(client, world["batch"]), [first, same_person, same_certificate])
    found = problems(upload(client, world["batch"].id, workbook).get_data(as_text=True))
    assert found == [(3, "身份证号码", "与第2行是同一职工的技师（国家职业资格二级）申请：每人每个等级只能申报一次"),
                     (4, "等级证书编号", "与第2行的等级证书编号相同：同一证书不能重复申报")]
    assert count(db) == 0


def test_duplicates_against_the_database_use_the_first_time_rule(world, db, login_as):
    existing = make_application(world["clerk"], world["campaign"], seed=509, name="周老师")
    foreign = make_application(world["other_clerk"], world["campaign"], seed=510)
    client = login_as(world["clerk"])
    rows = [valid_values(seed=511, id_number=existing.id_number, gender=existing.gender),
            valid_values(seed=512, certificate_no=foreign.certificate_no)]
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    found = problems(upload(client, world["batch"].id, workbook).get_data(as_text=True))
    assert [p[:2] for p in found] == [(2, "身份证号码"), (3, "等级证书编号")]
    assert "本单位“2015年度奖励计划”第一批" in found[0][2] and "每人每个等级只能获得一次奖励" in found[0][2]
    # The other unit's application is not revealed.
    assert found[1][2] == "该等级证书编号已在其他单位申报，同一证书不能重复申报"
    assert count(db) == 2


# -- the batch and the organisation ---------------------------------------------------------------------------

def test_a_closed_batch_refuses_the_upload(world, db, login_as, set_today):
    client = login_as(world["clerk"])
    workbook = fill_template(template_bytes(client, world["batch"]), [valid_values(seed=513)])
    set_today(date(2015, 4, 11))
    html = upload(client, world["batch"].id, workbook).get_data(as_text=True)
    assert "第一批已于2015年4月10日截止网上受理，不能再申报" in html and count(db) == 0


def test_rows_go_to_the_uploaders_own_unit_only(world, db, login_as):
    client = login_as(world["clerk"])
    workbook = fill_template(template_bytes(client, world["batch"]), [valid_values(seed=514, name="吴一")])
    foreign_unit = world["other_clerk"].organisation_id
    response = upload(client, world["batch"].id, workbook,
                      extra={"organisation_id": str(foreign_unit), "organisation": str(foreign_unit)})
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.organisation_id == world["unit"].id
    other = login_as(world["other_clerk"])
    assert "吴一" not in other.get("/myapplicationmodelview/list/").get_data(as_text=True)
    assert other.get(f"/myapplicationmodelview/show/{application.id}").status_code == 404
    # A district admin cannot upload at all.
    admin = login_as(world["admin"])
    response = admin.post(f"/apply/bulk/{world['batch'].id}", data={
        "csrf_token": csrf_token(admin, "/review/district/list/"),
        "workbook": (io.BytesIO(workbook), "x.xlsx")}, content_type="multipart/form-data")
    assert response.status_code in (302, 403) and count(db) == 1


# -- scans by zip --------------------------------------------------------------------------------------------

def test_scans_with_a_wrong_name_bad_content_or_no_row_refuse_the_file(world, db, login_as):
    client = login_as(world["clerk"])
    rows = [valid_values(seed=515, name="郑一")]
    number = rows[0]["id_number"]
    stranger = id_number(date(1980, 1, 2))
    entries = {
        f"{number}_身份证.png": png_bytes(),
        f"{number}_证件.pdf": pdf_bytes(),  # no such kind
        f"{number}_等级证书.pdf": b"<html>not a pdf</html>",
        f"{number}_银行卡.jpg": b"\xff\xd8\xff\xe0" + b"x" * 40,
        f"{stranger}_身份证.png": png_bytes(),
        "说明.txt": b"hello",
    }
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    found = problems(upload(client, world["batch"].id, workbook, zip_of(entries)).get_data(as_text=True))
    by_file = {column: message for _row, column, message in found}
    assert "文件名应为“身份证号码_类别”" in by_file[f"{number}_证件.pdf"]
    assert "只能上传PDF、JPG或PNG格式" in by_file[f"{number}_等级证书.pdf"]
    assert "图片文件已损坏" in by_file[f"{number}_银行卡.jpg"]
    assert by_file[f"{stranger}_身份证.png"] == "表格中没有这个身份证号码的职工，请核对文件名"
    assert "文件名应为" in by_file["说明.txt"]
    assert count(db) == 0 and count(db, Attachment) == 0


def test_a_zip_bomb_a_path_and_a_gbk_name_are_handled_safely(world, db, login_as, app, tmp_path):
    client = login_as(world["clerk"])
    rows = [valid_values(seed=516, name="冯二")]
    number = rows[0]["id_number"]
    bomb = {f"{number}_等级证书.pdf": b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"\n%%EOF\n"}
    workbook = fill_template(template_bytes(client, world["batch"]), rows)
    found = problems(upload(client, world["batch"].id, workbook, zip_of(bomb)).get_data(as_text=True))
    assert [(c, m) for _r, c, m in found] == [(f"{number}_等级证书.pdf", "文件不能超过5MB，请压缩或降低扫描分辨率")]
    html = upload(client, world["batch"].id, workbook, b"PK\x03\x04 broken").get_data(as_text=True)
    assert "扫描件压缩包不是有效的ZIP文件" in html and count(db) == 0
    # A name with a path is read as its last part only; the file is stored under a random name.
    entries = {f"../../../../etc/{number}_身份证.png": png_bytes(), f"扫描/{number}_银行卡.jpg": jpeg_bytes()}
    # A GBK name without the UTF-8 flag, as Windows' own zip writes it (an ASCII stand-in of the same length
    # is written, then its bytes are swapped for the GBK ones in both headers).
    entries[f"{number}_XXXXXXXX.pdf"] = pdf_bytes()
    zipped = zip_of(entries).replace(b"XXXXXXXX", "等级证书".encode("gbk"))
    response = upload(client, world["batch"].id, workbook, zipped)
    assert response.status_code == 302, problems(response.get_data(as_text=True))
    stored = db.session.scalars(db.select(Attachment).order_by(Attachment.kind)).all()
    # The names keep the ID number masked (it is on the application; a 市总财务 reader sees the names too).
    masked = f"{number[:6]}********{number[-4:]}"
    assert [(a.kind, a.original_name) for a in stored] == [
        ("card_copy", f"{masked}_银行卡.jpg"), ("certificate_copy", f"{masked}_等级证书.pdf"),
        ("id_copy", f"{masked}_身份证.png")]
    upload_dir = app.config["UPLOAD_DIR"]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(png|jpg|pdf)", a.stored_name) for a in stored)
    assert all((pathlib.Path(upload_dir) / a.stored_name).is_file() for a in stored)


# -- scans missing: marked everywhere, district approval blocked -------------------------------------------

def test_missing_scans_are_marked_in_every_list_and_block_district_approval(world, db, login_as):
    clerk = login_as(world["clerk"])
    rows = [valid_values(seed=517, name="陈缺件"), valid_values(seed=518, name="林齐全")]
    entries = {k: v for k, v in scans_for(rows).items() if not k.startswith(rows[0]["id_number"] + "_等级证书")}
    workbook = fill_template(template_bytes(clerk, world["batch"]), rows)
    response = upload(clerk, world["batch"].id, workbook, zip_of(entries))
    assert response.status_code == 302
    flashed = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "导入成功：2份申请已提交" in flashed and "其中1份缺少扫描件" in flashed
    lacking = db.session.scalar(db.select(Application).where(Application.name == "陈缺件"))
    complete = db.session.scalar(db.select(Application).where(Application.name == "林齐全"))

    def marked(html, pk):
        row = re.search(r'<tr data-pk="%s">(.*?)</tr>' % pk, html, re.S).group(1)
        return "缺少扫描件" in row

    mine = clerk.get("/myapplicationmodelview/list/").get_data(as_text=True)
    assert marked(mine, lacking.id) and not marked(mine, complete.id)
    show = clerk.get(f"/myapplicationmodelview/show/{lacking.id}").get_data(as_text=True)
    assert "缺少扫描件</strong>：等级证书复印件" in show and "修改报名表" in show

    admin = login_as(world["admin"])
    listed = admin.get("/review/district/list/").get_data(as_text=True)
    assert marked(listed, lacking.id) and not marked(listed, complete.id)
    city = login_as(world["city"]).get("/review/final/list/").get_data(as_text=True)
    assert marked(city, lacking.id) and not marked(city, complete.id)

    # The page shows the reason where the 审核通过 button would be; a posted decision is refused.
    page = admin.get(f"/review/district/show/{lacking.id}").get_data(as_text=True)
    reason = "缺少扫描件：等级证书复印件，须由基层工会补传后才能审核通过"
    assert 'id="submit-approve_by_district"' not in page and reason in page
    assert 'id="submit-reject_by_district"' in page
    token = csrf_token(admin, f"/review/district/show/{lacking.id}")
    response = admin.post(f"/review/district/decide/{lacking.id}/approve_by_district",
                          data={"csrf_token": token, "version": lacking.version}, follow_redirects=True)
    assert reason in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, lacking.id).state == State.PENDING.value

    # In bulk, the complete one is approved and the other skipped with the reason.
    response = admin.post("/review/district/bulk/approve_by_district", data={
        "csrf_token": token, "mode": "ticked", "rowid": [str(lacking.id), str(complete.id)],
        f"version_{lacking.id}": "1", f"version_{complete.id}": "1"})
    html = response.get_data(as_text=True)
    assert re.search(r'id="bulk-changed">1<', html) and re.search(r'id="bulk-skipped">1<', html)
    assert "陈缺件" in html and reason in html
    db.session.expire_all()
    assert db.session.get(Application, complete.id).state == State.DISTRICT_APPROVED.value
    assert db.session.get(Application, lacking.id).state == State.PENDING.value

    # The clerk adds the missing scan on 修改报名表; then the district may approve.
    values = {**rows[0]}
    kept = {a.kind: a.id for a in db.session.get(Application, lacking.id).attachments}
    response = post_form(clerk, f"/apply/edit/{lacking.id}", values,
                         {"certificate_copy": scans()["certificate_copy"]},
                         extra={"version": "1", **{f"attachment_id_{k}": str(v) for k, v in kept.items()}})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    fixed = db.session.get(Application, lacking.id)
    assert sorted(a.kind for a in fixed.attachments) == ["card_copy", "certificate_copy", "id_copy"]
    page = admin.get(f"/review/district/show/{lacking.id}").get_data(as_text=True)
    assert 'id="submit-approve_by_district"' in page and "缺少扫描件" not in page


def test_service_refuses_nothing_it_has_not_read(world, db):
    """The refusals of the batch come before the file is even read (the same sentences as the form)."""
    intake = bulk.import_applications(world["admin"], world["batch"], b"")
    assert [p.message for p in intake.problems] == ["只有基层工会用户可以申报"] and not intake.created
