"""The scoped application list (app/review/queries.py): filters, scope, and a page query count that does not
grow with the page size."""
import re

import pytest
from sqlalchemy import event, select

from app.accounts.roles import GRASSROOTS
from app.applications.models import Application
from app.orgs.models import OrgKind
from app.extensions import db as _db
from app.review import queries
from app.review.queries import ApplicationFilter
from app.review.states import State
from tests.factories import district, make_application, make_org, make_user
from tests.ids import unique_id_number


def ids_of(db, user, flt):
    return set(db.session.scalars(queries.applications(user, flt).with_only_columns(Application.id)))


def test_the_filter_keeps_only_given_values_of_known_fields():
    flt = ApplicationFilter.from_values({"name": ["", " 张三 "], "state": "pending", "foo": "x", "batch": None},
                                        screen_states=[State.FUNDED])
    assert (flt.name, flt.state, flt.batch, flt.screen_states) == (("张三",), ("pending",), (), ("funded",))


def test_scope_and_every_filter_match_an_independent_selection(db, world):
    own = [world.app(name="张三"), world.app(State.DISTRICT_APPROVED, name="李四"),
           world.app(name="张三丰", certificate_no="1531000000000001")]
    foreign = world.app(foreign=True, name="张三")
    admin, city = world.baoshan_admin, world.city_admin
    assert ids_of(db, admin, ApplicationFilter()) == {a.id for a in own}
    assert foreign.id in ids_of(db, city, ApplicationFilter())
    cases = [
        ({"name": "张三"}, {own[0].id, own[2].id}),
        ({"name": ["张三", "丰"]}, {own[2].id}),
        ({"state": "district_approved"}, {own[1].id}),
        ({"state": "no-such-state"}, set()),
        ({"certificate_no": "0000001"}, {own[2].id}),
        ({"unit": "江杨"}, {a.id for a in own}),
        ({"unit": "虹口"}, set()),
        ({"campaign": str(world.campaign.id)}, {a.id for a in own}),
        ({"campaign": "abc"}, set()),
        ({"batch": "99999999999999999999999"}, set()),
        ({"name": "%"}, set()),
    ]
    for values, expected in cases:
        assert ids_of(db, admin, ApplicationFilter.from_values(values)) == expected, values
    screen = ApplicationFilter.from_values({}, screen_states=[State.DISTRICT_APPROVED])
    assert ids_of(db, admin, screen) == {own[1].id}
    assert queries.count(db.session, admin, ApplicationFilter()) == 3
    assert queries.state_counts(db.session, admin, ApplicationFilter()) == [("未审核", 2), ("区县局初审通过", 1)]


def test_a_user_without_organisation_sees_nothing(db, world):
    world.app()

    class Anonymous:
        is_authenticated = False

    assert ids_of(db, Anonymous(), ApplicationFilter()) == set()


def test_pages_do_not_overlap_and_follow_the_order(db, world):
    made = [world.app(name=f"职工{i:02d}") for i in range(7)]
    seen = []
    for number in range(3):
        _total, rows = queries.page(db.session, world.baoshan_admin, ApplicationFilter(), order_column="name",
                                    direction="asc", number=number, size=3)
        seen += [r.name for r in rows]
    assert seen == sorted(a.name for a in made)


LISTS = {
    # path: (FAB view name, who looks, the state of the rows, rows of other units and clerks?)
    "/review/district/list/": ("DistrictReviewModelView", "baoshan_admin", State.PENDING, True),
    "/review/final/list/": ("FinalReviewModelView", "city_admin", State.DISTRICT_APPROVED, True),
    "/payments/funding/list/": ("FundingModelView", "finance", State.FINAL_APPROVED, True),
    "/myapplicationmodelview/list/": ("MyApplicationModelView", "baoshan_clerk", State.PENDING, False),
}


def statements_of(client, url):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return html, statements


