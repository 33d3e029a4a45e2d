"""The application's fields read from the recognised lines of a scan, and their comparison with what was typed.

Pure: no Flask, no database. ``extract_fields`` takes the lines of app/ocr/engine.py ``read_lines`` (or any
recognised text) of a 身份证 copy or of a 职业资格证书 / 职业技能等级证书 copy; ``merge`` joins the readings of
an application's scans; ``compare`` checks the six key fields the manual names (「姓名、身份证、技能等级、
等级证书编号、发证机构、发证日期任一字段填写错误，都将无法通过审核」) against the typed ones.

What OCR gets wrong is expected: full-width characters, spaces inside values and labels, a label and its value
on one line or on two, 年/月/日 and dotted dates, O for 0, l for 1, 。 for ., a lower-case x as the check
digit, and lines of noise. An ID number is only taken when it passes the form's own GB 11643 check.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.applications.attachments import CERTIFICATE_COPY, ID_COPY
from app.applications.rules import FIELD_LABELS, clean_id_number
from app.verification.rules import comparable_text, level_code

FIELDS = ("name", "id_number", "new_level", "certificate_no", "certificate_issuer", "certificate_date", "trade")
#: The six fields the manual names: any of them typed wrong and the application cannot pass review.
KEY_FIELDS = ("name", "id_number", "new_level", "certificate_no", "certificate_issuer", "certificate_date")
#: Field → the form's label.
FIELD_TITLES = {field: FIELD_LABELS[field] for field in FIELDS}
KINDS = (ID_COPY, CERTIFICATE_COPY)

MATCH, DIFFER, UNREAD = "match", "differ", "unread"
OUTCOME_TITLES = {MATCH: "一致", DIFFER: "不一致", UNREAD: "未识别"}
OUTCOMES = tuple(OUTCOME_TITLES)


class Reading(dict):
    """The fields read from one scan (a dict), remembering the kind of scan they were read from."""

    def __init__(self, kind, values=()):
        super().__init__(values)
        self.kind = kind


# ------------------------------------------------------------------------------------------------------------
# Labels
# ------------------------------------------------------------------------------------------------------------

#: Label words of the documents → the field they introduce (None: a label whose value is not wanted, kept so
#: that it ends the value before it). Longer spellings first: the scan takes the first that matches.
_LABELS = (
    ("中华人民共和国", None),
    ("职业技能等级证书", None),
    ("职业资格证书", None),
    ("技能等级证书", None),
    ("职业(工种)及等级", "trade_level"),
    ("职业(工种)", "trade"),
    ("公民身份号码", "id_number"),
    ("身份证件号码", "id_number"),
    ("身份证号码", "id_number"),
    ("身份证号", "id_number"),
    ("证件号码", "id_number"),
    ("职业技能等级", "new_level"),
    ("职业资格等级", "new_level"),
    ("技能等级", "new_level"),
    ("证书编号", "certificate_no"),
    ("证书号码", "certificate_no"),
    ("发证机构", "certificate_issuer"),
    ("发证单位", "certificate_issuer"),
    ("发证机关", "certificate_issuer"),
    ("颁证机构", "certificate_issuer"),
    ("评价机构", "certificate_issuer"),
    ("认定机构", "certificate_issuer"),
    ("发证日期", "certificate_date"),
    ("发证时间", "certificate_date"),
    ("颁证日期", "certificate_date"),
    ("颁发日期", "certificate_date"),
    ("签发日期", "certificate_date"),
    ("职业名称", "trade"),
    ("工种名称", "trade"),
    ("出生日期", None),
    ("理论知识考试成绩", None),
    ("操作技能考核成绩", None),
    ("综合评审成绩", None),
    ("评定成绩", None),
    ("证件类型", None),
    ("文化程度", None),
    ("签发机关", None),
    ("有效期限", None),
    ("姓名", "name"),
    ("性别", None),
    ("民族", None),
    ("出生", None),
    ("住址", None),
    ("工种", "trade"),
    ("职业", "trade"),
    ("等级", "new_level"),
    ("级别", "new_level"),
    ("编号", "certificate_no"),
    ("日期", "certificate_date"),
)
_LABEL_FIELD = dict(_LABELS)
#: Short label words that also occur inside values (上海市职业技能鉴定中心, 技能等级证书): a label only at the start
#: of a line or after a space or a separator.
_WEAK_LABELS = frozenset({"职业", "工种", "等级", "级别", "编号", "日期", "出生"})
_SEPARATORS = ":;,.、·|/ -_"


def _label_pattern(label):
    # OCR spaces the letters of a label (姓 名) and may lose its brackets.
    chars = [re.escape(c) + ("?" if c in "()" else "") for c in label]
    pattern = r"\s?".join(chars)
    if label in _WEAK_LABELS:
        pattern = r"(?<![^\s:;,.、|/])" + pattern
    return pattern


_LABEL_RE = re.compile("|".join(_label_pattern(label)
                                for label, _field in sorted(_LABELS, key=lambda item: -len(item[0]))))


def _normalise(line):
    """A line as compared: NFKC (full-width folded), 。 as ., runs of whitespace as one space."""
    text = unicodedata.normalize("NFKC", str(line or "")).replace("。", ".").replace("‧", "·")
    return re.sub(r"\s+", " ", text).strip()


def _compact(text):
    return re.sub(r"\s+", "", text)


def _label_key(matched):
    """The _LABELS key of a label as found (its brackets and spaces may be missing)."""
    bare = re.sub(r"[\s()]", "", matched)
    for label, _field in _LABELS:
        if label.replace("(", "").replace(")", "") == bare:
            return label
    return matched


def _labelled_values(lines):
    """[(field, value, label)] for every label found: the text after the label up to the next label on
    the same line, or, when that is empty, the next line up to its first label. Values keep their spaces (the
    gaps between the parts of a line); each parser decides what they mean."""
    found = []
    for index, line in enumerate(lines):
        matches = list(_LABEL_RE.finditer(line))
        for n, match in enumerate(matches):
            field = _LABEL_FIELD[_label_key(match.group())]
            if field is None:
                continue
            end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
            value = line[match.end():end].strip(_SEPARATORS)
            if not value and n + 1 == len(matches) and index + 1 < len(lines):
                following = lines[index + 1]
                first = _LABEL_RE.search(following)
                value = (following[:first.start()] if first else following).strip(_SEPARATORS)
            if value:
                found.append((field, value, _label_key(match.group())))
    return found


# ------------------------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------------------------

#: What OCR reads for a digit inside a run of digits.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                                   "i": "1", "!": "1", "Z": "2", "S": "5", "B": "8", "b": "6", "g": "9"})
_ID_CANDIDATE = re.compile(r"[0-9OoDQIl|i!ZSBbg]{17}[0-9OoDQIl|i!ZSBbgXx×]")


def _valid_id_number(number):
    """The form's own check (GB 11643 check digit and birth date; a region prefix retired since only warns)."""
    _number, error, _warning = clean_id_number(number)
    return error is None


