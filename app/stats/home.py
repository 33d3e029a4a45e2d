"""What each role's home page shows of the statistics: a few key figures of its own scope (one aggregate
query, all campaigns) and one chart, drawn from the same JSON as the 统计分析 page."""
from dataclasses import dataclass

from flask import url_for

from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.review.states import State
from app.stats import queries


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    value: object
    #: integer | money
    kind: str = "integer"
    note: str = ""
    #: main | good | money | muted | "": the card's colour.
    tone: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    dimension: str
    kind: str
    series: tuple


def _figures(role, summary, counts):
    def state(s):
        return counts.get(s.value, 0)

    levels = f"技师 {summary['technician']:,} · 高级技师 {summary['senior_technician']:,}"
    submitted = Figure("submitted", "申报数", summary["submitted"], note=levels, tone="main")
    approved = Figure("approved", "终审通过", summary["approved"], note=f"其中已发放至职工 {summary['paid']:,}",
                      tone="good")
    city_amount = Figure("city_amount", "市总奖励金额", summary["city_amount"], "money", "市总财务部已配套发放",
                         "money")
    district_amount = Figure("district_amount", "区县配套金额", summary["district_amount"], "money", "已发放至职工",
                             "money")
    if role == SYSTEM_ADMIN:
        return [submitted, Figure("waiting", "待终审", state(State.DISTRICT_APPROVED), note="区县局初审通过"),
                approved, city_amount]
    if role == FINANCE:
        funded = state(State.FUNDED) + state(State.PAID)
        return [Figure("waiting", "待配套发放", state(State.FINAL_APPROVED), note="市技协服务中心终审通过",
                       tone="main"),
                Figure("funded", "已配套发放", funded, note=f"其中已发放至职工 {state(State.PAID):,}", tone="good"),
                city_amount, district_amount]
    if role == DISTRICT_ADMIN:
        return [submitted, Figure("waiting", "待初审", state(State.PENDING), note="未审核"), approved,
                district_amount]
    return [submitted, Figure("in_review", "审核中", summary["in_review"], note="未审核、区县局初审通过"),
            Figure("rejected", "未通过", summary["rejected"], note="可修改后重新申报"), approved]


CHARTS = {
    SYSTEM_ADMIN: Chart("各区县局（产业）工会申报情况", "organisation", "bar", ("submitted", "approved")),
    FINANCE: Chart("各区县局（产业）工会奖励金额", "organisation", "bar", ("city_amount", "district_amount")),
    DISTRICT_ADMIN: Chart("本区县局（产业）工会申请审核状态", "state", "hbar", ("count",)),
    GRASSROOTS: Chart("本单位申请审核状态", "state", "hbar", ("count",)),
}


def role_of(user):
    names = {role.name for role in getattr(user, "roles", ())}
    return next((r for r in (SYSTEM_ADMIN, FINANCE, DISTRICT_ADMIN, GRASSROOTS) if r in names), None)


def home_panel(user, counts, has_access):
    """{figures, chart, chart_url, stats_url} for the user's home page, or None for a user without a role.
    ``counts``: {state: count} of the user's scope (the home page has it already); ``has_access(permission,
    view)``: the security manager's check."""
    role = role_of(user)
    if role is None:
        return None
    summary = queries.summary(user, queries.StatsFilter())
    chart = CHARTS[role]
    may_read = has_access("can_data", "StatsView") and (
        chart.dimension in queries.HOME_ONLY_DIMENSIONS or has_access("can_list", "StatsView"))
    return {
        "figures": _figures(role, summary, counts),
        "chart": chart if may_read else None,
        "chart_url": url_for("StatsView.data", dimension=chart.dimension) if may_read else None,
        "stats_url": url_for("StatsView.index") if has_access("can_list", "StatsView") else None,
    }
