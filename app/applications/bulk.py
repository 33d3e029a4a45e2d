"""Excel intake (批量导入) of the 基层工会用户: a template to fill in, then the whole file at once.

Nothing here checks a field: every row goes through the intake services (``services.check_application``:
the rules module, the campaign's window, the reference lists and the first-time rule, exactly as the web
form), the batch through ``services.submission_refusals`` (the form's own refusals), each scan through
``attachments.detect`` / ``store_upload`` (the single upload's check by content). What is added here is
only what a file has and a form has not: duplicates inside the file, a zip of scans named by ID number
and kind, and all or nothing: one problem anywhere and no row is stored; otherwise every row is created
by ``services.create_application`` (未审核, its creation audit record) in the caller's one transaction.

Scans may be left out and added later on each application (修改报名表): such an application says so in
every list, and the district cannot approve it until they are complete (app.review.workflow).
"""
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from app import clock
from app.applications import attachments as files
from app.applications import rules, services
from app.campaigns import services as campaign_services
from app.exports import reader, xlsx
from app.extensions import db
from app.reference import data

#: Rows one file may hold (a grassroots union has at most a few hundred workers per batch).
MAX_ROWS = 5000
MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
#: Entries of a zip of scans, and their total size once unpacked (each one is also held to the single
#: upload's limit, counted on the bytes really read, not on what the zip declares).
MAX_ZIP_ENTRIES = 4 * MAX_ROWS
MAX_ZIP_UNPACKED_BYTES = 500 * 1024 * 1024
SHEET_TITLE = "申请表"
#: The template's drop-down lists cover this many rows.
TEMPLATE_ROWS = 2000
EXAMPLE_ID = "310109198309073016"

L = rules.FIELD_LABELS
#: Columns read as identifiers (text kept exactly as typed; a number Excel rounded is refused).
IDENTIFIERS = ("mobile", "certificate_no", "id_number", "union_card_no", "bank_card_no", "postcode")
#: Columns a file may leave out altogether (only some rows need them).
OPTIONAL = ("union_card_no", "bank_name", "bank_card_no", "hukou_province", "years_in_city", *rules.HR_FIELDS)
#: Other spellings of the headers that clerks' own sheets use.
ALIASES = {
    "variant": ("类别", "申报类型", "工种类别"),
    "mobile": ("手机", "手机号", "联系电话"),
    "previous_level": ("原技能等级", "原有技能等级"),
    "previous_level_date": ("原技能等级取得时间", "原有等级取得时间"),
    "new_level": ("晋升等级", "现晋升等级", "技能等级"),
    "certificate_no": ("证书编号", "职业资格证书编号"),
    "id_number": ("身份证号", "身份证", "公民身份号码"),
    "union_card_no": ("工会会员服务卡号", "会员服务卡卡号", "会员卡号"),
    "bank_card_no": ("银行卡卡号",),
    "is_migrant": ("外来务工人员",),
    "hukou_province": ("户籍所在地", "户籍省份"),
    "years_in_city": ("来沪工作年限",),
    "hr_opinion": ("人力资源部门意见",),
    "hr_signer": ("经办人",),
    "hr_date": ("确认日期",),
}
WIDTHS = {"variant": 14, "name": 10, "gender": 6, "mobile": 14, "industry": 22, "education": 10,
          "previous_level": 26, "previous_level_date": 13, "trade": 12, "new_level": 26, "certificate_no": 18,
          "certificate_date": 12, "certificate_issuer": 24, "id_number": 21, "union_card_no": 21,
          "bank_name": 16, "bank_card_no": 22, "employer": 24, "unit_kind": 16, "address": 28, "postcode": 8,
          "is_migrant": 10, "hukou_province": 14, "years_in_city": 9, "hr_opinion": 24, "hr_signer": 12,
          "hr_date": 12}
#: Reference lists (app.reference) behind the closed fields whose values are stored as codes.
CODE_LISTS = {"industry": "industry", "education": "education", "unit_kind": "unit_kind",
              "hukou_province": "province", "previous_level": "skill_level", "new_level": "skill_level"}


def _key(text):
    return unicodedata.normalize("NFKC", str(text)).strip()


# ------------------------------------------------------------------------------------------------
# The template
# ------------------------------------------------------------------------------------------------

