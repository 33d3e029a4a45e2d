"""Intake of applications (SPEC §3, §4): submit, correct and withdraw.

Every check lives here or in :mod:`app.applications.rules`; the web form, the bulk import and the API
call these functions. They flush but do not commit; on a refusal they raise ApplicationRejected with
Chinese messages keyed by field name (``FORM`` for the form as a whole, ``attachment_field(kind)`` for
a scan).
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.applications import rules
from app.applications.attachments import KIND_TITLES, required_kinds
from app.applications.models import Application, Attachment
from app.campaigns import services as campaign_services
from app.extensions import db
from app.orgs.services import district_of
from app.reference import data
from app.review import services as review_services
from app.review import workflow
from app.review.states import NOT_LIVE, State
from app.security.scoping import in_scope

#: Errors about the form as a whole (closed batch, stale page, no district).
FORM = "_form"


def attachment_field(kind):
    return f"attachment_{kind}"


class ApplicationRejected(Exception):
    """The application cannot be stored as it is; ``errors`` maps a field to its Chinese messages."""

    def __init__(self, errors, warnings=None):
        self.errors = {name: list(messages) for name, messages in errors.items()}
        self.warnings = dict(warnings or {})
        super().__init__("；".join(m for messages in self.errors.values() for m in messages))


@dataclass
class Checked:
    cleaned: dict
    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)

    def error(self, name, message):
        self.errors.setdefault(name, []).append(message)


def _level_title(code):
    return data.names(data.SKILL_LEVELS).get(code, code or "")


def _live():
    return Application.state.notin_([s.value for s in NOT_LIVE])


def find_conflicts(cleaned, user, exclude_id=None):
    """The first-time rule (首次获得): field → message for a live claim of the same person and level, or
    of the same certificate, in any campaign and any organisation. The message names the other claim
    only if the user may see it."""
    conflicts = {}
    exclude = [Application.id != exclude_id] if exclude_id is not None else []
    id_number, level, certificate_no = (cleaned.get("id_number"), cleaned.get("new_level"),
                                        cleaned.get("certificate_no"))
    if id_number and level:
        other = db.session.scalars(
            select(Application).where(Application.id_number == id_number, Application.new_level == level,
                                      _live(), *exclude).order_by(Application.id).limit(1)
        ).first()
        if other is not None:
            level_title = _level_title(level)
            if in_scope(user, other.organisation):
                conflicts["id_number"] = (
                    f"该职工已有{level_title}的奖励申请：本单位“{other.campaign.name}”{other.batch.name}，"
                    f"状态为“{other.state_title}”。每人每个等级只能获得一次奖励")
            else:
                conflicts["id_number"] = (
                    f"该职工的{level_title}奖励已在其他单位申报，每人每个等级只能获得一次奖励")
    if certificate_no:
        other = db.session.scalars(
            select(Application).where(Application.certificate_no == certificate_no, _live(), *exclude)
            .order_by(Application.id).limit(1)
        ).first()
        if other is not None:
            if in_scope(user, other.organisation):
                conflicts["certificate_no"] = (
                    f"该等级证书编号已用于本单位“{other.campaign.name}”{other.batch.name}的申请"
                    f"（{other.name}，状态为“{other.state_title}”），同一证书不能重复申报")
            else:
                conflicts["certificate_no"] = "该等级证书编号已在其他单位申报，同一证书不能重复申报"
    return conflicts


def resolve_attachments(user, attachment_ids, application=None):
    """The attachments the user may put on this application: their own pending uploads, and the ones
    already on ``application``. Other ids are ignored."""
    wanted = {int(i) for i in (attachment_ids or ()) if str(i).strip().isdigit()}
    if not wanted:
        return []
    owned = (Attachment.application_id.is_(None)) & (Attachment.uploaded_by_id == user.id)
    if application is not None:
        owned = owned | (Attachment.application_id == application.id)
    return db.session.scalars(select(Attachment).where(Attachment.id.in_(wanted), owned)
                              .order_by(Attachment.id)).all()


def check_application(user, campaign, values, attachment_ids, *, today=None, application=None):
    """Every rule for one application, without storing anything: field rules with the campaign's
    window and the reference lists, the scans the variant needs, and the first-time rule."""
    day = today or clock.today()
    result = rules.validate_application(values, campaign_services.rule_context(campaign, day))
    checked = Checked(cleaned=result.cleaned, errors={k: list(v) for k, v in result.errors.items()},
                      warnings={k: list(v) for k, v in result.warnings.items()})
    checked.attachments = resolve_attachments(user, attachment_ids, application)
    variant = result.cleaned.get("variant")
    if variant:
        present = {a.kind for a in checked.attachments}
        for kind in required_kinds(variant):
            if kind not in present:
                checked.error(attachment_field(kind), f"请上传{KIND_TITLES[kind]}")
    exclude = application.id if application is not None else None
    for name, message in find_conflicts(result.cleaned, user, exclude).items():
        checked.error(name, message)
    return checked


def _field_values(cleaned):
    return {name: cleaned[name] for name in rules.FIELDS}


def _conflict_refusal(exc, cleaned, user, exclude_id):
    """Turn a unique-index violation (a simultaneous submission won the race) into the same field
    message the first-time check gives. The session has been rolled back: the winner is visible now."""
    conflicts = find_conflicts(cleaned, user, exclude_id)
    if not conflicts:
        text = str(getattr(exc, "orig", exc))
        if "certificate" in text:
            conflicts["certificate_no"] = "该等级证书编号刚刚已被另一份申请使用，同一证书不能重复申报"
        else:
            conflicts["id_number"] = "该职工的同等级奖励申请刚刚已由他人提交，每人每个等级只能获得一次奖励"
    return ApplicationRejected({name: [message] for name, message in conflicts.items()})


def _link_attachments(application, attachments, variant):
    """Attach the chosen scans; scans of this application no longer chosen are let go (they become
    their uploader's pending uploads and are purged with those)."""
    keep = [a for a in attachments if a.kind in required_kinds(variant)]
    keep_ids = {a.id for a in keep}
    for current in db.session.scalars(select(Attachment).where(Attachment.application_id == application.id)):
        if current.id not in keep_ids:
            current.application_id = None
    for attachment in keep:
        attachment.application_id = application.id
    db.session.flush()


def submission_check(user, campaign, batch, values, attachment_ids, *, today=None):
    """Everything submit_application checks, without storing anything."""
    day = today or clock.today()
    if batch.campaign_id != campaign.id:
        raise ValueError("batch does not belong to campaign")
    checked = check_application(user, campaign, values, attachment_ids, today=day)
    if not (workflow.role_names(user) & set(workflow.SUBMIT.roles)):
        checked.errors.setdefault(FORM, []).insert(0, "只有基层工会用户可以申报")
    closed = campaign_services.batch_closed_reason(batch, day)
    if closed:
        checked.errors.setdefault(FORM, []).insert(0, closed)
    organisation = user.organisation
    if organisation is None or district_of(organisation) is None:
        checked.error(FORM, "您的账号未归属任何区县局（产业）工会，不能申报，请联系区县局管理员")
    return checked


def submit_application(user, campaign, batch, values, attachment_ids, *, today=None):
    """确认无误，申报: check everything, create the application in 未审核 with its audit record.

    Returns the new Application; its ``intake_warnings`` hold the hints that did not block.
    """
    day = today or clock.today()
    checked = submission_check(user, campaign, batch, values, attachment_ids, today=day)
    if checked.errors:
        raise ApplicationRejected(checked.errors, checked.warnings)
    application = Application(
        campaign_id=campaign.id, batch_id=batch.id, organisation_id=user.organisation_id,
        district_id=district_of(user.organisation).id, submitted_by_id=user.id, state=State.PENDING.value, version=1,
        fill_date=day, **_field_values(checked.cleaned))
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise _conflict_refusal(exc, checked.cleaned, user, None) from exc
    _link_attachments(application, checked.attachments, checked.cleaned["variant"])
    review_services.record_creation(application, user)
    db.session.flush()
    application.intake_warnings = checked.warnings
    return application


def correction_check(application, user, values, attachment_ids, *, today=None):
    """Everything correct_application checks, without storing anything."""
    day = today or clock.today()
    checked = check_application(user, application.campaign, values, attachment_ids, today=day,
                                application=application)
    try:
        workflow.check("correct", application, user, day)
    except workflow.WorkflowDenied as exc:
        checked.errors.setdefault(FORM, []).insert(0, str(exc))
    return checked


def correct_application(application, user, values, attachment_ids, *, expected_version=None, today=None):
    """修改报名表: check everything again and store the corrected fields together with the state change
    (back to 未审核) in one optimistic-locked UPDATE, with its audit record."""
    day = today or clock.today()
    checked = correction_check(application, user, values, attachment_ids, today=day)
    if checked.errors:
        raise ApplicationRejected(checked.errors, checked.warnings)
    changes = _field_values(checked.cleaned)
    changes["fill_date"] = day
    application_id = application.id
    try:
        review_services.apply_transition(application, user, "correct", expected_version=expected_version,
                                         today=day, values=changes)
    except IntegrityError as exc:
        db.session.rollback()
        raise _conflict_refusal(exc, checked.cleaned, user, application_id) from exc
    except review_services.ConcurrentChange as exc:
        raise ApplicationRejected({FORM: [str(exc)]}) from exc
    except workflow.WorkflowDenied as exc:
        raise ApplicationRejected({FORM: [str(exc)]}) from exc
    _link_attachments(application, checked.attachments, checked.cleaned["variant"])
    application.intake_warnings = checked.warnings
    return application


def withdraw_application(application, user, *, expected_version=None, today=None, via=None):
    """撤回: only from 未审核; the row is kept as 已撤回 (raises WorkflowDenied / ConcurrentChange)."""
    day = today or clock.today()
    return review_services.apply_transition(application, user, "withdraw", expected_version=expected_version,
                                            today=day, via=via)
