"""The scoped application list, from (user, filter values): one definition used by the review lists,
their bulk decisions, the 汇总表 export and any other caller (jobs, API).

Scope comes from app.security.scoping (fail closed); the filter is a plain value object, so a caller
outside a Flask-AppBuilder view builds it from whatever it was given.
"""
import threading
import time
from dataclasses import dataclass, fields

from flask import current_app, has_app_context
from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.sql import operators

from app.applications.attachments import missing_scans_clause
from app.applications.models import Application
from app.campaigns.models import Batch, Campaign
from app.ocr.models import ScanCheck
from app.orgs.models import Organisation, OrgKind
from app.review.states import State
from app.security.scoping import SUBTREE, scope_filter, user_org
from app.verification.models import MatchResult, RegisterMatch

#: What a review list page reads of each of its applications: the columns it shows and what its row buttons
#: check (state and scope for 作废, the variant for 缺少扫描件). Not the form's other fields, nor the encrypted
#: personal numbers: nothing on a list decrypts a number. Any other column read from such a row raises.
LIST_COLUMNS = ("id", "campaign_id", "batch_id", "organisation_id", "district_id", "submitted_by_id", "variant",
                "state", "version", "name", "submitted_at")
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
    #: 扫描件: MISSING_SCANS (a required scan is missing) or COMPLETE_SCANS.
    scans: tuple = ()
    #: 扫描件识别 against the typed key fields: one of SCAN_CHOICES' values.
    scan: tuple = ()
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


def conditions(user, flt, kind=SUBTREE):
    """The WHERE clauses of the user's scoped (``kind``: app.security.scoping), filtered applications."""
    clauses = [scope_filter(Application.organisation_id, user, kind)]
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
    for value in flt.scans:
        clauses.append(scans_condition(value))
    for value in flt.scan:
        clauses.append(_scan(value))
    for value in flt.unit:
        units = select(Organisation.id).where(or_(Organisation.unit_name.contains(value, autoescape=True),
                                                  Organisation.name.contains(value, autoescape=True)))
        clauses.append(Application.organisation_id.in_(units))
    return clauses


#: The 核对结果 filter's value for applications never matched against the register.
UNCHECKED = "unchecked"
VERIFICATION_CHOICES = [(r.value, r.title) for r in MatchResult] + [(UNCHECKED, "未核对")]


#: The 扫描件 filter's values: applications lacking a scan their variant requires, or carrying them all.
MISSING_SCANS, COMPLETE_SCANS = "missing", "complete"
SCANS_CHOICES = [(MISSING_SCANS, "缺少扫描件"), (COMPLETE_SCANS, "扫描件齐全")]


def scans_condition(value):
    """The WHERE clause of the 扫描件 filter's ``value`` (an unknown value matches nothing)."""
    if value == MISSING_SCANS:
        return missing_scans_clause()
    if value == COMPLETE_SCANS:
        return ~missing_scans_clause()
    return false()


def _verification(value):
    matched = select(RegisterMatch.application_id)
    if value == UNCHECKED:
        return Application.id.not_in(matched)
    if value not in {r.value for r in MatchResult}:
        return false()
    return Application.id.in_(matched.where(RegisterMatch.result == value))


#: The 扫描件核对 filter: a key field differs from the scans; none differs; the scans not read (yet).
SCAN_DIFFER, SCAN_NO_DIFFERENCE, SCAN_UNCHECKED = "differ", "same", "unchecked"
SCAN_CHOICES = [(SCAN_DIFFER, "扫描件与填写不一致"), (SCAN_NO_DIFFERENCE, "未发现不一致"),
                (SCAN_UNCHECKED, "扫描件未识别")]


def _scan(value):
    checked = select(ScanCheck.application_id)
    if value == SCAN_DIFFER:
        return Application.id.in_(checked.where(ScanCheck.differs.is_(True)))
    if value == SCAN_NO_DIFFERENCE:
        return Application.id.in_(checked.where(ScanCheck.differs.is_(False)))
    if value == SCAN_UNCHECKED:
        return Application.id.not_in(checked)
    return false()


