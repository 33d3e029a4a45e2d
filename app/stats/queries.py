"""统计分析: counts and amounts of the user's scoped applications, grouped by one dimension.

Every figure is aggregated in the database: one ``GROUP BY`` query per table, one aggregate query for the
key figures; no application row is ever loaded into Python. What Python does afterwards is only naming the
group keys (reference lists, organisations, batches), adding the groups that have no row (a 区县 with no
application still reads 0) and the 合计 line of a table (the sum of its few aggregated lines).

How the figures are counted (the page and the Excel say it in the same words, see ``COUNTING_NOTE``):
- 申报数 counts every application except 已撤回 and 已作废;
- 申报数 = 审核中 (未审核, 区县局初审通过) + 未通过 (区县局初审未通过, 市技协服务中心终审未通过) + 终审通过;
- 终审通过 includes the later money states (市总财务部配套发放, 已发放至职工);
- 市总奖励金额 and 区县配套金额 are the amounts actually recorded (配套发放 and 已发放至职工);
- 已撤回/已作废 are counted apart; the table 按状态 lists every state, these two included.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, String, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.applications.models import Application
from app.campaigns.models import Batch, Campaign, CampaignState
from app.extensions import db
from app.orgs.models import Organisation, OrgKind
from app.reference import data
from app.review.display import LEVEL_SHORT, reference_names
from app.review.states import State
from app.security.scoping import scope_filter, user_org

#: Kept as rows but never counted in 申报数.
EXCLUDED = (State.WITHDRAWN, State.VOIDED)
IN_REVIEW = (State.PENDING, State.DISTRICT_APPROVED)
REJECTED = (State.DISTRICT_REJECTED, State.FINAL_REJECTED)
APPROVED = (State.FINAL_APPROVED, State.FUNDED, State.PAID)

COUNTING_NOTE = ("申报数不含已撤回、已作废的申请；申报数＝审核中＋未通过＋终审通过；终审通过含市总财务部配套发放、"
                 "已发放至职工；金额为已登记的实际划拨、发放金额；年龄按等级证书发证日期的周岁计算。")
ZERO = Decimal("0.00")


# -- expressions that differ between SQLite and PostgreSQL ------------------------------------------------

class shanghai_day(FunctionElement):
    """The Shanghai calendar day of a naive UTC timestamp column (China keeps UTC+8 all year)."""

    type = String()
    inherit_cache = True


@compiles(shanghai_day)
def _shanghai_day_default(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(shanghai_day, "postgresql")
def _shanghai_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '8 hours' AS DATE)"


class date_number(FunctionElement):
    """A date column as the integer YYYYMMDD."""

    type = Integer()
    inherit_cache = True


@compiles(date_number)
def _date_number_default(element, compiler, **kw):
    return f"CAST(strftime('%Y%m%d', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(date_number, "postgresql")
def _date_number_postgresql(element, compiler, **kw):
    return f"CAST(to_char({compiler.process(element.clauses, **kw)}, 'YYYYMMDD') AS INTEGER)"


def age_at_issue():
    """Whole years of age on the certificate's issue date, from the birth date of the ID number (kept beside
    the encrypted number in ``birth_date``): (issued YYYYMMDD − born YYYYMMDD) // 10000 counts the birthdays
    passed, leap days included (born 29 February: one year older on 1 March of a common year). Integer
    arithmetic only."""
    return (date_number(Application.certificate_date) - date_number(Application.birth_date)) // 10000


#: The age bands at the issue date: under 25, five years each from 25, 55 and over.
AGE_FIRST, AGE_STEP, AGE_LAST = 25, 5, 55
AGE_BANDS = ((AGE_FIRST, f"{AGE_FIRST}岁以下"),
             *((upper + AGE_STEP, f"{upper}～{upper + AGE_STEP - 1}岁") for upper in range(AGE_FIRST, AGE_LAST, AGE_STEP)),
             (None, f"{AGE_LAST}岁及以上"))


def banded(age):
    """The index in AGE_BANDS of an age (arithmetic, not a chain of tests)."""
    return case((age < AGE_FIRST, 0), (age >= AGE_LAST, len(AGE_BANDS) - 1),
                else_=(age - AGE_FIRST) // AGE_STEP + 1)


def age_band():
    """The index in AGE_BANDS of the applicant's age at the issue date."""
    return banded(age_at_issue())


