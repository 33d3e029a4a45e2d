"""Pages before signing in: the front page at "/", each campaign's 活动主页, the blank forms 附件1–4, and
the login page the two entries lead to."""
from datetime import date
from decimal import Decimal

import pytest

from app.accounts.roles import GRASSROOTS
from app.campaigns.models import Batch
from tests.factories import make_campaign, make_user

NOTICE = "根据《关于印发〈2015年上海工会服务职工实事项目实施方案〉的通知》精神，现就有关申报事项通知如下"
CONTACTS = "联系人：王奇峰（受理审核事宜）电话：55885591\n联系地址：曹杨路147号 邮编：200063"


@pytest.fixture
def campaign(app, db):
    campaign = make_campaign(name="2015年度上海职工晋升技师、高级技师奖励申请", description=NOTICE,
                             contacts=CONTACTS, reward_technician=Decimal("1000"),
                             reward_senior_technician=Decimal("2000"))
    db.session.add(Batch(campaign=campaign, number=2, name="第二批", opens_on=date(2015, 9, 1),
                         system_deadline=date(2015, 9, 30), paper_deadline=date(2015, 10, 15)))
    campaign.end_date = date(2015, 10, 15)
    db.session.commit()
    return campaign


def test_front_page_lists_published_campaigns_only(app, db, client, campaign, clock):
    draft = make_campaign(name="尚未发布的草稿")
    draft.state = "draft"
    ended = make_campaign(name="已经结束的活动")
    ended.state = "ended"
    db.session.commit()
    clock.set(date(2015, 3, 20))
    for path in ("/", "/public/"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert campaign.name in html and "尚未发布的草稿" not in html and "已经结束的活动" not in html
        assert f"/public/campaign/{campaign.id}" in html
        assert 'id="entry-admin"' in html and 'id="entry-apply"' in html and 'id="entry-progress"' in html
        assert "正在受理" in html


def test_campaign_home_page_shows_description_batches_forms_contacts_and_entries(app, db, client, campaign, clock):
    clock.set(date(2015, 9, 10))
    response = client.get(f"/public/campaign/{campaign.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert NOTICE in html and "曹杨路147号" in html
    first, second = campaign.batches
    assert f'data-batch="{first.id}" data-state="closed"' in html
    assert f'data-batch="{second.id}" data-state="open"' in html
    for day in ("2015-04-10", "2015-04-20", "2015-09-30", "2015-10-15"):
        assert day in html
    for number in (1, 2, 3, 4):
        assert f"/public/campaign/{campaign.id}/form/{number}" in html
    assert "上海职工晋升技师、高级技师奖励申请单（产业局）" in html
    assert "/login/?entry=admin" in html and "/login/?entry=apply" in html
    # No personal data, no reward amounts of the back office, no audit trail.
    assert "audit-trail" not in html


def test_drafts_and_missing_campaigns_have_no_public_page(app, db, client, campaign):
    draft = make_campaign()
    draft.state = "draft"
    db.session.commit()
    for path in (f"/public/campaign/{draft.id}", "/public/campaign/999999", f"/public/campaign/{draft.id}/form/1",
                 f"/public/campaign/{campaign.id}/form/5", f"/public/campaign/{campaign.id}/form/0"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("number, words", [
    (1, ["上海职工晋升技师、高级技师奖励申请表（通用工种）", "所属区县局（产业）工会", "工会会员服务卡卡号",
         "基层工会意见", "区县局（产业）工会意见", "新获技能等级证书须为本市人社主管部门颁发，且发证日期为2014年1月1日以后"]),
    (2, ["（行业特有工种）", "基层单位人力资源部门意见", "国家相关行业主管部门颁发"]),
    (3, ["上海职工晋升技师、高级技师奖励申请单（区县）", "区县总工会（盖章）", "本地区本批申请职工",
         "区县总工会分管领导签字", "经办人签字", "经基层单位人力资源部门审核敲章的《申请表》（行业特有工种）复印件"]),
    (4, ["上海职工晋升技师、高级技师奖励申请单（产业局）", "局（产业）工会（盖章）", "本系统、单位本批申请职工",
         "本局、产业（集团）人力资源部门对行业特有工种类申请职工的审核意见（盖章）", "局（产业）工会分管领导签字"]),
])
def test_blank_forms_are_printable_pages_laid_out_like_the_notice(app, db, client, campaign, number, words):
    response = client.get(f"/public/campaign/{campaign.id}/form/{number}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"附件{number}" in html and 'id="print-button"' in html
    assert "/static/css/paper.css" in html and "/static/js/print.js" in html and "<style" not in html
    assert "@page { size: A4 portrait" in client.get("/static/css/paper.css").get_data(as_text=True)
    for word in words:
        assert word in html, word


def test_the_login_page_says_which_entry_is_which(app, db, client):
    html = client.get("/login/?entry=admin").get_data(as_text=True)
    assert 'id="login-entries"' in html
    assert "管理员登录：系统管理员、市总工会财务部、区县局（产业）工会管理员" in html
    assert "我要报名：基层工会用户" in html


def test_signed_in_users_still_land_on_their_home_page(app, db, login_as, campaign):
    client = login_as(make_user(GRASSROOTS))
    html = client.get("/").get_data(as_text=True)
    assert "欢迎您" in html and 'id="entry-admin"' not in html
    public = client.get(f"/public/campaign/{campaign.id}").get_data(as_text=True)
    assert 'id="entry-home"' in public


def test_clerks_read_the_description_on_apply(app, db, login_as, campaign, clock):
    clock.set(date(2015, 3, 20))
    client = login_as(make_user(GRASSROOTS))
    html = client.get("/apply/").get_data(as_text=True)
    assert NOTICE in html and html.count('class="panel panel-info campaign-description"') == 1
