"""No URL, query string or form answers 5xx: the whole URL map × anonymous and each role × own, foreign,
missing, huge and malformed ids, with FAB's filter, order and page arguments malformed."""
import itertools
import re
import time

import pytest

from app.review.states import State
from tests.conftest import csrf_token, login
from tests.review.world import make_world

#: Endpoints walked with no arguments changed (they end the session or need a real file name).
SKIP_ENDPOINTS = {"AppAuthDBView.logout", "static", "appbuilder.static"}
HUGE = "99999999999999999999"
MISSING = "987654"
#: Odd values put into each URL argument in turn.
ODD_IDS = (HUGE, "-1", "abc", "1.5", "0")
#: Query strings as a prober would send them; {view} is the FAB view's class name.
ODD_QUERIES = (
    "_flt_9_name=x&_flt_2_name=x&_flt_0_organisation=x",
    "_flt_0_district=" + HUGE + "&_flt_0_batch=" + HUGE + "&_flt_1_state=" + HUGE,
    "_flt_0_created_on=not-a-date&_flt_1_created_on=2015-13-45&_flt_0_active=maybe",
    "_oc_{view}=organisation&_od_{view}=asc",
    "_oc_{view}=district&_od_{view}=desc&_oc_{view}=__class__",
    "page_{view}=" + HUGE + "&psize_{view}=0",
    "page_{view}=abc&psize_{view}=-5&_od_{view}=sideways",
    "batch=" + HUGE + "&district=abc&state=nonsense&q=%00&page=" + HUGE,
    "batch=-1&campaign=" + HUGE + "&year=99999&group_by=__class__&chart=x",
)


def _fill(rule, values):
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(r"<(?:[^<>:]+:)?" + re.escape(name) + r">", str(values.get(name, "1")), url)
    return url


def _urls(app, world):
    """(method, url, view name) for every rule and every odd argument."""
    own = {"application_id": world.apps["own"].id, "pk": world.apps["own"].id, "campaign_id": world.campaign.id,
           "batch_id": world.campaign.batches[0].id, "district_id": world.baoshan_admin.organisation_id,
           "org_id": world.baoshan_admin.organisation_id, "number": "1", "name": "x", "verb_name": "publish",
           "locale": "en", "filename": "x.xlsx", "group_by": "x", "attachment_id": "1"}
    foreign = {**own, "application_id": world.apps["foreign"].id, "pk": world.apps["foreign"].id,
               "district_id": world.hongkou_admin.organisation_id, "org_id": world.hongkou_admin.organisation_id}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        view = rule.endpoint.split(".")[0]
        variants = [own, foreign, {k: MISSING for k in own}]
        for name in rule.arguments:
            variants += [{**own, name: odd} for odd in ODD_IDS]
        seen = set()
        for values in variants:
            url = _fill(rule, values)
            if url in seen:
                continue
            seen.add(url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url, view
        if "GET" in rule.methods and not rule.arguments or rule.rule.endswith(("/list/", "/excel/", "/excel")):
            for query in ODD_QUERIES:
                yield "GET", _fill(rule, own) + "?" + query.format(view=view), view
        if rule.endpoint.endswith(".bulk"):
            for query in ODD_QUERIES[:5]:
                yield "GET", _fill(rule, {**own, "name": "approve"}) + "?" + query.format(view=view), view


def _walk(client, app, world, token, failures):
    for method, url, _view in _urls(app, world):
        try:  # the test configuration propagates exceptions instead of answering 500
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token, "action": "x", "rowid": [HUGE, "abc"],
                                                  "comment": "x", "batch": HUGE, "expected_version": "abc",
                                                  "ids": [HUGE, "x"], "confirm": "1"})
        except Exception as error:  # noqa: BLE001 - every exception is a server error here
            failures.append(f"{type(error).__name__} {method} {url}: {str(error)[:120]}")
            continue
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {method} {url}")


@pytest.fixture
def world(app, db, clock):
    w = make_world()
    w.apps["own"] = w.app(State.PENDING)
    w.apps["foreign"] = w.app(State.PENDING, foreign=True)
    w.apps["approved"] = w.app(State.DISTRICT_APPROVED)
    return w


def test_no_url_of_the_map_answers_a_server_error(app, db, world, make_client):
    started = time.monotonic()
    failures = []
    anonymous = make_client()
    _walk(anonymous, app, world, csrf_token(anonymous, "/login/"), failures)
    for user in (world.baoshan_clerk, world.baoshan_admin, world.city_admin, world.finance):
        client = make_client()
        assert login(client, user.username).status_code == 302
        _walk(client, app, world, csrf_token(client, "/account/password"), failures)
    assert not failures, "\n".join(itertools.islice(failures, 60)) + f"\n({len(failures)} in all)"
    assert time.monotonic() - started < 120, "the walk must stay quick"


@pytest.mark.parametrize("path", [
    "/review/district/list/?_flt_2_name=x",
    "/review/district/list/?_flt_0_district=99999999999999999999",
    "/myapplicationmodelview/list/?_oc_MyApplicationModelView=organisation&_od_MyApplicationModelView=asc",
    "/campaigns/?_oc_CampaignListView=district&_od_CampaignListView=asc",
])
def test_malformed_list_arguments_answer_a_chinese_400(app, db, world, make_client, path):
    client = make_client()
    login(client, world.baoshan_admin.username)
    response = client.get(path)
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert "请求无效" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)


def test_unknown_action_name_is_404_even_anonymous(app, db, world, make_client):
    client = make_client()
    token = csrf_token(client, "/login/")
    for path in ("/batchmodelview/action/x/1", "/organisationmodelview/action/x/1", "/district-admins/action/x/1",
                 "/security-log/action/x/1", "/referenceitemmodelview/action/x/1"):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 404, path
        assert "页面不存在" in response.get_data(as_text=True)
