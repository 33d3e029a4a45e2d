"""Field rules of the application form (SPEC §3): app/applications/rules.py. Pure, no fixtures."""

import re
from datetime import date, datetime

import pytest
from stdnum.cn import ric

from app.applications import rules
from app.applications.rules import RuleContext, RuleResult, clean_id_number, clean_mobile, validate_application
from app.masking import mask_card, mask_id_number, mask_mobile
from app.reference import data
from tests.ids import bank_card as make_card
from tests.ids import id_number, with_check_digit

TODAY = date(2015, 6, 1)
WINDOW_FROM = date(2014, 1, 1)
WINDOW_TO = date(2015, 5, 31)
VALID_ID = "310109198309073016"  # the manual's sample: male (17th digit 1), born 1983-09-07


def make_id(region="310109", birth=date(1983, 9, 7), seq="301"):
    """An ID number with a correct GB 11643 check digit."""
    return id_number(birth, region=region, seq=seq)


def bad_luhn(card):
    return card[:-1] + str((int(card[-1]) + 1) % 10)


VALID_CARD = make_card()


def ctx(**kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("cert_issued_from", WINDOW_FROM)
    kw.setdefault("cert_issued_to", WINDOW_TO)
    return RuleContext(**kw)


GENERAL = {
    "variant": "general",
    "name": "张三",
    "gender": "男",
    "mobile": "13011112222",
    "industry": "C",
    "education": "bachelor",
    "previous_level": "3",
    "previous_level_date": "2010-05-01",
    "trade": "车工",
    "new_level": "2",
    "certificate_no": "SH2014-000123",
    "certificate_date": "2014-10-15",
    "certificate_issuer": data.CITY_HR_AUTHORITY,
    "id_number": VALID_ID,
    "union_card_no": "8888123456789012",
    "bank_name": "",
    "bank_card_no": "",
    "employer": "上海某某机械有限公司",
    "unit_kind": "state",
    "address": "上海市虹口区某某路100号",
    "postcode": "200080",
    "is_migrant": "否",
    "hukou_province": "",
    "years_in_city": "",
    "hr_opinion": "",
    "hr_signer": "",
    "hr_date": "",
}

INDUSTRY = {
    **GENERAL,
    "variant": "industry",
    "name": "王芳",
    "gender": "女",
    "id_number": make_id("320102", date(1980, 2, 29), "282"),
    "previous_level": "2",
    "previous_level_date": "2009-03-01",
    "new_level": "1",
    "certificate_issuer": "交通运输部",
    "union_card_no": "",
    "bank_name": "中国工商银行",
    "bank_card_no": VALID_CARD,
    "is_migrant": "是",
    "hukou_province": "32",
    "years_in_city": "10",
    "hr_opinion": "情况属实，同意申报。",
    "hr_signer": "李四",
    "hr_date": "2015-01-10",
}

BASES = {"general": GENERAL, "industry": INDUSTRY}


def run(base="general", context=None, **changes):
    return validate_application({**BASES[base], **changes}, context or ctx())


def is_chinese(message):
    return bool(re.search(r"[\u4e00-\u9fff]", message))


def assert_only_error(result, field, fragment):
    assert set(result.errors) == {field}, result.errors
    messages = result.errors[field]
    assert all(is_chinese(m) for m in messages), messages
    assert any(fragment in m for m in messages), messages


# ---------------------------------------------------------------------------------------------
# valid bases
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("base", ["general", "industry"])
def test_valid_base_passes_without_errors_or_warnings(base):
    result = run(base)
    assert isinstance(result, RuleResult)
    assert result.ok, result.errors
    assert result.errors == {}
    assert result.warnings == {}
    assert set(result.cleaned) == set(rules.FIELDS)


def test_cleaned_general_is_typed_and_ignores_hr_and_migrant_fields():
    result = run("general", hr_opinion="随便", hr_signer="某人", hr_date="not a date",
                 hukou_province="32", years_in_city="99")
    assert result.ok, result.errors
    c = result.cleaned
    assert c["certificate_date"] == date(2014, 10, 15)
    assert c["previous_level_date"] == date(2010, 5, 1)
    assert c["is_migrant"] is False
    assert c["hukou_province"] is None and c["years_in_city"] is None
    assert c["hr_opinion"] is None and c["hr_signer"] is None and c["hr_date"] is None
    assert c["union_card_no"] == "8888123456789012"
    assert c["bank_name"] is None and c["bank_card_no"] is None


def test_cleaned_industry_is_typed():
    c = run("industry").cleaned
    assert c["is_migrant"] is True
    assert c["years_in_city"] == 10
    assert c["hukou_province"] == "32"
    assert c["hr_date"] == date(2015, 1, 10)
    assert c["bank_card_no"] == VALID_CARD
    assert c["union_card_no"] is None


def test_default_context_works_with_only_today():
    context = RuleContext(today=TODAY)
    assert context.issuers["general"] == {data.CITY_HR_AUTHORITY}
    assert "交通运输部" in context.issuers["industry"]
    assert len(context.industries) == 20 and "T" in context.industries
    assert "bachelor" in context.educations and "state" in context.unit_kinds
    assert "31" in context.provinces
    assert context.cert_issued_from is None and context.cert_issued_to is None
    assert validate_application(GENERAL, context).ok


def test_typed_input_is_accepted():
    result = run("industry", certificate_date=date(2014, 10, 15),
                 previous_level_date=datetime(2009, 3, 1, 0, 0), hr_date=date(2015, 1, 10),
                 is_migrant=True, years_in_city=10, new_level=1, previous_level=2, postcode=200080)
    assert result.ok, result.errors
    assert result.cleaned["previous_level_date"] == date(2009, 3, 1)
    assert result.cleaned["new_level"] == "1" and result.cleaned["previous_level"] == "2"
    assert result.cleaned["postcode"] == "200080"


def test_all_errors_are_collected_not_only_the_first():
    result = run(name="", mobile="123", postcode="2000", id_number="310109198309073017")
    assert {"name", "mobile", "postcode", "id_number"} <= set(result.errors)
    assert not result.ok


def test_empty_form_reports_every_required_field():
    result = validate_application({}, ctx())
    for field in ("variant", "name", "gender", "mobile", "industry", "education", "previous_level",
                  "previous_level_date", "trade", "new_level", "certificate_no", "certificate_date",
                  "certificate_issuer", "id_number", "employer", "unit_kind", "address", "postcode",
                  "is_migrant", "union_card_no"):
        assert field in result.errors, field


# ---------------------------------------------------------------------------------------------
# required fields
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,message", [
    ("name", "请填写姓名"),
    ("gender", "请选择性别"),
    ("mobile", "请填写手机号码"),
    ("industry", "请选择所属行业"),
    ("education", "请选择学历"),
    ("previous_level", "请选择原有最高技能等级"),
    ("previous_level_date", "请填写原有技能等级取得时间"),
    ("trade", "请填写工种"),
    ("new_level", "请选择现晋升的技能等级"),
    ("certificate_no", "请填写等级证书编号"),
    ("certificate_date", "请填写发证日期"),
    ("certificate_issuer", "请选择发证机构"),
    ("id_number", "请填写身份证号码"),
    ("employer", "请填写工作单位"),
    ("unit_kind", "请选择单位性质"),
    ("address", "请填写通信地址"),
    ("postcode", "请填写邮编"),
    ("is_migrant", "请选择是否外来务工人员"),
])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_required_field_missing(field, message, blank):
    result = run(**{field: blank})
    assert_only_error(result, field, message)
    assert result.errors[field] == [message]


