"""Flask-AppBuilder's traps, closed for the review screens (app/security/views_base.py), one test each."""
import re
import threading

import pytest
from sqlalchemy import event

from app.applications.models import Application
from app.extensions import appbuilder
from app.review.models import ReviewRecord
from app.review.states import State
from tests.conftest import csrf_token

DISTRICT = "/review/district"
PSIZE = "psize_DistrictReviewModelView"


def view_named(name):
    return next(v for v in appbuilder.baseviews if v.__class__.__name__ == name)


def row_count(html):
    return len(re.findall(r'<tr data-pk="\d+"', html))


def test_action_routes_refuse_a_foreign_rowid_and_change_nothing(db, world, login_as):
    own, foreign = world.app(), world.app(foreign=True)
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"{DISTRICT}/list/")
    assert client.post(f"{DISTRICT}/action/approve_by_district/{foreign.id}",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"{DISTRICT}/action_post", data={
        "action": "void", "rowid": [foreign.id], "csrf_token": token}).status_code == 404
    # An unknown action name is not an error page of FAB's, just absent.
    assert client.post(f"{DISTRICT}/action_post", data={
        "action": "delete_everything", "rowid": [own.id], "csrf_token": token}).status_code == 404
    assert client.post(f"{DISTRICT}/action/delete_everything/{own.id}", data={"csrf_token": token}).status_code == 404
    # FAB's own GET route for actions does not exist here.
    assert client.get(f"{DISTRICT}/action/approve_by_district/{own.id}").status_code == 405
    db.session.expire_all()
    assert [db.session.get(Application, a.id).state for a in (own, foreign)] == ["pending", "pending"]
    assert db.session.query(ReviewRecord).count() == 0


def test_interleaved_requests_never_see_each_others_filters(app, db, world, login_as, monkeypatch):
    """FAB #2366: FAB rewrites one Filters object per view from each request's query string. Two requests
    are held together after reading their filters and before querying: each must still get its own rows."""
    baoshan = [world.app(name="宝山甲"), world.app(name="宝山乙")]
    hongkou = [world.app(State.DISTRICT_APPROVED, foreign=True, name="虹口丙")]
    world.app(State.DISTRICT_APPROVED, name="宝山丁")
    view = view_named("DistrictReviewModelView")
    barrier = threading.Barrier(2, timeout=10)
    original = view._get_list_widget

    def held(*args, **kwargs):
        barrier.wait()  # both requests have parsed their filters now
        return original(*args, **kwargs)

    monkeypatch.setattr(view, "_get_list_widget", held)
    clients = {"baoshan": login_as(world.baoshan_admin), "hongkou": login_as(world.hongkou_admin)}
    queries = {"baoshan": "_flt_0_state=pending", "hongkou": "_flt_0_state=district_approved"}
    pages = {}

    def fetch(key):
        pages[key] = clients[key].get(f"{DISTRICT}/list/?{queries[key]}").get_data(as_text=True)

    threads = [threading.Thread(target=fetch, args=(key,)) for key in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert row_count(pages["baoshan"]) == 2 and "宝山甲" in pages["baoshan"] and "宝山丁" not in pages["baoshan"]
    assert row_count(pages["hongkou"]) == 1 and "虹口丙" in pages["hongkou"]
    # And the bar above each list shows that request's own choice.
    assert re.search(r'<option value="pending" selected', pages["baoshan"])
    assert re.search(r'<option value="district_approved" selected', pages["hongkou"])
    assert not hongkou[0].name in pages["baoshan"]
    assert baoshan[0].name not in pages["hongkou"]


def statements_for(db, client, path):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


def test_list_loads_its_relationship_columns_with_the_list_query(db, world, login_as):
    for _ in range(3):
        world.app()
    client = login_as(world.city_admin)
    few = statements_for(db, client, "/review/final/list/")
    from tests.factories import make_application, make_org, make_user
    from tests.review.world import unique_id_number

    for _ in range(5):  # other units and submitters: nothing already in the session's identity map
        clerk = make_user(org=make_org())
        for _ in range(4):
            make_application(clerk, world.campaign, id_number=unique_id_number(), gender="男")
    many = statements_for(db, client, "/review/final/list/")
    assert many == few, (few, many)


@pytest.mark.parametrize("psize, rows", [("1000", 100), ("-1", 25), ("0", 25), ("30", 30)])
def test_page_size_is_capped(db, world, login_as, psize, rows):
    for _ in range(105):
        world.app()
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/list/?{PSIZE}={psize}").get_data(as_text=True)
    assert row_count(page) == rows


@pytest.mark.parametrize("query", [
    "_flt_0_id_number=310109198309073016",
    "_flt_3_id_number=3101",
    "_flt_0_name=310109198309073016",
    "_flt_0_certificate_no=31010919830907301X".replace("X", "6"),
    "q=310109198309073016",
    "_flt_0_bank_card_no=6222",
    "page_DistrictReviewModelView=abc",
])
def test_no_identifier_ever_travels_in_a_url(db, world, login_as, query):
    client = login_as(world.baoshan_admin)
    for path in ("/list/", "/excel/", "/bulk/approve_by_district"):
        assert client.get(f"{DISTRICT}{path}?{query}").status_code == 400, (path, query)


def test_search_columns_offer_no_identifier(app):
    for name in ("DistrictReviewModelView", "FinalReviewModelView", "FundingModelView"):
        view = view_named(name)
        assert not {"id_number", "bank_card_no", "union_card_no", "paid_card_no"} & set(view.search_columns)
        assert "name" in view.search_columns and "certificate_no" in view.search_columns


def test_a_certificate_number_that_is_not_an_id_number_may_be_searched(db, world, login_as):
    world.app(certificate_no="150112345678")
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/list/?_flt_0_certificate_no=1501123").get_data(as_text=True)
    assert row_count(page) == 1