def _id_numbers(text):
    """The valid ID numbers in ``text`` (look-alike letters read as digits, a lower-case x as X), in order."""
    text = _compact(text)
    numbers = []
    # Letters only count as digits next to real digits: a run must hold at least 12 true digits.
    for match in _ID_CANDIDATE.finditer(text):
        raw = match.group()
        if sum(c.isdigit() for c in raw) < 12:
            continue
        body = raw[:17].translate(_DIGIT_LOOKALIKES)
        check = raw[17].translate(_DIGIT_LOOKALIKES).replace("x", "X").replace("×", "X")
        number = body + check
        if _valid_id_number(number) and number not in numbers:
            numbers.append(number)
    # Two numbers run together (or a number beside other digits): every 18-character window of each run of digits.
    for run in re.findall(r"[0-9Xx]{19,}", text):
        for start in range(len(run) - 17):
            number = run[start:start + 18].upper()
            if "X" not in number[:17] and _valid_id_number(number) and number not in numbers:
                numbers.append(number)
    return numbers


_NAME = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,29}")


def _name(value):
    """The name at the start of ``value``: letters spaced apart (王 伟) are one name, but a longer part after a
    gap is something else on the same line (a value of the page's other column)."""
    parts = value.split()
    if not parts:
        return None
    name = parts[0]
    for part in parts[1:]:
        if len(name) + len(part) > 4 or not _NAME.fullmatch(name + part):
            break
        name += part
    match = _NAME.search(name)
    if not match:
        return None
    name = match.group().strip("·")
    return name if len(name) >= 2 else None


#: A certificate number: an optional letter prefix (新版职业技能等级证书 start with S or Y), then digits and
#: hyphens. OCR's look-alike letters inside the digits are read as digits.
_CERTIFICATE_NO = re.compile(r"([A-Za-z]{0,3})([0-9OoDQIl|i!ZSBbg-]{6,49})")


