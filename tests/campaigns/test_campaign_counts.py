"""报名数: counted in the list query, in the viewer's scope, equal to an independent count; the home page's
正在进行的报名活动 shows only the batches open today."""
import re
from datetime import date

from sqlalchemy import event, func, select

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS, SYSTEM_ADMIN
from app.applications.models import Application
from app.campaigns.models import Batch
from app.orgs.models import Organisation
from app.review.states import State
from tests.factories import (
    district,
    make_application,
    make_campaign,
    make_org,
    make_user,
)


def listed_counts(html):
    """{campaign id: 报名数} as the list shows them."""
    return {int(cid): int(n) for cid, n in re.findall(
        r'<tr data-campaign="(\d+)">.*?<td class="text-right count">(\d+)</td>', html, re.S)}


def independent_count(db, campaign, org=None):
    """Applications of the campaign, not withdrawn, of ``org``'s subtree (None: all)."""
    statement = select(func.count()).select_from(Application).where(
        Application.campaign_id == campaign.id, Application.state != State.WITHDRAWN.value)
    if org is not None:
        statement = statement.join(Organisation, Organisation.id == Application.organisation_id).where(
            Organisation.path.startswith(org.path))
    return db.session.scalar(statement)


def test_count_is_the_viewers_scope_and_equals_an_independent_count(app, db, login_as):
    first, second = make_campaign(name="甲活动"), make_campaign(name="乙活动")
    baoshan_clerk = make_user(GRASSROOTS)
    baoshan_other = make_user(GRASSROOTS)
    hongkou_clerk = make_user(GRASSROOTS, org=make_org(parent=district("虹口区总工会")))
    for state in (State.PENDING, State.DISTRICT_APPROVED, State.VOIDED, State.DISTRICT_REJECTED, State.WITHDRAWN):
        make_application(baoshan_clerk, first, state=state)
    make_application(baoshan_other, first, state=State.PAID)
    make_application(baoshan_other, second)
    for _ in range(3):
        make_application(hongkou_clerk, first)

    viewers = {
        "city": (make_user(SYSTEM_ADMIN), None),
        "baoshan": (make_user(DISTRICT_ADMIN), district()),
        "hongkou": (make_user(DISTRICT_ADMIN, org=district("虹口区总工会")), district("虹口区总工会")),
        "clerk": (baoshan_clerk, baoshan_clerk.organisation),
    }
    expected = {"city": (8, 1), "baoshan": (5, 1), "hongkou": (3, 0), "clerk": (4, 0)}
    for name, (user, org) in viewers.items():
        counts = listed_counts(login_as(user).get("/campaigns/").get_data(as_text=True))
        assert counts == {first.id: independent_count(db, first, org), second.id: independent_count(db, second, org)}
        assert (counts[first.id], counts[second.id]) == expected[name], name


def test_list_counts_in_one_query_whatever_the_number_of_campaigns(app, db, login_as):
    admin = make_user(SYSTEM_ADMIN)
    client = login_as(admin)
    for n in range(6):
        make_application(make_user(GRASSROOTS), make_campaign(name=f"活动{n}"))
    statements = []

    def count(conn, cursor, statement, *args):
        if "applications" in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/campaigns/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements


def test_home_lists_only_the_batches_open_today(app, db, login_as, clock):
    campaign = make_campaign(name="技师奖励2015")
    db.session.add(Batch(campaign=campaign, number=2, name="第二批", opens_on=date(2015, 4, 11),
                         system_deadline=date(2015, 4, 15), paper_deadline=date(2015, 4, 20)))
    draft = make_campaign(name="草稿活动")
    draft.state = "draft"
    db.session.commit()
    client = login_as(make_user(GRASSROOTS))
    clock.set(date(2015, 4, 10))
    home = client.get("/").get_data(as_text=True)
    panel = home.split('id="open-campaigns"')[1].split("</table>")[0]
    assert "技师奖励2015" in panel and "第一批" in panel and "第二批" not in panel and "草稿活动" not in panel
    assert "2015-04-10" in panel and "2015-04-20" in panel
    clock.set(date(2015, 4, 11))
    panel = client.get("/").get_data(as_text=True).split('id="open-campaigns"')[1].split("</table>")[0]
    assert "第二批" in panel and "第一批" not in panel
    clock.set(date(2015, 4, 16))
    assert "今天没有正在受理的报名批次" in client.get("/").get_data(as_text=True)