# -- measures -------------------------------------------------------------------------------------------
# The database counts and sums per state (and, for the key figures, per level); a measure is the sum of
# the few aggregated lines of the states it names. One cheap GROUP BY instead of a CASE per measure and row.

@dataclass(frozen=True)
class Group:
    """One aggregated line: the applications of one state (and level) within one group."""

    state: str
    level: str | None
    count: int
    city_amount: Decimal
    district_amount: Decimal


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    #: integer | money
    kind: str = "integer"
    #: The states it adds up.
    states: tuple = tuple(State)
    #: count | city_amount | district_amount
    field: str = "count"
    #: Only this 现晋升的技能等级 (the key figures, grouped by level too).
    level: str | None = None

    def fold(self, groups):
        """The measure over aggregated lines."""
        wanted = {s.value for s in self.states}
        picked = [getattr(g, self.field) for g in groups
                  if g.state in wanted and (self.level is None or g.level == self.level)]
        return sum(picked, self.zero())

    def zero(self):
        return ZERO if self.kind == "money" else 0


LIVE = tuple(s for s in State if s not in EXCLUDED)
MEASURES = {m.code: m for m in (
    Measure("submitted", "申报数", states=LIVE),
    Measure("in_review", "审核中", states=IN_REVIEW),
    Measure("rejected", "未通过", states=REJECTED),
    Measure("approved", "终审通过", states=APPROVED),
    Measure("paid", "已发放至职工", states=(State.PAID,)),
    Measure("city_amount", "市总奖励金额（元）", "money", field="city_amount"),
    Measure("district_amount", "区县配套金额（元）", "money", field="district_amount"),
    Measure("excluded", "已撤回/已作废", states=EXCLUDED),
    Measure("count", "件数"),
    Measure("technician", "技师", states=LIVE, level=data.TECHNICIAN),
    Measure("senior_technician", "高级技师", states=LIVE, level=data.SENIOR_TECHNICIAN),
)}
#: The columns of every table but 按状态.
TABLE_MEASURES = ("submitted", "in_review", "rejected", "approved", "paid", "city_amount", "district_amount",
                  "excluded")
#: The key figures above the tables (and on the home pages).
SUMMARY_MEASURES = ("submitted", "technician", "senior_technician", "in_review", "rejected", "approved", "paid",
                    "city_amount", "district_amount", "excluded")


# -- the filter ----------------------------------------------------------------------------------------

def _id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2 ** 63 else None


@dataclass(frozen=True)
class StatsFilter:
    campaign_id: int | None = None
    batch_id: int | None = None

    @classmethod
    def from_args(cls, args):
        """From request arguments ``campaign`` and ``batch``; a value that is not an id is ignored."""
        return cls(campaign_id=_id(args.get("campaign")), batch_id=_id(args.get("batch")))

    def args(self):
        return {k: v for k, v in (("campaign", self.campaign_id), ("batch", self.batch_id)) if v}


def conditions(user, flt):
    """The WHERE clauses: the user's organisation scope (fail closed) and the filter."""
    clauses = [scope_filter(Application.organisation_id, user)]
    if flt.campaign_id:
        clauses.append(Application.campaign_id == flt.campaign_id)
    if flt.batch_id:
        clauses.append(Application.batch_id == flt.batch_id)
    return clauses


def is_city(user):
    org = user_org(user)
    return org is not None and org.parent_id is None


# -- dimensions ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dimension:
    code: str
    #: 按…统计
    title: str
    #: The first column's header.
    heading: str
    #: bar | hbar | pie | line: how the page draws it.
    chart: str
    #: The measures the chart draws by default.
    series: tuple = ("submitted",)
    measures: tuple = TABLE_MEASURES
    note: str = ""

    def key(self, user):
        """The SQL expression grouped by."""
        return _KEYS[self.code](user)

    def extra_conditions(self):
        if self.code == "hukou":
            return [Application.is_migrant.is_(True)]
        return []


def _organisation_key(user):
    # The city compares its 区县局（产业）工会; a district compares its own 基层工会.
    return Application.district_id if is_city(user) else Application.organisation_id


_KEYS = {
    "organisation": _organisation_key,
    "batch": lambda user: Application.batch_id,
    "level": lambda user: Application.new_level,
    "variant": lambda user: Application.variant,
    "state": lambda user: Application.state,
    "industry": lambda user: Application.industry,
    "education": lambda user: Application.education,
    "unit_kind": lambda user: Application.unit_kind,
    "migrant": lambda user: Application.is_migrant,
    "hukou": lambda user: Application.hukou_province,
    "age": lambda user: age_band(),
    "day": lambda user: shanghai_day(Application.submitted_at),
}

