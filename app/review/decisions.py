"""The review decisions as the screens offer them: which inputs each needs, how they are read from a
form, and which service performs them. Used alike by the single decision on an application's page and
by the bulk decision on ticked or filtered rows, so both refuse the same things with the same words."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.review import services
from app.review.workflow import ACTION_TITLES


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    #: comment | date | card
    kind: str
    required: bool = False
    help: str = ""


COMMENT = Field("comment", _l("审核意见（选填）"), "comment")
REASON = Field("comment", _l("原因"), "comment", required=True, help=_l("将显示给填报单位"))
PAID_ON = Field("paid_on", _l("发放至职工日期"), "date", required=True)
CARD_NO = Field("card_no", _l("发放卡号"), "card", required=True, help=_l("默认为申请表中的工会会员服务卡或银行卡"))


@dataclass(frozen=True)
class Decision:
    name: str
    #: The flash after it was done, e.g. 已审核通过.
    done: str
    fields: tuple
    bulk_fields: tuple
    #: Button style.
    style: str = "primary"

    @property
    def title(self):
        return ACTION_TITLES[self.name]

    @property
    def verb(self):
        """What the decision does, as a verb phrase (记录发放至职工): ``done`` without its 已."""
        return self.done.removeprefix("已")


DECISIONS = {d.name: d for d in (
    Decision("approve_by_district", "已审核通过", (COMMENT,), (COMMENT,), "success"),
    Decision("reject_by_district", "已审核不通过", (REASON,), (REASON,), "warning"),
    Decision("approve_final", "已终审通过", (COMMENT,), (COMMENT,), "success"),
    Decision("reject_final", "已终审不通过", (REASON,), (REASON,), "warning"),
    Decision("record_payment", "已记录发放至职工", (PAID_ON, CARD_NO), (PAID_ON,), "success"),
    Decision("void", "已作废", (REASON,), (REASON,), "danger"),
)}


def _date(form, field, errors, today):
    text = (form.get(field.name) or "").strip()
    if not text:
        errors[field.name] = f"请填写{field.label}"
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[field.name] = f"{field.label}格式应为 年-月-日，如 {today:%Y-%m-%d}"
        return None
    if day > today:
        errors[field.name] = f"{field.label}不能晚于今天"
        return None
    return day


def parse(name, form, *, bulk=False, today):
    """(params, errors) read from a submitted form for decision ``name``; errors map field → message."""
    decision = DECISIONS[name]
    params, errors = {}, {}
    for field in (decision.bulk_fields if bulk else decision.fields):
        if field.kind == "comment":
            text = (form.get(field.name) or "").strip()
            if field.required and not text:
                errors[field.name] = "请填写原因"
            elif len(text) > 500:
                errors[field.name] = "原因最多500字"
            params[field.name] = text or None
        elif field.kind == "date":
            params[field.name] = _date(form, field, errors, today)
        elif field.kind == "card":
            params[field.name] = (form.get(field.name) or "").strip()
            if not params[field.name]:
                errors[field.name] = f"请填写{field.label}"
    return params, errors


def perform(name, application, user, params, *, expected_version=None, today=None, via=None):
    """Carry out decision ``name`` on one application through the workflow service (which checks the
    table, runs the step's registered effect, locks optimistically and writes the audit record).
    Raises WorkflowDenied (PaymentInvalid, CommentRequired) or ConcurrentChange."""
    return services.apply_transition(application, user, name, comment=params.get("comment"), params=params,
                                     expected_version=expected_version, today=today, via=via)


def perform_many(name, items, user, params, *, today=None):
    """Decision ``name`` on many applications at once (bulk): ``items`` are (application, version the user saw
    or None) pairs. The workflow's set-based writer checks each row as :func:`perform` does. Returns (changed
    applications, {application id: reason of the refusal})."""
    return services.apply_transitions(items, user, name, comment=params.get("comment"), params=params, today=today)
