"""查看 → a decision → the next application of the same list (审核通过并下一份 / 审核不通过并下一份), with the
position 第 n / N 份: the list's order and filter travel in the URL, the scope holds, the end of the list
goes back to the list, and a concurrent change keeps the reviewer on the page with the reason."""
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from app.applications.models import Application
from app.extensions import db
from app.review import queries
from app.review.models import ReviewRecord
from app.review.states import State
from tests.conftest import csrf_token

DISTRICT = "/review/district"
FINAL = "/review/final"
PENDING = "_flt_0_state=pending"


def _apps(world, names, state=State.PENDING, foreign=False, start=datetime(2026, 11, 1, 9, 0)):
    """Applications submitted one hour apart, in the order of ``names`` (the first is the oldest)."""
    made = []
    for i, name in enumerate(names):
        a = world.app(state, foreign=foreign, name=name)
        a.submitted_at = start + timedelta(hours=i)
        made.append(a)
    db.session.commit()
    return made


def _position(html):
    match = re.search(r'id="review-position">(.*?)</span>', html, re.S)
    return re.sub(r"\s+", "", match.group(1)) if match else None


def _show_links(html, prefix=DISTRICT):
    return re.findall(rf'href="({re.escape(prefix)}/show/\d+[^"#]*)"', html)


def _decide(client, prefix, item, name, query, then_next=True, **form):
    token = csrf_token(client, f"{prefix}/show/{item.id}?{query}")
    data = {"csrf_token": token, "version": str(item.version), **form}
    if then_next:
        data["then"] = "next"
    return client.post(f"{prefix}/decide/{item.id}/{name}?{query}", data=data)


def test_show_links_carry_the_filter_and_the_page_shows_the_position(db, world, login_as):
    old, mid, new = _apps(world, ["甲", "乙", "丙"])
    _apps(world, ["已通过"], state=State.DISTRICT_APPROVED, start=datetime(2026, 11, 2, 9, 0))
    client = login_as(world.baoshan_admin)
    html = client.get(f"{DISTRICT}/list/?{PENDING}").get_data(as_text=True)
    links = _show_links(html)
    # Newest first (the list's default order), each 查看 carrying the filter.
    assert [urlsplit(u.replace("&amp;", "&")).path for u in links][:3] == [
        f"{DISTRICT}/show/{new.id}", f"{DISTRICT}/show/{mid.id}", f"{DISTRICT}/show/{old.id}"]
    assert all("_flt_0_state=pending" in u for u in links)
    page = client.get(f"{DISTRICT}/show/{mid.id}?{PENDING}").get_data(as_text=True)
    assert _position(page) == "第2/3份"
    assert f'href="{DISTRICT}/show/{old.id}?{PENDING}"' in page and 'id="next-application"' in page
    assert f'href="{DISTRICT}/show/{new.id}?{PENDING}"' in page and 'id="previous-application"' in page
    assert "审核通过并下一份" in page and "审核不通过并下一份" in page
    # Without a filter the same application is one of all four.
    assert _position(client.get(f"{DISTRICT}/show/{mid.id}").get_data(as_text=True)) == "第3/4份"


def test_approve_and_next_walks_the_list_in_its_order_to_the_end(db, world, login_as):
    old, mid, new = _apps(world, ["甲", "乙", "丙"])
    client = login_as(world.baoshan_admin)
    response = _decide(client, DISTRICT, new, "approve_by_district", PENDING)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).path == f"{DISTRICT}/show/{mid.id}"
    assert parse_qs(urlsplit(location).query) == {"_flt_0_state": ["pending"]}
    db.session.expire_all()
    assert db.session.get(Application, new.id).state == State.DISTRICT_APPROVED.value
    page = client.get(location).get_data(as_text=True)
    assert "丙：已审核通过，已打开下一份" in page
    # The decided one left the filter: 乙 is now the first of two.
    assert _position(page) == "第1/2份"

    response = _decide(client, DISTRICT, db.session.get(Application, mid.id), "reject_by_district", PENDING,
                       comment="照片不清晰")
    assert urlsplit(response.headers["Location"]).path == f"{DISTRICT}/show/{old.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _position(page) == "第1/1份"
    # The last one offers no “并下一份”; deciding it anyway goes back to the filtered list.
    assert "审核通过并下一份" not in page and 'id="next-application"' not in page
    response = _decide(client, DISTRICT, db.session.get(Application, old.id), "approve_by_district", PENDING)
    location = response.headers["Location"]
    assert urlsplit(location).path == f"{DISTRICT}/list/"
    assert parse_qs(urlsplit(location).query) == {"_flt_0_state": ["pending"]}
    assert "当前筛选条件下已没有下一份申请" in client.get(location).get_data(as_text=True)
    db.session.expire_all()
    states = {a.name: a.state for a in db.session.query(Application)}
    assert states == {"甲": "district_approved", "乙": "district_rejected", "丙": "district_approved"}
    assert db.session.query(ReviewRecord).count() == 3


def test_next_keeps_the_list_order_and_an_unfiltered_list(db, world, login_as):
    a, b, c = _apps(world, ["赵一", "钱二", "孙三"])
    client = login_as(world.baoshan_admin)
    order = "_oc_DistrictReviewModelView=submitted_at&_od_DistrictReviewModelView=asc"
    html = client.get(f"{DISTRICT}/list/?{order}").get_data(as_text=True)
    assert all("_od_DistrictReviewModelView=asc" in u for u in _show_links(html))
    response = _decide(client, DISTRICT, a, "approve_by_district", order)
    location = response.headers["Location"]
    assert urlsplit(location).path == f"{DISTRICT}/show/{b.id}"
    assert parse_qs(urlsplit(location).query)["_od_DistrictReviewModelView"] == ["asc"]
    # No state filter: the decided application stays in the list, 钱二 is the second of three.
    assert _position(client.get(location).get_data(as_text=True)) == "第2/3份"