DIMENSIONS = {d.code: d for d in (
    Dimension("organisation", "按区县局（产业）工会统计", "区县局（产业）工会", "bar", ("submitted", "approved")),
    Dimension("level", "按晋升等级统计", "现晋升的技能等级", "pie"),
    Dimension("variant", "按工种类别统计", "工种类别", "pie"),
    Dimension("state", "按审核状态统计", "审核状态", "hbar", ("count",),
              ("count", "city_amount", "district_amount"), "此表列出全部状态，含已撤回、已作废。"),
    Dimension("age", "按发证时年龄统计", "发证时年龄", "bar",
              note="年龄按身份证号码中的出生日期计算至等级证书发证日期（周岁）。"),
    Dimension("batch", "按报名批次统计", "报名活动及批次", "bar", ("submitted", "approved")),
    Dimension("day", "按申报日期统计", "申报日期", "line", note="按首次申报的日期（北京时间）统计。"),
    Dimension("industry", "按所属行业统计", "所属行业（门类）", "hbar"),
    Dimension("education", "按学历统计", "学历", "bar"),
    Dimension("unit_kind", "按单位性质统计", "单位性质", "pie"),
    Dimension("migrant", "按是否外来务工人员统计", "是否外来务工人员", "pie"),
    Dimension("hukou", "外来务工人员按户籍地统计", "户籍地", "hbar", note="仅统计外来务工人员。"),
)}
#: The dimensions a user without the 统计分析 page may still read (the home page chart of a 基层工会).
HOME_ONLY_DIMENSIONS = ("state",)


def dimension_title(dimension, user):
    if dimension.code == "organisation" and not is_city(user):
        return "按基层工会统计"
    return dimension.title


def dimension_heading(dimension, user):
    if dimension.code == "organisation" and not is_city(user):
        return "基层工会"
    return dimension.heading


# -- naming and ordering the groups ---------------------------------------------------------------------

def _labels(dimension, user, keys):
    """[(key, label)] in the order the table lists them: every known value (zero rows included) where the
    list is short and fixed, then any other key the query found."""
    code = dimension.code
    names = reference_names() if code in ("industry", "education", "unit_kind", "hukou") else {}
    if code == "organisation":
        known = _organisation_labels(user, keys)
    elif code == "batch":
        known = _batch_labels(keys)
    elif code == "level":
        known = [(c, LEVEL_SHORT[c]) for c, _t in data.SKILL_LEVELS if c in data.NEW_LEVEL_CODES]
    elif code == "variant":
        known = list(data.VARIANTS)
    elif code == "state":
        known = [(s.value, s.title) for s in State]
    elif code in ("industry", "education", "unit_kind"):
        known = list(names[code].items())
    elif code == "migrant":
        known = [(True, "外来务工人员"), (False, "非外来务工人员")]
    elif code == "hukou":
        known = [(c, n) for c, n in names["province"].items() if c in keys]
    elif code == "age":
        known = [(index, label) for index, (_upper, label) in enumerate(AGE_BANDS)]
    elif code == "day":
        known = [(k, k) for k in sorted(keys)]
    else:
        known = []
    seen = {k for k, _label in known}
    extra = [(k, "（未填）" if k is None else str(k)) for k in keys if k not in seen]
    return known + sorted(extra, key=lambda pair: pair[1])


def _organisation_labels(user, keys):
    if is_city(user):
        # Every active 区县局（产业）工会, even one without an application; a retired one (闸北) if it has rows.
        statement = (select(Organisation.id, Organisation.name)
                     .where(Organisation.kind.in_((OrgKind.DISTRICT.value, OrgKind.INDUSTRY.value)))
                     .where((Organisation.active.is_(True)) | Organisation.id.in_(list(keys) or [0]))
                     .order_by(Organisation.kind, Organisation.code, Organisation.id))
    else:
        statement = (select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(keys) or [0]))
                     .order_by(Organisation.name, Organisation.id))
    return [(pk, name) for pk, name in db.session.execute(statement)]


def _batch_labels(keys):
    statement = (select(Batch.id, Campaign.name, Batch.name).join(Campaign, Campaign.id == Batch.campaign_id)
                 .where(Batch.id.in_(list(keys) or [0]))
                 .order_by(Campaign.start_date, Campaign.id, Batch.number))
    return [(pk, f"{campaign} {batch}") for pk, campaign, batch in db.session.execute(statement)]


