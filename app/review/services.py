"""The only code that changes an application's state: check the workflow, update with an optimistic
lock, write the audit record. Callers commit.

The review decisions (SPEC §4) are one verb each; 配套发放 and 已发放至职工 live in app.payments.services
and go through the same :func:`apply_transition`.
"""

from dataclasses import dataclass

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    and_,
    case,
    cast,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.applications.models import Application
from app.extensions import db
from app.models_base import written_in
from app.review import signals, workflow
from app.review.models import ReviewRecord
from app.review.states import State
from app.security.personal import EncryptedString


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


@dataclass(frozen=True, slots=True)
class WrittenRecord:
    """The values of one audit record a bulk decision wrote (the ReviewRecord's attribute names), as its
    subscribers hear of it: no session object is made for each of thousands of rows."""

    id: int
    application_id: int
    user_id: int
    role: str
    organisation_id: int | None
    action: str
    from_state: str | None
    to_state: str
    comment: str | None
    amount: object
    amount2: object
    created_at: object
    via: str | None = None


def _versions_seen(entries):
    """Each row still at the version its checks saw: ``(version = v AND id IN (…)) OR …`` for the few versions of
    a chunk (a thousand (id, version) pairs in one IN list cost the planner more than the update itself)."""
    by_version = {}
    for application, _transition, _effect in entries:
        by_version.setdefault(application.version, []).append(application.id)
    return or_(*(and_(Application.version == version, written_in(Application.id, ids))
                 for version, ids in by_version.items()))


def _record_amount(entries, attribute, kind):
    """The audit records' ``attribute`` (amount, amount2) of ``entries`` as one SQL value, or a CASE on the
    application id when it differs between them."""
    values = {application.id: getattr(effect, attribute) for application, _transition, effect in entries}
    distinct = set(values.values())
    if len(distinct) == 1:
        value = distinct.pop()
        return null() if value is None else cast(literal(value, kind), kind)
    return case({pk: cast(literal(v, kind), kind) for pk, v in values.items()}, value=Application.id)


def apply_transitions(items, user, name, *, comment=None, today=None, params=None):
    """The set-based sibling of :func:`apply_transition`, for bulk decisions: the same transition on many
    applications, written with one UPDATE per source state and one INSERT … SELECT of their audit records.

    ``items`` are (application, expected_version or None) pairs, the applications loaded with their
    organisation and batch (app.review.bulk). Each row is checked exactly as apply_transition checks it (the
    version the user saw, ``workflow.check`` — table, role, scope, conditions —, the comment, the step's effect),
    in Python and before anything is written. The allowed rows of one source state are then changed by one
    ``UPDATE … WHERE id IN (…) AND (version = v AND id IN (…) OR …) AND state = source RETURNING id``: a row another
    transaction changed meanwhile (on PostgreSQL the UPDATE waits for its lock, then re-reads it) is not
    returned and gets the ConcurrentChange message, so of two deciders exactly one wins. Values of a registered
    effect that differ between rows (amounts by level, the card paid to) are written by a CASE on the id in the
    same UPDATE. The changed rows' audit records, one per row, are then written by one
    ``INSERT INTO review_records … SELECT … FROM applications WHERE id IN (the changed ids)`` per source
    state (amounts that differ again by a CASE), and ``signals.send_changes`` tells the subscribers of them
    all, in the same transaction, as after apply_transition. Callers commit.

    Returns (changed applications, {application id: reason}) for the rows not changed.
    """
    today = today or clock.today()
    comment = (comment or "").strip() or None
    refused, allowed = {}, []
    for application, expected_version in items:
        try:
            if expected_version is not None and int(expected_version) != application.version:
                raise ConcurrentChange()
            transition = workflow.check(name, application, user, today)
            if transition.requires_comment and not comment:
                raise CommentRequired("请填写原因")
            prepare = workflow.effect_of(transition.name)
            effect = prepare(application, user, dict(params or {}), today) if prepare else workflow.Effect()
        except (ConcurrentChange, workflow.WorkflowDenied) as exc:
            refused[application.id] = str(exc)
            continue
        allowed.append((application, transition, effect))
    # One UPDATE per source state; rows whose effect writes a personal number (encrypted, so it cannot be
    # chosen per row inside SQL) are grouped further by that number.
    encrypted = {c.name for c in Application.__table__.c if isinstance(c.type, EncryptedString)}
    groups = {}
    for entry in allowed:
        sealed = tuple(sorted((c, v) for c, v in entry[2].values.items() if c in encrypted))
        groups.setdefault((entry[0].state, sealed), []).append(entry)
    now = clock.utcnow()
    changes = []
    for (source, _sealed), entries in groups.items():
        target = entries[0][1].target.value
        values = {"state": target, "version": Application.version + 1}
        for column in sorted({c for _a, _t, effect in entries for c in effect.values}):
            per_row = {a.id: effect.values.get(column) for a, _t, effect in entries}
            distinct = set(per_row.values())
            if len(distinct) == 1:
                values[column] = distinct.pop()
            else:
                kind = Application.__table__.c[column].type
                values[column] = case({pk: cast(literal(v, kind), kind) for pk, v in per_row.items()},
                                      value=Application.id)
        written = dict(db.session.execute(
            update(Application)
            # The primary key finds the rows through each version's id list; the ids are not listed a second
            # time: PostgreSQL then took the rows for one in a million and read the whole table (0.3 s a chunk).
            .where(_versions_seen(entries), Application.state == source)
            .values(**values)
            .returning(Application.id, Application.updated_at)
            .execution_options(synchronize_session=False)
        ).all())
        done = []
        for entry in entries:
            application, _transition, effect = entry
            if application.id not in written:
                # Nothing was written for it: another transaction changed the row first.
                refused[application.id] = str(ConcurrentChange())
                continue
            for column, value in effect.values.items():
                set_committed_value(application, column, value)
            set_committed_value(application, "state", target)
            set_committed_value(application, "version", application.version + 1)
            set_committed_value(application, "updated_at", written[application.id])
            done.append(entry)
        # The audit records of the rows just written, one each, by roles (a user holding two roles acts in the
        # one its transition names).
        by_role = {}
        for entry in done:
            by_role.setdefault(primary_role(user, entry[1]), []).append(entry)
        for role, rows in by_role.items():
            columns = {"application_id": Application.id, "user_id": literal(user.id),
                       "role": literal(role, String), "organisation_id": cast(literal(user.organisation_id), Integer),
                       "action": literal(name, String), "from_state": literal(source, String),
                       "to_state": literal(target, String), "comment": cast(literal(comment, String), String),
                       "amount": _record_amount(rows, "amount", ReviewRecord.__table__.c.amount.type),
                       "amount2": _record_amount(rows, "amount2", ReviewRecord.__table__.c.amount2.type),
                       "created_at": literal(now, DateTime)}
            inserted = db.session.execute(
                insert(ReviewRecord)
                .from_select(list(columns), select(*(c.label(k) for k, c in columns.items()))
                             .where(written_in(Application.id, [a.id for a, _t, _e in rows])))
                .returning(ReviewRecord.id, ReviewRecord.application_id))
            record_ids = {application_id: pk for pk, application_id in inserted}
            for application, _transition, effect in rows:
                changes.append((application, WrittenRecord(
                    id=record_ids[application.id], application_id=application.id, user_id=user.id, role=role,
                    organisation_id=user.organisation_id, action=name, from_state=source, to_state=target,
                    comment=comment, amount=effect.amount, amount2=effect.amount2, created_at=now)))
    signals.send_changes(changes, user)
    return [application for application, _record in changes], refused


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