def test_missing_key_counts_as_blank():
    values = dict(GENERAL)
    del values["trade"]
    assert_only_error(validate_application(values, ctx()), "trade", "请填写工种")


@pytest.mark.parametrize("field,message", [
    ("hr_opinion", "请填写基层单位人力资源部门意见"),
    ("hr_signer", "请填写人力资源部门经办人"),
    ("hr_date", "请填写人力资源部门确认日期"),
])
def test_hr_fields_required_for_industry_variant(field, message):
    assert_only_error(run("industry", **{field: ""}), field, message)


def test_variant_required_and_valid():
    assert_only_error(run(variant=""), "variant", "请选择")
    assert_only_error(run(variant="special"), "variant", "通用工种")
    assert run(variant="通用工种").cleaned["variant"] == "general"


# ---------------------------------------------------------------------------------------------
# 姓名
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("张三", "张三"),
    ("  张三  ", "张三"),
    ("欧阳娜娜", "欧阳娜娜"),
    ("买买提·艾力", "买买提·艾力"),
    ("买买提•艾力", "买买提·艾力"),
    ("买买提・艾力", "买买提·艾力"),
    ("买买提‧艾力", "买买提·艾力"),
    ("买买提･艾力", "买买提·艾力"),
    ("John Smith", "John Smith"),
    ("Ｊｏｈｎ  Smith", "John Smith"),
    ("张 三", "张三"),
    ("䶮三", "䶮三"),          # extension A ideograph
    ("\U00020000三", "\U00020000三"),  # extension B ideograph
])
def test_name_valid_and_normalised(raw, expected):
    result = run(name=raw)
    assert result.ok, result.errors
    assert result.cleaned["name"] == expected