def _certificate_no(value):
    value = _compact(value)
    for match in _CERTIFICATE_NO.finditer(value):
        prefix, body = match.group(1).upper(), match.group(2).strip("-")
        if sum(c.isdigit() for c in body) < max(6, len(body) * 3 // 4):
            continue
        number = prefix + body.translate(_DIGIT_LOOKALIKES)
        # 职业技能等级证书 numbers are S (社会培训评价组织) or Y (用人单位) and 21 digits; old 职业资格证书 numbers
        # are shorter. OCR reads that S as 5.
        if len(number) == 22 and number[0] == "5" and number.isdigit():
            number = "S" + number[1:]
        return number
    return None


_CN_DIGITS = {"〇": 0, "○": 0, "O": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_DATE = re.compile(r"([〇○O零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,4})日")
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[年./-]([01]?\d)[月./-]([0-3]?\d)|([01]\d)([0-3]\d))(?!\d)")


def _cn_number(text):
    """一 … 三十一 as an int."""
    if "十" in text:
        tens, _sep, units = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[text] if len(text) == 1 else None


def _dates(text):
    """The dates in ``text``: 2019年6月30日, 2019-06-30, 2019.6.30, 2019/06/30, 20190630, 二〇一九年六月三十日."""
    text = _compact(text)
    text = text.translate(str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})) if re.search(r"\d", text) \
        else text
    found = []
    for match in _DATE.finditer(text):
        year, month, day = match.group(1), match.group(2) or match.group(4), match.group(3) or match.group(5)
        try:
            found.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    for match in _CN_DATE.finditer(text):
        try:
            year = int("".join(str(_CN_DIGITS[c]) for c in match.group(1)))
            month, day = _cn_number(match.group(2)), _cn_number(match.group(3))
            found.append(date(year, month, day))
        except (KeyError, TypeError, ValueError):
            continue
    return found


_LEVEL_SPLIT = re.compile(r"[/()（）、,，;；\s|]+")


def _leading_level(text):
    """The level code of the longest leading part of ``text`` that names a level, and that part's length."""
    for end in range(len(text), 0, -1):
        code = level_code(text[:end])
        if code:
            return code, end
    return None, 0


def _level(value):
    """The level code of a value such as 二级/技师, 技师（国家职业资格二级）, 一级 高级技师 (app.verification.rules)."""
    code = level_code(_compact(value))
    if code:
        return code
    for piece in (p for p in _LEVEL_SPLIT.split(value) if p):
        code, _length = _leading_level(piece)
        if code:
            return code
    return None


def _trade(value):
    """工种 as written, without a level run into it (车工二级/技师 → 车工)."""
    text = re.split(r"[/(（,，;；]", _compact(value.split()[0] if len(value.split()[0]) >= 2 else value))[0]
    for start in range(2, len(text)):
        if not text[start].isdigit() and _leading_level(text[start:])[0]:
            text = text[:start]
            break
    match = re.search(r"[\u4e00-\u9fffA-Za-z0-9·]+", text)
    return match.group() if match and len(match.group()) >= 2 else None


#: 发证机构 unlabelled (a seal, a line under the signature): a line that ends as the names of authorities do.
_AUTHORITY = re.compile(r"[\u4e00-\u9fff()]{3,}(?:人力资源和社会保障局|人力资源和社会保障厅|人力资源和社会保障部|"
                        r"职业技能鉴定中心|鉴定中心|指导中心|评价中心|服务中心|委员会|管理局|协会|学会|研究院|"
                        r"有限公司|集团公司|学院|学校|局|厅|部)$")


def _issuer(value):
    value = _compact(value)
    value = re.sub(r"\(?(?:盖章|印章|章)\)?$", "", value)
    match = re.search(r"[\u4e00-\u9fff()]{4,}", value)
    # Chinese names are written with full-width brackets: 上海汽车工业（集团）有限公司.
    return match.group().replace("(", "（").replace(")", "）") if match else None


# ------------------------------------------------------------------------------------------------------------
# The reading of one scan
# ------------------------------------------------------------------------------------------------------------

