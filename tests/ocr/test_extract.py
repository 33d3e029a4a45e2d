"""Fields read from recognised lines of 身份证 and 等级证书 copies (app/ocr/extract.py), their merge and their
comparison with the typed form."""
from datetime import date

import pytest

from app.ocr import extract
from app.ocr.extract import CERTIFICATE_COPY, ID_COPY, compare, extract_fields, merge
from tests.ids import id_number, with_check_digit

NUMBER = id_number(date(1983, 9, 7))  # 310109198309073016
WOMAN = id_number(date(1990, 2, 28), male=False)
X_NUMBER = next(n for n in (with_check_digit(f"31010919850101{s:03d}") for s in range(1, 200)) if n.endswith("X"))


def wide(text):
    """``text`` in full-width digits and letters."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def id_copy(number=NUMBER, name="张三"):
    return [
        f"姓名 {name}",
        "性别 男 民族 汉",
        "出生 1983年9月7日",
        "住址 上海市虹口区四川北路",
        "1234弄5号",
        f"公民身份号码 {number}",
    ]


def old_certificate(number=NUMBER):
    """The 人力资源和社会保障部 职业资格证书 (before 2019)."""
    return [
        "中华人民共和国",
        "职业资格证书",
        "姓名：王伟        性别：男",
        f"身份证号：{number}",
        "职业（工种）及等级：数控车工 二级/技师",
        "理论知识考试成绩：86  操作技能考核成绩：90",
        "证书编号：1531000000301234",
        "发证机关：上海市职业技能鉴定中心",
        "发证日期：2019年6月30日",
    ]


def new_certificate(number=NUMBER):
    """The 职业技能等级证书 of an 评价机构 (2020 on)."""
    return [
        "职业技能等级证书",
        "姓 名 李 娜",
        "证件类型 居民身份证",
        f"证件号码 {number}",
        "职业名称 电工",
        "工种 维修电工",
        "职业技能等级 一级/高级技师",
        "证书编号 S000031000001203000123",
        "评价机构 上海电气集团股份有限公司",
        "发证日期 2021-12-31",
    ]


def test_an_id_copy_gives_the_name_and_the_number():
    assert extract_fields(id_copy(), ID_COPY) == {"name": "张三", "id_number": NUMBER}


def test_an_id_copy_gives_nothing_of_a_certificate():
    reading = extract_fields(id_copy() + ["发证日期 2019年6月30日", "证书编号 1531000000301234"], ID_COPY)
    assert set(reading) == {"name", "id_number"}


def test_every_field_of_the_old_certificate():
    assert extract_fields(old_certificate(), CERTIFICATE_COPY) == {
        "name": "王伟", "id_number": NUMBER, "new_level": "2", "trade": "数控车工",
        "certificate_no": "1531000000301234", "certificate_issuer": "上海市职业技能鉴定中心",
        "certificate_date": date(2019, 6, 30)}


def test_every_field_of_the_new_certificate():
    assert extract_fields(new_certificate(), CERTIFICATE_COPY) == {
        "name": "李娜", "id_number": NUMBER, "new_level": "1", "trade": "维修电工",
        "certificate_no": "S000031000001203000123", "certificate_issuer": "上海电气集团股份有限公司",
        "certificate_date": date(2021, 12, 31)}


def test_full_width_characters_and_spaces_inside_values():
    number = wide(NUMBER)
    lines = ["姓　名：王　伟", f"身份证号：{number[:6]} {number[6:14]} {number[14:]}", "证书编号：１５３１ ０００００ ０３０１２３４",
             "发证日期：２０１９年０６月３０日", "等级：技师"]
    reading = extract_fields(lines, CERTIFICATE_COPY)
    assert reading["name"] == "王伟"
    assert reading["id_number"] == NUMBER
    assert reading["certificate_no"] == "1531000000301234"
    assert reading["certificate_date"] == date(2019, 6, 30)
    assert reading["new_level"] == "2"


def test_labels_and_values_on_separate_lines():
    lines = ["姓名", "赵敏", "公民身份号码", WOMAN, "证书编号", "1531000000305678", "发证机构", "上海市人力资源和社会保障局",
             "发证日期", "2020.11.05", "等级", "高级技师"]
    assert extract_fields(lines, CERTIFICATE_COPY) == {
        "name": "赵敏", "id_number": WOMAN, "certificate_no": "1531000000305678",
        "certificate_issuer": "上海市人力资源和社会保障局", "certificate_date": date(2020, 11, 5), "new_level": "1"}


def test_missing_lines_leave_their_fields_out():
    lines = [line for line in old_certificate() if not line.startswith(("证书编号", "发证日期"))]
    reading = extract_fields(lines, CERTIFICATE_COPY)
    assert "certificate_no" not in reading and "certificate_date" not in reading
    assert reading["certificate_issuer"] == "上海市职业技能鉴定中心"
    assert extract_fields([], CERTIFICATE_COPY) == {}
    assert extract_fields(["", "  "], ID_COPY) == {}


def test_noise_lines_are_ignored():
    lines = ["~~ ·:: ||", "第 1 页", "复印件与原件一致", *old_certificate(), "~!@#¥%", "0 0 0", "此证书全国通用"]
    reading = extract_fields(lines, CERTIFICATE_COPY)
    assert reading["name"] == "王伟" and reading["certificate_no"] == "1531000000301234"
    assert reading["certificate_date"] == date(2019, 6, 30)


@pytest.mark.parametrize("written", [
    f"公民身份号码 {NUMBER.replace('0', 'O')}",  # O read for 0
    f"公民身份号码 {NUMBER.replace('1', 'l', 2)}",  # l read for 1
    f"公民身份号码{NUMBER}",
])
def test_letters_read_for_digits_in_the_id_number(written):
    assert extract_fields(["姓名 张三", written], ID_COPY)["id_number"] == NUMBER


def test_a_lower_case_x_check_digit():
    lines = ["姓名 张三", f"公民身份号码 {X_NUMBER[:-1]}x"]
    assert extract_fields(lines, ID_COPY)["id_number"] == X_NUMBER


def test_of_two_id_like_numbers_only_the_valid_one_is_taken():
    wrong = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)
    assert extract_fields(["姓名 张三", f"公民身份号码 {wrong}", f"证件号码 {WOMAN}"], ID_COPY)["id_number"] == WOMAN
    assert extract_fields(["姓名 张三", wrong, "流水号 88888888", WOMAN], ID_COPY)["id_number"] == WOMAN
    assert "id_number" not in extract_fields(["姓名 张三", f"公民身份号码 {wrong}"], ID_COPY)


def test_the_labelled_number_wins_over_another_valid_number():
    lines = [f"备注 {WOMAN}", "姓名 张三", f"公民身份号码 {NUMBER}"]
    assert extract_fields(lines, ID_COPY)["id_number"] == NUMBER


@pytest.mark.parametrize("written, expected", [
    ("发证日期：2019年6月30日", date(2019, 6, 30)),
    ("发证日期：2019 年 06 月 30 日", date(2019, 6, 30)),
    ("发证日期：2019-06-30", date(2019, 6, 30)),
    ("发证日期：2019.6.3", date(2019, 6, 3)),
    ("发证日期：2019。06。30", date(2019, 6, 30)),
    ("发证日期：2019/06/30", date(2019, 6, 30)),
    ("发证日期：20190630", date(2019, 6, 30)),
    ("发证日期：二〇一九年六月三十日", date(2019, 6, 30)),
    ("发证日期：二〇二〇年十二月一日", date(2020, 12, 1)),
    ("发证日期：2O19年6月3O日", date(2019, 6, 30)),
])
def test_dates_in_their_several_forms(written, expected):
    assert extract_fields([written], CERTIFICATE_COPY)["certificate_date"] == expected


def test_an_impossible_date_is_not_read():
    assert "certificate_date" not in extract_fields(["发证日期：2019年2月30日"], CERTIFICATE_COPY)


def test_an_unlabelled_date_is_the_last_one_that_is_no_birth_date():
    lines = ["姓名 王伟", "出生日期 1983年9月7日", "上海市职业技能鉴定中心", "2019年6月30日"]
    reading = extract_fields(lines, CERTIFICATE_COPY)
    assert reading["certificate_date"] == date(2019, 6, 30)
    assert reading["certificate_issuer"] == "上海市职业技能鉴定中心"


@pytest.mark.parametrize("written, code", [
    ("等级：技师", "2"),
    ("等级：高级技师", "1"),
    ("等级：二级/技师", "2"),
    ("等级：一级/高级技师", "1"),
    ("等级：国家职业资格二级", "2"),
    ("等级：国家职业资格一级", "1"),
    ("技能等级：技师（国家职业资格二级）", "2"),
    ("职业资格等级 高级技师(国家职业资格一级)", "1"),
    ("等级：三级/高级工", "3"),
    ("职业（工种）及等级：焊工 高级技师", "1"),
    ("职业(工种)及等级:钳工/国家职业资格二级", "2"),
])
def test_level_words_give_the_level_code(written, code):
    assert extract_fields([written], CERTIFICATE_COPY)["new_level"] == code


def test_the_trade_without_the_level():
    assert extract_fields(["职业（工种）及等级：电梯安装维修工 高级技师"], CERTIFICATE_COPY)["trade"] == "电梯安装维修工"
    assert extract_fields(["工种：焊工"], CERTIFICATE_COPY)["trade"] == "焊工"


def test_label_words_inside_values_do_not_cut_them():
    # 职业, 等级 inside an issuer's name and the title are no labels.
    lines = ["职业技能等级证书", "发证机构：上海市职业技能鉴定中心"]
    assert extract_fields(lines, CERTIFICATE_COPY) == {"certificate_issuer": "上海市职业技能鉴定中心"}


def test_a_certificate_number_with_letters_read_for_digits():
    assert extract_fields(["证书编号：153100O0003O1234"], CERTIFICATE_COPY)["certificate_no"] == "1531000000301234"
    assert extract_fields(["证书编号 No.1531000000301234"], CERTIFICATE_COPY)["certificate_no"] == "1531000000301234"
    # The S of a 职业技能等级证书 number (a letter and 21 digits) read as 5.
    assert extract_fields(["证书编号 5784166196157667765869"], CERTIFICATE_COPY)["certificate_no"] == \
        "S784166196157667765869"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        extract_fields(["姓名 张三"], "card_copy")


# --- merge ---

def test_merge_takes_name_and_number_from_the_id_copy():
    certificate = extract_fields(old_certificate(WOMAN), CERTIFICATE_COPY)
    identity = extract_fields(id_copy(), ID_COPY)
    for merged in (merge(certificate, identity), merge(identity, certificate)):
        assert merged["name"] == "张三" and merged["id_number"] == NUMBER
        assert merged["certificate_no"] == "1531000000301234" and merged["new_level"] == "2"


def test_merge_takes_the_first_found_otherwise():
    assert merge({"name": "王伟"}, {"name": "王玮", "trade": "焊工"}, {}) == {"name": "王伟", "trade": "焊工"}
    assert merge() == {}
    only_certificate = extract_fields(old_certificate(), CERTIFICATE_COPY)
    assert merge(extract_fields(["复印件"], ID_COPY), only_certificate)["name"] == "王伟"


# --- compare ---

TYPED = {"name": "王伟", "id_number": NUMBER, "new_level": "2", "certificate_no": "1531000000301234",
         "certificate_issuer": "上海市职业技能鉴定中心", "certificate_date": date(2019, 6, 30), "trade": "车工"}


def test_compare_all_six_match():
    scanned = extract_fields(old_certificate(), CERTIFICATE_COPY)
    assert compare(TYPED, scanned) == dict.fromkeys(extract.KEY_FIELDS, extract.MATCH)


def test_compare_normalises_before_comparing():
    typed = {"name": " 王 伟", "id_number": f"{NUMBER[:6]} {NUMBER[6:]}", "new_level": "技师",
             "certificate_no": wide("1531000000301234"), "certificate_issuer": "上海市职业技能鉴定中心 ",
             "certificate_date": "2019-06-30"}
    scanned = {"name": "王伟", "id_number": NUMBER, "new_level": "2", "certificate_no": "1531000000301234",
               "certificate_issuer": "上海市职业技能鉴定中心", "certificate_date": date(2019, 6, 30)}
    assert set(compare(typed, scanned).values()) == {extract.MATCH}
    assert compare({"id_number": X_NUMBER.lower()}, {"id_number": X_NUMBER})["id_number"] == extract.MATCH
    lower = {"certificate_no": "s000031000001203000123"}
    assert compare(lower, {"certificate_no": "S000031000001203000123"})["certificate_no"] == extract.MATCH


def test_compare_differ_and_unread():
    scanned = {"name": "王玮", "id_number": WOMAN, "new_level": "1", "certificate_date": date(2019, 7, 1)}
    outcome = compare(TYPED, scanned)
    assert outcome == {"name": "differ", "id_number": "differ", "new_level": "differ", "certificate_no": "unread",
                       "certificate_issuer": "unread", "certificate_date": "differ"}
    assert compare({}, {"name": "王伟"})["name"] == extract.DIFFER
    assert set(compare(TYPED, {}).values()) == {extract.UNREAD}


def test_titles():
    assert extract.OUTCOME_TITLES == {"match": "一致", "differ": "不一致", "unread": "未识别"}
    assert extract.FIELD_TITLES["new_level"] == "现晋升的技能等级"
    assert extract.FIELD_TITLES["certificate_no"] == "等级证书编号"
    assert set(extract.KEY_FIELDS) < set(extract.FIELDS) and len(extract.KEY_FIELDS) == 6


def test_two_columns_read_as_one_line():
    # The booklet's two pages side by side: a row of the left page and one of the right become one line.
    lines = ["姓名 郭刚玉 证书编号 115839411809400525", "性别 男", "发证机关",
             f"身份证号 {NUMBER} 上海市人力资源和社会保障局", "职业（工种） 数控车工", "发证日期", "等级 二级/技师",
             "2011年9月2日"]
    assert extract_fields(lines, CERTIFICATE_COPY) == {
        "name": "郭刚玉", "id_number": NUMBER, "new_level": "2", "trade": "数控车工",
        "certificate_no": "115839411809400525", "certificate_issuer": "上海市人力资源和社会保障局",
        "certificate_date": date(2011, 9, 2)}
    assert extract_fields(["姓名 王伟 上海市职业技能鉴定中心"], CERTIFICATE_COPY)["name"] == "王伟"


def test_a_number_of_a_region_code_retired_or_not_yet_made_is_read():
    # 310115 (浦东新区) dates from 1992; a person born in 1965 may still hold a number issued there.
    number = with_check_digit("31011519650822433")
    assert extract_fields([f"证件号码 {number}"], CERTIFICATE_COPY)["id_number"] == number
