"""The rules of a campaign and of its batches, as pure functions (no Flask, no database).

Each ``check_*`` takes the values as typed (strings, or values already of the right type) and returns
``(clean, errors)``: ``clean`` maps each field to its parsed value, ``errors`` maps a field to the Chinese
message shown next to it. The forms, the services and the demo all call these, so a rule lives here only.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

#: Numeric(10, 2): at most 8 digits before the point.
MAX_AMOUNT = Decimal("99999999.99")

CAMPAIGN_LABELS = {
    "name": "报名名称", "category": "类别", "start_date": "起始时间", "end_date": "截止时间",
    "cert_issued_from": "证书发证日期起", "cert_issued_to": "证书发证日期止",
    "reward_technician": "新晋升技师奖励（元/人）", "reward_senior_technician": "新晋升高级技师奖励（元/人）",
    "description": "活动说明", "contacts": "联系方式",
}
BATCH_LABELS = {
    "number": "序号", "name": "批次名称", "opens_on": "受理开始", "system_deadline": "系统受理截止",
    "paper_deadline": "书面材料截止",
}
CAMPAIGN_FIELDS = tuple(CAMPAIGN_LABELS)
BATCH_FIELDS = tuple(BATCH_LABELS)
_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*$")


@dataclass(frozen=True)
class BatchSpan:
    """What the overlap and numbering rules need of another batch of the same campaign."""

    id: int | None
    number: int
    name: str
    opens_on: date
    system_deadline: date


def iso(day):
    return f"{day:%Y-%m-%d}" if day else ""


def parse_date(value):
    """(date or None, error or None) from a typed date ('2015-04-10', '2015/4/10', '2015年4月10日')."""
    if value is None or isinstance(value, date):
        return value, None
    text = str(value).strip()
    if not text:
        return None, None
    match = _DATE.match(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups())), None
        except ValueError:
            pass
    return None, "日期格式不正确，请按“年-月-日”填写，如 2015-04-10"


def parse_amount(value):
    """(Decimal or None, error or None) from a typed amount in 元: ≥ 0, at most 2 decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    text = str(value).strip().replace(",", "").replace("，", "")
    if text.endswith("元"):
        text = text[:-1].strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, "请填写金额数字（单位：元），如 1000 或 1000.50"
    if not amount.is_finite():
        return None, "请填写金额数字（单位：元），如 1000 或 1000.50"
    if amount < 0:
        return None, "金额不能为负数"
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        return None, "金额最多保留两位小数"
    if amount > MAX_AMOUNT:
        return None, "金额过大，请核对（单位：元）"
    return amount.quantize(Decimal("0.01")), None


def parse_int(value):
    if value is None or isinstance(value, int):
        return value, None
    text = str(value).strip()
    if not text:
        return None, None
    if not text.isdigit():
        return None, "请填写正整数"
    return int(text), None


def _text(value, label, max_length, required, errors, field):
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        errors[field] = f"请填写{label}"
    elif len(text) > max_length:
        errors[field] = f"{label}最多{max_length}个字"
    return text or None


def check_campaign(values, batches=()):
    """Check a campaign's fields; ``batches`` are its existing batches (BatchSpan) whose openings must
    stay inside the campaign's dates."""
    errors, clean = {}, {}
    clean["name"] = _text(values.get("name"), "报名名称", 200, True, errors, "name")
    clean["category"] = _text(values.get("category"), "类别", 50, True, errors, "category")
    clean["description"] = _text(values.get("description"), "活动说明", 20000, False, errors, "description")
    clean["contacts"] = _text(values.get("contacts"), "联系方式", 2000, False, errors, "contacts")
    for field in ("start_date", "end_date", "cert_issued_from", "cert_issued_to"):
        clean[field], error = parse_date(values.get(field))
        if error:
            errors[field] = error
    for field in ("start_date", "end_date"):
        if clean[field] is None and field not in errors:
            errors[field] = f"请填写{CAMPAIGN_LABELS[field]}"
    for field in ("reward_technician", "reward_senior_technician"):
        clean[field], error = parse_amount(values.get(field))
        if error:
            errors[field] = error
    start, end = clean["start_date"], clean["end_date"]
    if start and end and start > end:
        errors["end_date"] = f"截止时间不能早于起始时间（{iso(start)}）"
    low, high = clean["cert_issued_from"], clean["cert_issued_to"]
    if low and high and low > high:
        errors["cert_issued_to"] = f"证书发证日期止不能早于证书发证日期起（{iso(low)}）"
    if start and end and start <= end:
        for batch in batches:
            if batch.opens_on < start:
                errors.setdefault("start_date", f"{batch.name}于{iso(batch.opens_on)}开始受理，起始时间不能晚于该日")
            if batch.opens_on > end:
                errors.setdefault("end_date", f"{batch.name}于{iso(batch.opens_on)}开始受理，截止时间不能早于该日")
    return clean, errors