def _normal_key(dimension, key):
    if dimension.code == "day" and isinstance(key, (date, datetime)):
        return f"{key:%Y-%m-%d}"
    if dimension.code == "migrant" and key is not None:
        return bool(key)
    if dimension.code == "age" and key is not None:
        return int(key)
    return key


# -- the tables ----------------------------------------------------------------------------------------

@dataclass
class Row:
    key: object
    label: str
    values: dict


@dataclass
class Table:
    dimension: Dimension
    title: str
    heading: str
    measures: list
    rows: list = field(default_factory=list)
    total: dict = field(default_factory=dict)

    @property
    def total_label(self):
        return "合计（含已撤回、已作废）" if self.dimension.code == "state" else "合计"


def _money(value):
    return Decimal(str(value or 0)).quantize(ZERO)


def _aggregates(*keys):
    """The columns of a grouped query: ``keys``, then per state its count and the two sums."""
    return (*keys, Application.state, func.count(), func.sum(Application.city_amount),
            func.sum(Application.district_amount))


def _grouped(dimension, user, flt):
    """SELECT key, state, count, sums … GROUP BY key, state over the user's scoped, filtered rows."""
    where = (*conditions(user, flt), *dimension.extra_conditions())
    if dimension.code != "age":
        key = dimension.key(user).label("key")
        return select(*_aggregates(key)).where(*where).group_by(key, Application.state)
    # The band tests the age up to three times: compute it once per row in a subquery that the planner
    # keeps apart (OFFSET 0), then band and group the computed column.
    rows = (select(age_at_issue().label("age"), Application.state, Application.city_amount,
                   Application.district_amount).where(*where).offset(0).subquery())
    band = banded(rows.c.age).label("key")
    return (select(band, rows.c.state, func.count(), func.sum(rows.c.city_amount), func.sum(rows.c.district_amount))
            .group_by(band, rows.c.state))


def table(user, flt, dimension):
    """The table of ``dimension`` (a code or a Dimension) for the user's scope and filter: one query,
    grouped by the dimension's key and the state."""
    if isinstance(dimension, str):
        dimension = DIMENSIONS[dimension]
    measures = [MEASURES[code] for code in dimension.measures]
    statement = _grouped(dimension, user, flt)
    groups = {}
    for raw_key, state, count, city, district in db.session.execute(statement):
        groups.setdefault(_normal_key(dimension, raw_key), []).append(
            Group(state, None, count, _money(city), _money(district)))
    rows = [Row(k, label, {m.code: m.fold(groups.get(k, ())) for m in measures})
            for k, label in _labels(dimension, user, list(groups))]
    total = {m.code: sum((r.values[m.code] for r in rows), m.zero()) for m in measures}
    return Table(dimension, dimension_title(dimension, user), dimension_heading(dimension, user), measures,
                 rows, total)


def summary(user, flt):
    """The key figures of the user's scope and filter, {measure code: value}: one query grouped by state
    and level."""
    statement = (select(*_aggregates(Application.new_level)).where(*conditions(user, flt))
                 .group_by(Application.new_level, Application.state))
    groups = [Group(state, level, count, _money(city), _money(district))
              for level, state, count, city, district in db.session.execute(statement)]
    return {code: MEASURES[code].fold(groups) for code in SUMMARY_MEASURES}


# -- the filter's choices ------------------------------------------------------------------------------

def campaign_choices():
    """[(id, name)] of the campaigns that can have applications (not drafts), newest first."""
    statement = (select(Campaign.id, Campaign.name).where(Campaign.state != CampaignState.DRAFT.value)
                 .order_by(Campaign.start_date.desc(), Campaign.id.desc()))
    return list(db.session.execute(statement))


def batch_choices(campaign_id=None):
    """[(id, campaign name, batch name)] of the batches, of one campaign if given."""
    statement = (select(Batch.id, Campaign.name, Batch.name).join(Campaign, Campaign.id == Batch.campaign_id)
                 .where(Campaign.state != CampaignState.DRAFT.value)
                 .order_by(Campaign.start_date.desc(), Campaign.id.desc(), Batch.number))
    if campaign_id:
        statement = statement.where(Batch.campaign_id == campaign_id)
    return list(db.session.execute(statement))

