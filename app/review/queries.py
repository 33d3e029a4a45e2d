"""The scoped application list, from (user, filter values): one definition used by the review lists,
their bulk decisions, the 汇总表 export and any other caller (jobs, API).

Scope comes from app.security.scoping (fail closed); the filter is a plain value object, so a caller
outside a Flask-AppBuilder view builds it from whatever it was given.
"""
from dataclasses import dataclass, fields

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from app.applications.models import Application
from app.campaigns.models import Batch, Campaign
from app.orgs.models import Organisation, OrgKind
from app.review.states import State
from app.security.scoping import scope_filter
from app.verification.models import MatchResult, RegisterMatch

#: Columns a list may be ordered by; every order ends with the id so pages never overlap.
ORDERS = {"name": Application.name, "submitted_at": Application.submitted_at, "state": Application.state}
_MAX_ID = 2 ** 63 - 1


@dataclass(frozen=True)
class ApplicationFilter:
    """What the user filtered by; each text field may hold several values (all must match)."""

    campaign: tuple = ()
    batch: tuple = ()
    district: tuple = ()
    state: tuple = ()
    new_level: tuple = ()
    name: tuple = ()
    unit: tuple = ()
    certificate_no: tuple = ()
    #: 核对结果 against the certificate register: a MatchResult code, or UNCHECKED (never matched).
    verification: tuple = ()
    #: The states the screen shows at all (e.g. 配套发放: 终审通过 and later); empty: every state.
    screen_states: tuple = ()

    @classmethod
    def from_values(cls, values, screen_states=()):
        """From a mapping of field → value or list of values (empty values are ignored)."""
        known = {f.name for f in fields(cls)} - {"screen_states"}
        kwargs = {}
        for key, value in values.items():
            if key not in known:
                continue
            items = value if isinstance(value, (list, tuple)) else [value]
            kept = tuple(str(v).strip() for v in items if v is not None and str(v).strip())
            if kept:
                kwargs[key] = kept
        return cls(**kwargs, screen_states=tuple(State(s).value for s in screen_states))


def _ids(values):
    """Related-row ids typed in a URL; anything that is not an id matches nothing."""
    parsed = []
    for value in values:
        if not value.isdigit() or int(value) > _MAX_ID:
            return None
        parsed.append(int(value))
    return parsed


def conditions(user, flt):
    """The WHERE clauses of the user's scoped, filtered applications."""
    clauses = [scope_filter(Application.organisation_id, user)]
    if flt.screen_states:
        clauses.append(Application.state.in_(flt.screen_states))
    for name, column in (("campaign", Application.campaign_id), ("batch", Application.batch_id),
                         ("district", Application.district_id)):
        values = getattr(flt, name)
        if values:
            ids = _ids(values)
            clauses += [false()] if ids is None else [column == pk for pk in ids]
    known_states = {s.value for s in State}
    for value in flt.state:
        clauses.append(Application.state == value if value in known_states else false())
    for value in flt.new_level:
        clauses.append(Application.new_level == value)
    for value in flt.name:
        clauses.append(Application.name.contains(value, autoescape=True))
    for value in flt.certificate_no:
        clauses.append(Application.certificate_no.contains(value, autoescape=True))
    for value in flt.verification:
        clauses.append(_verification(value))
    for value in flt.unit:
        units = select(Organisation.id).where(or_(Organisation.unit_name.contains(value, autoescape=True),
                                                  Organisation.name.contains(value, autoescape=True)))
        clauses.append(Application.organisation_id.in_(units))
    return clauses


#: The 核对结果 filter's value for applications never matched against the register.
UNCHECKED = "unchecked"
VERIFICATION_CHOICES = [(r.value, r.title) for r in MatchResult] + [(UNCHECKED, "未核对")]


def _verification(value):
    matched = select(RegisterMatch.application_id)
    if value == UNCHECKED:
        return Application.id.not_in(matched)
    if value not in {r.value for r in MatchResult}:
        return false()
    return Application.id.in_(matched.where(RegisterMatch.result == value))


def applications(user, flt):
    """select(Application) of the user's scoped, filtered applications (no order)."""
    return select(Application).where(*conditions(user, flt))


def count(session, user, flt):
    return session.scalar(select(func.count(Application.id)).where(*conditions(user, flt)))


def state_counts(session, user, flt):
    """[(state title, count)] in the workflow's order, states with no row left out."""
    counts = dict(session.execute(select(Application.state, func.count(Application.id))
                                  .where(*conditions(user, flt)).group_by(Application.state)).all())
    return [(s.title, counts[s.value]) for s in State if s.value in counts]