@pytest.mark.parametrize("raw,fragment", [
    ("张", "至少应有2个字"),
    ("张" * 31, "不能超过30个字"),
    ("张3", "只能包含汉字"),
    ("张三!", "只能包含汉字"),
    ("·张三", "间隔号"),
    ("张三·", "间隔号"),
    ("买买提··艾力", "间隔号"),
])
def test_name_invalid(raw, fragment):
    assert_only_error(run(name=raw), "name", fragment)


# ---------------------------------------------------------------------------------------------
# 身份证号码
# ---------------------------------------------------------------------------------------------

def test_clean_id_number_valid_sample():
    assert clean_id_number(VALID_ID) == (VALID_ID, None, None)


@pytest.mark.parametrize("raw,expected", [
    ("３１０１０９１９８３０９０７３０１６", VALID_ID),   # full-width digits
    (" 310109 19830907 3016 ", VALID_ID),
    ("310109-19830907-3016", VALID_ID),
])
def test_clean_id_number_normalises(raw, expected):
    assert clean_id_number(raw) == (expected, None, None)


def test_clean_id_number_lower_x_becomes_upper():
    number = None
    for seq in range(100, 1000):  # find a sequence whose check digit is X
        candidate = make_id(seq=str(seq))
        if candidate.endswith("X"):
            number = candidate
            break
    assert number is not None
    assert clean_id_number(number.lower()) == (number, None, None)
    assert clean_id_number(number[:-1] + "ｘ") == (number, None, None)  # full-width x


@pytest.mark.parametrize("raw,fragment", [
    ("31010919830907301", "应为18位"),
    ("3101091983090730161", "应为18位"),
    ("31010919830907301A", "前17位须为数字"),
    ("3101091983090730X6", "前17位须为数字"),
    ("310109198309073017", "身份证号码校验位不正确"),
])
def test_clean_id_number_errors(raw, fragment):
    number, error, warning = clean_id_number(raw)
    assert error and is_chinese(error) and fragment in error
    assert warning is None


def test_clean_id_number_invalid_birth_date_is_error_not_checksum():
    body = "31010919830230301"  # 30 February
    number = with_check_digit(body)
    _, error, warning = clean_id_number(number)
    assert error == "身份证号码中的出生日期（19830230）无效"
    assert warning is None


def test_clean_id_number_birth_in_future_is_error():
    number = make_id(birth=date(2016, 1, 1))
    _, error, _ = clean_id_number(number, today=TODAY)
    assert error and "晚于今天" in error