def applications(user, flt, kind=SUBTREE):
    """select(Application) of the user's scoped, filtered applications (no order)."""
    return select(Application).where(*conditions(user, flt, kind))


def count(session, user, flt, kind=SUBTREE):
    """The exact number of the user's scoped, filtered applications."""
    return session.scalar(select(func.count(Application.id)).where(*conditions(user, flt, kind)))


class Total(int):
    """A list's number of rows; ``estimated`` when above the exact-count limit it may be a little old."""

    estimated = False

    def __new__(cls, value, estimated=False):
        total = super().__new__(cls, value)
        total.estimated = estimated
        return total


class _CountCache:
    """Exact counts of big lists, per process, for a few seconds: a city's list is not counted again on every
    page. Keyed by the scope (organisation path and kind) and the filter, so users of one scope share it."""

    def __init__(self, size=512):
        self.size, self.entries, self.lock = size, {}, threading.Lock()

    def get(self, key, max_age):
        with self.lock:
            entry = self.entries.get(key)
        if entry is not None and time.monotonic() - entry[0] <= max_age:
            return entry[1]
        return None

    def put(self, key, value):
        with self.lock:
            if len(self.entries) >= self.size:
                oldest = min(self.entries, key=lambda k: self.entries[k][0])
                del self.entries[oldest]
            self.entries[key] = (time.monotonic(), value)

    def clear(self):
        with self.lock:
            self.entries.clear()


count_cache = _CountCache()


