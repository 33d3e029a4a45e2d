"""配套发放 (市总财务) and 已发放至职工 (区县局管理员): the money steps of the workflow.

Both go through app.review.services.apply_transition: the workflow table decides who may, the optimistic
lock decides who wins, and the audit record keeps the amounts (record amount = the city's, amount2 = the
district's matching amount).
"""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app import clock
from app.applications.rules import clean_card_number
from app.campaigns.models import DistrictRequest
from app.extensions import db
from app.reference import data
from app.review import workflow
from app.review.services import apply_transition

MAX_AMOUNT = Decimal("99999999.99")
_CARD = re.compile(r"^\d{8,19}$")


class PaymentInvalid(workflow.WorkflowDenied):
    """A refused amount, date or card; ``errors`` maps the form field to its Chinese message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


def reward_for_level(campaign, level):
    """The campaign's city reward for 现晋升的技能等级 ``level`` (技师 / 高级技师), or None if not set."""
    if level == data.TECHNICIAN:
        return campaign.reward_technician
    if level == data.SENIOR_TECHNICIAN:
        return campaign.reward_senior_technician
    return None


def city_amount_for(application):
    """The 市总 amount of one application, from its campaign's reward for the new level."""
    amount = reward_for_level(application.campaign, application.new_level)
    if amount is None:
        level = data.names(data.SKILL_LEVELS).get(application.new_level, application.new_level)
        raise PaymentInvalid({"amount": f"报名活动“{application.campaign.name}”尚未设定{level}的奖励金额，"
                                        "请系统管理员先在报名活动中填写"})
    return Decimal(amount)


def matching_amount_for(application):
    """The district's matching amount per person of that level, as typed in its 申请单, or None."""
    request = db.session.scalar(select(DistrictRequest).where(
        DistrictRequest.organisation_id == application.district_id,
        DistrictRequest.batch_id == application.batch_id))
    if request is None:
        return None
    if application.new_level == data.TECHNICIAN:
        return request.matching_technician
    if application.new_level == data.SENIOR_TECHNICIAN:
        return request.matching_senior_technician
    return None


def default_card(application):
    """The card the reward goes to unless the district says otherwise: the union card, else the bank card."""
    return application.union_card_no or application.bank_card_no or ""


def parse_amount(value, field="district_amount", label="配套金额"):
    """A money amount typed in a form: Decimal with at most 2 decimals, 0 ≤ amount ≤ MAX_AMOUNT."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise PaymentInvalid({field: f"请填写{label}"})
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise PaymentInvalid({field: f"{label}应为金额数字，如 2000 或 2000.50"}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        raise PaymentInvalid({field: f"{label}应为 0 至 99999999.99 之间、最多两位小数的金额"})
    return amount.quantize(Decimal("0.01"))


def _check_day(day, today, field, label, not_before=None, not_before_label=None):
    if not isinstance(day, date):
        raise PaymentInvalid({field: f"请填写{label}"})
    if day > today:
        raise PaymentInvalid({field: f"{label}不能晚于今天"})
    if not_before is not None and day < not_before:
        raise PaymentInvalid({field: f"{label}不能早于{not_before_label}（{not_before:%Y-%m-%d}）"})


def fund(application, user, *, funded_on=None, expected_version=None, today=None, comment=None):
    """市总财务部配套发放: records the city amount (from the campaign) and the day it was funded."""
    today = today or clock.today()
    workflow.check("fund", application, user, today)
    funded_on = funded_on or today
    _check_day(funded_on, today, "funded_on", "发放日期")
    amount = city_amount_for(application)
    return apply_transition(application, user, "fund", expected_version=expected_version, today=today,
                            comment=comment, values={"city_amount": amount, "funded_on": funded_on},
                            amount=amount)


def record_payment(application, user, *, district_amount, paid_on=None, card_no=None, expected_version=None,
                   today=None, comment=None):
    """已发放至职工: the district's matching amount, the day, and the card paid to (default: the
    application's union or bank card)."""
    today = today or clock.today()
    workflow.check("record_payment", application, user, today)
    if not isinstance(district_amount, Decimal):
        district_amount = parse_amount(district_amount)
    elif district_amount < 0 or district_amount > MAX_AMOUNT:
        raise PaymentInvalid({"district_amount": "配套金额应为 0 至 99999999.99 之间的金额"})
    paid_on = paid_on or today
    _check_day(paid_on, today, "paid_on", "发放至职工日期", application.funded_on, "市总配套发放日期")
    card = clean_card_number(card_no) if card_no else default_card(application)
    if not card:
        raise PaymentInvalid({"card_no": "请填写发放的卡号"})
    if not _CARD.match(card):
        raise PaymentInvalid({"card_no": "发放卡号应为8–19位数字"})
    return apply_transition(application, user, "record_payment", expected_version=expected_version,
                            today=today, comment=comment,
                            values={"district_amount": district_amount, "paid_on": paid_on,
                                    "paid_card_no": card},
                            amount=application.city_amount, amount2=district_amount)
