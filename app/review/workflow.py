"""The application workflow (SPEC §4) as data: which transition, from which states, by which role.

Deny by default: a transition not in the table, or whose role, scope or date condition fails, is refused.
No HTTP and no database writes here; services call ``check`` before they change anything.
"""
from dataclasses import dataclass, field

from app import clock
from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.applications.attachments import missing_scans_text, missing_titles
from app.clock import cn_date
from app.review.states import CORRECTABLE, State
from app.security.scoping import UNIT, in_scope


class WorkflowDenied(Exception):
    """The transition is not allowed now; the message is for the user."""


@dataclass(frozen=True)
class Transition:
    name: str
    title: str
    sources: tuple
    target: State
    roles: tuple
    requires_comment: bool = False
    #: (application, user, today) -> None if allowed, else the reason (Chinese).
    conditions: tuple = field(default_factory=tuple)
    #: False: no screen, bulk action or API call offers this step; only the service of the domain that owns it
    #: takes it (配套发放: app.payments.transfers, every application under a 划拨 voucher).
    offered: bool = True


def _batch_open(application, user, today):
    if today > application.batch.system_deadline:
        return f"{application.batch.name}已于{cn_date(application.batch.system_deadline)}截止网上受理，不能再修改"
    return None


def _review_window(application, user, today):
    if today > application.batch.paper_deadline:
        return f"{application.batch.name}的审核已于{cn_date(application.batch.paper_deadline)}截止"
    return None


def _own_unit(application, user, today):
    if not in_scope(user, application.organisation, UNIT):
        return "只能处理本单位的申请"
    return None


def _scans_complete(application, user, today):
    titles = missing_titles(application)
    if titles:
        return f"{missing_scans_text(titles)}，须由基层工会补传后才能审核通过"
    return None


#: Decisions of the city are read-only for the district: it may void only what it still decides on.
DISTRICT_VOIDABLE = (State.PENDING, State.DISTRICT_APPROVED, State.DISTRICT_REJECTED)
CITY_VOIDABLE = DISTRICT_VOIDABLE + (State.FINAL_APPROVED, State.FINAL_REJECTED)

TRANSITIONS = (
    Transition("correct", "修改报名表", CORRECTABLE, State.PENDING, (GRASSROOTS,),
               conditions=(_own_unit, _batch_open)),
    Transition("withdraw", "撤回", (State.PENDING,), State.WITHDRAWN, (GRASSROOTS,),
               conditions=(_own_unit,)),
    Transition("approve_by_district", "审核通过", (State.PENDING,), State.DISTRICT_APPROVED, (DISTRICT_ADMIN,),
               conditions=(_review_window, _scans_complete)),
    Transition("reject_by_district", "审核不通过", (State.PENDING,), State.DISTRICT_REJECTED, (DISTRICT_ADMIN,),
               requires_comment=True, conditions=(_review_window,)),
    Transition("approve_final", "终审通过", (State.DISTRICT_APPROVED,), State.FINAL_APPROVED, (SYSTEM_ADMIN,)),
    Transition("reject_final", "终审不通过", (State.DISTRICT_APPROVED,), State.FINAL_REJECTED, (SYSTEM_ADMIN,),
               requires_comment=True),
    Transition("fund", "配套发放", (State.FINAL_APPROVED,), State.FUNDED, (FINANCE,), offered=False),
    Transition("record_payment", "已发放至职工", (State.FUNDED,), State.PAID, (DISTRICT_ADMIN,)),
    Transition("void", "作废", DISTRICT_VOIDABLE, State.VOIDED, (DISTRICT_ADMIN,), requires_comment=True),
    Transition("void", "作废", CITY_VOIDABLE, State.VOIDED, (SYSTEM_ADMIN,), requires_comment=True),
)
#: Creating an application (确认无误，申报) has no source state; it is checked by the intake service.
SUBMIT = Transition("submit", "确认无误，申报", (), State.PENDING, (GRASSROOTS,))
#: Titles of every action code in the audit trail, the creation included.
ACTION_TITLES = {t.name: t.title for t in TRANSITIONS + (SUBMIT,)}


def role_names(user):
    return {r.name for r in getattr(user, "roles", ()) or ()}