def extract_fields(lines: list[str], kind: str) -> dict:
    """The fields found in the recognised ``lines`` of a scan of ``kind`` (ID_COPY or CERTIFICATE_COPY): a
    :class:`Reading` holding only the fields found (FIELDS names; the level as its code, the date a date)."""
    if kind not in KINDS:
        raise ValueError(f"unknown scan kind {kind!r}")
    lines = [line for line in (_normalise(raw) for raw in lines) if line]
    labelled = _labelled_values(lines)
    reading = Reading(kind)

    def first(field, parse, labels=None):
        for found_field, value, label in labelled:
            if found_field == field and (labels is None or label in labels) and (parsed := parse(value)):
                return parsed
        return None

    # 姓名
    name = first("name", _name)
    if name:
        reading["name"] = name

    # 身份证号码: a labelled valid number first, else the only valid number of the page.
    number = first("id_number", lambda value: next(iter(_id_numbers(value)), None))
    if not number:
        numbers = [n for line in lines for n in _id_numbers(_compact(line))]
        if numbers:
            number = numbers[0]
    if number:
        reading["id_number"] = number

    if kind == ID_COPY:
        return reading

    level = first("new_level", _level)
    # 工种 before 职业: the new certificates name both, and the form asks for the 工种.
    trade = first("trade", _trade, ("工种", "工种名称")) or first("trade", _trade)
    for found_field, value, _label in labelled:
        if found_field == "trade_level":
            level = level or _level(value[len(_trade(value) or ""):]) or _level(value)
            trade = trade or _trade(value)
    if not level:
        # An unlabelled level line (技师 / 国家职业资格二级 printed on its own).
        for line in lines:
            if (code := level_code(_compact(line).strip(_SEPARATORS))) is not None:
                level = code
                break
    if level:
        reading["new_level"] = level
    if trade:
        reading["trade"] = trade

    certificate_no = first("certificate_no", _certificate_no)
    if certificate_no:
        reading["certificate_no"] = certificate_no

    issuer = first("certificate_issuer", _issuer)
    if not issuer:
        # Unlabelled, or its label's line followed by another column's labels: a part of a line between labels
        # and gaps that ends as an authority's name does.
        for line in lines:
            for part in re.split(r"\s+", _LABEL_RE.sub(" ", line)):
                if (match := _AUTHORITY.fullmatch(part.strip(_SEPARATORS))):
                    issuer = _issuer(match.group())
                    break
            if issuer:
                break
    if issuer:
        reading["certificate_issuer"] = issuer

    issued = first("certificate_date", lambda value: next(iter(_dates(value)), None))
    if not issued:
        # Unlabelled: the last date of the page that is not a birth date (the date under the seal).
        dated = [d for line in lines if not re.search("出生|生日|有效", line) for d in _dates(_compact(line))]
        if dated:
            issued = dated[-1]
    if issued:
        reading["certificate_date"] = issued
    return reading


# ------------------------------------------------------------------------------------------------------------
# An application's scans together, and against the form
# ------------------------------------------------------------------------------------------------------------

def merge(*readings: dict) -> dict:
    """One reading of several scans: for 姓名 and 身份证号码 the ID copy's wins (a :class:`Reading` knows its
    kind; plain dicts count in the order given); for the other fields the first reading that has it."""
    merged = {}
    ordered = sorted(readings, key=lambda r: getattr(r, "kind", None) != ID_COPY)  # stable: ID copies first
    for field in FIELDS:
        sources = ordered if field in ("name", "id_number") else readings
        for reading in sources:
            if reading.get(field) not in (None, ""):
                merged[field] = reading[field]
                break
    return merged


def _as_date(value):
    if isinstance(value, date):
        return value
    found = _dates(_compact(_normalise(value))) if value else []
    return found[0] if found else None


def _comparable(field, value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field in ("name", "certificate_issuer"):
        return comparable_text(value)
    if field in ("id_number", "certificate_no"):
        return _compact(_normalise(value)).upper()
    if field == "new_level":
        return level_code(value)
    if field == "certificate_date":
        return _as_date(value)
    return _compact(_normalise(value)).lower()


def compare(typed: dict, scanned: dict) -> dict[str, str]:
    """For each of KEY_FIELDS: MATCH, DIFFER, or UNREAD when the scans did not give it."""
    outcome = {}
    for field in KEY_FIELDS:
        read = _comparable(field, scanned.get(field))
        if read is None:
            outcome[field] = UNREAD
        else:
            outcome[field] = MATCH if _comparable(field, typed.get(field)) == read else DIFFER
    return outcome
