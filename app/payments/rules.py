"""Money rules of 配套发放 and 已发放至职工, pure (no Flask, no database)."""
from decimal import Decimal, InvalidOperation

from app.reference import data

MAX_AMOUNT = Decimal("99999999.99")


class AmountInvalid(ValueError):
    """A refused amount; ``field`` is the form field it belongs to, the message is for the user."""

    def __init__(self, field, message):
        self.field = field
        super().__init__(message)


def amount_for_level(level, technician, senior_technician):
    """The per-person amount of 现晋升的技能等级 ``level`` out of a (技师, 高级技师) pair; None if not set."""
    if level == data.TECHNICIAN:
        return technician
    if level == data.SENIOR_TECHNICIAN:
        return senior_technician
    return None


def parse_amount(value, field="district_amount", label="配套金额"):
    """A money amount typed in a form: Decimal with at most 2 decimals, 0 ≤ amount ≤ MAX_AMOUNT."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise AmountInvalid(field, f"请填写{label}")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AmountInvalid(field, f"{label}应为金额数字，如 2000 或 2000.50") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        raise AmountInvalid(field, f"{label}应为 0 至 99999999.99 之间、最多两位小数的金额")
    return amount.quantize(Decimal("0.01"))
