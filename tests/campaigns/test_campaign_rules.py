"""The campaign and batch rules as pure functions: each refusal names its field."""
from datetime import date
from decimal import Decimal

import pytest

from app.campaigns import rules

GOOD_CAMPAIGN = dict(name="2015年度上海职工晋升技师、高级技师奖励申请", category="技师奖励", start_date="2015-03-01",
                     end_date="2015-10-15", cert_issued_from="2014-01-01", cert_issued_to="2015-09-01",
                     reward_technician="1000", reward_senior_technician="2000.50", description="", contacts="")
BATCH_1 = rules.BatchSpan(1, 1, "第一批", date(2015, 3, 1), date(2015, 4, 10))


def good_batch(**overrides):
    values = dict(number="2", name="第二批", opens_on="2015-09-01", system_deadline="2015-09-30",
                  paper_deadline="2015-10-15")
    values.update(overrides)
    return values


def check_batch(values, others=(BATCH_1,)):
    return rules.check_batch(values, date(2015, 3, 1), date(2015, 10, 15), others)


def test_a_good_campaign_is_parsed():
    clean, errors = rules.check_campaign(GOOD_CAMPAIGN)
    assert errors == {}
    assert clean["start_date"] == date(2015, 3, 1) and clean["end_date"] == date(2015, 10, 15)
    assert clean["reward_technician"] == Decimal("1000.00")
    assert clean["reward_senior_technician"] == Decimal("2000.50")
    assert clean["description"] is None


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "请填写报名名称"),
    ("name", "名" * 201, "报名名称最多200个字"),
    ("category", " ", "请填写类别"),
    ("start_date", "", "请填写起始时间"),
    ("start_date", "2015-02-30", "日期格式不正确"),
    ("end_date", "明天", "日期格式不正确"),
    ("end_date", "2015-02-28", "截止时间不能早于起始时间（2015-03-01）"),
    ("cert_issued_to", "2013-12-31", "证书发证日期止不能早于证书发证日期起（2014-01-01）"),
    ("reward_technician", "-5", "金额不能为负数"),
    ("reward_technician", "100.555", "金额最多保留两位小数"),
    ("reward_senior_technician", "一千", "请填写金额数字"),
    ("reward_senior_technician", "NaN", "请填写金额数字"),
    ("reward_senior_technician", "1e12", "金额过大"),
])
def test_each_campaign_rule_refuses_next_to_its_field(field, value, message):
    _clean, errors = rules.check_campaign({**GOOD_CAMPAIGN, field: value})
    assert list(errors) == [field]
    assert message in errors[field]


def test_amounts_and_dates_as_people_type_them():
    assert rules.parse_amount("1,000.5元") == (Decimal("1000.50"), None)
    assert rules.parse_amount("0") == (Decimal("0.00"), None)
    assert rules.parse_amount("12.50")[0] == Decimal("12.50")
    assert rules.parse_amount("") == (None, None)
    assert rules.parse_date("2015/4/10") == (date(2015, 4, 10), None)
    assert rules.parse_date("2015年4月10日") == (date(2015, 4, 10), None)


def test_rewards_may_wait_until_publishing():
    clean, errors = rules.check_campaign({**GOOD_CAMPAIGN, "reward_technician": "", "reward_senior_technician": ""})
    assert errors == {}
    assert rules.publish_problems(clean, 1) == ["请先填写新晋升技师奖励（元/人）", "请先填写新晋升高级技师奖励（元/人）"]
    assert rules.publish_problems(rules.check_campaign(GOOD_CAMPAIGN)[0], 0) == ["至少需要一个批次"]
    assert rules.publish_problems(rules.check_campaign(GOOD_CAMPAIGN)[0], 1) == []


def test_campaign_dates_keep_the_openings_of_existing_batches_inside():
    _clean, errors = rules.check_campaign({**GOOD_CAMPAIGN, "start_date": "2015-03-02"}, [BATCH_1])
    assert errors == {"start_date": "第一批于2015-03-01开始受理，起始时间不能晚于该日"}
    late = rules.BatchSpan(2, 2, "第二批", date(2015, 9, 1), date(2015, 9, 30))
    _clean, errors = rules.check_campaign({**GOOD_CAMPAIGN, "end_date": "2015-08-31"}, [BATCH_1, late])
    assert errors == {"end_date": "第二批于2015-09-01开始受理，截止时间不能早于该日"}


def test_a_good_batch_is_parsed():
    clean, errors = check_batch(good_batch())
    assert errors == {}
    assert clean == dict(number=2, name="第二批", opens_on=date(2015, 9, 1), system_deadline=date(2015, 9, 30),
                         paper_deadline=date(2015, 10, 15))


@pytest.mark.parametrize("field, overrides, message", [
    ("number", dict(number=""), "请填写序号"),
    ("number", dict(number="二"), "请填写正整数"),
    ("number", dict(number="0"), "序号应在 1 到 99 之间"),
    ("number", dict(number="1"), "本活动已有序号为 1 的批次"),
    ("opens_on", dict(opens_on=""), "请填写受理开始"),
    ("system_deadline", dict(system_deadline="2015-08-31"), "系统受理截止不能早于受理开始（2015-09-01）"),
    ("paper_deadline", dict(paper_deadline="2015-09-29"), "书面材料截止不能早于系统受理截止（2015-09-30）"),
    ("opens_on", dict(opens_on="2015-02-28", system_deadline="2015-02-28"), "受理开始应在活动的起始时间与截止时间之内"),
    ("opens_on", dict(opens_on="2015-10-16", system_deadline="2015-10-20", paper_deadline="2015-10-30"),
     "受理开始应在活动的起始时间与截止时间之内（2015-03-01 至 2015-10-15）"),
    ("opens_on", dict(opens_on="2015-04-10"), "与第一批的受理时间（2015-03-01 至 2015-04-10）重叠"),
    ("opens_on", dict(opens_on="2015-03-05", system_deadline="2015-03-06"), "同一活动的批次不能重叠"),
])
def test_each_batch_rule_refuses_next_to_its_field(field, overrides, message):
    _clean, errors = check_batch(good_batch(**overrides))
    assert list(errors) == [field], errors
    assert message in errors[field]


def test_a_batch_surrounding_another_overlaps_too():
    _clean, errors = check_batch(good_batch(opens_on="2015-03-01", system_deadline="2015-05-01"))
    assert "重叠" in errors["opens_on"]


def test_an_edited_batch_is_not_compared_with_itself():
    clean, errors = check_batch(good_batch(number="1", name="第一批", opens_on="2015-03-01",
                                           system_deadline="2015-04-12"), others=())
    assert errors == {} and clean["system_deadline"] == date(2015, 4, 12)


def test_the_batch_name_defaults_from_its_number():
    assert check_batch(good_batch(name=""))[0]["name"] == "第二批"
    assert [rules.default_batch_name(n) for n in (1, 10, 12, 20, 35)] == ["第一批", "第十批", "第十二批", "第二十批",
                                                                          "第三十五批"]