def test_next_never_leaves_the_reviewers_scope(db, world, login_as):
    own, = _apps(world, ["本区"], start=datetime(2026, 11, 1, 9, 0))
    _apps(world, ["外区"], foreign=True, start=datetime(2026, 11, 1, 8, 0))
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/show/{own.id}?{PENDING}").get_data(as_text=True)
    assert _position(page) == "第1/1份" and 'id="next-application"' not in page
    response = _decide(client, DISTRICT, own, "approve_by_district", PENDING)
    assert urlsplit(response.headers["Location"]).path == f"{DISTRICT}/list/"


def test_final_review_next_with_the_district_filter(db, world, login_as):
    first, second = _apps(world, ["终一", "终二"], state=State.DISTRICT_APPROVED)
    other, = _apps(world, ["虹口"], state=State.DISTRICT_APPROVED, foreign=True,
                   start=datetime(2026, 11, 1, 9, 30))
    client = login_as(world.city_admin)
    query = f"_flt_0_state=district_approved&_flt_0_district={second.district_id}"
    page = client.get(f"{FINAL}/show/{second.id}?{query}").get_data(as_text=True)
    assert _position(page) == "第1/2份" and "终审通过并下一份" in page
    response = _decide(client, FINAL, second, "approve_final", query)
    location = response.headers["Location"]
    assert urlsplit(location).path == f"{FINAL}/show/{first.id}"  # not 虹口's, though submitted between
    assert parse_qs(urlsplit(location).query)["_flt_0_district"] == [str(second.district_id)]
    assert other.id not in {second.id, first.id}


def test_someone_acted_first_keeps_the_reviewer_on_the_page(db, world, login_as):
    first, second = _apps(world, ["先", "后"])
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"{DISTRICT}/show/{second.id}?{PENDING}")
    seen = second.version
    # Another reviewer decides first.
    other = login_as(world.baoshan_admin)
    assert _decide(other, DISTRICT, second, "reject_by_district", PENDING, then_next=False,
                   comment="材料不全").status_code == 302
    response = client.post(f"{DISTRICT}/decide/{second.id}/approve_by_district?{PENDING}",
                           data={"csrf_token": token, "version": str(seen), "then": "next"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert urlsplit(location).path == f"{DISTRICT}/show/{second.id}"
    assert parse_qs(urlsplit(location).query) == {"_flt_0_state": ["pending"]}
    page = client.get(location).get_data(as_text=True)
    assert "该申请已被他人处理，请刷新后重试" in page
    db.session.expire_all()
    assert db.session.get(Application, second.id).state == State.DISTRICT_REJECTED.value
    assert db.session.query(ReviewRecord).count() == 1


def test_position_query_orders_ties_by_id(db, world):
    same = datetime(2026, 11, 2, 10, 0)
    a, b, c = _apps(world, ["同一", "同二", "同三"])
    for x in (a, b, c):
        x.submitted_at = same
    db.session.commit()
    flt = queries.ApplicationFilter()
    where = queries.position(db.session, world.baoshan_admin, flt, same, b.id)
    assert (where.number, where.total, where.previous_id, where.next_id) == (2, 3, c.id, a.id)
    where = queries.position(db.session, world.baoshan_admin, flt, same, b.id, direction="asc")
    assert (where.number, where.previous_id, where.next_id) == (2, a.id, c.id)
    # Out of scope: the hongkou admin sees none of them.
    where = queries.position(db.session, world.hongkou_admin, flt, same, b.id)
    assert (where.number, where.total, where.previous_id, where.next_id) == (None, 0, None, None)


def test_the_position_in_a_big_list_uses_the_lists_count_and_counts_from_the_nearer_end(app, db, world, login_as):
    """Above LIST_EXACT_COUNT the record page does not count the whole list again: the total is the list's own
    (cached, 约) and a place deep in the list is counted from the far end, shown as 约; near the top it is exact."""
    apps = _apps(world, [f"第{i}" for i in range(9)])  # newest last: the list shows apps[8] first
    queries.count_cache.clear()
    app.config.update(LIST_EXACT_COUNT=3, LIST_COUNT_CACHE_SECONDS=600)
    client = login_as(world.baoshan_admin)
    try:
        assert _position(client.get(f"{DISTRICT}/show/{apps[7].id}").get_data(as_text=True)) == "第2/约9份"
        assert _position(client.get(f"{DISTRICT}/show/{apps[1].id}").get_data(as_text=True)) == "第约8/约9份"
        # A newer application: the place near the top is exact at once, the total the list's cached one (no
        # count of the whole list per record)...
        world.app(name="新来")
        db.session.commit()
        assert _position(client.get(f"{DISTRICT}/show/{apps[7].id}").get_data(as_text=True)) == "第3/约9份"
        # ...and in the middle of a list longer than twice the limit the place is counted exactly.
        assert _position(client.get(f"{DISTRICT}/show/{apps[4].id}").get_data(as_text=True)) == "第6/约9份"
    finally:
        app.config.update(LIST_EXACT_COUNT=10_000, LIST_COUNT_CACHE_SECONDS=60)
        queries.count_cache.clear()
