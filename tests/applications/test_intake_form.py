"""我要报名 over HTTP: every rule refused beside its field with everything kept, both variants, the
batch window, warnings that do not block, and who may use the form."""
import re
from datetime import date

import pytest

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS
from app.applications.models import Application, Attachment
from app.campaigns.models import CampaignState
from app.review.models import ReviewRecord
from app.review.states import State
from tests.applications.intake import (
    checked_value,
    field_errors,
    form_fields,
    input_value,
    post_form,
    scans,
    selected_value,
)
from tests.factories import district, make_campaign, make_org, make_user, valid_values
from tests.ids import id_number

RADIOS = {"variant", "gender", "is_migrant"}
SELECTS = {"industry", "education", "previous_level", "new_level", "certificate_issuer", "unit_kind",
           "hukou_province"}
#: Where a field's message is shown when it has no cell of its own.
CELL_OF = {"bank_name": "bank_card_no", "hukou_province": "is_migrant", "years_in_city": "is_migrant",
           "hr_signer": "hr_opinion", "hr_date": "hr_opinion"}


def make_draft(**kw):
    campaign = make_campaign(**kw)
    campaign.state = CampaignState.DRAFT.value
    db_session().commit()
    return campaign


def db_session():
    from app.extensions import db

    return db.session


def assert_kept(html, values):
    """Every value sent is shown again as it was typed."""
    for name, sent in form_fields(values).items():
        if name in RADIOS:
            assert (checked_value(html, name) or "") == sent, name
        elif name in SELECTS:
            options = re.search(r'<select[^>]*name="%s".*?</select>' % name, html, re.S).group(0)
            if f'value="{sent}"' in options:  # a value no browser can send is not shown back
                assert selected_value(html, name) == sent, name
        elif name in ("hr_opinion",):
            assert sent in html, name
        else:
            assert input_value(html, name) == sent, name


def message_in_cell(html, field, fragment):
    cell_id = "cell-" + CELL_OF.get(field, field)
    start = html.index(f'id="{cell_id}"')
    end = html.index("</td>", start) if "</td>" in html[start:] else len(html)
    section = html[start:end]
    assert fragment in section, f"{fragment!r} not beside {field}"


@pytest.fixture
def clerk(db):
    return make_user(GRASSROOTS, org=make_org(unit_name="上海江杨机械有限公司"))


@pytest.fixture
def batch_path(db):
    campaign = make_campaign(name="2015年度上海职工晋升技师、高级技师奖励计划")
    return f"/apply/batch/{campaign.batches[0].id}"


REFUSALS = [
    (dict(name="李"), "name", "姓名至少应有2个字"),
    (dict(name="张3"), "name", "姓名只能包含汉字"),
    (dict(id_number="310109198309073017", gender="男"), "id_number", "身份证号码校验位不正确"),
    (dict(id_number=id_number(date(1999, 6, 1), True), gender="男"), "id_number", "未满16周岁"),
    (dict(id_number=id_number(date(1980, 3, 1), True), gender="女"), "gender", "性别与身份证号码不符"),
    (dict(mobile="1234567"), "mobile", "手机号码应为11位"),
    (dict(postcode="20043"), "postcode", "邮编应为6位数字"),
    (dict(previous_level="2", new_level="2"), "previous_level", "原有最高技能等级须低于现晋升的技能等级"),
    (dict(previous_level_date=date(2015, 1, 1)), "previous_level_date", "原有技能等级取得时间须早于发证日期"),
    (dict(certificate_date=date(2013, 12, 31)), "certificate_date", "发证日期须在2014年1月1日及以后"),
    (dict(certificate_date=date(2015, 3, 11)), "certificate_date", "发证日期不能晚于今天"),
    (dict(certificate_issuer="交通运输部"), "certificate_issuer", "通用工种的发证机构须为上海市人力资源和社会保障局"),
    (dict(certificate_no="No.1501/23"), "certificate_no", "等级证书编号只能包含字母、数字和连字符"),
    (dict(union_card_no="8800123456789012"), "bank_card_no", "已填写工会会员服务卡卡号的，无需填写银行名称及卡号"),
    (dict(bank_name=None, bank_card_no=None), "union_card_no", "请填写工会会员服务卡卡号，或填写银行名称及银行卡号"),
    (dict(bank_card_no="6222021234567890124"), "bank_card_no", "Luhn"),
    (dict(bank_name=None), "bank_name", "请填写银行名称"),
    (dict(is_migrant=True), "hukou_province", "请选择户籍地"),
    (dict(is_migrant=True, hukou_province="43", years_in_city="七十"), "years_in_city", "来沪年限须为0–60之间的整数"),
    (dict(trade=""), "trade", "请填写工种"),
    (dict(employer=""), "employer", "请填写工作单位"),
    (dict(industry=""), "industry", "请选择所属行业"),
    (dict(unit_kind="nationalised"), "unit_kind", "不在可选范围内"),
    (dict(variant=""), "variant", "请选择申报类别"),
    (dict(variant="industry", certificate_issuer="交通运输部", hr_signer=""), "hr_signer", "请填写人力资源部门经办人"),
    (dict(variant="industry", certificate_issuer="交通运输部", hr_opinion=""), "hr_opinion", "请填写基层单位人力资源部门意见"),
    (dict(variant="industry", certificate_issuer="交通运输部", hr_date=date(2015, 3, 11)), "hr_date",
     "人力资源部门确认日期不能晚于今天"),
]


