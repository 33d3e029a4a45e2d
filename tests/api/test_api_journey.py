"""A district's script lists its 未审核 applications with a token and approves one via the API; the audit
trail says it was done through the API, and the clerk's bell has the message."""
from app.applications.models import Application
from app.review.models import ReviewRecord
from app.review.states import State
from tests.api.conftest import make_token


def test_district_script_lists_pending_and_approves_one_via_the_api(app, db, world, api, login_as):
    mine = world.app(name="张三")
    other_state = world.app(state=State.DISTRICT_APPROVED)
    foreign = world.app(foreign=True)
    script = api(make_token(world.baoshan_admin, "区县台账同步"))

    listing = script.get("/api/v1/applications/?state=pending")
    assert listing.status_code == 200, listing.get_data(as_text=True)
    body = listing.get_json()
    assert [row["id"] for row in body["result"]] == [mine.id]
    assert body["count"] == 1 and body["next_after"] is None
    row = body["result"][0]
    assert row["state_title"] == "未审核" and "*" in row["id_number"]
    assert not {other_state.id, foreign.id} & {r["id"] for r in body["result"]}

    approved = script.post(f"/api/v1/applications/{mine.id}/transitions/approve_by_district",
                           json={"version": row["version"], "comment": "材料齐全"})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()["result"]["state"] == State.DISTRICT_APPROVED.value

    db.session.expire_all()
    assert db.session.get(Application, mine.id).state == State.DISTRICT_APPROVED.value
    record = db.session.scalars(db.select(ReviewRecord).where(ReviewRecord.application_id == mine.id)
                                .order_by(ReviewRecord.id.desc())).first()
    assert (record.action, record.via, record.user_id, record.comment) == (
        "approve_by_district", "api", world.baoshan_admin.id, "材料齐全")

    # The page's audit trail says so.
    page = login_as(world.baoshan_admin).get(f"/review/district/show/{mine.id}").get_data(as_text=True)
    assert "（通过API）" in page

    # The clerk sees the message in its bell and in 消息中心.
    clerk = login_as(world.baoshan_clerk)
    assert clerk.get("/notifications/count").get_json() == {"unread": 1}
    home = clerk.get("/").get_data(as_text=True)
    assert 'id="notification-count"' in home
    messages = clerk.get("/notifications/").get_data(as_text=True)
    assert "您提交的张三的申请已被区县局初审通过" in messages