def choice_lists():
    """Field → the values its drop-down offers: the active reference lists, as names (what the form shows)."""
    def names(list_name, only=None):
        return tuple(i.name for i in campaign_services.reference_items(list_name) if only is None or i.code in only)

    lower_levels = [code for code, _ in data.SKILL_LEVELS if code != data.SENIOR_TECHNICIAN]
    return {
        "variant": tuple(title for _code, title in data.VARIANTS),
        "gender": rules.GENDERS,
        "industry": names("industry"),
        "education": names("education"),
        "previous_level": names("skill_level", lower_levels),
        "new_level": names("skill_level", data.NEW_LEVEL_CODES),
        "certificate_issuer": names("issuer"),
        "unit_kind": names("unit_kind"),
        "is_migrant": ("是", "否"),
        "hukou_province": names("province"),
    }


PROMPTS = {
    "id_number": "18位身份证号码。本列为文本格式，请直接输入完整号码。",
    "certificate_no": "与等级证书上的编号一致。",
    "union_card_no": "已有工会会员服务卡的填写卡号，不必填写银行名称及卡号。",
    "bank_card_no": "未办理工会会员服务卡的填写银行卡号（16–19位）。",
    "previous_level_date": "日期，如2012-05-01。",
    "certificate_date": "日期，如2015-01-20。",
    "hr_date": "仅行业特有工种填写，日期。",
    "hr_opinion": "仅行业特有工种填写。",
    "hr_signer": "仅行业特有工种填写。",
    "years_in_city": "外来务工人员填写，整数（年）。",
}


def template_columns():
    """The template's columns, in the form's order, with the form's labels as headers."""
    lists = choice_lists()
    columns = []
    for name, label in L.items():
        kind = "text" if name in IDENTIFIERS else "date" if name in rules.DATE_FIELDS else "general"
        columns.append(xlsx.Column(label, WIDTHS.get(name, 14), kind, choices=tuple(lists.get(name, ())),
                                   prompt=PROMPTS.get(name, "")))
    return columns


def instructions(campaign, batch, notes=()):
    """The lines of the template's 填写说明 sheet (``notes``: the form's own notes 注1–7)."""
    kinds = "；".join(f"{files.KIND_FILE_NAMES[k][0]}（{files.KIND_TITLES[k]}）" for k in files.KINDS)
    lines = [
        f"技师、高级技师奖励申请表批量导入模板：{campaign.name}（{batch.name}，"
        f"{clock.cn_date(batch.opens_on)}至{clock.cn_date(batch.system_deadline)}网上受理）",
        "一、在“申请表”工作表中每行填写一名职工，第一行是表头，请勿修改或删除表头；不要合并单元格。",
        "二、“申报类别”选“通用工种”（本市人社主管部门发证）或“行业特有工种”（国家相关行业主管部门发证），"
        "行业特有工种还须填写基层单位人力资源部门意见、人力资源部门经办人和确认日期。",
        "三、带下拉箭头的列（性别、所属行业、学历、技能等级、发证机构、单位性质、是否外来务工人员、户籍地）请从列表中选择。",
        "四、身份证号码、等级证书编号、卡号、手机号码和邮编列已设为文本格式：请直接输入完整号码，不要改为数字格式"
        "（Excel只保留15位有效数字，18位身份证号码的末几位会被改写）。日期按“YYYY-MM-DD”填写，如2015-03-01。",
        "五、已有工会会员服务卡的填写“工会会员服务卡卡号”，不填银行名称及卡号；没有的填写“银行名称”和“银行卡号”。",
        "六、“是否外来务工人员”选“是”的，须填写“户籍地”和“来沪年限”。",
        "七、上传后系统逐行检查，规则与网上填写申请表完全相同（含每人每个等级只能获得一次奖励、同一证书不能重复申报，"
        "文件内的重复也会指出）。只要有一处错误，全部不导入：请按页面上的错误清单（可下载为Excel）改正后重新上传。"
        f"全部正确时一次导入，每份申请状态为“未审核”。每个文件最多{MAX_ROWS}行。",
        "八、扫描件：可把扫描件打包成一个ZIP压缩包与表格一起上传，每个文件按“身份证号码_类别”命名，"
        f"如“{EXAMPLE_ID}_身份证.pdf”，格式为PDF、JPG或PNG（按文件内容识别），每个文件不超过"
        f"{files.max_bytes() // (1024 * 1024)}MB。类别：{kinds}，最后一项仅行业特有工种需要。"
        "也可以导入后在“报名管理”中打开申请，点“修改报名表”逐份补传。缺少扫描件的申请在各列表中标为“缺少扫描件”，"
        "区县局在扫描件齐全之前不能审核通过。",
    ]
    if notes:
        lines.append("填表说明（与申请表相同）：")
        lines += [f"{number}. {note}" for number, note in enumerate(notes, start=1)]
    return lines


