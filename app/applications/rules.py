"""Field rules of the application form (申请表, SPEC §3) — the single place they live.

Pure Python: no Flask, no database. The web form, the Excel bulk import and the API all call
:func:`validate_application`; the accounts form reuses the single-field helpers
(:func:`clean_id_number`, :func:`clean_mobile`, :func:`normalize_text`); the payments reuse
:func:`clean_card_number`.

Values may arrive as strings (form, Excel) or already typed (``date``, ``int``, ``bool``). Every
string is normalised first: code-like fields (ID number, mobile, card numbers, postcode, codes,
certificate number, name) get full Unicode NFKC so that full-width digits and letters become ASCII;
free-text fields (工作单位, 通信地址, 工种, 意见 …) only get full-width *letters, digits and spaces*
folded to ASCII, so Chinese punctuation such as “，（）” is kept as typed. Surrounding whitespace is
always stripped.

Refusals go to :attr:`RuleResult.errors`, hints that do not block to :attr:`RuleResult.warnings`;
both map a field name to Chinese sentences. All errors are collected, not only the first one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from stdnum import luhn, numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from app.clock import cn_date
from app.reference import data

# --------------------------------------------------------------------------------------------
# Field names and labels
# --------------------------------------------------------------------------------------------

#: Field name → Chinese label, in form order.
FIELD_LABELS: dict[str, str] = {
    "variant": "申报类别",
    "name": "姓名",
    "gender": "性别",
    "mobile": "手机号码",
    "industry": "所属行业",
    "education": "学历",
    "previous_level": "原有最高技能等级",
    "previous_level_date": "原有技能等级取得时间",
    "trade": "工种",
    "new_level": "现晋升的技能等级",
    "certificate_no": "等级证书编号",
    "certificate_date": "发证日期",
    "certificate_issuer": "发证机构",
    "id_number": "身份证号码",
    "union_card_no": "工会会员服务卡卡号",
    "bank_name": "银行名称",
    "bank_card_no": "银行卡号",
    "employer": "工作单位",
    "unit_kind": "单位性质",
    "address": "通信地址",
    "postcode": "邮编",
    "is_migrant": "是否外来务工人员",
    "hukou_province": "户籍地",
    "years_in_city": "来沪年限",
    "hr_opinion": "基层单位人力资源部门意见",
    "hr_signer": "人力资源部门经办人",
    "hr_date": "人力资源部门确认日期",
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)

#: Fields chosen from a list: their required-message says 请选择 instead of 请填写.
CHOICE_FIELDS = frozenset({
    "variant", "gender", "industry", "education", "previous_level", "new_level",
    "certificate_issuer", "unit_kind", "is_migrant", "hukou_province",
})
DATE_FIELDS = ("previous_level_date", "certificate_date", "hr_date")
HR_FIELDS = ("hr_opinion", "hr_signer", "hr_date")

MALE, FEMALE = "男", "女"
GENDERS = (MALE, FEMALE)
MIN_AGE = 16
MAX_YEARS_IN_CITY = 60
SHANGHAI_POSTCODES = (200000, 202199)
SHANGHAI_PROVINCE = "31"
MIDDLE_DOT = "·"
#: Characters clerks type for the middle dot of minority/foreign names; all become U+00B7.
MIDDLE_DOT_VARIANTS = "·•・‧∙⋅･"


def required_message(name: str) -> str:
    """The Chinese “please fill in / choose …” sentence for a missing field."""
    verb = "请选择" if name in CHOICE_FIELDS else "请填写"
    return f"{verb}{FIELD_LABELS.get(name, name)}"


def _default_issuers() -> dict[str, set[str]]:
    issuers: dict[str, set[str]] = {code: set() for code, _ in data.VARIANTS}
    for _code, name, variant in data.ISSUERS:
        issuers.setdefault(variant, set()).add(name)
    return issuers


def _codes(pairs) -> set[str]:
    return {row[0] for row in pairs}


@dataclass
class RuleContext:
    """What the rules need from outside: today's date, the campaign window and the reference lists.

    Every field has a default (the seed lists of :mod:`app.reference.data`, no window), so
    ``RuleContext(today=...)`` is enough in tests; the product passes the database lists and the
    campaign's window.
    """

    today: date = field(default_factory=date.today)
    #: 发证日期 must be on or after this date (the campaign window); None = no lower bound.
    cert_issued_from: date | None = None
    #: inclusive upper bound of 发证日期; None = only “not in the future”.
    cert_issued_to: date | None = None
    #: variant code → allowed 发证机构 names.
    issuers: dict[str, set[str]] = field(default_factory=_default_issuers)
    industries: set[str] = field(default_factory=lambda: _codes(data.INDUSTRIES))
    educations: set[str] = field(default_factory=lambda: _codes(data.EDUCATIONS))
    unit_kinds: set[str] = field(default_factory=lambda: _codes(data.UNIT_KINDS))
    provinces: set[str] = field(default_factory=lambda: _codes(data.PROVINCES))


@dataclass
class RuleResult:
    #: Every field of :data:`FIELDS`, normalised and typed (``date``, ``int``, ``bool``); absent or
    #: unparseable values are ``None``. Only meant to be stored when :attr:`ok`.
    cleaned: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def warn(self, name: str, message: str) -> None:
        self.warnings.setdefault(name, []).append(message)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_ALNUM.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_ALNUM.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_ALNUM[0x3000] = 0x20  # ideographic space


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_code(value) -> str:
    """NFKC + strip: for code-like values (numbers, codes). None → ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel gives numbers typed into cells as floats
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_text(value) -> str:
    """For free text: full-width letters/digits/space → ASCII, whitespace runs → one space, strip.

    Chinese punctuation (，。（）) is kept, unlike NFKC which would turn it into ASCII.
    """
    if value is None:
        return ""
    text = str(value).translate(_FULLWIDTH_ALNUM)
    return re.sub(r"\s+", " ", text).strip()


