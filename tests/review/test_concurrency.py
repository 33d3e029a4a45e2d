"""Two reviewers acting on the same application at the same moment, on two real PostgreSQL connections:
one wins, the other is told "该申请已被他人处理", and nothing is written twice."""
import os
import threading
import time

import pytest

from app.accounts.models import AppUser
from app.applications.models import Application
from app.review import services
from app.review.models import ReviewRecord
from app.review.states import State

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="row locks between two connections need PostgreSQL (TEST_DATABASE_URL)")


def run_reviewer(app, db, user_id, app_id, decide, outcomes, key, before_commit=None, start=None):
    with app.app_context():
        try:
            user = db.session.get(AppUser, user_id)
            application = db.session.get(Application, app_id)
            seen = application.version
            outcomes[key + "_pid"] = db.session.execute(db.text("select pg_backend_pid()")).scalar()
            if start:
                start()
            began = time.monotonic()
            try:
                decide(application, user, seen)
                if before_commit:
                    before_commit()
                db.session.commit()
                outcomes[key] = "won"
            except services.ConcurrentChange as exc:
                outcomes[key] = str(exc)
            outcomes[key + "_seconds"] = time.monotonic() - began
        finally:
            db.session.remove()


def test_the_second_update_waits_for_the_first_and_then_loses(app, db, world):
    app_id = world.app().id
    admin_id = world.baoshan_admin.id
    updated, outcomes = threading.Event(), {}

    def approve(application, user, seen):
        services.approve_by_district(application, user, expected_version=seen)

    def reject(application, user, seen):
        services.reject_by_district(application, user, "不符合条件", expected_version=seen)

    def hold_the_row():
        updated.set()  # the UPDATE holds the row lock now
        time.sleep(0.5)

    first = threading.Thread(target=run_reviewer, args=(app, db, admin_id, app_id, approve, outcomes, "first"),
                             kwargs={"before_commit": hold_the_row})
    second = threading.Thread(target=run_reviewer, args=(app, db, admin_id, app_id, reject, outcomes, "second"),
                              kwargs={"start": lambda: updated.wait(10)})
    first.start()
    second.start()
    first.join(20)
    second.join(20)
    assert outcomes["first_pid"] != outcomes["second_pid"]  # two real connections
    assert outcomes["first"] == "won"
    assert outcomes["second"].startswith("该申请已被他人处理")
    assert outcomes["second_seconds"] >= 0.3  # it really waited on the first one's row lock
    db.session.expire_all()
    stored = db.session.get(Application, app_id)
    assert (stored.state, stored.version) == (State.DISTRICT_APPROVED.value, 2)
    assert db.session.query(ReviewRecord).filter_by(application_id=app_id).count() == 1


def test_many_reviewers_released_together_exactly_one_wins(app, db, world):
    app_id = world.app(State.DISTRICT_APPROVED).id
    admin_id = world.city_admin.id
    barrier, outcomes = threading.Barrier(4, timeout=10), {}

    def decide(i):
        def act(application, user, seen):
            if i % 2:
                services.approve_final(application, user, expected_version=seen)
            else:
                services.reject_final(application, user, f"第{i}位终审人不同意", expected_version=seen)
        return act

    threads = [threading.Thread(target=run_reviewer, args=(app, db, admin_id, app_id, decide(i), outcomes, f"r{i}"),
                                kwargs={"start": barrier.wait}) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    results = [outcomes[f"r{i}"] for i in range(4)]
    assert results.count("won") == 1
    assert all(r.startswith("该申请已被他人处理") for r in results if r != "won")
    assert db.session.query(ReviewRecord).filter_by(application_id=app_id).count() == 1
    db.session.expire_all()
    assert db.session.get(Application, app_id).version == 2


def test_bulk_decision_skips_the_row_another_reviewer_holds_and_keeps_the_others(app, db, world):
    from app.review import bulk

    ids = [world.app().id for _ in range(3)]
    admin_id = world.baoshan_admin.id
    updated, outcomes = threading.Event(), {}

    def approve(application, user, seen):
        services.approve_by_district(application, user, expected_version=seen)

    def hold_the_row():
        updated.set()
        time.sleep(0.5)

    other = threading.Thread(target=run_reviewer, args=(app, db, admin_id, ids[1], approve, outcomes, "other"),
                             kwargs={"before_commit": hold_the_row})
    other.start()
    assert updated.wait(10)
    result = bulk.run("reject_by_district", db.session.get(AppUser, admin_id), [(pk, None) for pk in ids],
                      {"comment": "材料不全"})
    other.join(20)
    assert outcomes["other"] == "won"
    assert result.changed == 2 and [s.application_id for s in result.skipped] == [ids[1]]
    assert result.skipped[0].reason.startswith("该申请已被他人处理")
    db.session.expire_all()
    assert [db.session.get(Application, pk).state for pk in ids] == [
        "district_rejected", "district_approved", "district_rejected"]
    assert [db.session.query(ReviewRecord).filter_by(application_id=pk).count() for pk in ids] == [1, 1, 1]
