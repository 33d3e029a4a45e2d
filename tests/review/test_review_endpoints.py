"""Every review endpoint with a foreign id answers 404 and changes nothing; roles without the screen
are turned away; the screens show what the manual shows."""
import re

import pytest

from app.applications.models import Application
from app.review.models import ReviewRecord
from app.review.states import State
from tests.conftest import csrf_token

DISTRICT = "/review/district"


def test_every_district_endpoint_with_a_foreign_id_is_404(db, world, login_as):
    foreign = world.app(foreign=True)
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"{DISTRICT}/list/")
    pk = foreign.id
    assert client.get(f"{DISTRICT}/show/{pk}").status_code == 404
    for name in ("approve_by_district", "reject_by_district", "record_payment", "void"):
        assert client.post(f"{DISTRICT}/decide/{pk}/{name}", data={
            "csrf_token": token, "version": "1", "comment": "x"}).status_code == 404
        assert client.post(f"{DISTRICT}/action/{name}/{pk}", data={"csrf_token": token}).status_code == 404
        assert client.post(f"{DISTRICT}/action_post", data={
            "csrf_token": token, "action": name, "rowid": [pk]}).status_code == 404
        assert client.post(f"{DISTRICT}/bulk/{name}", data={
            "csrf_token": token, "mode": "ticked", "rowid": [pk], f"version_{pk}": "1",
            "comment": "x"}).status_code == 404
    assert client.get(f"{DISTRICT}/show/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(Application, pk).state == "pending" and db.session.query(ReviewRecord).count() == 0


def test_no_add_edit_or_delete_routes(db, world, login_as):
    own = world.app()
    client = login_as(world.city_admin)
    token = csrf_token(client, "/review/final/list/")
    for path in (f"/review/final/edit/{own.id}", "/review/final/add", f"/review/final/delete/{own.id}"):
        assert client.post(path, data={"csrf_token": token}).status_code in (404, 405)
    assert client.get(f"/review/final/show/{own.id}").status_code == 200


@pytest.mark.parametrize("role_user, path, allowed", [
    ("baoshan_clerk", "/review/district/list/", False),
    ("baoshan_clerk", "/review/final/list/", False),
    ("baoshan_clerk", "/payments/funding/list/", False),
    ("finance", "/review/district/list/", False),
    ("finance", "/review/final/list/", False),
    ("finance", "/payments/funding/list/", True),
    ("baoshan_admin", "/review/final/list/", False),
    ("baoshan_admin", "/payments/funding/excel/", False),
    ("city_admin", "/review/district/list/", False),
    ("city_admin", "/review/final/excel/", True),
])
def test_each_screen_belongs_to_its_role(db, world, login_as, role_user, path, allowed):
    client = login_as(getattr(world, role_user))
    response = client.get(path)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403) and "/review/" not in response.headers.get("Location", "")


def test_district_list_is_the_manuals_page(db, world, login_as):
    a = world.app(name="张三")
    world.app(State.DISTRICT_APPROVED, name="李四")
    world.app(name="王五", foreign=True)
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/list/").get_data(as_text=True)
    header = re.search(r'<thead>(.*?)</thead>', page, re.S).group(1)
    titles = [re.sub(r"<[^>]+>|\s", "", t) for t in re.findall(r"<th[^>]*>(.*?)</th>", header, re.S)]
    assert titles[1:] == ["姓名", "填报人", "区县局", "单位", "报名时间", "状态", "操作"]
    assert "张三" in page and "李四" in page and "王五" not in page
    assert "李静" in page and "宝山区总工会" in page and "上海江杨机械有限公司" in page
    for title in ("未审核", "区县局初审通过", "区县局初审未通过", "市技协服务中心终审通过", "市技协服务中心终审未通过",
                  "市总财务部配套发放", "已发放至职工", "已撤回", "已作废"):
        assert f">{title}</option>" in page
    assert "刷新" in page and "下载Excel" in page and f"{DISTRICT}/show/{a.id}#decision-void" in page
    assert a.id_number not in page  # no ID number in the list
    only_pending = client.get(f"{DISTRICT}/list/?_flt_0_state=pending").get_data(as_text=True)
    assert "张三" in only_pending and "李四" not in only_pending
    assert "_flt_0_state=pending" in re.search(r'id="excel-button"[^>]*|href="[^"]*excel[^"]*"', only_pending).group(0) \
        or f'{DISTRICT}/excel/?_flt_0_state=pending' in only_pending


@pytest.mark.parametrize("query, names", [
    ("_flt_0_name=张", {"张三"}),
    ("_flt_0_organisation=江杨", {"张三", "李四"}),
    ("_flt_0_organisation=光丰", set()),
    ("_flt_0_certificate_no=99887766", {"李四"}),
    ("_flt_0_state=nonsense", set()),
    ("_flt_0_new_level=1", {"李四"}),
])
def test_district_search_by_name_unit_and_certificate(db, world, login_as, query, names):
    world.app(name="张三", certificate_no="150100000001")
    world.app(name="李四", certificate_no="150199887766", new_level="1", previous_level="2")
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/list/?{query}").get_data(as_text=True)
    shown = {n for n in ("张三", "李四") if re.search(f"<td[^>]*>{n}</td>", page)}
    assert shown == names