def _normalize_name(value) -> str:
    text = normalize_code(value)
    for dot in MIDDLE_DOT_VARIANTS:
        text = text.replace(dot, MIDDLE_DOT)
    text = re.sub(r"\s+", " ", text)
    # spaces only separate Latin words: drop those next to a Chinese character or the middle dot
    text = re.sub(r" (?![A-Za-z])|(?<![A-Za-z]) ", "", text)
    return text


# --------------------------------------------------------------------------------------------
# Single-field helpers
# --------------------------------------------------------------------------------------------

_DATE_SEP = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")


def parse_date(value, label: str = "日期") -> tuple[date | None, str | None]:
    """Accept a date/datetime or 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYY.MM.DD', 'YYYYMMDD', 'YYYY年M月D日'.

    Returns (date, None), (None, error) or (None, None) when blank.
    """
    if _is_blank(value):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = normalize_code(value)
    match = _DATE_SEP.match(text)
    parts = (match.group(1), match.group(3), match.group(4)) if match else None
    if parts is None:
        match = _DATE_COMPACT.match(text) or _DATE_CHINESE.match(text)
        parts = match.groups() if match else None
    if parts is None:
        return None, f"{label}格式不正确，请按“YYYY-MM-DD”填写（如2015-03-01）"
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])), None
    except ValueError:
        return None, f"{label}“{text}”不是有效的日期"


def _age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day`` (the birthday itself counts; 29 Feb births turn on 1 Mar)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")


def clean_id_number(value, *, required: bool = True, today: date | None = None
                    ) -> tuple[str, str | None, str | None]:
    """Normalise and check an 18-digit resident ID number (GB 11643).

    Returns ``(normalised, error_or_None, warning_or_None)``. Normalised: NFKC, spaces and dashes
    removed, upper case (x → X). The check digit, birth date and format are checked with
    python-stdnum; an unknown region prefix is only a warning (retired codes stay valid in old
    numbers). With ``today`` a birth date after today is refused too. A blank value gives
    ``('', '请填写身份证号码', None)``, or no error when ``required`` is false.
    """
    number = re.sub(r"[\s\-]", "", normalize_code(value)).upper()
    if not number:
        return "", ("请填写身份证号码" if required else None), None
    if len(number) != 18:
        return number, f"身份证号码应为18位（当前为{len(number)}位）", None
    if not _ID_FORMAT.match(number):
        return number, "身份证号码前17位须为数字，最后一位为数字或X", None
    try:
        ric.validate(number)
    except InvalidChecksum:
        return number, "身份证号码校验位不正确", None
    except InvalidComponent:
        # stdnum refuses both an impossible birth date and an unknown region with the same
        # exception: tell them apart, the region only warns.
        try:
            ric.get_birth_date(number)
        except ValidationError:
            return number, f"身份证号码中的出生日期（{number[6:14]}）无效", None
        return (number, *_birth_date_error_and_region_warning(number, today, _region_known(number)))
    except ValidationError:  # pragma: no cover - any other refusal of stdnum
        return number, "身份证号码格式不正确", None
    return (number, *_birth_date_error_and_region_warning(number, today, region_known=True))