def _setting(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def counted(session, id_select, key):
    """The number of rows of ``id_select`` (a select of ids) as a list shows it: exact up to LIST_EXACT_COUNT
    (counting at most that many, an index-only scan); above it an exact count at most LIST_COUNT_CACHE_SECONDS
    old, cached under ``key`` (scope and filter) and marked ``estimated``, so that a big list is not counted
    whole on every page and the page says 约. ``key`` None: always exact (lists that are never big)."""
    if key is None:
        return Total(session.scalar(select(func.count()).select_from(id_select.subquery())))
    limit = int(_setting("LIST_EXACT_COUNT", 10_000))
    max_age = float(_setting("LIST_COUNT_CACHE_SECONDS", 60))
    cached = count_cache.get(key, max_age)
    if cached is not None and cached > limit:
        # Known to be big a moment ago: not even the bounded count is run again.
        return Total(cached, estimated=True)
    exact = _count_upto(session, id_select, limit)
    if exact is not None:
        return Total(exact)
    if cached is None:
        cached = session.scalar(select(func.count()).select_from(id_select.subquery()))
        count_cache.put(key, cached)
    return Total(max(cached, limit + 1), estimated=True)


def scope_key(user, kind=SUBTREE):
    """What a count cache key needs of the user: the scope (organisation path and kind), not the person."""
    org = user_org(user)
    return (org.path if org is not None else None, kind)


def list_count(session, user, flt, kind=SUBTREE):
    """The number of rows of the user's scoped, filtered list, as :func:`counted` gives it."""
    return counted(session, select(Application.id).where(*conditions(user, flt, kind)),
                   ("applications", *scope_key(user, kind), flt))


def state_counts(session, user, flt):
    """[(state title, count)] in the workflow's order, states with no row left out."""
    counts = dict(session.execute(select(Application.state, func.count(Application.id))
                                  .where(*conditions(user, flt)).group_by(Application.state)).all())
    return [(s.title, counts[s.value]) for s in State if s.value in counts]


def _order(column_name, direction):
    column = ORDERS.get(column_name, Application.submitted_at)
    if direction == "asc":
        return column.asc(), Application.id.asc()
    return column.desc(), Application.id.desc()


def ordered(statement, order_column="submitted_at", direction="desc"):
    return statement.order_by(*_order(order_column, direction))


def _reversed(clause):
    """ORDER BY clause the other way round (column.desc() ↔ column.asc())."""
    modifier, column = clause.modifier, clause.element
    return column.asc() if modifier is operators.desc_op else column.desc()


def page_ids(session, id_select, order, *, number=0, size=25, total=None):
    """The ids of one page of ``id_select`` (a select of ids, no order) in ``order`` (ORDER BY clauses, each
    .asc() or .desc(), ending with a unique column). Only ids are read — an index-only scan of the index
    serving the order —; a page in the far half of a list of ``total`` rows is read from the other end, so
    the last page costs what the first does."""
    offset = max(number, 0) * size
    if total is not None and offset >= size and offset + size > total / 2 and offset < total:
        limit = min(size, total - offset)
        statement = (id_select.order_by(*(_reversed(c) for c in order))
                     .limit(limit).offset(max(total - offset - limit, 0)))
        return list(reversed(session.scalars(statement).all()))
    return session.scalars(id_select.order_by(*order).limit(size).offset(offset)).all()


def rows_by_id(session, model, ids, eager=(), columns=None):
    """The rows ``ids`` of ``model`` in that order, their shown many-to-one relations joined in the same
    statement (the joins run for these few rows only, after the page was chosen); with ``columns``, only those
    columns are read (reading another one then raises instead of querying row by row)."""
    if not ids:
        return []
    statement = select(model).where(model.id.in_(ids))
    statement = statement.options(*(joinedload(getattr(model, name)) for name in eager))
    if columns:
        statement = statement.options(load_only(*(getattr(model, c) for c in columns), raiseload=True))
    found = {row.id: row for row in session.scalars(statement).unique()}
    return [found[pk] for pk in ids if pk in found]


def page_of(session, model, id_select, order, *, number, size, count_key=None, eager=(), columns=None):
    """(total, rows) of one page of a list, in three statements whatever the page size: the count
    (:func:`counted` under ``count_key``), the page's ids, then those rows with their shown relations
    (``columns``: only those, see :func:`rows_by_id`)."""
    total = counted(session, id_select, count_key)
    ids = page_ids(session, id_select, order, number=number, size=size, total=int(total))
    return total, rows_by_id(session, model, ids, eager, columns)


def _fenced(user, flt, kind, order_column, direction):
    """(id select, order) reading the matching rows first and ordering only those: for a text search
    (姓名/单位/证书编号 包含) in a district, where walking the list's order index until enough rows match
    could read most of the city. ``OFFSET 0`` keeps PostgreSQL from merging the inner select into the outer
    one, so the inner one is planned alone: the scope's own index entries."""
    column = ORDERS.get(order_column, Application.submitted_at)
    inner = (select(Application.id, column.label("sort_key")).where(*conditions(user, flt, kind))
             .offset(0).subquery())
    if direction == "asc":
        order = (inner.c.sort_key.asc(), inner.c.id.asc())
    else:
        order = (inner.c.sort_key.desc(), inner.c.id.desc())
    return select(inner.c.id), order


@dataclass(frozen=True)
class Position:
    """Where one application stands in a filtered, ordered list (the record page's 第 3 / 21 份)."""

    #: 1-based place of the application, None when it is not in the list (any more, e.g. just decided).
    number: int | None
    #: The list's number of rows as the list shows it (a Total: 约 above the exact-count limit).
    total: int
    previous_id: int | None
    next_id: int | None
    #: ``number`` was counted from the list's far end against an approximate total (约).
    number_estimated: bool = False


def _after(column, value, pk, direction):
    """Rows after (value, pk) in the order (column direction, id direction). The plain bound on the column
    (>= / <=) is what lets the database start the list's index at the anchor: with the OR alone PostgreSQL
    filtered the whole index (76 ms at 10^6 rows for the newest application's 上一份)."""
    if direction == "asc":
        return and_(column >= value, or_(column > value, and_(column == value, Application.id > pk)))
    return and_(column <= value, or_(column < value, and_(column == value, Application.id < pk)))


def position(session, user, flt, anchor_value, anchor_id, *, order_column="submitted_at", direction="desc"):
    """The Position of the application ``anchor_id`` whose sort column held ``anchor_value`` (its value as the
    list showed it: a decision may since have changed its state), among the user's scoped, filtered applications
    in the list's order. Only ids in scope are ever returned."""
    column = ORDERS.get(order_column, Application.submitted_at)
    direction = "asc" if direction == "asc" else "desc"
    reverse = "desc" if direction == "asc" else "asc"
    where = conditions(user, flt)
    # The list's own count (and its cache): a big list is not counted whole for every record opened from it.
    total = list_count(session, user, flt)
    following_ids = select(Application.id).where(*where, _after(column, anchor_value, anchor_id, direction))
    preceding_ids = select(Application.id).where(*where, _after(column, anchor_value, anchor_id, reverse))
    # The neighbours and whether the application is (still) in the list, in one statement.
    next_id, previous_id, listed = session.execute(select(
        ordered(following_ids, order_column, direction).limit(1).scalar_subquery(),
        ordered(preceding_ids, order_column, reverse).limit(1).scalar_subquery(),
        exists().where(*where, Application.id == anchor_id))).one()
    number, estimated = None, False
    if listed:
        limit = int(_setting("LIST_EXACT_COUNT", 10_000))
        before = _count_upto(session, preceding_ids, limit)
        if before is None and total.estimated:
            # Deep in a big list: its place from the far end, against the list's approximate total.
            after = _count_upto(session, following_ids, limit)
            if after is not None:
                number, estimated = max(total - after, limit + 1), True
        if number is None:
            if before is None:
                before = session.scalar(select(func.count()).select_from(preceding_ids.subquery()))
            number = before + 1
    return Position(number=number, total=total, previous_id=previous_id, next_id=next_id,
                    number_estimated=estimated)


def _count_upto(session, id_select, limit):
    """The number of rows of ``id_select`` when at most ``limit`` (counting no further), else None."""
    found = session.scalar(select(func.count()).select_from(id_select.limit(limit + 1).subquery()))
    return found if found <= limit else None


def page(session, user, flt, *, order_column="submitted_at", direction="desc", number=0, size=25,
         eager=("submitted_by", "district", "organisation"), kind=SUBTREE, columns=None):
    """(total, rows) of one page of the user's scoped, filtered applications (see :func:`page_of`; ``columns``:
    only those of each application, e.g. LIST_COLUMNS)."""
    org = user_org(user)
    if (flt.name or flt.unit or flt.certificate_no) and org is not None and org.parent_id is not None:
        id_select, order = _fenced(user, flt, kind, order_column, direction)
        # A search matches few rows: one statement reads them all in order, the count is their number.
        limit = int(_setting("LIST_EXACT_COUNT", 10_000))
        found = session.scalars(id_select.order_by(*order).limit(limit + 1)).all()
        if len(found) <= limit:
            start = max(number, 0) * size
            return Total(len(found)), rows_by_id(session, Application, found[start:start + size], eager, columns)
    else:
        id_select = select(Application.id).where(*conditions(user, flt, kind))
        order = _order(order_column, direction)
    return page_of(session, Application, id_select, order, number=number, size=size,
                   count_key=("applications", *scope_key(user, kind), flt), eager=eager, columns=columns)


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
    """Options of the list filters: {column: [(value, label)]} for 报名活动, 批次 and (the city) 区县局.
    The campaigns and their batches come from one statement (a campaign without batches still listed)."""
    rows = session.execute(
        select(Campaign.id, Campaign.name, Batch.id, Batch.name)
        .outerjoin(Batch, Batch.campaign_id == Campaign.id)
        .order_by(Campaign.start_date.desc(), Campaign.id, Batch.number)).all()
    campaigns = dict.fromkeys((campaign_id, campaign) for campaign_id, campaign, _b, _n in rows)
    choices = {"campaign": [(str(i), n) for i, n in campaigns],
               "batch": [(str(b), f"{c} {n}") for _i, c, b, n in rows if b is not None]}
    if with_districts:
        districts = session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.kind.in_((OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value)))
            .order_by(Organisation.kind, Organisation.path)).all()
        choices["district"] = [(str(i), n) for i, n in districts]
    return choices
