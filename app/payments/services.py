"""配套发放 (市总财务) and 已发放至职工 (区县局管理员): the money steps of the workflow.

配套发放 is taken only under a 划拨 voucher (app.payments.transfers, 奖励资金划拨): its effect refuses a step
without the transfer it belongs to, so no page, bulk action, API call or script funds an application that
对账 would then find outside every 划拨单.

Both are transitions of the workflow table; this module registers what each writes besides the state
(``workflow.register_effect``), so ``apply_transition`` stays the one writer: the table decides who may,
the optimistic lock decides who wins, and the audit record keeps the amounts (record amount = the
city's, amount2 = the district's matching amount).
"""
import re
from datetime import date
from decimal import Decimal

from app.applications.rules import clean_card_number
from app.campaigns.requests import submitted_request
from app.payments import models  # noqa: F401  (the transfer and report tables, with the money steps)
from app.payments.rules import amount_for_level
from app.reference import data
from app.review import workflow
from app.review.services import apply_transition

_CARD = re.compile(r"^\d{8,19}$")
#: Why 配套发放 of one application on its own is refused (the API answers it with 422).
FUND_BY_TRANSFER = ("配套发放须在“奖励资金划拨”中按区县局（产业）工会和批次填写凭证号划拨，"
                    "不能单份记录，以免划拨单与已划拨的申请对不上")


class PaymentInvalid(workflow.WorkflowDenied):
    """A refused amount, date or card; ``errors`` maps the form field to its Chinese message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


def city_amount_for(application):
    """The 市总 amount of one application, from its campaign's reward for the new level."""
    campaign = application.campaign
    amount = amount_for_level(application.new_level, campaign.reward_technician, campaign.reward_senior_technician)
    if amount is None:
        level = data.names(data.SKILL_LEVELS).get(application.new_level, application.new_level)
        raise PaymentInvalid({"amount": f"报名活动“{campaign.name}”尚未设定{level}的奖励金额，"
                                        "请系统管理员先在报名活动中填写"})
    return Decimal(amount)


def matching_amount_for(application):
    """The district's matching amount per person of that level, from its submitted 申请单 of the batch."""
    request = submitted_request(application.district_id, application.batch_id)
    if request is None:
        raise PaymentInvalid({"matching": f"{application.district.name}尚未提交{application.batch.name}的申请单，"
                                          "请先在申请单中填写配套奖励方案并提交"})
    amount = amount_for_level(application.new_level, request.matching_technician,
                              request.matching_senior_technician)
    if amount is None:
        raise PaymentInvalid({"matching": "申请单中没有该技能等级的配套奖励金额"})
    return Decimal(amount)


def default_card(application):
    """The card the reward goes to unless the district says otherwise: the union card, else the bank card."""
    return application.union_card_no or application.bank_card_no or ""


def _check_day(day, today, field, label, not_before=None, not_before_label=None):
    if not isinstance(day, date):
        raise PaymentInvalid({field: f"请填写{label}"})
    if day > today:
        raise PaymentInvalid({field: f"{label}不能晚于今天"})
    if not_before is not None and day < not_before:
        raise PaymentInvalid({field: f"{label}不能早于{not_before_label}（{not_before:%Y-%m-%d}）"})


@workflow.register_effect("fund")
def _fund_effect(application, user, params, today):
    """The city amount (from the campaign) and the day of the transfer that funds it."""
    transfer = params.get("transfer")
    if transfer is None or transfer.district_id != application.district_id \
            or transfer.batch_id != application.batch_id:
        raise PaymentInvalid({"voucher_no": FUND_BY_TRANSFER})
    funded_on = transfer.transferred_on
    _check_day(funded_on, today, "funded_on", "划拨日期")
    amount = city_amount_for(application)
    return workflow.Effect(values={"city_amount": amount, "funded_on": funded_on}, amount=amount)


@workflow.register_effect("record_payment")
def _payment_effect(application, user, params, today):
    """The district's matching amount (from its submitted 申请单), the day, and the card paid to (default:
    the application's card)."""
    district_amount = matching_amount_for(application)
    paid_on = params.get("paid_on") or today
    _check_day(paid_on, today, "paid_on", "发放至职工日期", application.funded_on, "市总配套发放日期")
    card_no = params.get("card_no")
    card = clean_card_number(card_no) if card_no else default_card(application)
    if not card:
        raise PaymentInvalid({"card_no": "请填写发放的卡号"})
    if not _CARD.match(card):
        raise PaymentInvalid({"card_no": "发放卡号应为8–19位数字"})
    return workflow.Effect(values={"district_amount": district_amount, "paid_on": paid_on, "paid_card_no": card},
                           amount=application.city_amount, amount2=district_amount)


def fund(application, user, transfer, *, expected_version=None, today=None):
    """市总财务部配套发放 of one application under ``transfer`` (its district's and batch's 划拨): records the city
    amount (from the campaign) and the transfer's day; the audit record names the voucher."""
    return apply_transition(application, user, "fund", expected_version=expected_version, today=today,
                            comment=f"凭证号 {transfer.voucher_no}", params={"transfer": transfer})


def record_payment(application, user, *, paid_on=None, card_no=None, expected_version=None, today=None,
                   comment=None):
    """已发放至职工: the city amount plus the matching amount of the district's submitted 申请单, the day, and
    the card paid to (default: the application's union or bank card)."""
    return apply_transition(application, user, "record_payment", expected_version=expected_version,
                            today=today, comment=comment, params={"paid_on": paid_on, "card_no": card_no})