def test_stdnum_refuses_unknown_region_but_we_only_warn():
    number = make_id(region="990109")
    with pytest.raises(Exception):
        ric.validate(number)  # stdnum itself refuses it: rules must not
    normalised, error, warning = clean_id_number(number)
    assert normalised == number and error is None
    assert warning and "990109" in warning and "未能识别" in warning


def test_region_code_newer_than_birth_year_is_not_even_a_warning():
    # 310115 浦东新区 exists since 1992; stdnum refuses it for someone born in 1980, but the prefix is
    # the region where the number was issued, so it is a known region.
    number = make_id(region="310115", birth=date(1980, 5, 5))
    assert not ric.is_valid(number)
    assert clean_id_number(number) == (number, None, None)


def test_unknown_region_is_a_warning_on_the_application():
    result = run(id_number=make_id(region="990109"))
    assert result.ok, result.errors
    assert list(result.warnings) == ["id_number"]
    assert is_chinese(result.warnings["id_number"][0])


def test_clean_id_number_optional_blank():
    assert clean_id_number("", required=False) == ("", None, None)
    assert clean_id_number(None) == ("", "请填写身份证号码", None)


@pytest.mark.parametrize("id_number,fragment", [
    ("310109198309073017", "校验位不正确"),
    ("31010919830907301", "18位"),
])
def test_id_number_errors_on_the_application(id_number, fragment):
    assert_only_error(run(id_number=id_number), "id_number", fragment)


# ---------------------------------------------------------------------------------------------
# 性别
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("id_number,gender,ok", [
    (make_id(seq="301"), "男", True),
    (make_id(seq="301"), "女", False),
    (make_id(seq="302"), "女", True),
    (make_id(seq="302"), "男", False),
    (make_id(seq="000"), "女", True),
    (make_id(seq="999"), "男", True),
])
def test_gender_must_agree_with_id(id_number, gender, ok):
    result = run(id_number=id_number, gender=gender)
    if ok:
        assert result.ok, result.errors
    else:
        assert_only_error(result, "gender", "性别与身份证号码不符")


def test_gender_invalid_value():
    assert_only_error(run(gender="M"), "gender", "性别须为")


# ---------------------------------------------------------------------------------------------
# age ≥ 16 on the certificate date (error on id_number)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("birth,ok", [
    (date(1998, 10, 15), True),    # 16th birthday = certificate date
    (date(1998, 10, 14), True),
    (date(1998, 10, 16), False),   # one day short of 16
    (date(1999, 1, 1), False),     # 15
])
def test_applicant_at_least_16_on_certificate_date(birth, ok):
    result = run(id_number=make_id(birth=birth), previous_level_date="2014-01-01",
                 certificate_date="2014-10-15")
    if ok:
        assert result.ok, result.errors
    else:
        assert_only_error(result, "id_number", "未满16周岁")


def test_leap_day_birth():
    birth = date(1996, 2, 29)
    base = dict(id_number=make_id(birth=birth), previous_level_date="2012-01-01",
                context=ctx(cert_issued_from=None))
    assert_only_error(run(certificate_date="2012-02-28", **base), "id_number", "未满16周岁")
    assert run(certificate_date="2012-02-29", **base).ok
    # in a common year a 29 February birthday is reached on 1 March
    assert rules._age_on(birth, date(2013, 2, 28)) == 16
    assert rules._age_on(birth, date(2013, 3, 1)) == 17


# ---------------------------------------------------------------------------------------------
# 手机号码
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("13011112222", "13011112222"),
    ("+8613011112222", "13011112222"),
    ("+86 130 1111 2222", "13011112222"),
    ("008613011112222", "13011112222"),
    ("8613011112222", "13011112222"),
    ("130-1111-2222", "13011112222"),
    ("１３０１１１１２２２２", "13011112222"),
    ("19912345678", "19912345678"),
])
def test_clean_mobile_valid(raw, expected):
    assert clean_mobile(raw) == (expected, None)


