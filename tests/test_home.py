"""The home page: counts of the user's own scope, linking to the role's filtered work list."""
from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
from app.review.states import State
from tests.factories import district, make_application, make_campaign, make_org, make_user


def test_home_counts_only_the_users_scope_and_links_to_its_work_list(app, db, login_as):
    campaign = make_campaign()
    clerk = make_user(GRASSROOTS)
    other_clerk = make_user(GRASSROOTS, org=make_org(parent=district("虹口区总工会")))
    for state in (State.PENDING, State.PENDING, State.DISTRICT_REJECTED):
        make_application(clerk, campaign, state=state)
    make_application(other_clerk, campaign, state=State.FINAL_APPROVED)
    admin = make_user(DISTRICT_ADMIN)

    clerk_home = login_as(clerk).get("/").get_data(as_text=True)
    assert "本单位申请概况" in clerk_home and "（共 3 份）" in clerk_home
    assert "我要报名" in clerk_home and "区县局初审未通过：1 份，请修改后重新申报" in clerk_home
    assert "_flt_0_state=district_rejected" in clerk_home

    admin_home = login_as(admin).get("/").get_data(as_text=True)
    assert "管辖范围内的申请概况" in admin_home and "（共 3 份）" in admin_home
    assert "未审核：2 份，等待您处理" in admin_home
    assert "/review/district/list/?_flt_0_state=pending" in admin_home
    assert 'id="home-actions"' in admin_home and "ApplyView" not in admin_home

    city_home = login_as(make_user(SYSTEM_ADMIN)).get("/").get_data(as_text=True)
    assert "（共 4 份）" in city_home

    finance_home = login_as(make_user(FINANCE)).get("/").get_data(as_text=True)
    assert "市技协服务中心终审通过：1 份，等待您处理" in finance_home
    assert "/payments/funding/list/?_flt_0_state=final_approved" in finance_home
    # Finance's list has no 未审核: that count is shown without a link.
    assert "_flt_0_state=pending" not in finance_home