def _region_known(number: str) -> bool:
    """Whether the 6-digit region prefix is a known GB/T 2260 county code, in any period.

    ``ric.get_birth_place`` also refuses a code that did not exist yet in the birth year (310115
    浦东新区 dates from 1992), but the prefix is the region where the number was *issued*, so a
    person born in 1980 legitimately holds 310115…: only a code unknown in every period warns.
    """
    info = {k: v for _part, props in numdb.get("cn/loc").info(number[:6]) for k, v in props.items()}
    return bool(info.get("county"))


def _birth_date_error_and_region_warning(number: str, today: date | None, region_known: bool):
    birth = ric.get_birth_date(number)
    error = None
    if birth.year < 1900:
        error = f"身份证号码中的出生日期（{cn_date(birth)}）无效"
    elif today is not None and birth > today:
        error = f"身份证号码中的出生日期（{cn_date(birth)}）晚于今天"
    warning = None if region_known else (
        f"身份证号码的地区码（{number[:6]}）未能识别，请核对（已撤销的地区码仍可有效）")
    return error, warning


def id_birth_date(number: str) -> date | None:
    """Birth date of a well-formed ID number, or None."""
    try:
        return ric.get_birth_date(number)
    except (ValidationError, ValueError, IndexError):
        return None


def id_gender(number: str) -> str | None:
    """'男' when the 17th digit is odd, '女' when even; None if it is not a digit."""
    if len(number) < 17 or not number[16].isdigit():
        return None
    return MALE if int(number[16]) % 2 else FEMALE


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_PREFIX = re.compile(r"^(?:\+86|0086|86)(\d{11})$")


def clean_mobile(value, *, required: bool = True) -> tuple[str, str | None]:
    """Normalise and check a mainland mobile number: ``(normalised, error_or_None)``.

    Spaces and dashes are removed and a leading +86 / 0086 / 86 is dropped when 11 digits remain.
    """
    number = re.sub(r"[\s\-]", "", normalize_code(value))
    if not number:
        return "", ("请填写手机号码" if required else None)
    prefixed = _MOBILE_PREFIX.match(number)
    if prefixed:
        number = prefixed.group(1)
    if not _MOBILE.match(number):
        return number, "手机号码应为11位大陆手机号码，以13–19开头（如13012345678）"
    return number, None


def clean_card_number(value) -> str:
    """Card numbers: NFKC, spaces and dashes removed."""
    return re.sub(r"[\s\-]", "", normalize_code(value))


# --------------------------------------------------------------------------------------------
# Choice helpers
# --------------------------------------------------------------------------------------------

def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _choice(value, allowed: set[str], labels: tuple = ()) -> str | None:
    """The allowed code ``value`` stands for: the code itself, or its label in ``labels``."""
    text = normalize_code(value)
    if text in allowed:
        return text
    for code, label, *_ in labels:
        if code in allowed and _nfkc(label) == text:
            return code
    return None


_LEVEL_ALIASES = {}
for _code, _label in data.SKILL_LEVELS:
    _LEVEL_ALIASES[_nfkc(_label)] = _code
    _LEVEL_ALIASES[_label.split("（")[0]] = _code  # 技师
    _LEVEL_ALIASES[_label.split("（")[1].rstrip("）").replace("国家职业资格", "")] = _code  # 二级
    _LEVEL_ALIASES[_code] = _code


