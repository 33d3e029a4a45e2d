"""申请单 screens: scope (foreign ids answer 404), roles, refusals next to their fields with nothing typed lost,
提交 and 退回 over HTTP, the city's list and its Excel, the print view's words, the home page and 报名管理 links."""
import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from app.campaigns import requests as svc
from app.campaigns.models import Batch, Campaign, CampaignState, DistrictRequest
from app.exports.models import ExportRecord
from app.review.states import State
from tests.campaigns.test_requests_world import populate, rw, valid_form  # noqa: F401  (the fixture)
from tests.conftest import csrf_token


def own_url(rw, org=None, batch=None, suffix=""):
    return f"/district-request/{(batch or rw.batch).id}/{(org or rw.baoshan).id}/{suffix}"


def admin_url(rw, org=None, batch=None, suffix=""):
    return f"/district-requests/{(batch or rw.batch).id}/{(org or rw.baoshan).id}/{suffix}"


def post_form(client, url, verb, **overrides):
    token = csrf_token(client, "/district-request/list/")
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    data = {**valid_form(**overrides), "do": verb, "csrf_token": token,
            "version": version.group(1) if version else "0"}
    return client.post(url, data=data)


def text(response):
    return response.get_data(as_text=True)


def field_error(html, field):
    match = re.search(rf'id="error-{field}">([^<]*)<', html)
    return match.group(1) if match else None


# -- scope and roles ---------------------------------------------------------------------------------------

def test_a_district_meets_404_on_every_foreign_organisation(db, rw, login_as):
    populate(rw)
    svc.submit_request(rw.hongkou_admin, rw.hongkou, rw.batch, valid_form())
    db.session.commit()
    client = login_as(rw.baoshan_admin)
    token = csrf_token(client, "/district-request/list/")
    for org_id in (rw.hongkou.id, rw.industry.id, rw.baoshan_unit.id, rw.city_admin.organisation_id, 999999):
        url = f"/district-request/{rw.batch.id}/{org_id}/"
        assert client.get(url).status_code == 404
        assert client.post(url, data={**valid_form(), "do": "save", "csrf_token": token, "version": "1"}).status_code == 404
        assert client.post(url, data={**valid_form(), "do": "submit", "csrf_token": token,
                                      "version": "1"}).status_code == 404
        assert client.get(url + "print").status_code == 404
    assert client.get(f"/district-request/999999/{rw.baoshan.id}/").status_code == 404
    db.session.expire_all()
    hongkou = svc.find_request(rw.hongkou.id, rw.batch.id)
    assert hongkou.matching_technician == 800 and len(hongkou.events) == 2
    assert svc.find_request(rw.baoshan.id, rw.batch.id) is None
    assert client.get(own_url(rw)).status_code == 200


def test_a_draft_campaigns_batch_has_no_request(db, rw, login_as):
    draft = Campaign(name="草稿活动", category="技师奖励", start_date=rw.batch.opens_on, end_date=rw.batch.paper_deadline,
                     state=CampaignState.DRAFT.value)
    batch = Batch(campaign=draft, number=1, name="第一批", opens_on=rw.batch.opens_on,
                  system_deadline=rw.batch.system_deadline, paper_deadline=rw.batch.paper_deadline)
    db.session.add_all([draft, batch])
    db.session.commit()
    assert login_as(rw.baoshan_admin).get(own_url(rw, batch=batch)).status_code == 404
    assert login_as(rw.city_admin).get(admin_url(rw, batch=batch)).status_code == 404


@pytest.mark.parametrize("who, path, allowed", [
    ("baoshan_clerk", "/district-request/list/", False),
    ("baoshan_clerk", "/district-requests/list/", False),
    ("finance", "/district-request/list/", False),
    ("finance", "/district-requests/list/", False),
    ("baoshan_admin", "/district-request/list/", True),
    ("baoshan_admin", "/district-requests/list/", False),
    ("city_admin", "/district-request/list/", False),
    ("city_admin", "/district-requests/list/", True),
])
def test_each_screen_belongs_to_its_role(db, rw, login_as, who, path, allowed):
    response = login_as(getattr(rw, who)).get(path)
    assert (response.status_code == 200) == allowed, response.status_code