def write_template(target, campaign, batch, notes=()):
    xlsx.write_template(target, template_columns(), sheet_title=SHEET_TITLE,
                        instructions=instructions(campaign, batch, notes), rows=TEMPLATE_ROWS)


# ------------------------------------------------------------------------------------------------
# Problems and the result
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One reason the file is refused: the Excel row (None for the file as a whole or a scan), the column's
    header or the scan's file name, the Chinese message, and the worker's name when the row has one."""

    row: int | None
    column: str
    message: str
    name: str = ""


#: The error list as a downloadable workbook.
PROBLEM_COLUMNS = (xlsx.Column("行号", 8, "integer"), xlsx.Column("姓名", 12), xlsx.Column("列或文件", 30),
                   xlsx.Column("错误说明", 80))


def problem_rows(problems):
    return ([p.row if p.row is not None else "", p.name, p.column, p.message] for p in problems)


def write_problems(target, problems):
    """The 错误清单 workbook of a refused import (row, name, column or file, message)."""
    return xlsx.write_xlsx(target, PROBLEM_COLUMNS, problem_rows(problems), sheet_title="错误清单")


@dataclass
class Scan:
    id_number: str
    kind: str
    file_name: str
    content: bytes
    #: attachments.detect's verdict on the content
    detected: files.Detected


@dataclass
class Intake:
    problems: list = field(default_factory=list)
    #: (row number, name, warnings {field: [messages]}) of rows with hints that did not block.
    warnings: list = field(default_factory=list)
    created: list = field(default_factory=list)
    rows: int = 0
    scans: int = 0
    #: How many created applications still lack a required scan.
    lacking_scans: int = 0
    #: Paths of the scan files written, so a caller whose commit fails can remove them.
    stored_paths: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def discard_files(self):
        for path in self.stored_paths:
            path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------
# Reading the workbook
# ------------------------------------------------------------------------------------------------

def reader_fields():
    fields = []
    for name, label in L.items():
        kind = "identifier" if name in IDENTIFIERS else "date" if name in rules.DATE_FIELDS else "text"
        # Blank cells are the rules' business (请填写… / 请选择…), not the reader's.
        fields.append(reader.Field(name, label, ALIASES.get(name, ()), kind, required=name not in OPTIONAL,
                                   allow_blank=True))
    return fields


def _code_maps():
    """Field → {name as typed: code} of the closed fields stored as codes (so a list's current name is
    understood even where it differs from the built-in one the rules also accept)."""
    maps = {}
    for name, list_name in CODE_LISTS.items():
        maps[name] = {_key(i.name): i.code for i in campaign_services.reference_items(list_name)}
    return maps


def _row_values(row, code_maps):
    """The values handed to the rules: identifiers and dates as the reader read them (Excel numbers and
    dates taken care of), every other cell as typed (the rules normalise text themselves)."""
    values = {}
    for name in L:
        if name in IDENTIFIERS or name in rules.DATE_FIELDS:
            values[name] = row.values.get(name)
        else:
            values[name] = row.raw.get(name)
    for name, codes in code_maps.items():
        value = values.get(name)
        if isinstance(value, str) and _key(value) in codes:
            values[name] = codes[_key(value)]
    return values


def read_workbook(content):
    """(reader.ReadResult or None, [Problem]) of the uploaded workbook's bytes."""
    try:
        result = reader.read_xlsx(content, reader_fields(), max_bytes=MAX_WORKBOOK_BYTES, max_rows=MAX_ROWS)
    except reader.XlsxRejected as exc:
        problems = [Problem(e.row, e.column or "", e.message) for e in exc.errors]
        if all(p.message != exc.message for p in problems):
            problems.insert(0, Problem(None, "", exc.message))
        return None, problems
    return result, [Problem(e.row, e.column or "", e.message) for e in result.errors]


# ------------------------------------------------------------------------------------------------
# The zip of scans
# ------------------------------------------------------------------------------------------------

