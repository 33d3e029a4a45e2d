"""The register's rules, pure (no Flask, no database): its columns, the check of one row, and the comparison
of an application with a register entry on the six key fields of SPEC §6."""
import re
import unicodedata
from datetime import date

from app.applications.rules import clean_id_number
from app.exports.reader import CellError, Field
from app.reference import data

#: The register's columns as the certificate authority's Excel names them (and their usual other spellings).
FIELDS = (
    Field("certificate_no", "证书编号", aliases=("等级证书编号", "证书号", "证书号码", "职业资格证书编号",
                                              "技能等级证书编号"), kind="identifier", max_length=50),
    Field("name", "姓名", max_length=30),
    Field("id_number", "身份证号码", aliases=("身份证号", "公民身份号码", "身份证件号码", "证件号码"),
          kind="identifier"),
    Field("level", "等级", aliases=("技能等级", "职业资格等级", "鉴定等级", "级别", "证书等级")),
    Field("trade", "工种", aliases=("职业", "职业名称", "工种名称", "职业（工种）"), allow_blank=True,
          max_length=50),
    Field("issue_date", "发证日期", aliases=("发证时间", "取证日期", "颁证日期", "发证年月日"), kind="date"),
    Field("issuer", "发证机构", aliases=("发证单位", "颁证机构", "发证部门"), max_length=100),
)
HEADERS = {f.key: f.header for f in FIELDS}

#: The six key fields compared (application field → label), in the form's order.
COMPARED = {
    "name": "姓名",
    "id_number": "身份证号码",
    "new_level": "技能等级",
    "certificate_no": "等级证书编号",
    "certificate_issuer": "发证机构",
    "certificate_date": "发证日期",
}
#: The register entry's attribute holding each compared field.
ENTRY_ATTRIBUTE = {"name": "name", "id_number": "id_number", "new_level": "level",
                   "certificate_no": "certificate_no", "certificate_issuer": "issuer",
                   "certificate_date": "issue_date"}

_CERTIFICATE_NO = re.compile(r"^[A-Z0-9-]+$")
_LEVEL_NAMES = {}
for _code, _name in data.SKILL_LEVELS:
    short = _name.split("（")[0]
    grade = "一二三四五"[int(_code) - 1] + "级"
    for spelling in (_code, _name, short, grade, "国家职业资格" + grade, f"{short}({grade})",
                     f"职业资格{grade}", f"{_code}级"):
        _LEVEL_NAMES[unicodedata.normalize("NFKC", spelling).replace(" ", "")] = _code
LEVEL_TITLES = dict(data.SKILL_LEVELS)


def level_code(text):
    """The level code of a register's 等级 as the authority writes it (技师, 二级, 国家职业资格二级, 2…)."""
    return _LEVEL_NAMES.get(unicodedata.normalize("NFKC", str(text or "")).replace(" ", ""))


def comparable_text(value):
    """Names and issuers compared as people read them: full-width folded, without spaces, one middle dot."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s", "", text)
    return re.sub(r"[·•・‧∙⋅]", "·", text)


def check_row(row, today, seen_certificates, errors):
    """Check one read row (app.exports.reader.Row) of the register; the problems are added to ``errors``.
    Returns the entry's values (for the database) or None when the row has a problem.

    ``seen_certificates`` maps certificate numbers already in the file to their row, so a number given
    twice is refused on its second row."""
    values, number, before = row.values, row.number, len(errors)

    def problem(key, message):
        errors.append(CellError(number, HEADERS[key], message))

    certificate_no = values["certificate_no"]
    if certificate_no is not None:
        certificate_no = certificate_no.upper()
        if not _CERTIFICATE_NO.match(certificate_no):
            problem("certificate_no", "证书编号只能包含字母、数字和连字符“-”")
        elif certificate_no in seen_certificates:
            problem("certificate_no", f"证书编号与第{seen_certificates[certificate_no]}行重复")
        else:
            seen_certificates[certificate_no] = number
    name = values["name"]
    if name is not None and len(name) < 2:
        problem("name", "姓名至少2个字")
    id_number = values["id_number"]
    if id_number is not None:
        id_number, message, _warning = clean_id_number(id_number)
        if message:
            problem("id_number", message)
    level = None
    if values["level"] is not None:
        level = level_code(values["level"])
        if level is None:
            problem("level", f"等级“{values['level']}”无法识别（应为技师、高级技师等，或国家职业资格一级至五级）")
    issue_date = values["issue_date"]
    if isinstance(issue_date, date):
        if issue_date > today:
            problem("issue_date", "发证日期不能晚于今天")
        elif issue_date.year < 1990:
            problem("issue_date", "发证日期早于1990年，请核对")
    if len(errors) > before or any(values[f.key] is None for f in FIELDS if not f.allow_blank):
        return None
    return {"certificate_no": certificate_no, "name": name.strip(), "id_number": id_number,
            "level": level, "trade": values["trade"] or None, "issue_date": issue_date,
            "issuer": unicodedata.normalize("NFKC", values["issuer"]).strip()}


def _normalised(field, value):
    if value is None:
        return None
    if field in ("name", "certificate_issuer"):
        return comparable_text(value)
    if field in ("id_number", "certificate_no"):
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value))).upper()
    return value


def differences(application, entry):
    """The compared fields (COMPARED codes, in order) on which ``application`` and ``entry`` disagree."""
    return [field for field, attribute in ENTRY_ATTRIBUTE.items()
            if _normalised(field, getattr(application, field)) != _normalised(field, getattr(entry, attribute))]


def choose_entry(application, by_certificate, by_id_number):
    """(entry, found_by) for an application: its certificate number's entry first, else among the entries of
    its ID number the one of the same level (else the first); (None, None) when neither is in the register.
    The lookups map a normalised number to entries, newest import first."""
    certificate_no = _normalised("certificate_no", application.certificate_no)
    entries = by_certificate.get(certificate_no)
    if entries:
        return entries[0], "certificate_no"
    entries = by_id_number.get(_normalised("id_number", application.id_number))
    if entries:
        same_level = [e for e in entries if e.level == application.new_level]
        return (same_level or entries)[0], "id_number"
    return None, None