def test_each_rule_is_refused_beside_its_field_with_everything_kept(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)  # one clerk for all cases: a refusal stores no application
    for case, (override, field, fragment) in enumerate(REFUSALS):
        variant = override.get("variant") or "general"
        values = valid_values(seed=3, **override)
        if variant == "industry":
            values["hr_opinion"] = override.get("hr_opinion", "情况属实")
            values["hr_signer"] = override.get("hr_signer", "王人事")
            values["hr_date"] = override.get("hr_date", date(2015, 3, 2))
        response = post_form(client, batch_path, values, scans(variant))
        html = response.get_data(as_text=True)
        assert response.status_code == 200, case
        assert any(fragment in m for m in field_errors(html, field)), (case, field_errors(html, field))
        message_in_cell(html, field, fragment)
        assert "申报未成功" in html, case
        assert_kept(html, values)
        # The scans uploaded with the refused form are listed again and ride along in hidden inputs.
        for kind in scans(variant):
            assert re.search(r'name="attachment_id_%s" value="\d+"' % kind, html), (case, kind)
    assert db.session.query(Application).count() == 0


def test_valid_general_submission_creates_pending_application_with_audit_and_scans(app, db, login_as, set_today,
                                                                                 clerk, batch_path):
    client = login_as(clerk)
    values = valid_values(seed=4, is_migrant=True, hukou_province="43", years_in_city=6)
    response = post_form(client, batch_path, values, scans())
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert response.headers["Location"].endswith(f"/myapplicationmodelview/show/{application.id}")
    assert application.state == State.PENDING.value and application.version == 1
    assert application.fill_date == date(2015, 3, 10)
    assert application.district_id == district().id and application.organisation_id == clerk.organisation_id
    assert application.submitted_by_id == clerk.id
    assert (application.is_migrant, application.hukou_province, application.years_in_city) == (True, "43", 6)
    assert application.id_number == values["id_number"] and application.bank_card_no == values["bank_card_no"]
    assert sorted(a.kind for a in application.attachments) == ["card_copy", "certificate_copy", "id_copy"]
    record = db.session.scalar(db.select(ReviewRecord))
    assert (record.action, record.from_state, record.to_state, record.user_id) == ("submit", None, "pending", clerk.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "申报成功" in page and "确认无误，申报" in page


def test_industry_variant_needs_the_hr_stamped_scan(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    values = valid_values(seed=5, variant="industry")
    html = post_form(client, batch_path, values, scans("general")).get_data(as_text=True)
    assert field_errors(html, "attachment_hr_form") == ["请上传经基层单位人力资源部门审核盖章的申请表"]
    assert db.session.query(Application).count() == 0
    # The three scans already sent stay; only the missing one is added.
    ids = {kind: input_value(html, f"attachment_id_{kind}") for kind in ("id_copy", "certificate_copy", "card_copy")}
    response = post_form(client, batch_path, values, scans("industry", id_copy=None, certificate_copy=None,
                                                           card_copy=None),
                         extra={f"attachment_id_{k}": v for k, v in ids.items()})
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.variant == "industry" and application.hr_signer == "王人事"
    assert {a.kind for a in application.attachments} == {"id_copy", "certificate_copy", "card_copy", "hr_form"}
    assert {str(a.id) for a in application.attachments} >= set(ids.values())


def test_general_variant_ignores_hr_fields(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    values = valid_values(seed=6, hr_opinion="随便写的", hr_signer="某人", hr_date="不是日期")
    assert post_form(client, batch_path, values, scans()).status_code == 302
    application = db.session.scalar(db.select(Application))
    assert (application.hr_opinion, application.hr_signer, application.hr_date) == (None, None, None)


def test_full_width_and_spaced_input_is_cleaned_before_storing(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    values = valid_values(seed=7)
    spaced = dict(values, mobile="+86 130-1111-2222", id_number=values["id_number"].translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}), postcode=" 200431 ")
    assert post_form(client, batch_path, spaced, scans()).status_code == 302
    application = db.session.scalar(db.select(Application))
    assert (application.mobile, application.id_number, application.postcode) == (
        "13011112222", values["id_number"], "200431")


def test_unknown_id_region_warns_but_does_not_block(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    values = valid_values(seed=8, id_number=id_number(date(1980, 3, 1), True, region="999999"), gender="男")
    refused = post_form(client, batch_path, dict(values, mobile="1"), scans()).get_data(as_text=True)
    assert "地区码（999999）未能识别" in refused and 'class="field-warning" data-field="id_number"' in refused
    response = post_form(client, batch_path, values, scans())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请核对身份证号码" in page


def test_form_shows_district_today_and_reference_choices(app, db, login_as, set_today, clerk, batch_path):
    from app.reference.models import ReferenceItem

    retired = db.session.scalar(db.select(ReferenceItem).where(ReferenceItem.list_name == "industry",
                                                               ReferenceItem.code == "T"))
    retired.active = False
    db.session.commit()
    html = login_as(clerk).get(batch_path + "?variant=industry").get_data(as_text=True)
    assert "宝山区总工会" in html and "2015年3月10日" in html
    assert checked_value(html, "variant") == "industry"
    assert input_value(html, "employer") == "上海江杨机械有限公司"
    assert '<option value="C">制造业</option>' in html and "国际组织" not in html
    assert 'data-variant="industry"' in html and "交通运输部" in html
    for label in ("所属区县局（产业）工会", "填表日期", "姓名", "性别", "手机号码", "所属行业", "学历", "原有最高技能等级",
                  "工种", "现晋升的技能等级", "原有技能等级取得时间", "等级证书编号", "发证日期", "发证机构", "身份证号码",
                  "工会会员服务卡卡号", "银行名称及卡号", "工作单位", "单位性质", "通信地址", "邮编", "是否外来务工人员",
                  "户籍地", "来沪年限", "基层单位人力资源部门意见", "经办人", "身份证复印件", "等级证书复印件",
                  "工会会员服务卡或银行卡复印件", "确认无误，申报"):
        assert label in html, label


WINDOW = [
    (date(2015, 2, 28), False, "第一批将于2015年3月1日开始受理"),
    (date(2015, 3, 1), True, None),
    (date(2015, 4, 10), True, None),
    (date(2015, 4, 11), False, "第一批已于2015年4月10日截止网上受理，不能再申报"),
]


def test_submission_only_while_the_batch_is_open(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    for seed, (day, allowed, message) in enumerate(WINDOW, start=90):
        set_today(day)
        before = db.session.query(Application).count()
        values = valid_values(seed=seed, certificate_date=date(2014, 12, 1))
        form = client.get(batch_path).get_data(as_text=True)
        response = post_form(client, batch_path, values, scans())
        if allowed:
            assert 'id="closed-alert"' not in form, day
            assert response.status_code == 302, day
            assert db.session.query(Application).count() == before + 1
        else:
            assert message in form and re.search(r'id="submit-application"[^>]*disabled', form), day
            html = response.get_data(as_text=True)
            assert response.status_code == 200 and message in html, day
            assert_kept(html, values)
            assert db.session.query(Application).count() == before


def test_apply_index_lists_published_open_batches_only(app, db, login_as, set_today, clerk):
    open_campaign = make_campaign(name="正在受理的活动")
    make_campaign(name="已截止的活动", opens_on=date(2015, 1, 1), deadline=date(2015, 2, 1), paper=date(2015, 2, 10))
    make_campaign(name="下半年的活动", opens_on=date(2015, 9, 1), deadline=date(2015, 9, 30), paper=date(2015, 10, 15))
    make_draft(name="草稿活动")
    html = login_as(clerk).get("/apply/").get_data(as_text=True)
    open_table = html.split('id="open-batches"')[1].split("</table>")[0]
    assert "我要报名" in html
    assert "正在受理的活动" in open_table and f"/apply/batch/{open_campaign.batches[0].id}?variant=general" in open_table
    assert "已截止的活动" not in html and "草稿活动" not in html and "下半年的活动" not in open_table
    assert "下半年的活动" in html.split('id="upcoming-batches"')[1]


def test_draft_campaign_form_is_not_found(app, db, login_as, set_today, clerk):
    draft = make_draft()
    client = login_as(clerk)
    assert client.get(f"/apply/batch/{draft.batches[0].id}").status_code == 404
    assert client.get("/apply/batch/99999").status_code == 404


def test_only_grassroots_users_have_the_form_and_its_menu(app, db, login_as, set_today, clerk, batch_path):
    home = login_as(clerk).get("/").get_data(as_text=True)
    assert "我要报名" in home and "报名管理" in home
    admin = login_as(make_user(DISTRICT_ADMIN))
    assert "我要报名" not in admin.get("/").get_data(as_text=True)
    assert admin.get("/apply/").status_code == 403
    assert admin.get(batch_path).status_code == 403
    assert admin.get("/myapplicationmodelview/list/").status_code == 403


def test_post_without_csrf_token_is_refused(app, db, login_as, set_today, clerk, batch_path):
    client = login_as(clerk)
    response = client.post(batch_path, data=form_fields(valid_values(seed=10)))
    assert response.status_code == 400
    assert db.session.query(Application).count() == 0 and db.session.query(Attachment).count() == 0


def test_every_input_has_its_own_label_radio_groups_are_fieldsets_and_errors_are_tied(app, db, login_as, set_today,
                                                                                        clerk, batch_path):
    client = login_as(clerk)
    html = client.get(batch_path).get_data(as_text=True)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    # Every <label for> names an element of the page.
    targets = re.findall(r'<label[^>]*\bfor="([^"]+)"', html)
    assert targets and not [t for t in targets if t not in ids]
    for name in ("bank_name", "bank_card_no", "name", "mobile", "id_number"):
        assert f'for="{name}"' in html, name
    # 性别 and 是否外来务工人员: a fieldset whose legend names the group.
    for legend in ("性别", "是否外来务工人员"):
        assert re.search(r'<fieldset class="radio-group"[^>]*>\s*<legend class="sr-only">' + legend + "</legend>", html)
    # A refused value: its message has an id, and the input names it.
    values = valid_values(seed=5, mobile="123", bank_card_no="12")
    html = post_form(client, batch_path, values, scans()).get_data(as_text=True)
    for name in ("mobile", "bank_card_no"):
        tag = re.search(r'<input[^>]*\bid="' + name + r'"[^>]*>', html).group(0)
        assert f'aria-describedby="error-{name}"' in tag and 'aria-invalid="true"' in tag, tag
        assert f'id="error-{name}"' in html
    # The error summary names the fields as the form shows them.
    summary = re.search(r'id="error-summary".*?</ul>', html, re.S).group(0)
    assert "手机号码" in summary
