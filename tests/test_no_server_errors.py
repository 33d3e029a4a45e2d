"""No URL, query string or form answers 5xx: the whole URL map × anonymous and each role × own, foreign,
missing, huge and malformed ids, with FAB's filter, order and page arguments malformed."""
import itertools
import re

import pytest

from app.review.states import State
from tests.conftest import csrf_token, login
from tests.review.world import make_world

#: Endpoints walked with no arguments changed (they end the session or need a real file name).
SKIP_ENDPOINTS = {"AppAuthDBView.logout", "static", "appbuilder.static"}
HUGE = "99999999999999999999"
MISSING = "987654"
#: Odd values put into each URL argument in turn.
ODD_IDS = (HUGE, "abc")
#: Query strings as a prober would send them; {view} is the FAB view's class name.
ODD_QUERIES = (
    "_flt_9_name=x&_flt_2_name=x&_flt_0_organisation=x",
    "_flt_0_district=" + HUGE + "&_flt_0_batch=" + HUGE + "&_flt_1_state=" + HUGE + "&_flt_0_created_on=2015-13-45",
    "_oc_{view}=organisation&_od_{view}=asc",
    "_oc_{view}=district&_od_{view}=desc&page_{view}=" + HUGE + "&psize_{view}=0",
    "batch=" + HUGE + "&district=abc&state=nonsense&q=%00&page=" + HUGE + "&dimension=x&variant=x",
    "batch=-1&campaign=" + HUGE + "&year=99999&group_by=__class__&next=//evil.example",
)


def _fill(rule, values):
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(r"<(?:[^<>:]+:)?" + re.escape(name) + r">", str(values.get(name, "1")), url)
    return url


def _values(world):
    own = {"application_id": world.apps["own"].id, "pk": world.apps["own"].id, "campaign_id": world.campaign.id,
           "batch_id": world.campaign.batches[0].id, "district_id": world.baoshan_admin.organisation_id,
           "org_id": world.baoshan_admin.organisation_id, "number": "1", "name": "x", "verb_name": "publish",
           "locale": "en", "filename": "x.xlsx", "group_by": "x", "attachment_id": "1"}
    foreign = {**own, "application_id": world.apps["foreign"].id, "pk": world.apps["foreign"].id,
               "district_id": world.hongkou_admin.organisation_id, "org_id": world.hongkou_admin.organisation_id}
    return own, foreign, {k: MISSING for k in own}


def _variants(rule, world):
    """URLs of ``rule``: with the own ids first, then foreign, missing and each argument odd in turn."""
    own, foreign, missing = _values(world)
    variants = [own, foreign, missing] + [{**own, name: odd} for name in rule.arguments for odd in ODD_IDS]
    return list(dict.fromkeys(_fill(rule, values) for values in variants))


def _odd_queries(rule, world):
    """The list-like GET pages of ``rule`` with each odd query string."""
    view = rule.endpoint.split(".")[0]
    own = _values(world)[0]
    if rule.endpoint.endswith(".bulk"):
        own = {**own, "name": "approve_by_district"}
    for query in ODD_QUERIES:
        yield _fill(rule, own) + "?" + query.format(view=view)


def _send(client, method, url, token, failures):
    try:  # the test configuration propagates exceptions instead of answering 500
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, "action": "x", "rowid": [HUGE, "abc"],
                                              "comment": "x", "batch": HUGE, "expected_version": "abc",
                                              "version": HUGE, "ids": [HUGE, "x"], "confirm": "1"})
    except Exception as error:  # noqa: BLE001 - every exception is a server error here
        failures.append(f"{type(error).__name__} {method} {url}: {str(error)[:120]}")
        return None
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {method} {url}")
    return response


def _walk(client, app, world, token, failures):
    """Each rule with the own ids; where the client is let in (not sent to the login page, not refused), also
    the foreign, missing and odd ids and, on list-like pages, the odd query strings. An anonymous client is
    let in nowhere but the public pages: it gets every variant of the POST routes (FAB once looked an
    action up before checking the permission) and the odd query strings everywhere."""
    anonymous = token is None
    token = token or csrf_token(client, "/login/")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        urls = _variants(rule, world)
        first = _send(client, methods[0], urls[0], token, failures)
        let_in = first is not None and first.status_code not in (302, 303, 401, 403)
        for method in methods:
            for url in urls:
                if (method, url) == (methods[0], urls[0]):
                    continue
                if let_in or url == urls[0] or (anonymous and method == "POST"):
                    _send(client, method, url, token, failures)
        listing = not rule.arguments or rule.endpoint.endswith((".bulk", ".excel", ".list"))
        if "GET" in methods and listing and (let_in or (anonymous and rule.endpoint.endswith(".list"))):
            for odd in _odd_queries(rule, world):
                _send(client, "GET", odd, token, failures)


@pytest.fixture
def world(app, db, clock):
    w = make_world()
    w.apps["own"] = w.app(State.PENDING)
    w.apps["foreign"] = w.app(State.PENDING, foreign=True)
    w.apps["approved"] = w.app(State.DISTRICT_APPROVED)
    return w


def test_no_url_of_the_map_answers_a_server_error(app, db, world, make_client):
    failures = []
    _walk(make_client(), app, world, None, failures)
    for user in (world.baoshan_clerk, world.baoshan_admin, world.city_admin, world.finance):
        client = make_client()
        assert login(client, user.username).status_code == 302
        _walk(client, app, world, csrf_token(client, "/account/password"), failures)
    assert not failures, "\n".join(itertools.islice(failures, 60)) + f"\n({len(failures)} in all)"


@pytest.mark.parametrize("path", [
    "/review/district/list/?_flt_2_name=x",
    "/review/district/list/?_flt_0_district=99999999999999999999",
    "/myapplicationmodelview/list/?_oc_MyApplicationModelView=organisation&_od_MyApplicationModelView=asc",
    "/review/district/list/?_oc_DistrictReviewModelView=district&_od_DistrictReviewModelView=asc",
    "/review/district/excel/?_flt_7_state=x",
    "/review/district/bulk/approve_by_district?_flt_9_batch=1",
])
def test_malformed_list_arguments_answer_a_chinese_400(app, db, world, make_client, path):
    client = make_client()
    login(client, world.baoshan_admin.username)
    response = client.get(path)
    assert response.status_code == 400
    assert "请求无效" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/campaigns/?batch=99999999999999999999", "/district-requests/list/?batch=abc",
                                  "/payments/reconciliation/list/?campaign=" + HUGE])
def test_a_row_id_argument_that_is_no_id_answers_a_chinese_404(app, db, world, make_client, path):
    client = make_client()
    login(client, world.city_admin.username)
    response = client.get(path)
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_a_filter_form_with_empty_fields_still_lists(app, db, world, make_client):
    client = make_client()
    login(client, world.baoshan_admin.username)
    response = client.get("/review/district/list/?_flt_0_name=&_flt_0_batch=&_flt_0_state=pending&_flt_0_campaign=")
    assert response.status_code == 200


def test_unknown_action_name_is_404_even_anonymous(app, db, world, make_client):
    client = make_client()
    token = csrf_token(client, "/login/")
    for path in ("/batchmodelview/action/x/1", "/organisationmodelview/action/x/1", "/district-admins/action/x/1",
                 "/security-log/action/x/1", "/referenceitemmodelview/action/x/1"):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 404, path
        assert "页面不存在" in response.get_data(as_text=True)