def test_a_clerk_and_a_district_reach_no_city_endpoint(db, rw, login_as):
    populate(rw)
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    for user in (rw.baoshan_clerk, rw.baoshan_admin):
        client = login_as(user)
        token = csrf_token(client, "/account/password") if user is rw.baoshan_clerk else \
            csrf_token(client, "/district-request/list/")
        assert client.get(admin_url(rw)).status_code == 403
        assert client.get(admin_url(rw, suffix="print")).status_code == 403
        assert client.get(f"/district-requests/{rw.batch.id}/excel").status_code == 403
        assert client.post(admin_url(rw, suffix="return"), data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert login_as(rw.baoshan_clerk).get(own_url(rw)).status_code == 403
    db.session.expire_all()
    assert svc.find_request(rw.baoshan.id, rw.batch.id).is_submitted


# -- the district's page -------------------------------------------------------------------------------------

def test_the_page_shows_the_counts_and_the_form_of_附件3(db, rw, login_as):
    populate(rw)
    client = login_as(rw.baoshan_admin)
    listing = text(client.get("/district-request/list/"))
    assert "测试活动" in listing and "第一批" in listing and "第二批" in listing and "未填写" in listing
    page = text(client.get(own_url(rw)))
    assert "上海职工晋升技师、高级技师奖励申请单（区县）" in page
    assert "区县总工会（盖章）" in page and "本地区本批申请职工" in page
    counts = re.search(r'id="counts-live">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", counts) == ["10", "5", "5", "6", "4"]
    assert 'name="matching_technician"' in page and 'name="hr_opinion"' not in page
    industry = text(login_as(rw.industry_admin).get(own_url(rw, org=rw.industry)))
    assert "上海职工晋升技师、高级技师奖励申请单（产业局）" in industry and "本系统、单位本批申请职工" in industry
    assert 'name="hr_opinion"' in industry and "局（产业）工会分管领导签字" in industry


def test_refusals_stand_next_to_their_fields_and_keep_what_was_typed(db, rw, login_as):
    populate(rw)
    client = login_as(rw.baoshan_admin)
    response = post_form(client, own_url(rw), "submit", matching_technician="-800", matching_senior_technician="12.345",
                         leader_name="王", handler_name="李晓梅")
    html = text(response)
    assert response.status_code == 200
    assert "最多两位小数的金额" in field_error(html, "matching_technician")
    assert "最多两位小数的金额" in field_error(html, "matching_senior_technician")
    assert field_error(html, "leader_name") == "分管领导姓名应为2至30个字"
    assert field_error(html, "handler_name") is None
    for typed in ('value="-800"', 'value="12.345"', 'value="王"', 'value="李晓梅"'):
        assert typed in html
    assert db.session.query(DistrictRequest).count() == 0
    industry = login_as(rw.industry_admin)
    html = text(post_form(industry, own_url(rw, org=rw.industry), "save", hr_opinion=""))
    assert field_error(html, "hr_opinion") == "请填写本局、产业（集团）人力资源部门对行业特有工种类申请职工的审核意见"


def test_save_submit_then_locked_over_http(db, rw, login_as):
    populate(rw)
    client = login_as(rw.baoshan_admin)
    response = post_form(client, own_url(rw), "save", matching_technician="600")
    assert response.status_code == 302
    page = text(client.get(own_url(rw)))
    assert "申请单已保存" in page and 'value="600.00"' in page and "已填写" in page
    response = post_form(client, own_url(rw), "submit")
    assert response.status_code == 302
    page = text(client.get(own_url(rw)))
    assert "申请单已提交" in page and 'id="request-form"' not in page and 'id="request-status">已提交' in page
    assert 'id="counts-submitted"' in page
    trail = re.search(r'id="request-trail"[^>]*>(.*?)</table>', page, re.S).group(1)
    assert trail.count("<tr>") == 4 and "提交" in trail and "已填写 → 已提交" in trail
    token = csrf_token(client, "/district-request/list/")
    response = client.post(own_url(rw), data={**valid_form(matching_technician="1"), "do": "save",
                                              "csrf_token": token, "version": "3"})
    assert "申请单已提交，不能再修改" in text(response)
    assert client.post(own_url(rw), data={"do": "delete", "csrf_token": token}).status_code == 400
    db.session.expire_all()
    assert svc.submitted_request(rw.baoshan.id, rw.batch.id).matching_technician == 800


def test_after_the_paper_deadline_the_page_says_so_and_refuses(db, rw, login_as, clock):
    populate(rw)
    client = login_as(rw.baoshan_admin)
    clock.set(rw.batch.paper_deadline + timedelta(days=1))
    page = text(client.get(own_url(rw)))
    assert 'id="deadline-notice"' in page and 'id="request-form"' not in page and "逾期未交" in page
    token = csrf_token(client, "/district-request/list/")
    response = client.post(own_url(rw), data={**valid_form(), "do": "submit", "csrf_token": token, "version": "0"})
    assert "截止报送，不能再提交" in text(response)
    assert db.session.query(DistrictRequest).count() == 0


# -- the city ------------------------------------------------------------------------------------------------

def test_the_city_lists_every_union_downloads_excel_and_returns_one(db, rw, login_as):
    populate(rw)
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    svc.save_request(rw.industry_admin, rw.industry, rw.batch, valid_form(matching_technician="300"))
    db.session.commit()
    client = login_as(rw.city_admin)
    page = text(client.get(f"/district-requests/list/?batch={rw.batch.id}"))
    row = re.search(rf'data-org="{rw.baoshan.id}"(.*?)</tr>', page, re.S).group(1)
    assert "已提交" in row and "800.00 / 1200.50" in row
    assert "未填写" in re.search(rf'data-org="{rw.hongkou.id}"(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'id="tally-submitted">(\d+)<', page).group(1) == "1"
    assert client.get("/district-requests/list/?batch=999999").status_code == 404

    response = client.get(f"/district-requests/{rw.batch.id}/excel")
    assert response.status_code == 200
    assert quote(f"申请单汇总_{rw.campaign.name}_第一批_") in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data))["申请单汇总"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["宝山区总工会"]["状态"] == "已提交" and rows["宝山区总工会"]["申请职工（名）"] == 10
    assert float(rows["宝山区总工会"]["高级技师配套奖励（元/人）"]) == 1200.5
    assert rows["宝山区总工会"]["分管领导"] == "王建国" and rows["宝山区总工会"]["提交时间"] is not None
    assert rows["上海市建设交通工会"]["状态"] == "已填写" and rows["上海市建设交通工会"]["类型"] == "产业局"
    assert rows["虹口区总工会"]["状态"] == "未填写" and rows["虹口区总工会"]["申请职工（名）"] == 4
    assert len(rows) == len(svc.batch_rows(rw.city_admin, rw.batch))
    assert db.session.query(ExportRecord).filter_by(kind="district_requests_xlsx").count() == 1

    show = text(client.get(admin_url(rw)))
    assert 'id="return-form"' in show and 'id="request-form"' not in show
    token = csrf_token(client, admin_url(rw))
    version = re.search(r'name="version" value="(\d+)"', show).group(1)
    refused = client.post(admin_url(rw, suffix="return"), data={"csrf_token": token, "reason": "", "version": version})
    assert field_error(text(refused), "reason") == "请填写退回原因"
    assert client.post(admin_url(rw, org=rw.hongkou, suffix="return"),
                       data={"csrf_token": token, "reason": "x"}).status_code == 302  # not submitted: told, nothing done
    assert svc.find_request(rw.hongkou.id, rw.batch.id) is None
    response = client.post(admin_url(rw, suffix="return"),
                           data={"csrf_token": token, "reason": "技师人数与汇总表不符", "version": version})
    assert response.status_code == 302
    assert "已退回宝山区总工会的申请单" in text(client.get(admin_url(rw)))
    district_page = text(login_as(rw.baoshan_admin).get(own_url(rw)))
    assert 'id="return-notice"' in district_page and "技师人数与汇总表不符" in district_page
    assert 'id="request-form"' in district_page


def test_a_difference_after_submission_is_flagged_for_both(db, rw, login_as):
    populate(rw)
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    db.session.commit()
    rw.app(State.DISTRICT_APPROVED)
    for client, url in ((login_as(rw.baoshan_admin), own_url(rw)), (login_as(rw.city_admin), admin_url(rw))):
        page = text(client.get(url))
        assert 'id="count-differences"' in page and "申请职工 提交时 10，现为 11" in page
    listing = text(login_as(rw.city_admin).get(f"/district-requests/list/?batch={rw.batch.id}"))
    assert "（现 11）" in listing


# -- print ---------------------------------------------------------------------------------------------------

def test_the_print_views_follow_附件3_and_附件4(db, rw, login_as):
    populate(rw)
    svc.submit_request(rw.baoshan_admin, rw.baoshan, rw.batch, valid_form())
    svc.save_request(rw.industry_admin, rw.industry, rw.batch, valid_form())
    db.session.commit()
    district = text(login_as(rw.baoshan_admin).get(own_url(rw, suffix="print")))
    for words in ("上海职工晋升技师、高级技师奖励申请单（区县）", "区县总工会（盖章）", "本地区本批申请职工",
                  "附件：1. 上海职工晋升技师、高级技师奖励申请汇总表（电子版）",
                  "2. 经基层单位人力资源部门审核敲章的《申请表》（行业特有工种）复印件",
                  "区县总工会分管领导签字", "经办人签字", "（王建国）", "800.00", "1200.50"):
        assert words in district, words
    assert 'id="draft-mark"' not in district
    industry = text(login_as(rw.industry_admin).get(own_url(rw, org=rw.industry, suffix="print")))
    for words in ("上海职工晋升技师、高级技师奖励申请单（产业局）", "局（产业）工会（盖章）", "本系统、单位本批申请职工",
                  "本局、产业（集团）人力资源部门对行业特有工种类申请职工的审核意见（盖章）",
                  "附件：上海职工晋升技师、高级技师奖励申请汇总表（电子版）", "局（产业）工会分管领导签字",
                  "同意申报"):
        assert words in industry, words
    assert 'id="draft-mark"' in industry and "敲章" not in industry
    assert login_as(rw.city_admin).get(admin_url(rw, org=rw.industry, suffix="print")).status_code == 200


# -- where the district finds it -------------------------------------------------------------------------

def test_home_page_and_报名管理_lead_to_the_request_until_the_paper_deadline(db, rw, login_as, clock):
    populate(rw)
    client = login_as(rw.baoshan_admin)
    home = text(client.get("/"))
    assert 'id="home-requests"' in home and f'href="{own_url(rw)}"' in home and "填写申请单" in home
    review = text(client.get("/review/district/list/"))
    assert 'id="request-button"' in review and 'href="/district-request/list/"' in review
    for user in (rw.baoshan_clerk, rw.city_admin, rw.finance):
        assert 'id="home-requests"' not in text(login_as(user).get("/"))
    assert 'id="request-button"' not in text(login_as(rw.city_admin).get("/review/final/list/"))
    clock.set(rw.batch.paper_deadline + timedelta(days=1))
    assert 'id="home-requests"' not in text(client.get("/"))
