"""The system admin's campaign screens: the form and the batch form refuse next to the field and keep what
was typed; every change is in the campaign's audit trail; dates read in Shanghai time."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.campaigns.models import Batch, Campaign, CampaignEvent, CampaignState
from tests.campaigns.conftest import CAMPAIGN_FORM, field_message, flashed, post
from tests.factories import make_application, make_campaign, make_user


def events(db, campaign):
    return db.session.scalars(select(CampaignEvent).where(CampaignEvent.campaign_id == campaign.id)
                              .order_by(CampaignEvent.id)).all()


def test_admin_creates_a_draft_campaign_recorded_in_its_trail(app, db, admin, admin_client, clock):
    clock.set(datetime(2015, 2, 2, 7, 30))  # Shanghai; 2015-02-01 23:30 UTC
    response = post(admin_client, "/campaigns/new", CAMPAIGN_FORM)
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert campaign.state == CampaignState.DRAFT.value and campaign.created_by_id == admin.id
    assert campaign.reward_technician == Decimal("1000.00") and campaign.contacts.startswith("王奇峰")
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="created-at">2015-02-02 07:30<' in page  # never UTC
    assert "报名活动已保存为草稿" in page
    [event] = events(db, campaign)
    assert (event.action, event.username, event.organisation_id) == ("created", "cityadmin", admin.organisation_id)
    assert "起始时间：（空） → 2015-02-02" in event.details
    assert "2015-02-02 07:30" in page.split('id="audit-trail"')[1]


def test_campaign_form_refuses_next_to_each_field_and_keeps_what_was_typed(app, db, admin_client):
    typed = {**CAMPAIGN_FORM, "end_date": "2015-01-31", "reward_technician": "-5",
             "reward_senior_technician": "12.345", "cert_issued_to": "2013-01-01"}
    response = post(admin_client, "/campaigns/new", typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_message(html, "end_date") == "截止时间不能早于起始时间（2015-02-02）"
    assert field_message(html, "reward_technician") == "金额不能为负数"
    assert field_message(html, "reward_senior_technician") == "金额最多保留两位小数"
    assert field_message(html, "cert_issued_to") == "证书发证日期止不能早于证书发证日期起（2014-01-01）"
    assert field_message(html, "name") == ""
    assert "有 4 处需要修改" in html
    for value in ("-5", "12.345", "2015-01-31", CAMPAIGN_FORM["name"]):
        assert f'value="{value}"' in html
    assert "活动说明全文</textarea>" in html
    assert db.session.scalar(select(Campaign)) is None


def test_edit_changes_fields_and_the_trail_says_what_changed(app, db, admin_client):
    campaign = make_campaign(name="旧名称", reward_technician=Decimal("800"), reward_senior_technician=Decimal("1500"))
    form = admin_client.get(f"/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert 'value="旧名称"' in form and 'value="800.00"' in form and 'value="2015-03-01"' in form
    data = {**CAMPAIGN_FORM, "name": "新名称", "start_date": "2015-03-01", "end_date": "2015-04-20",
            "reward_technician": "900", "reward_senior_technician": "1500"}
    response = post(admin_client, f"/campaigns/{campaign.id}/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    assert campaign.name == "新名称" and campaign.reward_technician == Decimal("900.00")
    [event] = events(db, campaign)
    assert event.action == "changed"
    assert "报名名称：旧名称 → 新名称" in event.details and "新晋升技师奖励（元/人）：800.00 → 900.00" in event.details
    assert "高级技师" not in event.details  # unchanged fields are not listed
    # The campaign's dates must keep its batch's opening (2015-03-01) inside.
    response = post(admin_client, f"/campaigns/{campaign.id}/edit", {**data, "start_date": "2015-03-05"})
    assert field_message(response.get_data(as_text=True), "start_date") == "第一批于2015-03-01开始受理，起始时间不能晚于该日"


def test_rewards_are_locked_once_an_application_is_funded(app, db, admin_client):
    campaign = make_campaign(reward_technician=Decimal("1000"), reward_senior_technician=Decimal("2000"))
    clerk = make_user(GRASSROOTS)
    make_application(clerk, campaign, state="final_approved")
    data = {**CAMPAIGN_FORM, "start_date": "2015-03-01", "end_date": "2015-04-20", "reward_technician": "1200",
            "reward_senior_technician": "2000"}
    assert post(admin_client, f"/campaigns/{campaign.id}/edit", data).status_code == 302  # not funded yet
    make_application(clerk, campaign, state="funded")
    response = post(admin_client, f"/campaigns/{campaign.id}/edit", {**data, "reward_technician": "1500"})
    html = response.get_data(as_text=True)
    assert "奖励金额不能再修改" in field_message(html, "reward_technician")
    assert 'value="1500"' in html
    db.session.expire_all()
    assert campaign.reward_technician == Decimal("1200.00")
    # Other fields may still change.
    assert post(admin_client, f"/campaigns/{campaign.id}/edit", {**data, "name": "改名"}).status_code == 302


def test_batches_are_added_and_changed_on_the_campaign_page(app, db, admin_client):
    post(admin_client, "/campaigns/new", CAMPAIGN_FORM)
    campaign = db.session.scalar(select(Campaign))
    page = admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'id="batch-form"' in page and 'value="第一批"' in page
    first = dict(number="1", name="第一批", opens_on="2015-03-01", system_deadline="2015-04-10",
                 paper_deadline="2015-04-20")
    bad = {**first, "opens_on": "2015-04-21"}
    response = post(admin_client, f"/campaigns/{campaign.id}/batches/new", bad)
    html = response.get_data(as_text=True)
    assert field_message(html, "system_deadline") == "系统受理截止不能早于受理开始（2015-04-21）"
    assert 'value="2015-04-21"' in html and "批次未保存" in html
    assert db.session.scalar(select(Batch)) is None

    assert post(admin_client, f"/campaigns/{campaign.id}/batches/new", first).status_code == 302
    second = dict(number="2", name="第二批", opens_on="2015-09-01", system_deadline="2015-09-30",
                  paper_deadline="2015-10-15")
    overlapping = {**second, "opens_on": "2015-04-01"}
    html = post(admin_client, f"/campaigns/{campaign.id}/batches/new", overlapping).get_data(as_text=True)
    assert "与第一批的受理时间（2015-03-01 至 2015-04-10）重叠" in field_message(html, "opens_on")
    html = post(admin_client, f"/campaigns/{campaign.id}/batches/new", {**second, "number": "1"}).get_data(as_text=True)
    assert field_message(html, "number") == "本活动已有序号为 1 的批次"
    outside = {**second, "opens_on": "2015-10-16", "system_deadline": "2015-10-20", "paper_deadline": "2015-10-30"}
    html = post(admin_client, f"/campaigns/{campaign.id}/batches/new", outside).get_data(as_text=True)
    assert "受理开始应在活动的起始时间与截止时间之内" in field_message(html, "opens_on")
    assert post(admin_client, f"/campaigns/{campaign.id}/batches/new", second).status_code == 302

    batch = db.session.scalar(select(Batch).where(Batch.number == 1))
    form = admin_client.get(f"/campaigns/{campaign.id}/batches/{batch.id}/edit").get_data(as_text=True)
    assert "修改批次：第一批" in form and 'value="2015-04-10"' in form
    html = post(admin_client, f"/campaigns/{campaign.id}/batches/{batch.id}/edit",
                {**first, "paper_deadline": "2015-04-09"}).get_data(as_text=True)
    assert field_message(html, "paper_deadline") == "书面材料截止不能早于系统受理截止（2015-04-10）"
    assert post(admin_client, f"/campaigns/{campaign.id}/batches/{batch.id}/edit",
                {**first, "system_deadline": "2015-04-12"}).status_code == 302
    db.session.expire_all()
    assert batch.system_deadline == date(2015, 4, 12)
    actions = [(e.action, e.details) for e in events(db, campaign)]
    assert [a for a, _d in actions] == ["created", "batch_added", "batch_added", "batch_changed"]
    assert actions[-1][1] == "第一批：系统受理截止：2015-04-10 → 2015-04-12"
    page = admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "添加批次" in page and "2015-04-12" in page


def test_the_list_is_the_manuals_with_state_filter_and_name_search(app, db, admin_client, login_as):
    make_campaign(name="2015年职工晋升技师、高级技师奖励申请")
    make_campaign(name="上海市职工创新资助项目申报")
    draft = make_campaign(name="技协草稿")
    draft.state = CampaignState.DRAFT.value
    db.session.commit()
    html = admin_client.get("/campaigns/").get_data(as_text=True)
    for header in ("报名名称", "创建人", "起始时间", "截止时间", "类别", "状态", "报名数"):
        assert f">{header}<" in html
    assert "技协草稿" in html and "新建报名活动" in html
    html = admin_client.get("/campaigns/?state=draft").get_data(as_text=True)
    assert "技协草稿" in html and "创新资助" not in html
    html = admin_client.get("/campaigns/?q=创新").get_data(as_text=True)
    assert "创新资助" in html and "技师奖励申请" not in html and "技协草稿" not in html
    assert admin_client.get("/campaigns/?state=bogus").status_code == 400
    assert admin_client.get("/campaigns/?page=x").status_code == 400
    # Others read the same list without drafts and without the admin's buttons.
    district = login_as(make_user(DISTRICT_ADMIN))
    html = district.get("/campaigns/").get_data(as_text=True)
    assert "技师奖励申请" in html and "技协草稿" not in html and "新建报名活动" not in html
    assert district.get(f"/campaigns/{draft.id}").status_code == 404


def test_dates_on_the_page_are_iso_and_batches_say_whether_they_are_open(app, db, admin_client, clock):
    campaign = make_campaign()
    clock.set(date(2015, 3, 15))
    page = admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "2015-03-01" in page and "2015-04-10" in page and "正在受理" in page
    clock.set(date(2015, 4, 11))
    assert "已截止" in admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert flashed(page) == ""
