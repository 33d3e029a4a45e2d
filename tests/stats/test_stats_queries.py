"""The statistics tables against the same figures counted independently (tests/stats/reference.py), for
the city, a district and a 基层工会, with and without the filters; nothing of another district leaks."""
import pytest
from sqlalchemy import event

from app.extensions import db
from app.stats import queries
from app.stats.queries import DIMENSIONS, StatsFilter
from tests.stats import reference

DIMENSION_CODES = list(DIMENSIONS)


def as_found(table):
    """{key: values} of the lines that have a figure (the zero lines are checked apart)."""
    return {r.key: r.values for r in table.rows if any(r.values.values())}


def check(table, expected):
    found = as_found(table)
    assert set(found) == set(expected), (table.dimension.code, set(found) ^ set(expected))
    for key, values in found.items():
        for code, value in values.items():
            assert value == expected[key][code], (table.dimension.code, key, code)
    for code in table.total:
        assert table.total[code] == sum((e[code] for e in expected.values()), type(table.total[code])(0)), code


@pytest.mark.parametrize("dimension", DIMENSION_CODES)
def test_each_table_equals_an_independent_count(stats_world, dimension):
    w = stats_world.world
    for user in (w.city_admin, w.finance, w.baoshan_admin, w.hongkou_admin, w.baoshan_clerk,
                 stats_world.second_clerk):
        table = queries.table(user, StatsFilter(), dimension)
        apps = reference.visible(user)
        check(table, reference.expected(dimension, apps, city=user.organisation.parent_id is None))


@pytest.mark.parametrize("dimension", DIMENSION_CODES)
def test_filters_by_campaign_and_batch(stats_world, dimension):
    w, other = stats_world.world, stats_world.other_campaign
    for flt in (StatsFilter(campaign_id=w.campaign.id), StatsFilter(campaign_id=other.id),
                StatsFilter(batch_id=other.batches[0].id),
                StatsFilter(campaign_id=w.campaign.id, batch_id=w.campaign.batches[0].id)):
        for user, city in ((w.city_admin, True), (w.baoshan_admin, False)):
            table = queries.table(user, flt, dimension)
            apps = reference.visible(user, flt.campaign_id, flt.batch_id)
            check(table, reference.expected(dimension, apps, city))
    # A batch of another campaign than the one chosen matches nothing.
    empty = queries.table(w.city_admin, StatsFilter(campaign_id=w.campaign.id, batch_id=other.batches[0].id),
                          dimension)
    assert not as_found(empty)


def test_a_district_never_sees_another_districts_figures(stats_world):
    w = stats_world.world
    hongkou_district = w.hongkou_unit.parent_id
    for code in DIMENSION_CODES:
        table = queries.table(w.baoshan_admin, StatsFilter(), code)
        keys = {r.key for r in table.rows}
        assert hongkou_district not in keys and w.hongkou_unit.id not in keys
        assert "虹口" not in "".join(r.label for r in table.rows)
    hukou = queries.table(w.baoshan_admin, StatsFilter(), "hukou")
    assert as_found(hukou).keys() == {"34"}  # 虹口's migrant from 四川 (51) is not 宝山's
    # 宝山 compares its own 基层工会.
    units = queries.table(w.baoshan_admin, StatsFilter(), "organisation")
    assert {r.key for r in units.rows} == {w.baoshan_unit.id, stats_world.second_unit.id}
    assert units.title == "按基层工会统计" and units.heading == "基层工会"


def test_fail_closed_without_an_organisation(stats_world):
    class Anonymous:
        is_authenticated = False

    for code in DIMENSION_CODES:
        assert not as_found(queries.table(Anonymous(), StatsFilter(), code))
    assert not any(queries.summary(Anonymous(), StatsFilter()).values())


def test_counting_rules_and_the_key_figures(stats_world):
    w = stats_world.world
    for user in (w.city_admin, w.baoshan_admin):
        summary = queries.summary(user, StatsFilter())
        apps = reference.visible(user)
        figures = reference.measures(apps)
        for code in ("submitted", "in_review", "rejected", "approved", "paid", "excluded", "city_amount",
                     "district_amount"):
            assert summary[code] == figures[code], code
        # 申报数 leaves out 已撤回 and 已作废, and splits into the three stages.
        assert summary["submitted"] == summary["in_review"] + summary["rejected"] + summary["approved"]
        assert summary["submitted"] == summary["technician"] + summary["senior_technician"]
        assert summary["submitted"] + summary["excluded"] == len(apps)
        # Every table covering all rows adds up to the key figures.
        for code in DIMENSION_CODES:
            table = queries.table(user, StatsFilter(), code)
            if code == "state":
                assert table.total["count"] == len(apps)
            elif code != "hukou":
                assert table.total["submitted"] == summary["submitted"], code
                assert table.total["city_amount"] == summary["city_amount"], code
            for row in table.rows if code != "state" else ():
                assert row.values["submitted"] == (row.values["in_review"] + row.values["rejected"]
                                                   + row.values["approved"])


def test_known_values_are_listed_with_zero(stats_world):
    w = stats_world.world
    city = queries.table(w.city_admin, StatsFilter(), "organisation")
    names = [r.label for r in city.rows]
    assert "黄浦区总工会" in names and "宝山区总工会" in names
    assert next(r for r in city.rows if r.label == "黄浦区总工会").values["submitted"] == 0
    assert [r.label for r in queries.table(w.city_admin, StatsFilter(), "state").rows][-2:] == ["已撤回", "已作废"]
    assert [r.label for r in queries.table(w.city_admin, StatsFilter(), "level").rows] == ["技师", "高级技师"]
    assert len(queries.table(w.city_admin, StatsFilter(), "industry").rows) == 20
    assert len(queries.table(w.city_admin, StatsFilter(), "age").rows) == len(queries.AGE_BANDS)


def test_the_shanghai_day_of_a_submission(stats_world):
    days = as_found(queries.table(stats_world.world.city_admin, StatsFilter(), "day"))
    # 16:30 UTC on 31 March is 00:30 on 1 April in Shanghai; 15:59 UTC is still 31 March.
    assert days["2015-04-01"]["submitted"] == 1 and days["2015-03-31"]["approved"] == 1


def test_each_table_is_one_grouped_query_over_the_applications(stats_world):
    """No application row comes into Python: one GROUP BY over applications, the rest only names."""
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        for dimension in DIMENSION_CODES:
            statements.clear()
            queries.table(stats_world.world.city_admin, StatsFilter(), dimension)
            over_applications = [s for s in statements if "from applications" in s]
            assert len(over_applications) == 1, (dimension, over_applications)
            assert "group by" in over_applications[0], dimension
    finally:
        event.remove(engine, "before_cursor_execute", remember)
