"""The only code that changes an application's state: check the workflow, update with an optimistic
lock, write the audit record. Callers commit.

The review decisions (SPEC §4) are one verb each; 配套发放 and 已发放至职工 live in app.payments.services
and go through the same :func:`apply_transition`.
"""

from sqlalchemy import update

from app import clock
from app.applications.models import Application
from app.extensions import db
from app.review import signals, workflow
from app.review.models import ReviewRecord
from app.review.states import State


class ConcurrentChange(Exception):
    """Another user changed the application first."""

    def __init__(self, message="该申请已被他人处理，请刷新后重试"):
        super().__init__(message)


class CommentRequired(workflow.WorkflowDenied):
    pass


def primary_role(user, transition):
    names = workflow.role_names(user)
    for role in transition.roles:
        if role in names:
            return role
    return sorted(names)[0] if names else ""


def apply_transition(application, user, name, *, expected_version=None, comment=None, today=None,
                     values=None, params=None, via=None):
    """Move ``application`` along transition ``name``.

    ``expected_version`` is the version the user saw (defaults to the loaded one); the UPDATE only
    succeeds if the row still has that version and the source state, otherwise ConcurrentChange.
    ``values`` are further columns written in the same UPDATE (the corrected fields of 修改报名表);
    ``params`` are the inputs of a step with a registered effect (dates, card: see workflow.register_effect).
    ``via`` says how the step was taken when not on the pages ("api"); the audit record keeps it.
    Every refusal (WorkflowDenied, CommentRequired, ConcurrentChange) comes before anything is written
    for this application, so a caller deciding on many rows in one transaction loses nothing else.
    After the audit record is written, ``signals.state_changed`` is sent in the same transaction.
    """
    today = today or clock.today()
    if expected_version is not None and int(expected_version) != application.version:
        # The user decided on a page showing an older version: someone else acted since.
        raise ConcurrentChange()
    transition = workflow.check(name, application, user, today)
    comment = (comment or "").strip() or None
    if transition.requires_comment and not comment:
        raise CommentRequired("请填写原因")
    prepare = workflow.effect_of(transition.name)
    effect = prepare(application, user, dict(params or {}), today) if prepare else workflow.Effect()
    source = application.state
    version = application.version if expected_version is None else int(expected_version)
    changes = {**(values or {}), **effect.values}
    changes.update(state=transition.target.value, version=Application.version + 1)
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.version == version, Application.state == source)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        # Nothing was written: another transaction changed the row first.
        raise ConcurrentChange()
    record = ReviewRecord(
        application_id=application.id, user_id=user.id, role=primary_role(user, transition),
        organisation_id=user.organisation_id, action=transition.name, from_state=source,
        to_state=transition.target.value, comment=comment, amount=effect.amount, amount2=effect.amount2,
        via=via,
    )
    db.session.add(record)
    db.session.flush()
    db.session.refresh(application)
    signals.state_changed.send(application, record=record, user=user)
    return application


def record_creation(application, user):
    """The audit record of a new application (确认无误，申报)."""
    record = ReviewRecord(
        application_id=application.id, user_id=user.id, role=workflow.SUBMIT.roles[0],
        organisation_id=user.organisation_id, action=workflow.SUBMIT.name, from_state=None,
        to_state=State.PENDING.value,
    )
    db.session.add(record)
    db.session.flush()
    signals.state_changed.send(application, record=record, user=user)
    return record


def approve_by_district(application, user, *, comment=None, expected_version=None, today=None):
    """区县局初审通过."""
    return apply_transition(application, user, "approve_by_district", comment=comment,
                            expected_version=expected_version, today=today)


def reject_by_district(application, user, reason, *, expected_version=None, today=None):
    """区县局初审未通过; the reason is required and shown to the submitter."""
    return apply_transition(application, user, "reject_by_district", comment=reason,
                            expected_version=expected_version, today=today)


def approve_final(application, user, *, comment=None, expected_version=None, today=None):
    """市技协服务中心终审通过."""
    return apply_transition(application, user, "approve_final", comment=comment,
                            expected_version=expected_version, today=today)


def reject_final(application, user, reason, *, expected_version=None, today=None):
    """市技协服务中心终审未通过; the reason is required."""
    return apply_transition(application, user, "reject_final", comment=reason,
                            expected_version=expected_version, today=today)


def void(application, user, reason, *, expected_version=None, today=None):
    """作废: the row is kept and shown as 已作废; the reason is required."""
    return apply_transition(application, user, "void", comment=reason,
                            expected_version=expected_version, today=today)