@pytest.mark.parametrize("raw", [
    "12011112222",      # 12x is not a mobile prefix
    "1301111222",       # 10 digits
    "130111122223",     # 12 digits
    "23011112222",
    "+8712011112222",
    "86130111122",      # 86 + 9 digits: prefix not stripped
    "1301111222a",
])
def test_clean_mobile_invalid(raw):
    number, error = clean_mobile(raw)
    assert error and is_chinese(error) and "手机号码" in error
    assert_only_error(run(mobile=raw), "mobile", "手机号码应为11位")


def test_clean_mobile_blank():
    assert clean_mobile("") == ("", "请填写手机号码")
    assert clean_mobile(None, required=False) == ("", None)


# ---------------------------------------------------------------------------------------------
# 邮编, lists
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["20008", "2000800", "20008a", "邮编"])
def test_postcode_invalid(raw):
    assert_only_error(run(postcode=raw), "postcode", "邮编应为6位数字")


def test_postcode_full_width_and_outside_shanghai_warning():
    assert run(postcode="２０００８０").cleaned["postcode"] == "200080"
    result = run(postcode="100000")
    assert result.ok and "postcode" in result.warnings


@pytest.mark.parametrize("field,value,fragment", [
    ("industry", "Z", "所属行业"),
    ("industry", "制造", "所属行业"),
    ("education", "幼儿园", "学历"),
    ("unit_kind", "国营", "单位性质"),
])
def test_choice_not_in_list(field, value, fragment):
    assert_only_error(run(**{field: value}), field, fragment)


def test_choice_uses_the_context_lists():
    context = ctx(industries={"A"})
    assert_only_error(run(context=context), "industry", "不在可选范围内")


@pytest.mark.parametrize("field,label,code", [
    ("industry", "制造业", "C"),
    ("education", "本科", "bachelor"),
    ("unit_kind", "国有（国有控股）", "state"),
    ("industry", "ｃ", None),  # full-width lower c is not the code C
])
def test_choice_accepts_label(field, label, code):
    result = run(**{field: label})
    if code is None:
        assert field in result.errors
    else:
        assert result.ok, result.errors
        assert result.cleaned[field] == code


# ---------------------------------------------------------------------------------------------
# 技能等级 and dates
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("previous,new,ok", [
    ("3", "2", True),
    ("5", "2", True),
    ("2", "1", True),
    ("4", "1", True),
    ("2", "2", False),
    ("1", "2", False),
    ("1", "1", False),
])
def test_previous_level_strictly_lower(previous, new, ok):
    result = run(previous_level=previous, new_level=new)
    if ok:
        assert result.ok, result.errors
    else:
        assert_only_error(result, "previous_level", "原有最高技能等级须低于现晋升的技能等级")


@pytest.mark.parametrize("new", ["3", "5", "6", "技工"])
def test_new_level_only_technician_or_senior(new):
    assert_only_error(run(new_level=new), "new_level", "技师（国家职业资格二级）或高级技师")


def test_previous_level_invalid_code():
    assert_only_error(run(previous_level="6"), "previous_level", "原有最高技能等级须为")


def test_level_labels_accepted():
    result = run(previous_level="高级工（国家职业资格三级）", new_level="技师")
    assert result.ok, result.errors
    assert (result.cleaned["previous_level"], result.cleaned["new_level"]) == ("3", "2")


@pytest.mark.parametrize("previous_date", ["2014-10-15", "2014-10-16", "2015-01-01"])
def test_previous_level_date_must_be_before_certificate_date(previous_date):
    assert_only_error(run(previous_level_date=previous_date), "previous_level_date",
                      "原有技能等级取得时间须早于发证日期")