def _basic_denial(transition, application, user):
    """Why the transition does not apply at all: its source state, the role, the scope (None if it does)."""
    if State(application.state) not in transition.sources:
        return "该申请当前状态为“%s”，不能%s" % (State(application.state).title, transition.title)
    if not (role_names(user) & set(transition.roles)):
        return "您的角色不能执行“%s”" % transition.title
    if not in_scope(user, application.organisation):
        return "该申请不在您的管理范围内"
    return None


def _denial(transition, application, user, today):
    basic = _basic_denial(transition, application, user)
    if basic:
        return basic
    for condition in transition.conditions:
        reason = condition(application, user, today)
        if reason:
            return reason
    return None


def check(name, application, user, today=None):
    """The transition ``name`` allowed for this user on this application now, or WorkflowDenied."""
    today = today or clock.today()
    candidates = [t for t in TRANSITIONS if t.name == name]
    if not candidates:
        raise WorkflowDenied("未知的操作")
    reasons = []
    for transition in candidates:
        reason = _denial(transition, application, user, today)
        if reason is None:
            return transition
        reasons.append(reason)
    # The reason of the row meant for the user's role is the useful one.
    for transition, reason in zip(candidates, reasons):
        if role_names(user) & set(transition.roles):
            raise WorkflowDenied(reason)
    raise WorkflowDenied(reasons[0])


def offered(name):
    """Whether a screen, a bulk action or the API may offer transition ``name`` (see Transition.offered)."""
    return any(t.offered for t in TRANSITIONS if t.name == name)


def source_states(name, user):
    """The states from which ``user``'s roles may apply transition ``name`` (for counts before a bulk step)."""
    roles = role_names(user)
    return {source for t in TRANSITIONS if t.name == name and roles & set(t.roles) for source in t.sources}


def available_transitions(application, user, today=None):
    """Every offered transition this user may apply to this application now (buttons are built from it)."""
    today = today or clock.today()
    seen, allowed = set(), []
    for transition in TRANSITIONS:
        if not transition.offered:
            continue
        if transition.name not in seen and _denial(transition, application, user, today) is None:
            allowed.append(transition)
            seen.add(transition.name)
    return allowed


def blocked_transitions(application, user, today=None):
    """{name: reason} of the transitions that apply to this application and user (state, role, scope) but
    that a condition refuses now, e.g. 审核通过 while scans are missing: pages show the reason where the
    button would be."""
    today = today or clock.today()
    blocked = {}
    allowed = {t.name for t in available_transitions(application, user, today)}
    for transition in TRANSITIONS:
        if not transition.offered or transition.name in allowed or transition.name in blocked:
            continue
        if _basic_denial(transition, application, user) is None:
            blocked[transition.name] = _denial(transition, application, user, today)
    return blocked


def path_to(state):
    """The transitions that lead a new (未审核) application to ``state``, shortest first found.

    Loaders of demo and benchmark data follow it, so they never re-declare the workflow."""
    state = State(state)
    paths = {State.PENDING: ()}
    frontier = [State.PENDING]
    while frontier and state not in paths:
        following = []
        for source in frontier:
            for transition in TRANSITIONS:
                if source in transition.sources and transition.target not in paths:
                    paths[transition.target] = paths[source] + (transition,)
                    following.append(transition.target)
        frontier = following
    if state not in paths:
        raise ValueError(f"no path to {state}")
    return list(paths[state])


@dataclass(frozen=True)
class Effect:
    """What a step writes besides the state: columns of the application, amounts of the audit record."""

    values: dict = field(default_factory=dict)
    amount: object = None
    amount2: object = None


#: Transition name → prepare(application, user, params, today) → Effect, registered by the domain that owns
#: the step (配套发放 and 已发放至职工 by app.payments.services); it raises WorkflowDenied on bad input.
_EFFECTS = {}


def register_effect(name):
    """Decorator: the function computing what transition ``name`` writes besides the state."""
    if name not in ACTION_TITLES:
        raise KeyError(name)

    def register(prepare):
        _EFFECTS[name] = prepare
        return prepare

    return register


def effect_of(name):
    return _EFFECTS.get(name)
