"""The state-change signal and the workflow's path and effect registry."""
from contextlib import contextmanager

import pytest

from app.review import services, signals, workflow
from app.review.services import ConcurrentChange
from app.review.states import State


@contextmanager
def received():
    seen = []

    def listener(application, record, user):
        seen.append((application.id, record.action, record.from_state, record.to_state, record.id, user.id))

    signals.state_changed.connect(listener)
    try:
        yield seen
    finally:
        signals.state_changed.disconnect(listener)


def test_every_transition_sends_one_signal_after_its_audit_record(db, world):
    app = world.app()
    with received() as seen:
        services.record_creation(app, world.baoshan_clerk)
        services.approve_by_district(app, world.baoshan_admin)
    assert [s[1:4] for s in seen] == [("submit", None, "pending"), ("approve_by_district", "pending",
                                                                     "district_approved")]
    assert all(record_id is not None for *_rest, record_id, _user in seen)  # the record is flushed first
    assert seen[1][5] == world.baoshan_admin.id


def test_a_refused_or_lost_transition_sends_nothing(db, world):
    app = world.app()
    with received() as seen:
        with pytest.raises(workflow.WorkflowDenied):
            services.approve_final(app, world.city_admin)
        with pytest.raises(ConcurrentChange):
            services.approve_by_district(app, world.baoshan_admin, expected_version=app.version + 1)
    assert seen == []


def test_a_subscriber_writes_in_the_same_transaction(db, world):
    app = world.app()
    db.session.commit()

    def fail(application, record, user):
        raise RuntimeError("subscriber failed")

    signals.state_changed.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            services.approve_by_district(app, world.baoshan_admin)
    finally:
        signals.state_changed.disconnect(fail)
    db.session.rollback()
    assert db.session.get(type(app), app.id).state == State.PENDING.value


@pytest.mark.parametrize("state, names", [
    (State.PENDING, []),
    (State.DISTRICT_APPROVED, ["approve_by_district"]),
    (State.DISTRICT_REJECTED, ["reject_by_district"]),
    (State.FINAL_APPROVED, ["approve_by_district", "approve_final"]),
    (State.FINAL_REJECTED, ["approve_by_district", "reject_final"]),
    (State.FUNDED, ["approve_by_district", "approve_final", "fund"]),
    (State.PAID, ["approve_by_district", "approve_final", "fund", "record_payment"]),
    (State.WITHDRAWN, ["withdraw"]),
    (State.VOIDED, ["void"]),
])
def test_path_to_each_state_follows_the_table(state, names):
    path = workflow.path_to(state)
    assert [t.name for t in path] == names
    current = State.PENDING
    for transition in path:
        assert current in transition.sources
        current = transition.target
    assert current == state


def test_the_money_steps_are_registered_effects_and_unknown_names_are_refused():
    assert workflow.effect_of("fund") is not None and workflow.effect_of("record_payment") is not None
    assert workflow.effect_of("approve_by_district") is None
    with pytest.raises(KeyError):
        workflow.register_effect("no_such_step")


def test_a_bulk_decision_sends_one_signal_per_changed_row_after_its_audit_record(db, world):
    from app.review import bulk

    apps = [world.app(), world.app(), world.app(State.DISTRICT_APPROVED)]
    db.session.commit()
    with received() as seen:
        result = bulk.run("approve_by_district", world.baoshan_admin, [(a.id, None) for a in apps], {})
    assert result.changed == 2 and len(result.skipped) == 1
    assert sorted(s[0] for s in seen) == sorted(a.id for a in apps[:2])
    assert all(s[1:4] == ("approve_by_district", "pending", "district_approved") for s in seen)
    assert all(record_id is not None for *_rest, record_id, _user in seen)


def test_a_subscriber_taking_sets_hears_a_bulk_decision_once_and_single_decisions_per_row(db, world):
    from app.review import bulk

    per_row, per_set = [], []

    def one(application, record, user):
        per_row.append((application.id, record.action))

    def many(_sender, changes, user):
        per_set.append(sorted((a.id, r.action, r.from_state, r.to_state, r.id is not None, r.user_id)
                              for a, r in changes))

    apps = [world.app(), world.app(), world.app()]
    db.session.commit()
    signals.subscribe(one, many)
    try:
        result = bulk.run("approve_by_district", world.baoshan_admin, [(a.id, None) for a in apps[:2]], {})
        services.approve_by_district(apps[2], world.baoshan_admin)
    finally:
        signals.unsubscribe(one, many)
    assert result.changed == 2
    admin = world.baoshan_admin.id
    assert per_set == [sorted((a.id, "approve_by_district", "pending", "district_approved", True, admin)
                              for a in apps[:2])]
    assert per_row == [(apps[2].id, "approve_by_district")]