@pytest.mark.parametrize("raw,expected", [
    ("2014-10-15", date(2014, 10, 15)),
    ("2014/10/15", date(2014, 10, 15)),
    ("2014.10.15", date(2014, 10, 15)),
    ("20141015", date(2014, 10, 15)),
    ("2014-1-5", date(2014, 1, 5)),
    ("２０１４－１０－１５", date(2014, 10, 15)),
    ("2014年10月15日", date(2014, 10, 15)),
    ("2014-10-15 00:00:00", date(2014, 10, 15)),
    (date(2014, 10, 15), date(2014, 10, 15)),
    (datetime(2014, 10, 15, 8, 30), date(2014, 10, 15)),
])
def test_certificate_date_formats(raw, expected):
    result = run(certificate_date=raw)
    assert result.ok, result.errors
    assert result.cleaned["certificate_date"] == expected


@pytest.mark.parametrize("raw,fragment", [
    ("15/10/2014", "格式不正确"),
    ("2014-10/15", "格式不正确"),
    ("昨天", "格式不正确"),
    ("2014-02-30", "不是有效的日期"),
    ("20141315", "不是有效的日期"),
])
def test_certificate_date_unparseable(raw, fragment):
    result = run(certificate_date=raw)
    assert_only_error(result, "certificate_date", fragment)
    assert result.cleaned["certificate_date"] is None


@pytest.mark.parametrize("certificate_date,context,fragment", [
    ("2015-06-02", ctx(cert_issued_to=None), "发证日期不能晚于今天"),
    ("2013-12-31", ctx(), "发证日期须在2014年1月1日及以后"),
    ("2015-06-01", ctx(), "发证日期须在2015年5月31日及以前"),
])
def test_certificate_date_window(certificate_date, context, fragment):
    result = run(certificate_date=certificate_date, context=context, previous_level_date="2010-01-01")
    assert_only_error(result, "certificate_date", fragment)


@pytest.mark.parametrize("certificate_date", ["2014-01-01", "2015-05-31"])
def test_certificate_date_window_bounds_inclusive(certificate_date):
    assert run(certificate_date=certificate_date).ok


def test_certificate_date_today_allowed_without_upper_bound():
    assert run(certificate_date="2015-06-01", context=ctx(cert_issued_to=None)).ok


# ---------------------------------------------------------------------------------------------
# 发证机构, 证书编号, 工种
# ---------------------------------------------------------------------------------------------

def test_general_issuer_must_be_city_hr_authority():
    result = run(certificate_issuer="交通运输部")
    assert_only_error(result, "certificate_issuer", "通用工种的发证机构须为上海市人力资源和社会保障局")
    assert "行业特有工种" in result.errors["certificate_issuer"][0]


def test_industry_issuer_cannot_be_city_hr_authority():
    assert_only_error(run("industry", certificate_issuer=data.CITY_HR_AUTHORITY),
                      "certificate_issuer", "请按通用工种申报")


def test_industry_issuer_unknown():
    assert_only_error(run("industry", certificate_issuer="某某协会"), "certificate_issuer",
                      "不在行业特有工种的发证机构名单中")


def test_issuers_come_from_context():
    context = ctx(issuers={"general": {data.CITY_HR_AUTHORITY}, "industry": {"某某协会"}})
    assert run("industry", certificate_issuer="某某协会", context=context).ok
    assert "certificate_issuer" in run("industry", context=context).errors


@pytest.mark.parametrize("raw,expected", [
    ("SH2014-000123", "SH2014-000123"),
    ("ｓｈ２０１４－０００１２３", "SH2014-000123"),
    ("1" * 50, "1" * 50),
])
def test_certificate_no_valid(raw, expected):
    result = run(certificate_no=raw)
    assert result.ok, result.errors
    assert result.cleaned["certificate_no"] == expected


@pytest.mark.parametrize("raw,fragment", [
    ("SH 2014", "只能包含字母、数字和连字符"),
    ("证书123", "只能包含字母、数字和连字符"),
    ("1" * 51, "不能超过50位"),
])
def test_certificate_no_invalid(raw, fragment):
    assert_only_error(run(certificate_no=raw), "certificate_no", fragment)