def check_batch(values, campaign_start, campaign_end, others=()):
    """Check one batch of a campaign running ``campaign_start``–``campaign_end``; ``others`` are the
    campaign's other batches (BatchSpan, the edited batch itself excluded)."""
    errors, clean = {}, {}
    clean["number"], error = parse_int(values.get("number"))
    if error:
        errors["number"] = error
    elif clean["number"] is None:
        errors["number"] = "请填写序号"
    elif not 1 <= clean["number"] <= 99:
        errors["number"] = "序号应在 1 到 99 之间"
    elif any(other.number == clean["number"] for other in others):
        errors["number"] = f"本活动已有序号为 {clean['number']} 的批次"
    name = values.get("name")
    if not (name or "").strip() and clean["number"] and "number" not in errors:
        name = default_batch_name(clean["number"])
    clean["name"] = _text(name, "批次名称", 50, True, errors, "name")
    for field in ("opens_on", "system_deadline", "paper_deadline"):
        clean[field], error = parse_date(values.get(field))
        if error:
            errors[field] = error
        elif clean[field] is None:
            errors[field] = f"请填写{BATCH_LABELS[field]}"
    opens, system, paper = clean["opens_on"], clean["system_deadline"], clean["paper_deadline"]
    if opens and system and opens > system:
        errors["system_deadline"] = f"系统受理截止不能早于受理开始（{iso(opens)}）"
    if system and paper and system > paper:
        errors["paper_deadline"] = f"书面材料截止不能早于系统受理截止（{iso(system)}）"
    if opens and campaign_start and campaign_end and not campaign_start <= opens <= campaign_end:
        errors["opens_on"] = (f"受理开始应在活动的起始时间与截止时间之内"
                              f"（{iso(campaign_start)} 至 {iso(campaign_end)}）")
    if opens and system and opens <= system and "opens_on" not in errors:
        for other in others:
            if opens <= other.system_deadline and other.opens_on <= system:
                errors["opens_on"] = (f"与{other.name}的受理时间（{iso(other.opens_on)} 至 "
                                      f"{iso(other.system_deadline)}）重叠，同一活动的批次不能重叠")
                break
    return clean, errors


CN_NUMBERS = "零一二三四五六七八九"


def default_batch_name(number):
    """1 → 第一批, 10 → 第十批, 12 → 第十二批."""
    if number < 10:
        words = CN_NUMBERS[number]
    elif number < 20:
        words = "十" + (CN_NUMBERS[number % 10] if number % 10 else "")
    else:
        words = CN_NUMBERS[number // 10] + "十" + (CN_NUMBERS[number % 10] if number % 10 else "")
    return f"第{words}批"


def publish_problems(campaign_values, batch_count):
    """Why a draft campaign cannot be published yet (a list of Chinese sentences; empty: it can)."""
    problems = []
    if batch_count < 1:
        problems.append("至少需要一个批次")
    for field in ("reward_technician", "reward_senior_technician"):
        if campaign_values.get(field) is None:
            problems.append(f"请先填写{CAMPAIGN_LABELS[field]}")
    return problems
