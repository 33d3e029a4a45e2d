"""Bulk decisions on the ticked rows and on all rows matching the current filter, with mixed states:
counts are right, skipped rows are listed with their reason, one audit record per changed row."""
import re

import pytest

from app.applications.models import Application
from app.review.models import ReviewRecord
from app.review.states import State
from tests.conftest import csrf_token

DISTRICT = "/review/district"


def hidden(html, name):
    """The values of the inputs called ``name`` on a page."""
    return re.findall(r'<input[^>]*name="%s"[^>]*value="([^"]*)"' % re.escape(name), html)


def confirm_ticked(client, screen, action, ids):
    token = csrf_token(client, f"{screen}/list/")
    response = client.post(f"{screen}/action_post", data={"action": action, "rowid": ids, "csrf_token": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return token, response.get_data(as_text=True)


def post_ticked(client, screen, name, html, token, **fields):
    rowids = hidden(html, "rowid")
    data = {"csrf_token": token, "mode": "ticked", "rowid": rowids, **fields}
    for pk in rowids:
        data[f"version_{pk}"] = hidden(html, f"version_{pk}")[0]
    return client.post(f"{screen}/bulk/{name}", data=data)


def counts(html):
    changed = re.search(r'id="bulk-changed">(\d+)<', html).group(1)
    skipped = re.search(r'id="bulk-skipped">(\d+)<', html).group(1)
    return int(changed), int(skipped)


def states(db, apps):
    db.session.expire_all()
    return [db.session.get(Application, a.id).state for a in apps]


def audit_count(db, apps):
    return db.session.query(ReviewRecord).filter(ReviewRecord.application_id.in_([a.id for a in apps])).count()


def test_ticked_rows_with_mixed_states(db, world, login_as):
    pending = [world.app() for _ in range(3)]
    others = [world.app(State.DISTRICT_APPROVED), world.app(State.WITHDRAWN)]
    client = login_as(world.baoshan_admin)
    token, html = confirm_ticked(client, DISTRICT, "approve_by_district", [a.id for a in pending + others])
    assert 'id="bulk-count">5<' in html and 'id="bulk-eligible">3<' in html
    assert states(db, pending) == ["pending"] * 3  # the confirmation changed nothing
    result = post_ticked(client, DISTRICT, "approve_by_district", html, token).get_data(as_text=True)
    assert counts(result) == (3, 2)
    assert "该申请当前状态为“区县局初审通过”，不能审核通过" in result
    assert "该申请当前状态为“已撤回”，不能审核通过" in result
    assert states(db, pending) == ["district_approved"] * 3
    assert states(db, others) == ["district_approved", "withdrawn"]
    assert audit_count(db, pending + others) == 3


def test_ticked_row_changed_since_the_confirmation_is_skipped_as_handled_by_someone_else(db, world, login_as):
    apps = [world.app(), world.app()]
    client = login_as(world.baoshan_admin)
    token, html = confirm_ticked(client, DISTRICT, "reject_by_district", [a.id for a in apps])
    # Meanwhile another reviewer approves the first one.
    from app.review import services

    services.approve_by_district(db.session.get(Application, apps[0].id), world.baoshan_admin)
    db.session.commit()
    result = post_ticked(client, DISTRICT, "reject_by_district", html, token, comment="材料不全")
    page = result.get_data(as_text=True)
    assert counts(page) == (1, 1) and "该申请已被他人处理" in page
    assert states(db, apps) == ["district_approved", "district_rejected"]


def test_bulk_rejection_without_reason_changes_nothing_and_says_so_beside_the_field(db, world, login_as):
    apps = [world.app(), world.app()]
    client = login_as(world.baoshan_admin)
    token, html = confirm_ticked(client, DISTRICT, "reject_by_district", [a.id for a in apps])
    page = post_ticked(client, DISTRICT, "reject_by_district", html, token, comment="  ").get_data(as_text=True)
    assert "请填写原因" in page and 'id="bulk-form"' in page
    assert states(db, apps) == ["pending", "pending"] and audit_count(db, apps) == 0


def test_all_rows_matching_the_filter_count_confirm_then_post(db, world, login_as):
    pending = [world.app() for _ in range(4)]
    approved = world.app(State.DISTRICT_APPROVED)
    foreign = world.app(foreign=True)
    client = login_as(world.baoshan_admin)
    query = "_flt_0_state=pending"
    confirm = client.get(f"{DISTRICT}/bulk/approve_by_district?{query}").get_data(as_text=True)
    assert 'id="bulk-count">4<' in confirm and "状态：未审核" in confirm
    assert states(db, pending) == ["pending"] * 4
    token = hidden(confirm, "csrf_token")[0]
    response = client.post(f"{DISTRICT}/bulk/approve_by_district?{query}",
                           data={"csrf_token": token, "mode": "filter", "expected_count": "4"})
    assert counts(response.get_data(as_text=True)) == (4, 0)
    assert states(db, pending) == ["district_approved"] * 4
    assert states(db, [approved, foreign]) == ["district_approved", "pending"]  # outside filter / scope
    assert audit_count(db, pending) == 4 and audit_count(db, [foreign]) == 0


def test_all_filtered_rows_with_mixed_states_report_the_skipped(db, world, login_as):
    target = [world.app(name="王伟"), world.app(name="王伟", state=State.DISTRICT_REJECTED),
              world.app(name="王伟", state=State.FINAL_APPROVED), world.app(name="王伟")]
    other = world.app(name="李强")
    client = login_as(world.baoshan_admin)
    query = "_flt_0_name=王伟"
    confirm = client.get(f"{DISTRICT}/bulk/void?{query}").get_data(as_text=True)
    assert 'id="bulk-count">4<' in confirm and 'id="bulk-eligible">3<' in confirm
    token = hidden(confirm, "csrf_token")[0]
    page = client.post(f"{DISTRICT}/bulk/void?{query}", data={
        "csrf_token": token, "mode": "filter", "expected_count": "4", "comment": "重复录入"}).get_data(as_text=True)
    assert counts(page) == (3, 1)
    assert "市技协服务中心终审通过" in page and "不能作废" in page
    assert states(db, target) == ["voided", "voided", "final_approved", "voided"]
    assert states(db, [other]) == ["pending"]
    assert db.session.query(ReviewRecord).filter_by(action="void", comment="重复录入").count() == 3


def test_filter_result_changed_since_the_count_asks_again(db, world, login_as):
    [world.app() for _ in range(2)]
    client = login_as(world.baoshan_admin)
    confirm = client.get(f"{DISTRICT}/bulk/approve_by_district?_flt_0_state=pending").get_data(as_text=True)
    world.app()  # a third one arrives
    page = client.post(f"{DISTRICT}/bulk/approve_by_district?_flt_0_state=pending", data={
        "csrf_token": hidden(confirm, "csrf_token")[0], "mode": "filter", "expected_count": "2"}).get_data(as_text=True)
    assert "筛选结果已发生变化（现为 3 份）" in page and 'id="bulk-count">3<' in page
    assert db.session.query(ReviewRecord).count() == 0


def test_the_funding_list_offers_no_funding_and_points_to_the_transfers(db, world, login_as):
    """配套发放 without a voucher is gone: no tick boxes, no bulk or single 配套发放 on finance's list and
    page, only the way to 奖励资金划拨."""
    approved = world.app(State.FINAL_APPROVED)
    client = login_as(world.finance)
    page = client.get("/payments/funding/list/").get_data(as_text=True)
    assert 'id="list-note"' in page and 'href="/payments/due/list/"' in page
    assert "bulk-all-menu" not in page and 'name="rowid"' not in page
    show = client.get(f"/payments/funding/show/{approved.id}").get_data(as_text=True)
    assert "decision-fund" not in show and "submit-fund" not in show
    token = csrf_token(client, "/payments/funding/list/")
    for url in ("/payments/funding/bulk/fund", f"/payments/funding/decide/{approved.id}/fund"):
        assert client.post(url, data={"csrf_token": token, "version": "1", "mode": "ticked",
                                      "rowid": [approved.id], "funded_on": "2015-04-01"}).status_code in (403, 404)
    assert client.post("/payments/funding/action_post", data={
        "action": "fund", "rowid": [approved.id], "csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Application, approved.id).state == State.FINAL_APPROVED.value
    assert db.session.query(ReviewRecord).count() == 0


def test_bulk_payment_uses_the_amount_per_level_of_the_submitted_request(db, world, login_as):
    from app.clock import today

    world.submitted_request(technician="800", senior="1200")
    tech = world.app(State.FUNDED)
    senior = world.app(State.FUNDED, new_level="1", previous_level="2")
    client = login_as(world.baoshan_admin)
    query = "_flt_0_state=funded"
    confirm = client.get(f"{DISTRICT}/bulk/record_payment?{query}").get_data(as_text=True)
    assert "可以记录发放至职工的" in confirm and "可以已" not in confirm
    token = hidden(confirm, "csrf_token")[0]
    page = client.post(f"{DISTRICT}/bulk/record_payment?{query}", data={
        "csrf_token": token, "mode": "filter", "expected_count": "2", "paid_on": today().isoformat()}
    ).get_data(as_text=True)
    assert counts(page) == (2, 0)
    assert "已记录发放至职工" in page and "已已" not in page
    db.session.expire_all()
    assert [db.session.get(Application, a.id).district_amount for a in (tech, senior)] == [800, 1200]
    assert db.session.get(Application, tech.id).paid_card_no == tech.bank_card_no


def test_bulk_payment_skips_rows_whose_district_has_not_submitted_its_request(db, world, login_as):
    from app.clock import today

    world.submitted_request(state="draft")
    app = world.app(State.FUNDED)
    client = login_as(world.baoshan_admin)
    query = "_flt_0_state=funded"
    confirm = client.get(f"{DISTRICT}/bulk/record_payment?{query}").get_data(as_text=True)
    token = hidden(confirm, "csrf_token")[0]
    page = client.post(f"{DISTRICT}/bulk/record_payment?{query}", data={
        "csrf_token": token, "mode": "filter", "expected_count": "1", "paid_on": today().isoformat()}
    ).get_data(as_text=True)
    assert counts(page) == (0, 1) and "尚未提交" in page
    db.session.expire_all()
    assert db.session.get(Application, app.id).state == State.FUNDED.value


def test_ticked_foreign_row_refuses_everything(db, world, login_as):
    own, foreign = world.app(), world.app(foreign=True)
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"{DISTRICT}/list/")
    assert client.post(f"{DISTRICT}/action_post", data={
        "action": "approve_by_district", "rowid": [own.id, foreign.id], "csrf_token": token}).status_code == 404
    assert client.post(f"{DISTRICT}/bulk/approve_by_district", data={
        "csrf_token": token, "mode": "ticked", "rowid": [own.id, foreign.id],
        f"version_{own.id}": "1", f"version_{foreign.id}": "1"}).status_code == 404
    assert states(db, [own, foreign]) == ["pending", "pending"]
    assert db.session.query(ReviewRecord).count() == 0


@pytest.mark.parametrize("screen, name", [(DISTRICT, "approve_final"), ("/review/final", "fund"),
                                          ("/payments/funding", "void"), (DISTRICT, "withdraw")])
def test_a_screen_offers_only_its_own_decisions(db, world, login_as, screen, name):
    user = {DISTRICT: world.baoshan_admin, "/review/final": world.city_admin,
            "/payments/funding": world.finance}[screen]
    client = login_as(user)
    # 配套发放查询 has no decision at all: finance may not even open a bulk step there.
    assert client.get(f"{screen}/bulk/{name}").status_code == (403 if screen == "/payments/funding" else 404)


def test_a_bulk_decision_runs_the_same_statements_for_few_rows_as_for_many(app, db, world):
    """Set-based: a chunk is one load, one UPDATE per source state and one INSERT of the audit records."""
    from sqlalchemy import event

    from app.extensions import db as _db
    from app.review import bulk

    counts = []
    for size in (3, 40):
        apps = [world.app() for _ in range(size)] + [world.app(State.WITHDRAWN)]
        db.session.commit()
        targets = [(a.id, None) for a in apps]
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", count)
        try:
            result = bulk.run("approve_by_district", world.baoshan_admin, targets, {})
        finally:
            event.remove(_db.engine, "before_cursor_execute", count)
        assert result.changed == size and len(result.skipped) == 1
        assert audit_count(db, apps) == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_skipped_rows_are_reported_with_their_names_without_a_statement_each(app, db, world):
    """The skipped rows' names and units are read before the chunk's commit, not row by row afterwards."""
    from sqlalchemy import event

    from app.extensions import db as _db
    from app.review import bulk

    counts = []
    for skipped in (1, 25):
        apps = [world.app() for _ in range(3)] + [world.app(State.WITHDRAWN) for _ in range(skipped)]
        db.session.commit()
        targets = [(a.id, None) for a in apps]
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany, seen=statements):
            seen.append(statement)

        event.listen(_db.engine, "before_cursor_execute", count)
        try:
            result = bulk.run("approve_by_district", world.baoshan_admin, targets, {})
        finally:
            event.remove(_db.engine, "before_cursor_execute", count)
        assert result.changed == 3 and len(result.skipped) == skipped
        by_id = {a.id: a for a in apps}
        for row in result.skipped:
            assert row.name == by_id[row.application_id].name and row.unit
            assert row.state_title == "已撤回" and "不能审核通过" in row.reason
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
