"""扫描件 (缺少扫描件 / 扫描件齐全): one filter of app.review.queries, on the district's 报名管理 and the clerk's
报名管理, agreeing with the rule the lists mark rows by (attachments.missing_kinds) for both variants."""
import re

import pytest

from app.applications import attachments
from app.applications.models import Application
from app.reference import data
from app.review import queries
from app.review.queries import ApplicationFilter
from app.review.states import State
from tests.factories import add_scan_rows, make_application

CLERK_LIST = "/myapplicationmodelview/list/"
DISTRICT_LIST = "/review/district/list/"


@pytest.fixture
def rows(db, world):
    """Applications of 宝山 with and without their scans (both variants), and one of 虹口 lacking one."""

    def with_scans(name, kinds, **overrides):
        application = make_application(world.baoshan_clerk, world.campaign, scans=False, name=name, **overrides)
        add_scan_rows(application, kinds)
        return application

    general = attachments.required_kinds(data.VARIANT_GENERAL)
    industry = attachments.required_kinds(data.VARIANT_INDUSTRY)
    made = {
        "齐全": with_scans("齐全", general),
        "缺证书": with_scans("缺证书", [k for k in general if k != attachments.CERTIFICATE_COPY]),
        "全缺": with_scans("全缺", []),
        "行业齐全": with_scans("行业齐全", industry, variant=data.VARIANT_INDUSTRY, certificate_issuer="交通运输部"),
        # Complete for 通用工种, yet 行业特有工种 also needs the HR-stamped form.
        "行业缺盖章": with_scans("行业缺盖章", general, variant=data.VARIANT_INDUSTRY,
                            certificate_issuer="交通运输部"),
        "已通过": with_scans("已通过", general, state=State.DISTRICT_APPROVED),
    }
    foreign = make_application(world.hongkou_clerk, world.campaign, scans=False, name="虹口缺")
    return made, foreign


def names_of(db, user, flt):
    return {a.name for a in db.session.scalars(queries.applications(user, flt))}


def test_the_filter_agrees_with_the_rule_the_lists_mark_rows_by(db, world, rows):
    made, foreign = rows
    lacking = {a.name for a in made.values() if attachments.missing_titles(a)}
    assert lacking == {"缺证书", "全缺", "行业缺盖章"}
    admin = world.baoshan_admin
    assert names_of(db, admin, ApplicationFilter(scans=(queries.MISSING_SCANS,))) == lacking
    assert names_of(db, admin, ApplicationFilter(scans=(queries.COMPLETE_SCANS,))) == set(made) - lacking
    assert names_of(db, admin, ApplicationFilter(scans=("nonsense",))) == set()
    # With the other filters, and within scope only: 虹口's row lacks everything but is not 宝山's.
    both = ApplicationFilter(scans=(queries.MISSING_SCANS,), name=("缺",))
    assert names_of(db, admin, both) == {"缺证书", "全缺", "行业缺盖章"}
    assert foreign.name in names_of(db, world.city_admin, ApplicationFilter(scans=(queries.MISSING_SCANS,)))
    assert queries.count(db.session, admin, ApplicationFilter(scans=(queries.MISSING_SCANS,))) == 3


def table_names(html, marker):
    table = html.split(marker)[1].split("</table>")[0]
    return set(re.findall(r'data-label="姓名">([^<]+)<', table)) or set(re.findall(r">([^<>]+)</td>", table))


def test_the_district_filters_its_list_by_missing_scans(db, world, rows, login_as):
    client = login_as(world.baoshan_admin)
    page = client.get(DISTRICT_LIST).get_data(as_text=True)
    assert 'name="_flt_0_scans"' in page and ">缺少扫描件</option>" in page and ">扫描件齐全</option>" in page
    html = client.get(f"{DISTRICT_LIST}?_flt_0_scans=missing").get_data(as_text=True)
    shown = set(re.findall(r'<tr data-pk="(\d+)"', html))
    made, _foreign = rows
    assert shown == {str(made[n].id) for n in ("缺证书", "全缺", "行业缺盖章")}
    assert '<option value="missing" selected' in html
    # The bulk step over the filter counts the same rows (the filter travels to the confirmation).
    confirm = client.get(f"/review/district/bulk/approve_by_district?_flt_0_scans=missing&_flt_0_state=pending")
    assert 'id="bulk-count">3<' in confirm.get_data(as_text=True)
    complete = client.get(f"{DISTRICT_LIST}?_flt_0_scans=complete").get_data(as_text=True)
    assert set(re.findall(r'<tr data-pk="(\d+)"', complete)) == {
        str(made[n].id) for n in ("齐全", "行业齐全", "已通过")}


def test_the_clerk_filters_its_list_by_missing_scans(db, world, rows, login_as):
    made, _foreign = rows
    client = login_as(world.baoshan_clerk)
    page = client.get(CLERK_LIST).get_data(as_text=True)
    assert 'id="flt-scans"' in page and ">缺少扫描件</option>" in page
    name = re.search(r'<select[^>]*id="flt-scans"[^>]*name="([^"]+)"', page).group(1)
    html = client.get(f"{CLERK_LIST}?{name}=missing").get_data(as_text=True)
    shown = set(re.findall(r'<tr[^>]*data-pk="(\d+)"', html)) or {
        pk for pk in re.findall(r"/myapplicationmodelview/show/(\d+)", html)}
    assert shown == {str(made[n].id) for n in ("缺证书", "全缺", "行业缺盖章")}
    complete = client.get(f"{CLERK_LIST}?{name}=complete").get_data(as_text=True)
    assert set(re.findall(r"/myapplicationmodelview/show/(\d+)", complete)) == {
        str(made[n].id) for n in ("齐全", "行业齐全", "已通过")}


@pytest.mark.parametrize("url", [f"{CLERK_LIST}?_flt_7_scans=missing", f"{DISTRICT_LIST}?_flt_3_scans=missing",
                                 f"{CLERK_LIST}?_flt_0_scans=99999999999999999999999"])
def test_malformed_scans_arguments_are_refused_by_the_guard(db, world, login_as, url):
    user = world.baoshan_clerk if url.startswith(CLERK_LIST) else world.baoshan_admin
    assert login_as(user).get(url).status_code == 400


def test_an_unknown_scans_value_matches_nothing(db, world, rows, login_as):
    for user, url in ((world.baoshan_clerk, CLERK_LIST), (world.baoshan_admin, DISTRICT_LIST)):
        response = login_as(user).get(f"{url}?_flt_0_scans=other")
        assert response.status_code == 200
        assert not re.findall(r"/(?:myapplicationmodelview|review/district)/show/(\d+)", response.get_data(as_text=True))
    assert db.session.query(Application).count() == 7