def test_trade_length():
    assert run(trade="车" * 50).ok
    assert_only_error(run(trade="车" * 51), "trade", "不能超过50个字")


def test_free_text_keeps_chinese_punctuation_but_folds_full_width_digits():
    result = run(address="上海市虹口区某某路１００号（北楼），３室", employer="上海某某（集团）有限公司")
    assert result.ok, result.errors
    assert result.cleaned["address"] == "上海市虹口区某某路100号（北楼），3室"
    assert result.cleaned["employer"] == "上海某某（集团）有限公司"


@pytest.mark.parametrize("field,value,fragment", [
    ("employer", "厂", "至少应有2个字"),
    ("employer", "厂" * 101, "不能超过100个字"),
    ("address", "沪", "至少应有2个字"),
    ("address", "路" * 101, "不能超过100个字"),
])
def test_employer_and_address_length(field, value, fragment):
    assert_only_error(run(**{field: value}), field, fragment)


# ---------------------------------------------------------------------------------------------
# 工会会员服务卡 XOR 银行卡
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["622202123456789012", "621700000000000", "6222021234567890"])
def test_bank_card_luhn_valid(prefix):
    card = make_card(prefix)
    assert 16 <= len(card) <= 19
    result = run("industry", bank_card_no=card)
    assert result.ok, result.errors


@pytest.mark.parametrize("prefix", ["622202123456789012", "621700000000000", "6222021234567890"])
def test_bank_card_luhn_invalid(prefix):
    assert_only_error(run("industry", bank_card_no=bad_luhn(make_card(prefix))), "bank_card_no", "Luhn")


def test_bank_card_spaces_and_full_width_removed():
    spaced = " ".join(VALID_CARD[i:i + 4] for i in range(0, len(VALID_CARD), 4))
    result = run("industry", bank_card_no=spaced.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}))
    assert result.ok, result.errors
    assert result.cleaned["bank_card_no"] == VALID_CARD


@pytest.mark.parametrize("card,fragment", [
    (make_card("62220212345678"), "16–19位数字"),        # 15 digits
    (make_card("6222021234567890123"), "16–19位数字"),   # 20 digits
    ("6222abcd12345678", "只能包含数字"),
])
def test_bank_card_length_and_characters(card, fragment):
    assert_only_error(run("industry", bank_card_no=card), "bank_card_no", fragment)


def test_both_union_card_and_bank_given():
    result = run("industry", union_card_no="8888123456789012")
    assert_only_error(result, "bank_card_no", "已填写工会会员服务卡卡号的，无需填写银行名称及卡号")


def test_union_card_and_bank_name_only():
    assert_only_error(run(bank_name="中国银行"), "bank_card_no", "无需填写银行名称及卡号")


def test_neither_union_card_nor_bank():
    result = run(union_card_no="", bank_name="", bank_card_no="")
    assert_only_error(result, "union_card_no", "请填写工会会员服务卡卡号，或填写银行名称及银行卡号")


def test_bank_name_without_card_and_card_without_name():
    assert_only_error(run("industry", bank_card_no=""), "bank_card_no", "请填写银行卡号")
    assert_only_error(run("industry", bank_name=""), "bank_name", "请填写银行名称")


@pytest.mark.parametrize("card,ok", [
    ("12345678", True),
    ("1234567890123456789", True),
    ("8888 1234 5678 9012", True),
    ("1234567", False),
    ("12345678901234567890", False),
    ("8888-ABCD", False),
])
def test_union_card_format(card, ok):
    result = run(union_card_no=card)
    if ok:
        assert result.ok, result.errors
    else:
        assert_only_error(result, "union_card_no", "工会会员服务卡卡号应为8–19位数字")


# ---------------------------------------------------------------------------------------------
# 外来务工人员
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    ("是", True), ("否", False), ("true", True), ("False", False), ("1", True), ("0", False),
    ("y", True), ("N", False), (True, True), (False, False), ("１", True),
])
def test_is_migrant_values(raw, expected):
    values = {"hukou_province": "32", "years_in_city": "5"} if expected else {}
    result = run(is_migrant=raw, **values)
    assert result.ok, result.errors
    assert result.cleaned["is_migrant"] is expected