@pytest.mark.parametrize("path", list(LISTS))
def test_the_list_runs_the_same_number_of_statements_whatever_the_page_size(app, db, world, login_as, path):
    view, who, state, spread = LISTS[path]
    # Rows of different units and clerks: a lazy load per row would show as more statements.
    for i in range(30):
        if spread:
            unit = make_org(OrgKind.GRASSROOTS, district("宝山区总工会"), name=f"宝山单位{i:02d}工会",
                            unit_name=f"宝山单位{i:02d}")
            clerk = make_user(GRASSROOTS, org=unit, real_name=f"填报人{i:02d}")
        else:
            clerk = world.baoshan_clerk
        make_application(clerk, world.campaign, state, id_number=unique_id_number(), gender="男", name=f"职工{i:02d}")
    db.session.commit()
    client = login_as(getattr(world, who))
    counts = []
    for size in (5, 30):
        html, statements = statements_of(client, f"{path}?psize_{view}={size}")
        assert len(re.findall(r'<tr data-pk="\d+"', html)) == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert db.session.scalar(select(Application.id).limit(1)) is not None


def test_every_page_read_from_either_end_is_the_same(db, world):
    """A page in the far half of a list is read from the other end: the same rows in the same order."""
    made = [world.app(name=f"职工{i % 4}") for i in range(11)]  # equal names and times: the id decides
    flt = ApplicationFilter()
    user = world.baoshan_admin
    for order_column, direction in (("submitted_at", "desc"), ("name", "asc"), ("name", "desc")):
        order = queries._order(order_column, direction)
        statement = queries.applications(user, flt).with_only_columns(Application.id)
        everything = db.session.scalars(statement.order_by(*order)).all()
        assert sorted(everything) == sorted(a.id for a in made)
        for size in (3, 4):
            pages = [queries.page_ids(db.session, statement, order, number=n, size=size, total=len(made))
                     for n in range(4)]
            assert [pk for p in pages for pk in p] == everything, (order_column, direction, size)


def test_a_big_list_shows_a_recent_count_marked_as_such(app, db, world, login_as):
    """Above LIST_EXACT_COUNT the count is an exact count of at most LIST_COUNT_CACHE_SECONDS ago, shown with 约;
    below it every page counts exactly."""
    queries.count_cache.clear()
    for _ in range(4):
        world.app()
    db.session.commit()
    client = login_as(world.baoshan_admin)
    app.config.update(LIST_EXACT_COUNT=3, LIST_COUNT_CACHE_SECONDS=600)
    try:
        html = client.get("/review/district/list/").get_data(as_text=True)
        assert 'id="count-estimated"' in html and 'id="record-count">4<' in html
        world.app()
        db.session.commit()
        html = client.get("/review/district/list/").get_data(as_text=True)
        assert 'id="record-count">4<' in html  # the cached count, said to be approximate
        app.config.update(LIST_COUNT_CACHE_SECONDS=0)
        html = client.get("/review/district/list/").get_data(as_text=True)
        assert 'id="record-count">5<' in html
        # A filtered list under the limit is exact at once.
        html = client.get("/review/district/list/?_flt_0_state=district_approved").get_data(as_text=True)
        assert 'id="count-estimated"' not in html
    finally:
        app.config.update(LIST_EXACT_COUNT=10_000, LIST_COUNT_CACHE_SECONDS=60)
        queries.count_cache.clear()


def test_a_text_search_in_a_district_pages_like_any_list(db, world):
    """姓名/单位/证书编号 包含 in a district reads the matches first: same count, same pages, same order."""
    made = [world.app(name=f"王伟{i % 3}") for i in range(7)] + [world.app(name="李强")]
    flt = ApplicationFilter.from_values({"name": "王伟"})
    expected = db.session.scalars(queries.ordered(
        queries.applications(world.baoshan_admin, flt).with_only_columns(Application.id), "name", "asc")).all()
    assert sorted(expected) == sorted(a.id for a in made[:7])
    seen = []
    for number in range(3):
        total, rows = queries.page(db.session, world.baoshan_admin, flt, order_column="name", direction="asc",
                                   number=number, size=3)
        assert total == 7 and not total.estimated
        seen += [r.id for r in rows]
    assert seen == expected