def test_application_page_shows_fields_attachments_history_and_allowed_buttons(db, world, login_as):
    from app.review import services

    app = world.app(employer="上海江杨机械有限公司", trade="焊工")
    services.reject_by_district(app, world.baoshan_admin, "证书复印件不清晰")
    db.session.commit()
    services.apply_transition(app, world.baoshan_clerk, "correct")  # resubmitted
    db.session.commit()
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/show/{app.id}").get_data(as_text=True)
    assert app.id_number in page  # whole on the detail page, for the reviewer
    for text in ("姓名", "张三", "焊工", "所属行业", "制造业", "现晋升的技能等级", "技师（国家职业资格二级）",
                 "审核记录", "未审核 → 区县局初审未通过", "证书复印件不清晰", "区县局初审未通过 → 未审核",
                 "宝山管理员", "区县局管理员", "宝山区总工会", "修改报名表", "身份证复印件"):
        assert text in page, text
    buttons = set(re.findall(r'id="submit-([a-z_]+)"', page))
    assert buttons == {"approve_by_district", "reject_by_district", "void"}
    assert page.count('name="version" value="3"') == 3
    # The city screen offers its own buttons only once the district approved.
    city = login_as(world.city_admin).get(f"/review/final/show/{app.id}").get_data(as_text=True)
    assert set(re.findall(r'id="submit-([a-z_]+)"', city)) == {"void"}


def test_single_decision_from_the_page_and_the_stale_page_loses(db, world, login_as, make_client):
    app = world.app()
    first, second = login_as(world.baoshan_admin), login_as(world.baoshan_admin)
    token1, token2 = csrf_token(first, f"{DISTRICT}/show/{app.id}"), csrf_token(second, f"{DISTRICT}/show/{app.id}")
    ok = first.post(f"{DISTRICT}/decide/{app.id}/approve_by_district", data={"csrf_token": token1, "version": "1"})
    assert ok.status_code == 302
    assert "已审核通过" in first.get(ok.headers["Location"]).get_data(as_text=True)
    late = second.post(f"{DISTRICT}/decide/{app.id}/reject_by_district",
                       data={"csrf_token": token2, "version": "1", "comment": "不符合条件"})
    assert late.status_code == 302
    page = second.get(late.headers["Location"]).get_data(as_text=True)
    assert "该申请已被他人处理" in page and "区县局初审通过" in page
    assert db.session.query(ReviewRecord).filter_by(application_id=app.id).count() == 1


def test_rejection_without_reason_keeps_the_page_and_says_why_beside_the_field(db, world, login_as):
    app = world.app()
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"{DISTRICT}/show/{app.id}")
    page = client.post(f"{DISTRICT}/decide/{app.id}/reject_by_district",
                       data={"csrf_token": token, "version": "1", "comment": ""}).get_data(as_text=True)
    assert re.search(r'has-error">\s*<label[^>]*for="reject_by_district-comment"', page)
    assert "请填写原因" in page
    assert db.session.query(ReviewRecord).count() == 0


def test_payment_form_keeps_what_was_typed_when_refused(db, world, login_as):
    world.submitted_request(technician="800")
    app = world.app(State.FUNDED)
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/show/{app.id}").get_data(as_text=True)
    assert re.search(r'id="matching-amount">800.00<', page)
    token = csrf_token(client, f"{DISTRICT}/show/{app.id}")
    page = client.post(f"{DISTRICT}/decide/{app.id}/record_payment", data={
        "csrf_token": token, "version": "1", "paid_on": "2015-04-01", "card_no": "6222 abc"}).get_data(as_text=True)
    assert "8–19位数字" in page and 'value="2015-04-01"' in page and 'value="6222 abc"' in page
    assert db.session.query(ReviewRecord).count() == 0


def test_payment_page_says_the_request_is_missing_and_refuses(db, world, login_as):
    app = world.app(State.FUNDED)
    client = login_as(world.baoshan_admin)
    page = client.get(f"{DISTRICT}/show/{app.id}").get_data(as_text=True)
    assert re.search(r'id="matching-problem">[^<]*尚未提交[^<]*申请单', page)
    token = csrf_token(client, f"{DISTRICT}/show/{app.id}")
    page = client.post(f"{DISTRICT}/decide/{app.id}/record_payment", data={
        "csrf_token": token, "version": "1", "paid_on": "", "card_no": ""}).get_data(as_text=True)
    assert "尚未提交" in page
    assert db.session.query(ReviewRecord).count() == 0


def test_decision_without_the_version_seen_is_refused(db, world, login_as):
    app = world.app()
    client = login_as(world.baoshan_admin)
    token = csrf_token(client, f"{DISTRICT}/show/{app.id}")
    assert client.post(f"{DISTRICT}/decide/{app.id}/approve_by_district",
                       data={"csrf_token": token}).status_code == 400
    assert client.post(f"{DISTRICT}/decide/{app.id}/approve_by_district", data={"version": "1"}).status_code == 400
    assert db.session.query(ReviewRecord).count() == 0
