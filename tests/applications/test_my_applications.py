"""报名管理 of the 基层工会用户: the own unit's list, 查看 with history, 修改报名表 and 撤回 as the workflow
allows, the 申请表 print view, and 404 for every foreign id."""
import re
from datetime import date

import pytest

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.applications.models import Application
from app.review import services as review
from app.review.models import ReviewRecord
from app.review.states import CORRECTABLE, State
from tests.applications.intake import IN_BATCH, field_errors, input_value, post_form, scans, selected_value
from tests.conftest import csrf_token
from tests.factories import district, make_application, make_campaign, make_org, make_user, valid_values
from tests.test_i18n import NOT_FOUND, assert_page_exists, fab_msgids, untranslated


@pytest.fixture
def unit(db):
    org = make_org(name="宝山甲厂工会")
    clerk = make_user(GRASSROOTS, org=org, real_name="李静")
    return org, clerk, make_campaign(name="2015年度奖励计划")


def withdraw(client, application, show_path=None):
    token = csrf_token(client, show_path or f"/myapplicationmodelview/show/{application.id}")
    return client.post(f"/myapplicationmodelview/action/withdraw/{application.id}",
                       data={"csrf_token": token, "version": application.version})


def test_list_shows_the_own_units_applications_as_the_manual_does(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    mine = make_application(clerk, campaign, seed=41, name="陈志渊")
    make_application(clerk, campaign, state=State.FINAL_APPROVED, seed=42, name="王五")
    neighbour = make_user(GRASSROOTS, org=make_org(name="宝山乙厂工会"))
    make_application(neighbour, campaign, seed=43, name="别人家")
    html = login_as(clerk).get("/myapplicationmodelview/list/").get_data(as_text=True)
    table = html.split('id="my-application-list"')[1].split("</table>")[0]
    headers = re.findall(r"<th[^>]*>(?:<a[^>]*>)?([^<]+)", table)
    assert [h.strip() for h in headers] == ["报名表名称", "起始时间", "结束时间", "姓名", "身份证号码", "现晋升的技能等级",
                                           "状态", "操作"]
    assert "陈志渊" in table and "王五" in table and "别人家" not in table
    assert "2015年度奖励计划（第一批）" in table and "2015-03-01" in table and "2015-04-10" in table
    assert "市技协服务中心终审通过" in table and "未审核" in table and "查看" in table
    assert mine.id_number not in html and mine.bank_card_no not in html
    assert mine.id_number[:6] + "********" + mine.id_number[-4:] in table


def test_list_filters_by_state(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    make_application(clerk, campaign, seed=44, name="甲")
    make_application(clerk, campaign, state=State.DISTRICT_REJECTED, seed=45, name="乙")
    client = login_as(clerk)
    page = client.get("/myapplicationmodelview/list/").get_data(as_text=True)
    assert '<option value="district_rejected"' in page and "区县局初审未通过" in page
    html = client.get("/myapplicationmodelview/list/?_flt_0_state=district_rejected").get_data(as_text=True)
    table = html.split('id="my-application-list"')[1].split("</table>")[0]
    assert ">乙</td>" in table and ">甲</td>" not in table
    assert selected_value(html.split('id="filter_form"')[1], "_flt_0_state") == "district_rejected"


def test_show_has_the_whole_application_its_scans_and_history(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    client = login_as(clerk)
    values = valid_values(seed=46)
    assert post_form(client, f"/apply/batch/{campaign.batches[0].id}", values, scans()).status_code == 302
    application = db.session.scalar(db.select(Application))
    admin = make_user(DISTRICT_ADMIN, real_name="宝山管理员")
    review.apply_transition(application, admin, "reject_by_district", comment="证书复印件不清晰", today=IN_BATCH)
    db.session.commit()
    html = client.get(f"/myapplicationmodelview/show/{application.id}").get_data(as_text=True)
    assert values["id_number"] in html and values["bank_card_no"] in html  # whole numbers for the own unit
    for text in ("上海职工晋升技师、高级技师奖励申请表（通用工种）", "宝山区总工会", "2015年3月10日", "制造业", "大专",
                 "高级工（国家职业资格三级）", "上海市人力资源和社会保障局", "身份证.png", "证书.pdf", "银行卡.jpg"):
        assert text in html, text
    history = html.split('id="review-history"')[1].split("</table>")[0]
    assert "确认无误，申报" in history and "审核不通过" in history and "区县局初审未通过" in history
    assert "证书复印件不清晰" in history and "宝山管理员" in history and "区县局管理员" in history
    assert "证书复印件不清晰" in html.split('id="reject-reason"')[1]
    assert 'id="edit-button"' in html and 'id="withdraw-form"' not in html


def test_correction_per_state(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    client = login_as(clerk)
    for seed, state in enumerate(State, start=60):
        application = make_application(clerk, campaign, state=state, seed=seed)
        path = f"/apply/edit/{application.id}"
        show = client.get(f"/myapplicationmodelview/show/{application.id}").get_data(as_text=True)
        form = client.get(path)
        values = valid_values(seed=seed, trade="钳工")
        if state in CORRECTABLE:
            assert 'id="edit-button"' in show, state
            html = form.get_data(as_text=True)
            assert form.status_code == 200 and input_value(html, "name") == "张三", state
            assert input_value(html, "id_number") == application.id_number and input_value(html, "version") == "1"
            response = post_form(client, path, values, scans(), extra={"version": "1"})
            assert response.status_code == 302, state
            assert "修改报名表成功" in client.get(response.headers["Location"]).get_data(as_text=True)
            db.session.refresh(application)
            assert (application.state, application.trade, application.version) == ("pending", "钳工", 2), state
            assert application.fill_date == IN_BATCH and len(application.attachments) == 3
            record = db.session.scalar(db.select(ReviewRecord).where(ReviewRecord.action == "correct",
                                                                     ReviewRecord.application_id == application.id))
            assert (record.from_state, record.to_state) == (state.value, "pending")
        else:
            assert 'id="edit-button"' not in show, state
            assert form.status_code == 302, state
            assert form.headers["Location"].endswith(f"/myapplicationmodelview/show/{application.id}")
            html = post_form(client, path, values, scans(), extra={"version": "1"},
                             token_path="/myapplicationmodelview/list/").get_data(as_text=True)
            assert f"该申请当前状态为“{state.title}”，不能修改报名表" in html, state
            assert input_value(html, "trade") == "钳工"  # what was typed is still there
            db.session.refresh(application)
            assert (application.state, application.trade, application.version) == (state.value, "焊工", 1)


def test_correction_refused_after_the_system_deadline_and_on_a_stale_page(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    application = make_application(clerk, campaign, state=State.DISTRICT_REJECTED, seed=48)
    client = login_as(clerk)
    values = valid_values(seed=48, trade="钳工")
    set_today(date(2015, 4, 11))
    assert client.get(f"/apply/edit/{application.id}").status_code == 302
    # The application's page says why 修改报名表 is gone.
    show = client.get(f"/myapplicationmodelview/show/{application.id}").get_data(as_text=True)
    assert 'id="edit-button"' not in show
    assert re.search(r'id="correct-refused".*第一批已于2015年4月10日截止网上受理', show, re.S)
    html = post_form(client, f"/apply/edit/{application.id}", values, scans(), extra={"version": "1"},
                     token_path="/myapplicationmodelview/list/").get_data(as_text=True)
    assert "第一批已于2015年4月10日截止网上受理，不能再修改" in html
    set_today(IN_BATCH)
    for stale in ("0", "abc"):
        html = post_form(client, f"/apply/edit/{application.id}", values, scans(), extra={"version": stale}).get_data(
            as_text=True)
        assert "该申请已被他人处理，请刷新后重试" in html and input_value(html, "trade") == "钳工"
    db.session.refresh(application)
    assert application.trade == "焊工" and application.version == 1


def test_correction_keeps_scans_unless_replaced_and_refuses_with_field_messages(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    client = login_as(clerk)
    values = valid_values(seed=49)
    post_form(client, f"/apply/batch/{campaign.batches[0].id}", values, scans())
    application = db.session.scalar(db.select(Application))
    before = {a.kind: a.id for a in application.attachments}
    path = f"/apply/edit/{application.id}"
    form = client.get(path).get_data(as_text=True)
    kept = {f"attachment_id_{k}": input_value(form, f"attachment_id_{k}") for k in before}
    assert kept == {f"attachment_id_{k}": str(v) for k, v in before.items()}
    refused = post_form(client, path, dict(values, postcode="12"), {}, extra={**kept, "version": "1"})
    assert field_errors(refused.get_data(as_text=True), "postcode") == ["邮编应为6位数字"]
    ok = post_form(client, path, dict(values, postcode="200080"), scans(id_copy=None, card_copy=None),
                   extra={**kept, "version": "1"})
    assert ok.status_code == 302
    db.session.expire_all()
    after = {a.kind: a.id for a in db.session.get(Application, application.id).attachments}
    assert after["id_copy"] == before["id_copy"] and after["card_copy"] == before["card_copy"]
    assert after["certificate_copy"] != before["certificate_copy"]


def test_withdraw_only_from_pending_and_the_row_is_kept(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    pending = make_application(clerk, campaign, seed=50)
    rejected = make_application(clerk, campaign, state=State.DISTRICT_REJECTED, seed=51)
    client = login_as(clerk)
    show = client.get(f"/myapplicationmodelview/show/{pending.id}").get_data(as_text=True)
    assert 'id="withdraw-form"' in show and "确定撤回吗" in show
    assert client.get(f"/myapplicationmodelview/action/withdraw/{pending.id}").status_code == 405
    assert client.post(f"/myapplicationmodelview/action/withdraw/{pending.id}").status_code == 400  # no CSRF token
    response = withdraw(client, pending)
    assert response.status_code == 302
    assert "已撤回张三的申请" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.state == State.WITHDRAWN.value and pending.version == 2
    assert db.session.scalar(db.select(ReviewRecord).where(ReviewRecord.action == "withdraw")).from_state == "pending"
    assert 'id="withdraw-form"' not in client.get(f"/myapplicationmodelview/show/{rejected.id}").get_data(as_text=True)
    response = withdraw(client, rejected)
    assert "不能撤回" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(rejected)
    assert rejected.state == State.DISTRICT_REJECTED.value
    assert db.session.query(Application).count() == 2


def test_withdraw_of_a_page_seen_before_a_change_is_refused(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    application = make_application(clerk, campaign, seed=52)
    client = login_as(clerk)
    token = csrf_token(client, f"/myapplicationmodelview/show/{application.id}")
    review.apply_transition(application, make_user(DISTRICT_ADMIN), "approve_by_district", today=IN_BATCH)
    db.session.commit()
    response = client.post(f"/myapplicationmodelview/action/withdraw/{application.id}",
                           data={"csrf_token": token, "version": "1"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # Told that the page was out of date (or, equally, that it can no longer be withdrawn).
    assert "该申请已被他人处理，请刷新后重试" in page or "不能撤回" in page
    db.session.refresh(application)
    assert application.state == State.DISTRICT_APPROVED.value


def test_foreign_ids_answer_404_on_every_endpoint(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    client = login_as(clerk)
    post_form(client, f"/apply/batch/{campaign.batches[0].id}", valid_values(seed=53), scans())
    application = db.session.scalar(db.select(Application))
    attachment_id = application.attachments[0].id
    same_district = make_user(GRASSROOTS, org=make_org(name="宝山乙厂工会"))
    other_district = make_user(GRASSROOTS, org=make_org(name="虹口丙厂工会", parent=district("虹口区总工会")))
    for user in (same_district, other_district):
        other = login_as(user)
        token = csrf_token(other, "/myapplicationmodelview/list/")
        assert other.get(f"/myapplicationmodelview/show/{application.id}").status_code == 404
        assert other.get(f"/apply/edit/{application.id}").status_code == 404
        assert other.post(f"/apply/edit/{application.id}", data={"csrf_token": token, "version": "1"}).status_code == 404
        assert other.post(f"/myapplicationmodelview/action/withdraw/{application.id}",
                          data={"csrf_token": token, "version": "1"}).status_code == 404
        assert other.post("/myapplicationmodelview/action_post",
                          data={"csrf_token": token, "action": "withdraw", "rowid": [application.id]}).status_code == 404
        assert other.get(f"/application/{application.id}/print").status_code == 404
        assert other.get(f"/application/attachment/{attachment_id}").status_code == 404
    for missing in ("/myapplicationmodelview/show/99999", "/apply/edit/99999", "/application/99999/print"):
        assert client.get(missing).status_code == 404
    db.session.refresh(application)
    assert application.state == State.PENDING.value and application.version == 1


def test_print_view_within_scope_for_clerks_district_admins_and_the_centre(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    general = make_application(clerk, campaign, seed=54, is_migrant=True, hukou_province="43", years_in_city=6)
    industry = make_application(clerk, campaign, seed=55, variant="industry")
    for user in (clerk, make_user(DISTRICT_ADMIN), make_user(SYSTEM_ADMIN)):
        client = login_as(user)
        html = client.get(f"/application/{general.id}/print").get_data(as_text=True)
        assert "上海职工晋升技师、高级技师奖励申请表（通用工种）" in html
        assert general.id_number in html and "湖南省" in html and "☑" in html
        assert "基层工会意见" in html and "区县局（产业）工会意见" in html and "基层单位人力资源部门意见" not in html
        assert "注：" in html and "本市人社主管部门颁发" in html and "2014年1月1日以后" in html
        html = client.get(f"/application/{industry.id}/print").get_data(as_text=True)
        assert "（行业特有工种）" in html and "基层单位人力资源部门意见" in html and "经办人：王人事" in html
        assert "国家相关行业主管部门颁发" in html
    assert login_as(make_user(DISTRICT_ADMIN, org=district("虹口区总工会"))).get(
        f"/application/{general.id}/print").status_code == 404
    assert login_as(make_user(FINANCE)).get(f"/application/{general.id}/print").status_code == 403


def test_intake_pages_show_no_untranslated_text(app, db, login_as, set_today, unit):
    org, clerk, campaign = unit
    client = login_as(clerk)
    form_path = f"/apply/batch/{campaign.batches[0].id}"
    refused = post_form(client, form_path, valid_values(seed=56, mobile="1"), scans())
    post_form(client, form_path, valid_values(seed=57), scans())
    application = db.session.scalar(db.select(Application))
    pages = {
        "apply": client.get("/apply/"), "form": client.get(form_path + "?variant=industry"), "refused": refused,
        "list": client.get("/myapplicationmodelview/list/"),
        "filtered": client.get("/myapplicationmodelview/list/?_flt_0_state=pending"),
        "show": client.get(f"/myapplicationmodelview/show/{application.id}"),
        "edit": client.get(f"/apply/edit/{application.id}"),
        "print": client.get(f"/application/{application.id}/print"),
        NOT_FOUND: client.get("/apply/edit/99999"),
    }
    msgids = fab_msgids()
    uploaded = {"身份证.png", "证书.pdf", "银行卡.jpg"}  # the users' own file names
    problems = {name: sorted(set(untranslated(r.get_data(as_text=True), msgids)) - uploaded)
                for name, r in pages.items()}
    for name, response in pages.items():
        assert_page_exists(name, response)
    assert not any(problems.values()), problems
