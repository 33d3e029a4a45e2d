"""申请单 (附件3 区县 / 附件4 产业局): one per 区县局（产业）工会 and batch.

The system counts the organisation's applications of the batch that passed 区县局初审 (and every later state
except the rejected one); the organisation types its 配套奖励方案, the names of its 分管领导 and 经办人 and,
for a 产业局, its HR department's opinion. 提交 locks it with a snapshot of the counts; the city may 退回 it
with a reason, which unlocks it. Every save, submit and return is in the request's audit trail.

No HTTP here: views call these services, which check, change, record and flush (the caller commits).
"""
import re
from dataclasses import dataclass, fields

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.roles import DISTRICT_ADMIN, SYSTEM_ADMIN
from app.applications.models import Application
from app.campaigns import signals
from app.campaigns.models import (
    Batch,
    Campaign,
    CampaignState,
    DistrictRequest,
    DistrictRequestEvent,
    DistrictRequestState,
)
from app.clock import cn_date, today, utcnow
from app.enums import TitledEnum
from app.exports.xlsx import Column
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.payments.rules import AmountInvalid, parse_amount
from app.reference import data
from app.review.states import State
from app.security.arguments import is_id
from app.security.scoping import SUBTREE, UNIT, in_scope, limit_to_scope

#: Applications a 申请单 counts: passed 区县局初审, or any later state except the city's rejection.
COUNTED_STATES = (State.DISTRICT_APPROVED, State.FINAL_APPROVED, State.FUNDED, State.PAID)
#: Organisations that hand in a 申请单.
REQUESTING_KINDS = (OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value)
#: Campaigns whose batches have 申请单 (a draft campaign has none yet).
VISIBLE_CAMPAIGN_STATES = (CampaignState.PUBLISHED.value, CampaignState.ENDED.value)

NAME_MAX = 30
OPINION_MAX = 500
REASON_MAX = 500
_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]+(?:[ ·][\u3400-\u4dbf\u4e00-\u9fffA-Za-z]+)*$")

FIELD_LABELS = {
    "matching_technician": "新晋升技师每人配套奖励",
    "matching_senior_technician": "新晋升高级技师每人配套奖励",
    "leader_name": "分管领导",
    "handler_name": "经办人",
    "hr_opinion": "人力资源部门审核意见",
}
ACTION_TITLES = {"save": "保存", "submit": "提交", "return": "退回"}


class RequestStatus(TitledEnum):
    """What the city's list says of one organisation's 申请单 for a batch."""

    EMPTY = ("empty", "未填写")
    FILLED = ("filled", "已填写")
    SUBMITTED = ("submitted", "已提交")
    OVERDUE = ("overdue", "逾期未交")


