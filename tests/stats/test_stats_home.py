"""Each role's home page: its few key figures (its own scope, all campaigns) and one chart whose JSON the
user may read."""
import re

from app.stats import queries
from app.stats.queries import StatsFilter


def figures(html):
    """{figure code: the number shown}."""
    found = re.findall(r'data-figure="(\w+)">\s*<div class="stats-kpi-label">[^<]*</div>\s*'
                       r'<div class="stats-kpi-value">([\d,.]+)<small>', html)
    return {code: value.replace(",", "") for code, value in found}


def chart_url(html):
    match = re.search(r'id="home-chart" data-url="([^"]+)"', html)
    return match and match.group(1).replace("&amp;", "&")


def test_each_role_sees_its_figures_and_one_chart_it_may_read(stats_world, login_as):
    w = stats_world.world
    expectations = {
        "city": (w.city_admin, {"submitted", "waiting", "approved", "city_amount"}, "organisation"),
        "finance": (w.finance, {"waiting", "funded", "city_amount", "district_amount"}, "organisation"),
        "district": (w.baoshan_admin, {"submitted", "waiting", "approved", "district_amount"}, "state"),
        "clerk": (w.baoshan_clerk, {"submitted", "in_review", "rejected", "approved"}, "state"),
    }
    for who, (user, codes, dimension) in expectations.items():
        client = login_as(user)
        html = client.get("/").get_data(as_text=True)
        shown = figures(html)
        assert set(shown) == codes, who
        summary = queries.summary(user, StatsFilter())
        for code in codes & set(summary):
            expected = summary[code]
            assert shown[code] == (f"{expected:.2f}" if code.endswith("amount") else str(expected)), (who, code)
        url = chart_url(html)
        assert url == f"/stats/data?dimension={dimension}", who
        assert client.get(url).status_code == 200, who
        assert ("查看统计分析" in html) == (who != "clerk"), who
        assert "/static/vendor/echarts/echarts.min.js" in html


def test_home_figures_stay_in_the_users_scope(stats_world, login_as):
    w = stats_world.world
    baoshan = figures(login_as(w.baoshan_admin).get("/").get_data(as_text=True))
    city = figures(login_as(w.city_admin).get("/").get_data(as_text=True))
    # 宝山: its units' rows of both campaigns, never 虹口's.
    assert int(baoshan["submitted"]) == queries.summary(w.baoshan_admin, StatsFilter())["submitted"]
    assert int(city["submitted"]) > int(baoshan["submitted"])
    assert baoshan["district_amount"] == "1200.00"
    finance = figures(login_as(w.finance).get("/").get_data(as_text=True))
    assert finance["district_amount"] == "2000.00" and finance["waiting"] == "2"
