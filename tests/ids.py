"""Valid identifiers for tests, the one place they are made: resident ID numbers (GB 11643) and bank
card numbers (Luhn), their check digits computed by python-stdnum.

``unique_id_number`` and ``unique_bank_card`` never hand out the same number twice in a test session
(a test that makes a hundred applications must not trip the first-time rule by chance); the others
are deterministic. (A plain module, imported under one name, so its counters are one counter.)
"""
import itertools
from datetime import date, timedelta

from stdnum import luhn
from stdnum.cn import ric

#: 上海市虹口区, the region of the manual's sample number.
REGION = "310109"
#: 中国工商银行 debit cards.
BANK_PREFIX = "622202"
#: Unique numbers are born from this day on, one day per 500 numbers; seeded factory values are born
#: in the 1960s, so the two never meet.
_FIRST_UNIQUE_BIRTH = date(1975, 1, 1)
_id_serial = itertools.count()
_card_serial = itertools.count(1)


def with_check_digit(body: str) -> str:
    """The ID number whose first 17 characters are ``body`` (even an impossible birth date)."""
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def id_number(birth: date = date(1983, 9, 7), male: bool | None = None, region: str = REGION,
              seq: str | None = None) -> str:
    """A valid ID number. ``seq`` is the three-digit sequence code; its last digit is odd for a man
    and even for a woman, so it is 301 for a man (the default) and 302 for a woman unless given."""
    if seq is None:
        seq = "302" if male is False else "301"
    elif male is not None and (int(seq[-1]) % 2 == 1) != male:
        raise ValueError(f"sequence {seq} is not a {'man' if male else 'woman'}'s")
    return with_check_digit(f"{region}{birth:%Y%m%d}{seq}")


def unique_id_number(male: bool = True) -> str:
    """A valid ID number never handed out before in this test session."""
    n = next(_id_serial)
    birth = _FIRST_UNIQUE_BIRTH + timedelta(days=n // 500)
    return id_number(birth, male, seq=f"{(n % 500) * 2 + (1 if male else 0):03d}")


def bank_card(body: str = BANK_PREFIX + "123456789012") -> str:
    """The card number ``body`` followed by its Luhn check digit."""
    return body + luhn.calc_check_digit(body)


def unique_bank_card() -> str:
    """A Luhn-valid 19-digit bank card number never handed out before in this test session."""
    return bank_card(f"{BANK_PREFIX}{next(_card_serial):012d}")