class RequestInvalid(ValueError):
    """Refused values; ``errors`` maps each form field to its Chinese message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


class RequestDenied(Exception):
    """The step is not allowed now (state, deadline, role, a concurrent change); the message is for the user."""


@dataclass(frozen=True)
class Counts:
    total: int = 0
    technician: int = 0
    senior_technician: int = 0
    general: int = 0
    industry: int = 0

    def as_tuple(self):
        return tuple(getattr(self, f.name) for f in fields(self))


COUNT_LABELS = (("total", "申请职工"), ("technician", "新晋升技师"), ("senior_technician", "新晋升高级技师"),
                ("general", "通用工种"), ("industry", "行业特有工种"))


# -- counts ----------------------------------------------------------------------------------------------

def live_counts(user, organisations, batch):
    """{organisation id: Counts} of ``organisations`` for ``batch``, in one GROUP BY query, limited to what
    ``user`` may see (an organisation outside the user's scope counts nothing)."""
    ids = [org.id for org in organisations]
    if not ids:
        return {}
    unit = aliased(Organisation)
    owner = aliased(Organisation)

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = (
        select(owner.id, func.count(Application.id),
               count_if(Application.new_level == data.TECHNICIAN),
               count_if(Application.new_level == data.SENIOR_TECHNICIAN),
               count_if(Application.variant == data.VARIANT_GENERAL),
               count_if(Application.variant == data.VARIANT_INDUSTRY))
        .select_from(Application)
        .join(unit, unit.id == Application.organisation_id)
        # The submitting unit lies in the owner's subtree (materialised paths: "/1/5/" ⊂ "/1/5/203/").
        .join(owner, unit.path.like(owner.path + literal("%")))
        .where(owner.id.in_(ids), Application.batch_id == batch.id,
               Application.state.in_([s.value for s in COUNTED_STATES]))
        .group_by(owner.id)
    )
    statement = limit_to_scope(statement, Application.organisation_id, user, SUBTREE)
    found = {org_id: Counts(*(int(n) for n in numbers)) for org_id, *numbers in db.session.execute(statement)}
    return {org_id: found.get(org_id, Counts()) for org_id in ids}


def counts_for(user, organisation, batch):
    """The live Counts of one organisation and batch."""
    return live_counts(user, [organisation], batch)[organisation.id]


def submitted_counts(request):
    """The Counts kept on 提交, or None if the request is not submitted."""
    if request is None or not request.is_submitted or request.submitted_total is None:
        return None
    return Counts(request.submitted_total, request.submitted_technician or 0,
                  request.submitted_senior_technician or 0, request.submitted_general or 0,
                  request.submitted_industry or 0)


def count_differences(snapshot, live):
    """[(label, submitted, now)] of the counts that changed since 提交 (empty if none or not submitted)."""
    if snapshot is None:
        return []
    return [(label, getattr(snapshot, name), getattr(live, name)) for name, label in COUNT_LABELS
            if getattr(snapshot, name) != getattr(live, name)]


# -- finding ---------------------------------------------------------------------------------------------

def is_requesting(organisation):
    return organisation is not None and organisation.kind in REQUESTING_KINDS


def visible_batch(batch_id):
    """The batch ``batch_id`` if its campaign is published or ended, else None."""
    if not is_id(batch_id):
        return None
    return db.session.scalar(select(Batch).join(Campaign, Campaign.id == Batch.campaign_id).where(
        Batch.id == batch_id, Campaign.state.in_(VISIBLE_CAMPAIGN_STATES)))


def visible_batches():
    """Batches of published and ended campaigns, newest first."""
    return db.session.scalars(
        select(Batch).join(Campaign, Campaign.id == Batch.campaign_id)
        .where(Campaign.state.in_(VISIBLE_CAMPAIGN_STATES))
        .order_by(Campaign.start_date.desc(), Campaign.id.desc(), Batch.number)
    ).all()


def organisation_in_scope(user, organisation_id, kind=SUBTREE):
    """The 区县局（产业）工会 ``organisation_id`` if it lies in the user's scope of ``kind``, else None."""
    try:
        organisation_id = int(organisation_id)
    except (TypeError, ValueError):
        return None
    org = db.session.get(Organisation, organisation_id) if -(2 ** 63) < organisation_id < 2 ** 63 else None
    if not is_requesting(org) or not in_scope(user, org, kind):
        return None
    return org


def find_request(organisation_id, batch_id):
    return db.session.scalar(select(DistrictRequest).where(
        DistrictRequest.organisation_id == organisation_id, DistrictRequest.batch_id == batch_id))


def submitted_request(organisation_id, batch_id):
    """The submitted 申请单 of an organisation for a batch (its matching amounts are binding), or None."""
    return db.session.scalar(select(DistrictRequest).where(
        DistrictRequest.organisation_id == organisation_id, DistrictRequest.batch_id == batch_id,
        DistrictRequest.state == DistrictRequestState.SUBMITTED.value))


def status_of(request, batch, day=None):
    """未填写 / 已填写 / 已提交 / 逾期未交 of a request (None: nothing saved yet) on ``day``."""
    day = day or today()
    if request is not None and request.is_submitted:
        return RequestStatus.SUBMITTED
    if day > batch.paper_deadline:
        return RequestStatus.OVERDUE
    return RequestStatus.FILLED if request is not None else RequestStatus.EMPTY


def paper_deadline_passed(batch, day=None):
    return (day or today()) > batch.paper_deadline


# -- rules (pure) ----------------------------------------------------------------------------------------

def _clean_name(value, field):
    label = FIELD_LABELS[field]
    text = re.sub(r"\s+", " ", str(value or "")).strip().replace("•", "·").replace("．", "·")
    if not text:
        return text, f"请填写{label}姓名"
    if len(text) < 2 or len(text) > NAME_MAX:
        return text, f"{label}姓名应为2至{NAME_MAX}个字"
    if not _NAME.match(text):
        return text, f"{label}姓名只能包含汉字、英文字母和间隔号“·”"
    return text, None


def clean_request_form(form, organisation):
    """(values, errors) of a 申请单 form: amounts ≥ 0 with at most 2 decimals, both names, and for a 产业局
    the HR opinion. ``values`` keeps what was typed where a field is refused (nothing typed is lost)."""
    values, errors = {}, {}
    for field in ("matching_technician", "matching_senior_technician"):
        raw = form.get(field)
        try:
            values[field] = parse_amount(raw, field, FIELD_LABELS[field])
        except AmountInvalid as exc:
            values[field] = str(raw or "").strip()
            errors[field] = str(exc)
    for field in ("leader_name", "handler_name"):
        values[field], error = _clean_name(form.get(field), field)
        if error:
            errors[field] = error
    if organisation.kind == OrgKind.INDUSTRY.value:
        opinion = str(form.get("hr_opinion") or "").strip()
        values["hr_opinion"] = opinion
        if not opinion:
            errors["hr_opinion"] = "请填写本局、产业（集团）人力资源部门对行业特有工种类申请职工的审核意见"
        elif len(opinion) > OPINION_MAX:
            errors["hr_opinion"] = f"审核意见不能超过{OPINION_MAX}个字（现为{len(opinion)}个字）"
    return values, errors


def form_values(request):
    """The stored values of a request as the form shows them."""
    if request is None:
        return {}
    return {
        "matching_technician": "" if request.matching_technician is None else f"{request.matching_technician:.2f}",
        "matching_senior_technician": "" if request.matching_senior_technician is None
        else f"{request.matching_senior_technician:.2f}",
        "leader_name": request.leader_name or "", "handler_name": request.handler_name or "",
        "hr_opinion": request.hr_opinion or "",
    }


# -- services --------------------------------------------------------------------------------------------

def _role(user, wanted):
    names = {r.name for r in getattr(user, "roles", ()) or ()}
    return wanted if wanted in names else None


def _record(request, user, role, action, from_state, comment=None):
    db.session.add(DistrictRequestEvent(
        request=request, user_id=user.id, role=role, organisation_id=user.organisation_id, action=action,
        from_state=from_state, to_state=request.state, comment=(comment or None) and comment[:500]))


def _summary(request):
    parts = [f"技师配套 {request.matching_technician:.2f} 元/人",
             f"高级技师配套 {request.matching_senior_technician:.2f} 元/人",
             f"分管领导 {request.leader_name}", f"经办人 {request.handler_name}"]
    if request.organisation.kind == OrgKind.INDUSTRY.value:
        parts.append("人力资源部门意见已填写")
    return "；".join(parts)


def _check_district(user, organisation, batch, request, expected_version, day, verb):
    if not _role(user, DISTRICT_ADMIN) or not in_scope(user, organisation, UNIT):
        raise RequestDenied(f"只有{organisation.name}的管理员才能{verb}本申请单")
    if request is not None and request.is_submitted:
        raise RequestDenied("申请单已提交，不能再修改；如需更正，请联系市职工技协服务中心退回")
    if day > batch.paper_deadline:
        raise RequestDenied(f"{batch.name}的《申请单》已于{cn_date(batch.paper_deadline)}截止报送，不能再{verb}")
    current = request.version if request is not None else 0
    if expected_version is not None and expected_version != current:
        raise RequestDenied("申请单刚被他人修改过，请核对后重新操作（您填写的内容仍保留在下方）")


def _flush(message):
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise RequestDenied(message) from None


def save_request(user, organisation, batch, form, *, expected_version=None, day=None):
    """保存: store the typed values (refused ones raise RequestInvalid and store nothing; unchanged ones nothing)."""
    day = day or today()
    request = find_request(organisation.id, batch.id)
    _check_district(user, organisation, batch, request, expected_version, day, "修改")
    values, errors = clean_request_form(form, organisation)
    if errors:
        raise RequestInvalid(errors)
    created = request is None
    if not created and all(getattr(request, field) == value for field, value in values.items()):
        return request  # nothing changed: no write, no record (提交 right after 保存 records only itself)
    if created:
        request = DistrictRequest(organisation=organisation, batch=batch,
                                  state=DistrictRequestState.DRAFT.value)
        db.session.add(request)
    for field, value in values.items():
        setattr(request, field, value)
    request.updated_by_id = user.id
    request.updated_at = utcnow()
    _record(request, user, DISTRICT_ADMIN, "save", None if created else request.state, _summary(request))
    _flush("申请单刚被他人修改过，请核对后重新操作")
    return request


def submit_request(user, organisation, batch, form, *, expected_version=None, day=None):
    """提交: save what was typed, then lock the request with a snapshot of today's counts."""
    day = day or today()
    request = find_request(organisation.id, batch.id)
    _check_district(user, organisation, batch, request, expected_version, day, "提交")
    counts = counts_for(user, organisation, batch)
    values, errors = clean_request_form(form, organisation)
    if errors:
        raise RequestInvalid(errors)
    if counts.total == 0:
        raise RequestDenied(f"{batch.name}尚无区县局初审通过的申请，不能提交申请单")
    request = save_request(user, organisation, batch, form, expected_version=expected_version, day=day)
    before = request.state
    request.state = DistrictRequestState.SUBMITTED.value
    request.submitted_by_id = user.id
    request.submitted_at = utcnow()
    (request.submitted_total, request.submitted_technician, request.submitted_senior_technician,
     request.submitted_general, request.submitted_industry) = counts.as_tuple()
    _record(request, user, DISTRICT_ADMIN, "submit", before,
            f"申请职工 {counts.total} 名（技师 {counts.technician}、高级技师 {counts.senior_technician}；"
            f"通用工种 {counts.general}、行业特有工种 {counts.industry}）")
    _flush("申请单刚被他人修改过，请核对后重新提交")
    signals.request_changed.send(request, action="submit", user=user, comment=None)
    return request


def return_request(user, request, reason, *, expected_version=None):
    """退回 (市职工技协服务中心): unlock a submitted request, with the reason the district will read."""
    if not _role(user, SYSTEM_ADMIN):
        raise RequestDenied("只有市职工技协服务中心才能退回申请单")
    if request is None or not request.is_submitted:
        raise RequestDenied("该申请单尚未提交，不能退回")
    if expected_version is not None and expected_version != request.version:
        raise RequestDenied("申请单刚被修改过，请核对后重新操作")
    reason = str(reason or "").strip()
    if not reason:
        raise RequestInvalid({"reason": "请填写退回原因"})
    if len(reason) > REASON_MAX:
        raise RequestInvalid({"reason": f"退回原因不能超过{REASON_MAX}个字（现为{len(reason)}个字）"})
    request.state = DistrictRequestState.DRAFT.value
    request.returned_by_id = user.id
    request.returned_at = utcnow()
    request.return_reason = reason
    request.submitted_by_id = None
    request.submitted_at = None
    (request.submitted_total, request.submitted_technician, request.submitted_senior_technician,
     request.submitted_general, request.submitted_industry) = (None,) * 5
    _record(request, user, SYSTEM_ADMIN, "return", DistrictRequestState.SUBMITTED.value, reason)
    _flush("申请单刚被修改过，请核对后重新退回")
    signals.request_changed.send(request, action="return", user=user, comment=reason)
    return request


# -- lists -----------------------------------------------------------------------------------------------

@dataclass
class Row:
    organisation: object
    request: object
    status: RequestStatus
    live: Counts
    submitted: Counts | None

    @property
    def shown(self):
        """The counts the 申请单 states: as submitted, else as they are now."""
        return self.submitted or self.live

    @property
    def differences(self):
        return count_differences(self.submitted, self.live)


def batch_rows(user, batch, day=None):
    """Every 区县局（产业）工会 in the user's scope with its 申请单 for ``batch`` (None when nothing was saved),
    its status, live counts and snapshot; inactive organisations only when they have a request."""
    day = day or today()
    requests = {r.organisation_id: r for r in db.session.scalars(
        limit_to_scope(select(DistrictRequest).where(DistrictRequest.batch_id == batch.id),
                       DistrictRequest.organisation_id, user))}
    organisations = db.session.scalars(limit_to_scope(
        select(Organisation).where(Organisation.kind.in_(REQUESTING_KINDS),
                                   or_(Organisation.active.is_(True), Organisation.id.in_(list(requests) or [-1]))),
        Organisation.id, user).order_by(Organisation.kind, Organisation.code, Organisation.path)).all()
    counts = live_counts(user, organisations, batch)
    return [Row(org, requests.get(org.id), status_of(requests.get(org.id), batch, day), counts[org.id],
                submitted_counts(requests.get(org.id))) for org in organisations]


def own_rows(user, day=None):
    """The user's own 申请单, one per visible batch, newest campaign first: [(batch, Row)]."""
    day = day or today()
    org = getattr(user, "organisation", None)
    if not is_requesting(org):
        return []
    batches = visible_batches()
    requests = {r.batch_id: r for r in db.session.scalars(
        select(DistrictRequest).where(DistrictRequest.organisation_id == org.id))}
    rows = []
    for batch in batches:
        request = requests.get(batch.id)
        live = counts_for(user, org, batch)
        rows.append((batch, Row(org, request, status_of(request, batch, day), live, submitted_counts(request))))
    return rows


def pending_on_home(user, day=None):
    """For the home page: the user's 申请单 of batches that have opened and whose paper deadline has not passed."""
    day = day or today()
    return [(batch, row) for batch, row in own_rows(user, day)
            if batch.opens_on <= day <= batch.paper_deadline]


def excel_columns():
    return [Column("区县局（产业）工会", 26), Column("类型", 8), Column("状态", 10),
            Column("申请职工（名）", 12, "integer"), Column("新晋升技师（名）", 12, "integer"),
            Column("新晋升高级技师（名）", 14, "integer"), Column("通用工种（名）", 12, "integer"),
            Column("行业特有工种（名）", 14, "integer"), Column("技师配套奖励（元/人）", 14, "money"),
            Column("高级技师配套奖励（元/人）", 16, "money"), Column("分管领导", 10), Column("经办人", 10),
            Column("提交时间", 17, "datetime"), Column("提交后变化", 30), Column("退回原因", 30)]


def excel_rows(rows, local_time):
    """One spreadsheet row per organisation of ``rows`` (from :func:`batch_rows`)."""
    for row in rows:
        request = row.request
        shown = row.shown
        differences = "；".join(f"{label} 提交时 {then}，现为 {now}" for label, then, now in row.differences)
        yield (row.organisation.name, row.organisation.kind_title, row.status.title,
               shown.total, shown.technician, shown.senior_technician, shown.general, shown.industry,
               request.matching_technician if request else None,
               request.matching_senior_technician if request else None,
               request.leader_name if request else None, request.handler_name if request else None,
               local_time(request.submitted_at) if request and request.submitted_at else None,
               differences or None,
               request.return_reason if request and not request.is_submitted else None)
