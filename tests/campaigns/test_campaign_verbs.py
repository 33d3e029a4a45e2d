"""发布, 结束, 撤销发布 per state; deleting campaigns and batches with applications is refused (also a forged
POST) with a clear message; other roles and foreign or missing ids are refused."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS
from app.campaigns.models import Batch, Campaign, CampaignEvent, CampaignState
from tests.campaigns.conftest import flashed, post
from tests.factories import make_application, make_campaign, make_user

DRAFT, PUBLISHED, ENDED = (s.value for s in CampaignState)


def campaign_in(state, rewards=True, batches=True):
    campaign = make_campaign(reward_technician=Decimal("1000") if rewards else None,
                             reward_senior_technician=Decimal("2000") if rewards else None)
    from app.extensions import db

    if not batches:
        for batch in list(campaign.batches):
            db.session.delete(batch)
    campaign.state = state
    db.session.commit()
    return campaign


def do(client, campaign, verb):
    response = post(client, f"/campaigns/{campaign.id}/{verb}", {}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("state, verb, after, message", [
    (DRAFT, "publish", PUBLISHED, "现为已发布"),
    (DRAFT, "end", DRAFT, "只有已发布的活动可以结束（当前：草稿）"),
    (DRAFT, "unpublish", DRAFT, "只有已发布的活动可以撤销发布（当前：草稿）"),
    (PUBLISHED, "publish", PUBLISHED, "只有草稿状态的活动可以发布（当前：已发布）"),
    (PUBLISHED, "end", ENDED, "现为已结束"),
    (PUBLISHED, "unpublish", DRAFT, "现为草稿"),
    (ENDED, "publish", ENDED, "只有草稿状态的活动可以发布"),
    (ENDED, "end", ENDED, "只有已发布的活动可以结束（当前：已结束）"),
    (ENDED, "unpublish", ENDED, "只有已发布的活动可以撤销发布"),
])
def test_verbs_per_state(app, db, admin_client, state, verb, after, message):
    campaign = campaign_in(state)
    html = do(admin_client, campaign, verb)
    assert message in flashed(html)
    db.session.expire_all()
    assert campaign.state == after
    trail = db.session.scalars(select(CampaignEvent.action).where(CampaignEvent.campaign_id == campaign.id)).all()
    assert trail == ([{"publish": "published", "end": "ended", "unpublish": "unpublished"}[verb]]
                     if after != state else [])


def test_publishing_needs_a_batch_and_both_rewards(app, db, admin_client):
    campaign = campaign_in(DRAFT, rewards=False, batches=False)
    html = do(admin_client, campaign, "publish")
    assert "不能发布：至少需要一个批次；请先填写新晋升技师奖励（元/人）；请先填写新晋升高级技师奖励（元/人）" in flashed(html)
    db.session.expire_all()
    assert campaign.state == DRAFT


def test_unpublishing_is_refused_once_there_is_an_application(app, db, admin_client):
    campaign = campaign_in(PUBLISHED)
    make_application(make_user(GRASSROOTS), campaign, state="withdrawn")
    page = admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'id="verb-end"' in page and 'id="verb-unpublish"' not in page
    html = do(admin_client, campaign, "unpublish")
    assert "本活动已有报名，不能撤销发布" in flashed(html)
    db.session.expire_all()
    assert campaign.state == PUBLISHED


def test_an_unknown_verb_answers_404(app, db, admin_client):
    campaign = campaign_in(DRAFT)
    assert post(admin_client, f"/campaigns/{campaign.id}/approve", {}).status_code == 404


def test_a_campaign_with_applications_has_no_delete_button_and_a_forged_delete_is_refused(app, db, admin_client):
    campaign = campaign_in(PUBLISHED)
    make_application(make_user(GRASSROOTS), campaign)
    page = admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'id="delete-campaign"' not in page
    assert f"/campaigns/{campaign.id}/batches/{campaign.batches[0].id}/delete" not in page
    response = post(admin_client, f"/campaigns/{campaign.id}/delete", {})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"报名活动“{campaign.name}”已有报名，不能删除" in flashed(html)
    response = post(admin_client, f"/campaigns/{campaign.id}/batches/{campaign.batches[0].id}/delete", {},
                    follow_redirects=True)
    assert response.status_code == 200 and "第一批已有报名，不能删除" in flashed(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id) is not None and db.session.scalar(select(Batch)) is not None


def test_an_unused_campaign_is_deleted_with_its_batches_and_its_trail_is_kept(app, db, admin_client):
    campaign = campaign_in(DRAFT)
    extra = Batch(campaign=campaign, number=2, name="第二批", opens_on=date(2015, 4, 11),
                  system_deadline=date(2015, 4, 15), paper_deadline=date(2015, 4, 20))
    db.session.add(extra)
    db.session.commit()
    page = admin_client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'id="delete-campaign"' in page
    html = post(admin_client, f"/campaigns/{campaign.id}/batches/{extra.id}/delete", {},
                follow_redirects=True).get_data(as_text=True)
    assert "已删除第二批" in flashed(html)
    name = campaign.name
    response = post(admin_client, f"/campaigns/{campaign.id}/delete", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/campaigns/")
    db.session.expire_all()
    assert db.session.scalar(select(Campaign)) is None and db.session.scalar(select(Batch)) is None
    trail = db.session.scalars(select(CampaignEvent).order_by(CampaignEvent.id)).all()
    assert [(e.action, e.campaign_id, e.campaign_name) for e in trail] == [
        ("batch_deleted", None, name), ("deleted", None, name)]


@pytest.mark.parametrize("role", [GRASSROOTS, DISTRICT_ADMIN, FINANCE])
def test_other_roles_read_but_cannot_change(app, db, login_as, role):
    campaign = campaign_in(PUBLISHED)
    client = login_as(make_user(role))
    page = client.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="edit-campaign"' not in html and 'id="batch-form"' not in html and 'id="audit-trail"' not in html
    batch = campaign.batches[0]
    for path in (f"/campaigns/{campaign.id}/end", f"/campaigns/{campaign.id}/delete",
                 f"/campaigns/{campaign.id}/edit", f"/campaigns/{campaign.id}/batches/new",
                 f"/campaigns/{campaign.id}/batches/{batch.id}/edit",
                 f"/campaigns/{campaign.id}/batches/{batch.id}/delete"):
        assert post(client, path, {"name": "x"}).status_code == 403, path
    assert client.get("/campaigns/new").status_code == 403
    db.session.expire_all()
    assert campaign.state == PUBLISHED and db.session.get(Batch, batch.id) is not None


def test_missing_and_foreign_ids_answer_404(app, db, admin_client):
    campaign = campaign_in(PUBLISHED)
    other = campaign_in(PUBLISHED)
    foreign_batch = other.batches[0]
    for path in ("/campaigns/999999", "/campaigns/999999/edit",
                 f"/campaigns/{campaign.id}/batches/{foreign_batch.id}/edit",
                 f"/campaigns/{campaign.id}/batches/999999/edit"):
        assert admin_client.get(path).status_code == 404, path
    for path in ("/campaigns/999999/publish", "/campaigns/999999/delete",
                 f"/campaigns/{campaign.id}/batches/{foreign_batch.id}/delete",
                 f"/campaigns/{campaign.id}/batches/{foreign_batch.id}/edit",
                 "/campaigns/999999/batches/new"):
        assert post(admin_client, path, {}).status_code == 404, path
    assert db.session.get(Batch, foreign_batch.id) is not None


def test_a_draft_is_404_for_everyone_but_the_admin(app, db, login_as):
    draft = campaign_in(DRAFT)
    client = login_as(make_user(GRASSROOTS))
    assert client.get(f"/campaigns/{draft.id}").status_code == 404
    assert draft.name not in client.get("/campaigns/").get_data(as_text=True)