def ordered(statement, order_column="submitted_at", direction="desc"):
    column = ORDERS.get(order_column, Application.submitted_at)
    if direction == "asc":
        return statement.order_by(column.asc(), Application.id.asc())
    return statement.order_by(column.desc(), Application.id.desc())


@dataclass(frozen=True)
class Position:
    """Where one application stands in a filtered, ordered list (the record page's 第 3 / 21 份)."""

    #: 1-based place of the application, None when it is not in the list (any more, e.g. just decided).
    number: int | None
    total: int
    previous_id: int | None
    next_id: int | None


def _after(column, value, pk, direction):
    """Rows after (value, pk) in the order (column direction, id direction)."""
    if direction == "asc":
        return or_(column > value, and_(column == value, Application.id > pk))
    return or_(column < value, and_(column == value, Application.id < pk))


def position(session, user, flt, anchor_value, anchor_id, *, order_column="submitted_at", direction="desc"):
    """The Position of the application ``anchor_id`` whose sort column held ``anchor_value`` (its value as the
    list showed it: a decision may since have changed its state), among the user's scoped, filtered applications
    in the list's order. Only ids in scope are ever returned."""
    column = ORDERS.get(order_column, Application.submitted_at)
    direction = "asc" if direction == "asc" else "desc"
    reverse = "desc" if direction == "asc" else "asc"
    where = conditions(user, flt)
    total = session.scalar(select(func.count(Application.id)).where(*where))
    following = ordered(select(Application.id).where(*where, _after(column, anchor_value, anchor_id, direction)),
                        order_column, direction)
    preceding = ordered(select(Application.id).where(*where, _after(column, anchor_value, anchor_id, reverse)),
                        order_column, reverse)
    next_id = session.scalar(following.limit(1))
    previous_id = session.scalar(preceding.limit(1))
    number = None
    if session.scalar(select(func.count(Application.id)).where(*where, Application.id == anchor_id)):
        before = session.scalar(select(func.count(Application.id))
                                .where(*where, _after(column, anchor_value, anchor_id, reverse)))
        number = before + 1
    return Position(number=number, total=total, previous_id=previous_id, next_id=next_id)


def page(session, user, flt, *, order_column="submitted_at", direction="desc", number=0, size=25,
         eager=("submitted_by", "district", "organisation")):
    """(count, rows) of one list page, the rows' shown relations loaded with a constant number of queries."""
    total = count(session, user, flt)
    statement = ordered(applications(user, flt), order_column, direction).limit(size).offset(number * size)
    statement = statement.options(*(selectinload(getattr(Application, name)) for name in eager))
    return total, session.scalars(statement).all()


def keyset_page(session, user, flt, *, after=None, size=25, eager=("organisation", "district", "campaign", "batch")):
    """(rows, next cursor) of the user's scoped, filtered applications, newest id first, after id ``after``.

    Keyset paging: each page costs the same however deep a script reads (no OFFSET); the cursor is the
    last row's id, None when nothing follows."""
    statement = applications(user, flt)
    if after is not None:
        statement = statement.where(Application.id < after)
    statement = statement.order_by(Application.id.desc()).limit(size + 1)
    statement = statement.options(*(selectinload(getattr(Application, name)) for name in eager))
    rows = session.scalars(statement).all()
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


def ids(session, user, flt):
    """Every id of the user's scoped, filtered applications, oldest first (bulk decisions)."""
    statement = select(Application.id).where(*conditions(user, flt))
    return list(session.scalars(statement.order_by(Application.submitted_at, Application.id)))


def filter_choices(session, with_districts=False):
    """Options of the list filters: {column: [(value, label)]} for 报名活动, 批次 and (the city) 区县局."""
    campaigns = session.execute(select(Campaign.id, Campaign.name).order_by(Campaign.start_date.desc())).all()
    batches = session.execute(
        select(Batch.id, Campaign.name, Batch.name).join(Campaign, Campaign.id == Batch.campaign_id)
        .order_by(Campaign.start_date.desc(), Batch.number)).all()
    choices = {"campaign": [(str(i), n) for i, n in campaigns],
               "batch": [(str(i), f"{c} {b}") for i, c, b in batches]}
    if with_districts:
        districts = session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.kind.in_((OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value)))
            .order_by(Organisation.kind, Organisation.path)).all()
        choices["district"] = [(str(i), n) for i, n in districts]
    return choices
