"""消息中心: who is told what, written with the change (or not at all), the bell, reading, links in scope."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.campaigns import requests as district_requests
from app.clock import today
from app.notifications.models import Notification
from app.review import bulk, services
from app.review.services import apply_transition
from app.review.states import State
from tests.conftest import csrf_token
from tests.factories import fund_by_transfer, make_user


def texts(db, user):
    return [n.text for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)
                                               .order_by(Notification.id))]


CLERK_MESSAGES = [
    ("approve_by_district", State.PENDING, None, "您提交的张三的申请已被区县局初审通过"),
    ("reject_by_district", State.PENDING, "照片不清", "您提交的张三的申请区县局初审未通过，已退回修改。原因：照片不清"),
    ("approve_final", State.DISTRICT_APPROVED, None, "您提交的张三的申请已通过市技协服务中心终审"),
    ("reject_final", State.DISTRICT_APPROVED, "证书不符", "您提交的张三的申请市技协服务中心终审未通过。原因：证书不符"),
    ("fund", State.FINAL_APPROVED, None, "您提交的张三的申请已由市总财务部配套发放奖励"),
    ("void", State.PENDING, "重复申报", "您提交的张三的申请已被作废。原因：重复申报"),
]


@pytest.mark.parametrize(("action", "source", "comment", "text"), CLERK_MESSAGES, ids=[m[0] for m in CLERK_MESSAGES])
def test_the_clerk_hears_of_decisions_returns_and_payments(db, world, action, source, comment, text):
    application = world.app(source, name="张三")
    actor = {"approve_final": world.city_admin, "reject_final": world.city_admin, "fund": world.finance}.get(
        action, world.baoshan_admin)
    if action == "fund":
        fund_by_transfer(application, actor)  # the one way to fund: a 划拨 under a voucher
    else:
        apply_transition(application, actor, action, comment=comment)
        db.session.commit()
    assert texts(db, world.baoshan_clerk) == [text]
    message = db.session.scalar(db.select(Notification))
    assert (message.kind, message.target, message.read_at) == (action, f"application:{application.id}", None)
    assert texts(db, world.baoshan_admin) == [] and texts(db, world.hongkou_clerk) == []


def test_the_clerk_hears_when_its_worker_is_paid(db, world):
    world.submitted_request(technician="800")
    application = world.app(State.FUNDED, name="张三")
    apply_transition(application, world.baoshan_admin, "record_payment",
                     params={"paid_on": today(), "card_no": application.bank_card_no or application.union_card_no})
    db.session.commit()
    assert texts(db, world.baoshan_clerk) == ["您提交的张三的奖励已发放至职工"]


def test_the_district_admins_hear_what_their_units_submit_correct_and_withdraw(db, world):
    second_admin = make_user("区县局管理员", org=world.baoshan_admin.organisation, real_name="宝山二")
    application = world.app(name="张三")
    services.record_creation(application, world.baoshan_clerk)
    apply_transition(application, world.baoshan_clerk, "withdraw")
    db.session.commit()
    expected = ["上海江杨机械有限公司提交了张三的申请，待初审", "上海江杨机械有限公司撤回了张三的申请"]
    assert texts(db, world.baoshan_admin) == expected and texts(db, second_admin) == expected
    assert texts(db, world.hongkou_admin) == [] and texts(db, world.baoshan_clerk) == []
    rejected = world.app(State.DISTRICT_REJECTED, name="李四")
    apply_transition(rejected, world.baoshan_clerk, "correct")
    db.session.commit()
    assert texts(db, world.baoshan_admin)[-1] == "上海江杨机械有限公司修改了李四的报名表，待初审"


def test_city_hears_of_a_submitted_request_and_the_district_of_its_return(db, world):
    batch = world.campaign.batches[0]
    world.app(State.DISTRICT_APPROVED)
    form = {"matching_technician": "800", "matching_senior_technician": "1200", "leader_name": "张建华",
            "handler_name": "王经办"}
    request = district_requests.submit_request(world.baoshan_admin, world.baoshan_admin.organisation, batch, form)
    db.session.commit()
    assert texts(db, world.city_admin) == [f"宝山区总工会提交了{world.campaign.name} 第一批的申请单"]
    assert texts(db, world.finance) == []
    district_requests.return_request(world.city_admin, request, "配套金额有误")
    db.session.commit()
    assert texts(db, world.baoshan_admin) == [
        f"市职工技协服务中心退回了本单位{world.campaign.name} 第一批的申请单，请修改后重新提交。原因：配套金额有误"]
    message = db.session.scalar(db.select(Notification).where(Notification.user_id == world.baoshan_admin.id))
    assert message.target == f"request:{batch.id}:{world.baoshan_admin.organisation_id}"


def test_a_rolled_back_change_leaves_no_message(db, world):
    application = world.app()
    apply_transition(application, world.baoshan_admin, "approve_by_district")
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_a_bulk_decision_writes_its_messages_in_a_few_statements(db, world):
    targets = [(world.app().id, None) for _ in range(60)]
    inserts = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS"):
            inserts.append(len(parameters) if executemany else 1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = bulk.run("approve_by_district", world.baoshan_admin, targets, {"comment": None})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert result.changed == 60
    assert len(texts(db, world.baoshan_clerk)) == 60
    assert len(inserts) <= 3, inserts


def _client_with_message(db, world, login_as):
    application = world.app(name="张三")
    apply_transition(application, world.baoshan_admin, "approve_by_district")
    db.session.commit()
    return application, login_as(world.baoshan_clerk)


def test_bell_count_open_and_mark_all_read(db, world, login_as):
    application, clerk = _client_with_message(db, world, login_as)
    other = world.app(name="李四")
    apply_transition(other, world.baoshan_admin, "reject_by_district", comment="材料不全")
    db.session.commit()
    home = clerk.get("/").get_data(as_text=True)
    assert 'id="notification-count">2<' in home and "js/bell.js" in home
    assert clerk.get("/notifications/count").get_json() == {"unread": 2}
    first = db.session.scalar(db.select(Notification).order_by(Notification.id))
    token = csrf_token(clerk, "/notifications/")
    opened = clerk.post(f"/notifications/{first.id}/open", data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(
        f"/myapplicationmodelview/show/{application.id}")
    assert clerk.get("/notifications/count").get_json() == {"unread": 1}
    clerk.post("/notifications/read-all", data={"csrf_token": token})
    assert clerk.get("/notifications/count").get_json() == {"unread": 0}
    assert 'notification-badge hidden" id="notification-count">0<' in clerk.get("/").get_data(as_text=True)


def test_nobody_opens_another_user_s_message_and_links_respect_scope(db, world, login_as):
    application, clerk = _client_with_message(db, world, login_as)
    message = db.session.scalar(db.select(Notification))
    stranger = login_as(world.hongkou_clerk)
    token = csrf_token(stranger, "/notifications/")
    assert stranger.post(f"/notifications/{message.id}/open", data={"csrf_token": token}).status_code == 404
    # A message about something that left the reader's scope keeps its text but no longer leads there.
    db.session.add(Notification(user_id=world.hongkou_clerk.id, kind="approve_by_district", text="旧消息",
                                target=f"application:{application.id}"))
    db.session.commit()
    foreign = db.session.scalar(db.select(Notification).where(Notification.user_id == world.hongkou_clerk.id))
    answer = stranger.post(f"/notifications/{foreign.id}/open", data={"csrf_token": token}, follow_redirects=True)
    assert "已不在您的管理范围内" in answer.get_data(as_text=True)


def test_the_district_admin_s_link_leads_to_its_review_page(db, world, login_as):
    application = world.app(name="张三")
    services.record_creation(application, world.baoshan_clerk)
    db.session.commit()
    admin = login_as(world.baoshan_admin)
    message = db.session.scalar(db.select(Notification).where(Notification.user_id == world.baoshan_admin.id))
    token = csrf_token(admin, "/notifications/")
    opened = admin.post(f"/notifications/{message.id}/open", data={"csrf_token": token})
    assert opened.headers["Location"].endswith(f"/review/district/show/{application.id}")


def test_polling_the_bell_does_not_keep_an_idle_session_alive(db, world, login_as, monkeypatch):
    from app.accounts import sessions

    _application, clerk = _client_with_message(db, world, login_as)
    start = sessions.now_ts()
    monkeypatch.setattr(sessions, "now_ts", lambda: start + 20 * 60)
    assert clerk.get("/notifications/count").status_code == 200
    monkeypatch.setattr(sessions, "now_ts", lambda: start + 35 * 60)
    assert clerk.get("/notifications/count").status_code != 200


def test_a_user_turns_e_mail_off_and_on(db, world, login_as):
    clerk = login_as(world.baoshan_clerk)
    token = csrf_token(clerk, "/notifications/")
    assert "关闭邮件通知" in clerk.get("/notifications/").get_data(as_text=True)
    clerk.post("/notifications/email", data={"csrf_token": token, "enabled": "0"})
    db.session.expire_all()
    assert world.baoshan_clerk.email_notifications is False
    assert "开启邮件通知" in clerk.get("/notifications/").get_data(as_text=True)
    clerk.post("/notifications/email", data={"csrf_token": token, "enabled": "1"})
    db.session.expire_all()
    assert world.baoshan_clerk.email_notifications is True


def test_void_after_deadline_is_not_a_message_when_refused(db, world, clock):
    application = world.app()
    clock.set(application.batch.paper_deadline + timedelta(days=1))
    with pytest.raises(Exception):
        apply_transition(application, world.baoshan_admin, "approve_by_district")
    db.session.rollback()
    db.session.commit()
    assert texts(db, world.baoshan_clerk) == []