_SCAN_NAME = re.compile(r"^(\d{17}[\dXx])\s*[_\-－＿—\s]+\s*(.+?)\s*$")
#: Entries that archivers add by themselves and that are no scans.
_IGNORED = re.compile(r"(^|/)(__MACOSX/|\._|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)


def _entry_name(info):
    """The entry's file name as its creator typed it: zips made on Chinese Windows store GBK names
    without the UTF-8 flag, which zipfile decodes as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def read_scans(stream):
    """([Scan], [Problem]) of an uploaded zip. Nothing is extracted to disk and no path inside the zip is
    ever used (only the last part of a name is read, as a name), so no entry can reach outside; every
    entry is read through a limit of the single upload's size, whatever its header declares, and the
    entries and their total are bounded (zip bombs); each file is checked by content like a single upload."""
    problems, scans = [], []
    limit = files.max_bytes()
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return [], [Problem(None, "扫描件压缩包", "扫描件压缩包不是有效的ZIP文件，请用“压缩为ZIP”重新打包")]
    if len(infos) > MAX_ZIP_ENTRIES:
        return [], [Problem(None, "扫描件压缩包", f"扫描件压缩包中的文件超过{MAX_ZIP_ENTRIES}个，请分批上传")]
    total, seen = 0, {}
    with archive:
        for info in infos:
            full_name = _entry_name(info)
            if info.is_dir() or _IGNORED.search(full_name):
                continue
            name = posixpath.basename(full_name)
            stem, _dot, _extension = name.rpartition(".")
            match = _SCAN_NAME.match(stem or name)
            kind = files.kind_of_file_name(match.group(2)) if match else None
            if kind is None:
                problems.append(Problem(None, name, f"文件名应为“身份证号码_类别”，如“{EXAMPLE_ID}_身份证.pdf”；类别为"
                                        + "、".join(files.KIND_FILE_NAMES[k][0] for k in files.KINDS)))
                continue
            if info.flag_bits & 0x1:
                problems.append(Problem(None, name, "文件已加密，请去掉密码后重新打包"))
                continue
            id_number, error, _warning = rules.clean_id_number(match.group(1))
            if error:
                problems.append(Problem(None, name, f"文件名中的{error}"))
                continue
            if (id_number, kind) in seen:
                problems.append(Problem(None, name, f"与“{seen[(id_number, kind)]}”重复：同一职工的"
                                                    f"{files.KIND_TITLES[kind]}只能有一个文件"))
                continue
            try:
                with archive.open(info) as entry:
                    content = entry.read(limit + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                problems.append(Problem(None, name, "文件已损坏，无法解压"))
                continue
            if len(content) > limit:
                problems.append(Problem(None, name, f"文件不能超过{limit // (1024 * 1024)}MB，请压缩或降低扫描分辨率"))
                continue
            total += len(content)
            if total > MAX_ZIP_UNPACKED_BYTES:
                size = MAX_ZIP_UNPACKED_BYTES // (1024 * 1024)
                return [], problems + [Problem(None, "扫描件压缩包", f"扫描件解压后超过{size}MB，请分批上传")]
            try:
                detected = files.detect(content)
            except files.UploadRefused as exc:
                problems.append(Problem(None, name, str(exc)))
                continue
            seen[(id_number, kind)] = name
            scans.append(Scan(id_number, kind, name, content, detected))
    if not scans and not problems:
        problems.append(Problem(None, "扫描件压缩包", "扫描件压缩包中没有文件"))
    return scans, problems


# ------------------------------------------------------------------------------------------------
# The whole file
# ------------------------------------------------------------------------------------------------

def _duplicates_in_file(checked_rows):
    """Problems of rows repeating an earlier row's person and level, or its certificate."""
    problems, people, certificates = [], {}, {}
    for row, checked in checked_rows:
        cleaned = checked.cleaned
        name = cleaned.get("name") or ""
        person = (cleaned.get("id_number"), cleaned.get("new_level"))
        if all(person) and "id_number" not in checked.errors:
            if person in people:
                level = data.names(data.SKILL_LEVELS).get(person[1], "")
                problems.append(Problem(row, L["id_number"], f"与第{people[person]}行是同一职工的{level}申请："
                                        "每人每个等级只能申报一次", name))
            else:
                people[person] = row
        certificate = cleaned.get("certificate_no")
        if certificate and "certificate_no" not in checked.errors:
            if certificate in certificates:
                problems.append(Problem(row, L["certificate_no"], f"与第{certificates[certificate]}行的等级证书编号"
                                        "相同：同一证书不能重复申报", name))
            else:
                certificates[certificate] = row
    return problems


def _match_scans(scans, checked_rows):
    """{row number: [Scan]} and the problems of scans that fit no row of the file."""
    rows_by_id = {}
    for row, checked in checked_rows:
        number = checked.cleaned.get("id_number")
        if number:
            rows_by_id.setdefault(number, []).append((row, checked))
    by_row, problems = {}, []
    for scan in scans:
        rows = rows_by_id.get(scan.id_number)
        if not rows:
            problems.append(Problem(None, scan.file_name, "表格中没有这个身份证号码的职工，请核对文件名"))
            continue
        for row, checked in rows:
            variant = checked.cleaned.get("variant")
            if variant and scan.kind not in files.required_kinds(variant):
                problems.append(Problem(row, scan.file_name, f"{data.names(data.VARIANTS)[variant]}的申请不需要"
                                        f"{files.KIND_TITLES[scan.kind]}", checked.cleaned.get("name") or ""))
                continue
            by_row.setdefault(row, []).append(scan)
    return by_row, problems


def _no_progress(done, total):
    return None


def import_applications(user, batch, workbook, scans_zip=None, *, today=None, progress=_no_progress):
    """Check the uploaded workbook (bytes) and zip of scans (a binary stream or None) as ``user`` for
    ``batch``; when nothing is wrong, create every row (flushed, not committed: the caller commits once).
    Returns an :class:`Intake` (its ``problems`` list every reason of a refusal, all at once).
    ``progress(done, total)`` hears of each row checked, then created (total: twice the rows)."""
    day = today or clock.today()
    campaign = batch.campaign
    intake = Intake()
    refusals = services.submission_refusals(user, batch, day)
    if refusals:
        intake.problems = [Problem(None, "", reason) for reason in refusals]
        return intake
    result, problems = read_workbook(workbook)
    scans = []
    if scans_zip is not None:
        scans, scan_problems = read_scans(scans_zip)
        problems += scan_problems
    if result is None:
        intake.problems = problems
        return intake
    intake.rows, intake.scans = len(result.rows), len(scans)
    unreadable = {(p.row, p.column) for p in problems}
    context = campaign_services.rule_context(campaign, day)
    code_maps = _code_maps()
    values = [_row_values(row, code_maps) for row in result.rows]
    # The first-time rule's look-ups for every row at once (numbers normalised as the rules do).
    claims = services.LiveClaims(
        [rules.clean_id_number(v["id_number"], required=False)[0] for v in values],
        [rules.normalize_code(v["certificate_no"]).upper() for v in values])
    checked_rows, total = [], 2 * len(result.rows)
    for row, row_values in zip(result.rows, values, strict=True):
        progress(len(checked_rows), total)
        checked = services.check_application(user, campaign, row_values, (), today=day, require_scans=False,
                                             context=context, claims=claims)
        name = checked.cleaned.get("name") or ""
        for field_name, messages in checked.errors.items():
            label = L.get(field_name, field_name)
            if (row.number, label) in unreadable:
                continue  # the reader already said why the cell could not be read
            problems += [Problem(row.number, label, message, name) for message in messages]
        if checked.warnings:
            intake.warnings.append((row.number, name, checked.warnings))
        checked_rows.append((row.number, checked))
    problems += _duplicates_in_file(checked_rows)
    scans_by_row, scan_problems = _match_scans(scans, checked_rows)
    problems += scan_problems
    if problems:
        intake.problems = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
        return intake
    return _create(intake, user, campaign, batch, checked_rows, scans_by_row, day, progress)


def _create(intake, user, campaign, batch, checked_rows, scans_by_row, day, progress=_no_progress):
    for done, (row, checked) in enumerate(checked_rows):
        progress(len(checked_rows) + done, 2 * len(checked_rows))
        try:
            application = services.create_application(user, campaign, batch, checked, today=day)
        except services.ApplicationRejected as exc:
            # Another submission took the person or certificate since the check: the session was rolled
            # back, so nothing of this file is stored.
            intake.discard_files()
            intake.created, intake.stored_paths = [], []
            name = checked.cleaned.get("name") or ""
            intake.problems = [Problem(row, L.get(f, f), m, name) for f, messages in exc.errors.items()
                               for m in messages]
            return intake
        row_scans = scans_by_row.get(row, ())
        if files.missing_kinds(checked.cleaned["variant"], (scan.kind for scan in row_scans)):
            intake.lacking_scans += 1
        for scan in row_scans:
            attachment = files.store_content(user, scan.kind, scan.file_name, scan.content, scan.detected,
                                             application_id=application.id)
            intake.stored_paths.append(files.stored_path(attachment))
        intake.created.append(application)
    db.session.flush()
    return intake