def _level(value) -> str | None:
    return _LEVEL_ALIASES.get(normalize_code(value))


_TRUE = {"是", "true", "1", "y", "yes", "t"}
_FALSE = {"否", "false", "0", "n", "no", "f"}


def _boolean(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = normalize_code(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = normalize_code(value)
    text = re.sub(r"\s*年$", "", text)
    if re.match(r"^\d+$", text):
        return int(text)
    if re.match(r"^\d+\.0+$", text):
        return int(text.split(".")[0])
    return None


def _length_error(label: str, text: str, low: int, high: int) -> str | None:
    if low <= len(text) <= high:
        return None
    if low == high:
        return f"{label}应为{low}个字"
    if len(text) < low:
        return f"{label}至少应有{low}个字"
    return f"{label}不能超过{high}个字（当前为{len(text)}个字）"


# --------------------------------------------------------------------------------------------
# The whole form, one field group at a time
# --------------------------------------------------------------------------------------------

_CJK = (
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\U00020000-\U0002ebef"  # extensions B–F (and I)
    "\U00030000-\U000323af"  # extensions G–H
)
_NAME_CHARS = re.compile(rf"^[{_CJK}A-Za-z ·]+$")
_NAME_PARTS = re.compile(rf"^[{_CJK}A-Za-z]+(?:[ ·][{_CJK}A-Za-z]+)*$")
_CERTIFICATE_NO = re.compile(r"^[A-Za-z0-9\-]+$")
_DIGITS = re.compile(r"^\d+$")
_POSTCODE = re.compile(r"^\d{6}$")


def _variant_label(variant: str) -> str:
    return data.names(data.VARIANTS).get(variant, variant)


class _Form:
    """One application under check: its raw values, the context and the result being filled in.

    The field-group checks below read :attr:`raw` and record into :attr:`result`; what a group needs
    from an earlier one (the variant, the birth date, the dates) is handed to it as an argument.
    """

    def __init__(self, values: Mapping[str, object], ctx: RuleContext):
        self.ctx = ctx
        self.raw = {name: values.get(name) for name in FIELDS}
        self.result = RuleResult(cleaned={name: None for name in FIELDS})
        self.cleaned = self.result.cleaned
        self.error = self.result.error
        self.warn = self.result.warn

    def need(self, name: str) -> bool:
        """True if the field has a value; else records its required-message."""
        if _is_blank(self.raw[name]):
            self.error(name, required_message(name))
            return False
        return True

    def text(self, name: str, low: int, high: int) -> None:
        """A required free-text field: normalised, kept, and between ``low`` and ``high`` characters."""
        if self.need(name):
            text = normalize_text(self.raw[name])
            self.cleaned[name] = text
            if (message := _length_error(FIELD_LABELS[name], text, low, high)):
                self.error(name, message)

    def listed(self, name: str, allowed: set[str], labels: tuple, not_listed: str) -> str | None:
        """A required code from a reference list (its label is accepted too): kept and returned."""
        if not self.need(name):
            return None
        code = _choice(self.raw[name], allowed, labels)
        if code is None:
            self.error(name, f"{FIELD_LABELS[name]}“{normalize_code(self.raw[name])}”{not_listed}，请从列表中选择")
        self.cleaned[name] = code
        return code

    def required_date(self, name: str, dates: Mapping[str, date | None]) -> date | None:
        """A required date that could be read: kept and returned (None when blank or unreadable)."""
        if self.need(name) and dates[name] is not None:
            self.cleaned[name] = dates[name]
            return dates[name]
        return None


def validate_application(values: Mapping[str, object], ctx: RuleContext) -> RuleResult:
    """Check one application against every field rule of SPEC §3.

    ``values`` maps the names of :data:`FIELDS` to raw or typed values (missing keys count as
    blank, other keys are ignored). Returns a :class:`RuleResult` holding the cleaned values, the
    errors and the warnings, each attached to the field that causes it. The groups run in this
    order because the error summary of the form lists the messages in the order they were found.
    """
    form = _Form(values, ctx)
    variant = _check_variant(form)
    birth = _check_person(form)
    _check_contact(form)
    _check_listed_codes(form)
    _check_levels(form)
    dates = _parse_dates(form)
    certificate_date = _check_level_dates(form, dates, birth)
    _check_certificate(form, variant)
    _check_card(form)
    _check_unit_and_address(form)
    _check_migrant(form, birth)
    _check_hr_confirmation(form, variant, dates, certificate_date)
    return form.result


def _check_variant(form: _Form) -> str | None:
    """申报类别; returns its code, None when missing or unknown."""
    if not form.need("variant"):
        return None
    variant = _choice(form.raw["variant"], {code for code, _ in data.VARIANTS}, data.VARIANTS)
    if variant is None:
        form.error("variant", "申报类别须为“通用工种”或“行业特有工种”")
    form.cleaned["variant"] = variant
    return variant


def _check_person(form: _Form) -> date | None:
    """姓名, 身份证号码 and 性别; returns the birth date of a valid ID number."""
    _check_name(form)
    number, message, warning = clean_id_number(form.raw["id_number"], today=form.ctx.today)
    form.cleaned["id_number"] = number or None
    if message:
        form.error("id_number", message)
    if warning:
        form.warn("id_number", warning)
    valid_number = None if message else number
    _check_gender(form, valid_number)
    return id_birth_date(valid_number) if valid_number else None


def _check_name(form: _Form) -> None:
    if not form.need("name"):
        return
    name = _normalize_name(form.raw["name"])
    form.cleaned["name"] = name
    if not _NAME_CHARS.match(name):
        form.error("name", "姓名只能包含汉字、拉丁字母、拉丁字母单词间的空格和间隔号“·”")
    elif not _NAME_PARTS.match(name):
        form.error("name", "姓名中的间隔号“·”和空格只能用在两个字之间，且不能连用")
    elif (message := _length_error(FIELD_LABELS["name"], name, 2, 30)):
        form.error("name", message)


def _check_gender(form: _Form, id_number: str | None) -> None:
    """性别, which must match the 17th digit of a valid ID number."""
    if not form.need("gender"):
        return
    gender = normalize_code(form.raw["gender"])
    if gender not in GENDERS:
        form.error("gender", "性别须为“男”或“女”")
        return
    form.cleaned["gender"] = gender
    if id_number and id_gender(id_number) != gender:
        form.error("gender", f"性别与身份证号码不符（身份证号码第17位表示{id_gender(id_number)}性）")


def _check_contact(form: _Form) -> None:
    mobile, message = clean_mobile(form.raw["mobile"])
    form.cleaned["mobile"] = mobile or None
    if message:
        form.error("mobile", message)


def _check_listed_codes(form: _Form) -> None:
    """所属行业, 学历 and 单位性质: codes of the reference lists."""
    ctx = form.ctx
    form.listed("industry", ctx.industries, data.INDUSTRIES, "不在可选范围内")
    form.listed("education", ctx.educations, data.EDUCATIONS, "不在可选范围内")
    form.listed("unit_kind", ctx.unit_kinds, data.UNIT_KINDS, "不在可选范围内")


def _check_levels(form: _Form) -> None:
    """现晋升的技能等级 (技师 or 高级技师) and 原有最高技能等级, which must be lower."""
    new_level = None
    if form.need("new_level"):
        new_level = _level(form.raw["new_level"])
        if new_level not in data.NEW_LEVEL_CODES:
            new_level = None
            form.error("new_level", "现晋升的技能等级须为技师（国家职业资格二级）或高级技师（国家职业资格一级）")
        form.cleaned["new_level"] = new_level
    if form.need("previous_level"):
        previous_level = _level(form.raw["previous_level"])
        if previous_level is None:
            form.error("previous_level", "原有最高技能等级须为国家职业资格五级至一级中的一个等级")
        elif new_level is not None and int(previous_level) <= int(new_level):
            new_label = data.names(data.SKILL_LEVELS)[new_level]
            form.error("previous_level", f"原有最高技能等级须低于现晋升的技能等级（{new_label}）")
        form.cleaned["previous_level"] = previous_level


def _parse_dates(form: _Form) -> dict[str, date | None]:
    """Every date field read (None when blank or unreadable, with an error in the latter case)."""
    dates: dict[str, date | None] = {}
    for name in DATE_FIELDS:
        value, message = parse_date(form.raw[name], FIELD_LABELS[name])
        dates[name] = value
        if message:
            form.error(name, message)
    return dates


def _check_level_dates(form: _Form, dates: Mapping[str, date | None], birth: date | None) -> date | None:
    """发证日期 (campaign window, age) and 原有技能等级取得时间; returns the certificate date."""
    ctx = form.ctx
    certificate_date = form.required_date("certificate_date", dates)
    if certificate_date is not None:
        if certificate_date > ctx.today:
            form.error("certificate_date", "发证日期不能晚于今天")
        if ctx.cert_issued_from is not None and certificate_date < ctx.cert_issued_from:
            form.error("certificate_date", f"发证日期须在{cn_date(ctx.cert_issued_from)}及以后")
        if ctx.cert_issued_to is not None and certificate_date > ctx.cert_issued_to:
            form.error("certificate_date", f"发证日期须在{cn_date(ctx.cert_issued_to)}及以前")
        if birth is not None and _age_on(birth, certificate_date) < MIN_AGE:
            form.error("id_number", f"申请人在发证日期（{cn_date(certificate_date)}）未满{MIN_AGE}周岁"
                                    f"（按身份证号码中的出生日期{cn_date(birth)}计算）")

    previous_date = form.required_date("previous_level_date", dates)
    if previous_date is not None:
        if certificate_date is not None and previous_date >= certificate_date:
            form.error("previous_level_date", "原有技能等级取得时间须早于发证日期")
        elif previous_date > ctx.today:
            form.error("previous_level_date", "原有技能等级取得时间不能晚于今天")
        if birth is not None and previous_date <= birth:
            form.error("previous_level_date", "原有技能等级取得时间不能早于身份证号码中的出生日期")
    return certificate_date


def _check_certificate(form: _Form, variant: str | None) -> None:
    """工种, 等级证书编号 and 发证机构 (one of the variant's issuers)."""
    form.text("trade", 1, 50)
    if form.need("certificate_no"):
        certificate_no = normalize_code(form.raw["certificate_no"]).upper()
        form.cleaned["certificate_no"] = certificate_no
        if not _CERTIFICATE_NO.match(certificate_no):
            form.error("certificate_no", "等级证书编号只能包含字母、数字和连字符“-”")
        elif len(certificate_no) > 50:
            form.error("certificate_no", f"等级证书编号不能超过50位（当前为{len(certificate_no)}位）")
    if form.need("certificate_issuer"):
        issuer = normalize_text(form.raw["certificate_issuer"])
        form.cleaned["certificate_issuer"] = issuer
        if variant is not None:
            _check_issuer(form, variant, issuer)


def _check_issuer(form: _Form, variant: str, issuer: str) -> None:
    """The issuer must be one of the variant's; the stored spelling is the list's."""
    allowed = form.ctx.issuers.get(variant, set())
    canonical = {_nfkc(name): name for name in allowed}.get(_nfkc(issuer))
    if canonical is not None:
        form.cleaned["certificate_issuer"] = canonical
        return
    label = _variant_label(variant)
    if 0 < len(allowed) <= 3:
        message = f"{label}的发证机构须为{'或'.join(sorted(allowed))}"
    else:
        message = f"发证机构“{issuer}”不在{label}的发证机构名单中"
    others = [code for code, _ in data.VARIANTS if code != variant
              and _nfkc(issuer) in {_nfkc(n) for n in form.ctx.issuers.get(code, ())}]
    if others:
        message += f"（{issuer}颁发的证书请按{_variant_label(others[0])}申报）"
    form.error("certificate_issuer", message)


def _check_card(form: _Form) -> None:
    """工会会员服务卡卡号, or else 银行名称 and 银行卡号 (Luhn): one of the two, not both."""
    union_card = clean_card_number(form.raw["union_card_no"])
    bank_name = normalize_text(form.raw["bank_name"])
    bank_card = clean_card_number(form.raw["bank_card_no"])
    form.cleaned["union_card_no"] = union_card or None
    form.cleaned["bank_name"] = bank_name or None
    form.cleaned["bank_card_no"] = bank_card or None
    if union_card:
        if not _DIGITS.match(union_card) or not 8 <= len(union_card) <= 19:
            form.error("union_card_no", "工会会员服务卡卡号应为8–19位数字")
        if bank_name or bank_card:
            form.error("bank_card_no", "已填写工会会员服务卡卡号的，无需填写银行名称及卡号")
    elif not bank_name and not bank_card:
        form.error("union_card_no", "请填写工会会员服务卡卡号，或填写银行名称及银行卡号")
    else:
        _check_bank(form, bank_name, bank_card)


def _check_bank(form: _Form, bank_name: str, bank_card: str) -> None:
    if not bank_name:
        form.error("bank_name", "未填写工会会员服务卡卡号的，请填写银行名称")
    elif (message := _length_error(FIELD_LABELS["bank_name"], bank_name, 2, 50)):
        form.error("bank_name", message)
    if not bank_card:
        form.error("bank_card_no", "未填写工会会员服务卡卡号的，请填写银行卡号")
    elif not _DIGITS.match(bank_card):
        form.error("bank_card_no", "银行卡号只能包含数字")
    elif not 16 <= len(bank_card) <= 19:
        form.error("bank_card_no", f"银行卡号应为16–19位数字（当前为{len(bank_card)}位）")
    elif not luhn.is_valid(bank_card):
        form.error("bank_card_no", "银行卡号未通过校验（Luhn校验位不正确），请核对")


def _check_unit_and_address(form: _Form) -> None:
    """工作单位, 通信地址 and 邮编 (a postcode outside Shanghai only warns)."""
    form.text("employer", 2, 100)
    form.text("address", 2, 100)
    if not form.need("postcode"):
        return
    postcode = re.sub(r"\s", "", normalize_code(form.raw["postcode"]))
    form.cleaned["postcode"] = postcode
    if not _POSTCODE.match(postcode):
        form.error("postcode", "邮编应为6位数字")
    elif not SHANGHAI_POSTCODES[0] <= int(postcode) <= SHANGHAI_POSTCODES[1]:
        form.warn("postcode", "邮编不在上海市范围（200000–202199）内，请核对")


def _check_migrant(form: _Form, birth: date | None) -> None:
    """是否外来务工人员; for a migrant worker also 户籍地 and 来沪年限 (at most the applicant's age)."""
    if not form.need("is_migrant"):
        return
    migrant = _boolean(form.raw["is_migrant"])
    if migrant is None:
        form.error("is_migrant", "是否外来务工人员应填写“是”或“否”")
    form.cleaned["is_migrant"] = migrant
    if not migrant:
        return
    if form.listed("hukou_province", form.ctx.provinces, data.PROVINCES, "不在省份列表中") == SHANGHAI_PROVINCE:
        form.warn("hukou_province", "户籍地为上海市，请核对是否外来务工人员")
    if form.need("years_in_city"):
        years = _whole_number(form.raw["years_in_city"])
        if years is None or not 0 <= years <= MAX_YEARS_IN_CITY:
            form.error("years_in_city", f"来沪年限须为0–{MAX_YEARS_IN_CITY}之间的整数（年）")
            return
        form.cleaned["years_in_city"] = years
        if birth is not None and years > _age_on(birth, form.ctx.today):
            form.error("years_in_city", f"来沪年限（{years}年）不能超过申请人的年龄")


def _check_hr_confirmation(form: _Form, variant: str | None, dates: Mapping[str, date | None],
                           certificate_date: date | None) -> None:
    """行业特有工种 only: 基层单位人力资源部门意见, 经办人 and 确认日期."""
    if variant != data.VARIANT_INDUSTRY:
        # 通用工种 has no HR confirmation: whatever was sent is ignored, including a bad date.
        form.result.errors.pop("hr_date", None)
        return
    form.text("hr_opinion", 1, 200)
    form.text("hr_signer", 2, 30)
    hr_date = form.required_date("hr_date", dates)
    if hr_date is not None:
        if hr_date > form.ctx.today:
            form.error("hr_date", "人力资源部门确认日期不能晚于今天")
        if certificate_date is not None and hr_date < certificate_date:
            form.error("hr_date", "人力资源部门确认日期不能早于发证日期")