def test_is_migrant_invalid():
    assert_only_error(run(is_migrant="也许"), "is_migrant", "是否外来务工人员应填写")


def test_migrant_missing_province():
    assert_only_error(run("industry", hukou_province=""), "hukou_province", "请选择户籍地")


def test_migrant_missing_years():
    assert_only_error(run("industry", years_in_city=""), "years_in_city", "请填写来沪年限")


def test_migrant_unknown_province():
    assert_only_error(run("industry", hukou_province="99"), "hukou_province", "户籍地")


def test_migrant_province_by_name():
    result = run("industry", hukou_province="江苏省")
    assert result.ok and result.cleaned["hukou_province"] == "32"


@pytest.mark.parametrize("years,ok", [
    ("0", True), ("30", True), (30, True), (30.0, True), ("12年", True),
    ("61", False), ("-1", False), ("2.5", False), ("十年", False), (2.5, False),
])
def test_years_in_city_range(years, ok):
    # born 1950 so that 60 years are possible at all
    result = run("industry", years_in_city=years,
                 id_number=make_id("320102", date(1950, 2, 28), "282"))
    if ok:
        assert result.ok, result.errors
    else:
        assert_only_error(result, "years_in_city", "来沪年限须为0–60之间的整数")


def test_years_in_city_cannot_exceed_age():
    # applicant born 1980-02-29 is 35 on 2015-06-01
    assert run("industry", years_in_city="35").ok
    assert_only_error(run("industry", years_in_city="36"), "years_in_city", "不能超过申请人的年龄")


def test_migrant_with_shanghai_hukou_warns():
    result = run("industry", hukou_province="31")
    assert result.ok and "hukou_province" in result.warnings


# ---------------------------------------------------------------------------------------------
# 基层单位人力资源部门 (行业特有工种)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes,field,fragment", [
    ({"hr_opinion": "同" * 201}, "hr_opinion", "不能超过200个字"),
    ({"hr_signer": "李"}, "hr_signer", "至少应有2个字"),
    ({"hr_signer": "李" * 31}, "hr_signer", "不能超过30个字"),
    ({"hr_date": "2015-06-02"}, "hr_date", "人力资源部门确认日期不能晚于今天"),
    ({"hr_date": "2014-10-14"}, "hr_date", "人力资源部门确认日期不能早于发证日期"),
    ({"hr_date": "2015-13-01"}, "hr_date", "不是有效的日期"),
])
def test_hr_rules(changes, field, fragment):
    assert_only_error(run("industry", **changes), field, fragment)


def test_hr_date_on_certificate_date_and_today_allowed():
    assert run("industry", hr_date="2014-10-15").ok
    assert run("industry", hr_date="2015-06-01").ok


# ---------------------------------------------------------------------------------------------
# masking
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("func,value,expected", [
    (mask_id_number, "310109198309073016", "310109********3016"),
    (mask_id_number, "31010919830907301X", "310109********301X"),
    (mask_card, "6222021234567890123", "***************0123"),
    (mask_card, "6222 0212 3456 7890", "************7890"),
    (mask_card, "12345678", "****5678"),
    (mask_mobile, "13011112222", "130****2222"),
    (mask_id_number, None, ""),
    (mask_id_number, "", ""),
    (mask_card, None, ""),
    (mask_card, "", ""),
    (mask_mobile, None, ""),
    (mask_mobile, "", ""),
    (mask_card, "1234", "****"),
    (mask_mobile, "12345", "*2345"),
])
def test_masking(func, value, expected):
    assert func(value) == expected


def test_rules_module_is_pure():
    source = open(rules.__file__, encoding="utf-8").read()
    assert not re.search(r"^\s*(from|import)\s+(flask|sqlalchemy|flask_appbuilder)", source, re.M | re.I)
