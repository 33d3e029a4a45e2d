"""统计分析 over HTTP: who may open it, the chart JSON and the Excel of each table say the same figures as
the queries, within the user's scope only; filters; the export is recorded; no outside origin."""
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from app.exports.models import ExportRecord
from app.stats.queries import DIMENSIONS
from tests.stats import reference

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def json_of(client, dimension, **args):
    query = "&".join(f"{k}={v}" for k, v in {"dimension": dimension, **args}.items())
    response = client.get(f"/stats/data?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def workbook_of(client, dimension, **args):
    query = "&".join(f"{k}={v}" for k, v in {"dimension": dimension, **args}.items())
    response = client.get(f"/stats/excel?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return response, [[c.value for c in row] for row in sheet.iter_rows()]


def json_values(data):
    """{label: values as Python numbers}."""
    def number(column, value):
        return Decimal(value) if column["kind"] == "money" else value

    columns = {c["code"]: c for c in data["columns"]}
    return {r["label"]: {k: number(columns[k], v) for k, v in r["values"].items()} for r in data["rows"]}


def test_the_page_is_for_the_city_finance_and_districts_not_clerks(stats_world, login_as, client):
    w = stats_world.world
    for user in (w.city_admin, w.finance, w.baoshan_admin):
        page = login_as(user).get("/stats/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "统计分析" in html and 'id="chart-organisation"' in html and "下载Excel" in html
        assert "申报数不含已撤回、已作废的申请" in html
    clerk = login_as(w.baoshan_clerk)
    assert clerk.get("/stats/").status_code in (302, 403)
    assert clerk.get("/stats/excel?dimension=state").status_code in (302, 403)
    # The clerk's home chart (its own unit's states) is the one table it may read.
    assert clerk.get("/stats/data?dimension=state").status_code == 200
    assert clerk.get("/stats/data?dimension=organisation").status_code == 404
    assert client.get("/stats/data?dimension=state").status_code == 401
    assert client.get("/stats/").status_code == 302


def test_unknown_dimension_is_not_found(stats_world, login_as):
    admin = login_as(stats_world.world.city_admin)
    for dimension in ("", "salary", "../state"):
        assert admin.get(f"/stats/data?dimension={dimension}").status_code == 404
        assert admin.get(f"/stats/excel?dimension={dimension}").status_code == 404


@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_json_and_excel_equal_the_independent_count(stats_world, login_as, dimension):
    w = stats_world.world
    for user, city in ((w.city_admin, True), (w.baoshan_admin, False)):
        client = login_as(user)
        data = json_of(client, dimension)
        expected = reference.expected(dimension, reference.visible(user), city)
        values = json_values(data)
        by_key = {r["key"]: r["label"] for r in data["rows"]}
        for key, figures in expected.items():
            label = by_key["" if key is None else str(key)]
            for code, value in values[label].items():
                assert value == figures[code], (dimension, label, code)
        _response, rows = workbook_of(client, dimension)
        header = rows[0]
        assert header == [data["heading"]] + [c["title"] for c in data["columns"]]
        lines = {r[0]: r[1:] for r in rows[1:len(data["rows"]) + 1]}
        assert list(lines) == [r["label"] for r in data["rows"]]
        for label, figures in values.items():
            assert lines[label] == [figures[c["code"]] for c in data["columns"]], (dimension, label)
        total = rows[len(data["rows"]) + 1]
        assert total[0] == data["total_label"]
        assert total[1:] == [json_values({"columns": data["columns"], "rows": [
            {"label": "t", "values": data["total"]}]})["t"][c["code"]] for c in data["columns"]]


def test_a_district_never_sees_another_district_in_page_json_or_excel(stats_world, login_as):
    w = stats_world.world
    client = login_as(w.baoshan_admin)
    page = client.get("/stats/").get_data(as_text=True)
    assert "虹口" not in page and "宝山区总工会及所属基层工会" in page
    for dimension in DIMENSIONS:
        data = json_of(client, dimension)
        assert "虹口" not in str(data)
        _response, rows = workbook_of(client, dimension)
        assert "虹口" not in str(rows)
    # 虹口's paid row (2000 + 800) and its migrant from 四川 are not in 宝山's figures.
    assert json_of(client, "state")["total"]["district_amount"] == "1200.00"
    assert [r["label"] for r in json_of(client, "hukou")["rows"]] == ["安徽省"]
    city = login_as(w.city_admin)
    assert json_of(city, "state")["total"]["district_amount"] == "2000.00"
    assert {r["label"] for r in json_of(city, "hukou")["rows"]} == {"安徽省", "四川省"}


def test_filters_reach_the_page_the_json_and_the_excel(db, stats_world, login_as):
    w, other = stats_world.world, stats_world.other_campaign
    client = login_as(w.city_admin)
    data = json_of(client, "batch", campaign=other.id)
    assert [r["label"] for r in data["rows"]] == ["2016年技师奖励 第一批"]
    assert data["total"]["submitted"] == 2 and data["total"]["city_amount"] == "2000.00"
    assert data["excel"] == f"/stats/excel?dimension=batch&campaign={other.id}"
    page = client.get(f"/stats/?campaign={other.id}").get_data(as_text=True)
    assert f"/stats/data?dimension=state&amp;campaign={other.id}" in page
    assert re.search(r'data-measure="submitted">.*?2<small>', page, re.DOTALL)
    response, rows = workbook_of(client, "batch", campaign=other.id, batch=other.batches[0].id)
    assert rows[1][:2] == ["2016年技师奖励 第一批", 2]
    name = unquote(response.headers["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert name.startswith("统计分析_按报名批次统计_上海市职工技协服务中心_2016年技师奖励_第一批_") and name.endswith(".xlsx")
    db.session.remove()
    record = db.session.scalars(db.select(ExportRecord).order_by(ExportRecord.id.desc())).first()
    assert record.kind == "stats_xlsx" and record.user_id == w.city_admin.id and "2016年技师奖励" in record.filter_text


def test_the_page_loads_nothing_from_another_origin_and_has_no_inline_script(stats_world, login_as):
    html = login_as(stats_world.world.city_admin).get("/stats/").get_data(as_text=True)
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/stats/stats.js" in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not re.search(r"\son(change|click|load)=", html.split('id="stats-page"', 1)[1])
