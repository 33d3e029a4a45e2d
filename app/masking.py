"""How personal numbers read on screen for roles that may not see them whole (REFERENCE.md: ID keeps the
first 6 and last 4, cards the last 4, mobiles the first 3 and last 4). The one place masking is decided."""
import re
import unicodedata

from app.accounts.roles import DISTRICT_ADMIN, GRASSROOTS, SYSTEM_ADMIN

#: Roles that need personal numbers whole (on the detail page, the print view and in exports): the clerk who
#: entered them, the district that pays the worker's card, the city centre that checks the ID against the
#: register. 市总财务 funds districts, never a worker's card: it sees them masked.
WHOLE_NUMBER_ROLES = frozenset({SYSTEM_ADMIN, DISTRICT_ADMIN, GRASSROOTS})


def _mask(value, keep_start: int, keep_end: int, stars: int | None = None) -> str:
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)) if value is not None else "")
    if not text:
        return ""
    if len(text) <= keep_start + keep_end:
        # too short to show anything safely: keep at most the last characters of a long-enough one
        keep = keep_end if len(text) > keep_end else 0
        return "*" * (len(text) - keep) + (text[-keep:] if keep else "")
    middle = stars if stars is not None else len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * middle + text[len(text) - keep_end:]


def mask_id_number(value) -> str:
    """'310109198309073016' → '310109********3016' (first 6 and last 4 kept)."""
    return _mask(value, 6, 4)


def mask_card(value) -> str:
    """'6222021234567890123' → '***************0123' (last 4 kept)."""
    return _mask(value, 0, 4)


def mask_mobile(value) -> str:
    """'13011112222' → '130****2222' (first 3 and last 4 kept)."""
    return _mask(value, 3, 4)


_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_CARD = re.compile(r"(?<!\d)\d{12,19}(?!\d)")


def mask_numbers_in(text: str) -> str:
    """``text`` with every resident ID number and card-like run of 12–19 digits masked (free text: log lines,
    file names)."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _CARD.sub(lambda m: mask_card(m.group(0)), text)


#: Application fields holding personal numbers, and how each is masked.
PERSONAL_NUMBER_FIELDS = {"id_number": mask_id_number, "union_card_no": mask_card, "bank_card_no": mask_card,
                          "paid_card_no": mask_card}


def sees_whole_numbers(user) -> bool:
    """Whether ``user`` may see personal numbers whole (a view of them is then recorded: app.security.access)."""
    return any(getattr(role, "name", None) in WHOLE_NUMBER_ROLES for role in getattr(user, "roles", None) or ())


def shown(field, value, whole: bool):
    """``value`` of an application ``field`` as this reader may see it: whole, or masked if it is a personal
    number and ``whole`` is false."""
    if whole or field not in PERSONAL_NUMBER_FIELDS or value in (None, ""):
        return value
    return PERSONAL_NUMBER_FIELDS[field](value)
