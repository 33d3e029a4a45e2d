"""The one generic Excel reader, beside the writer (``xlsx.py``): uploaded .xlsx files into checked rows.

A caller describes the columns it wants (:class:`Field`: the Chinese header, its common other spellings,
the kind of value) and gets back every data row as a dict, plus every problem found, all at once, each
as (row, column, Chinese message). Guarantees, whatever is uploaded:

- the file is refused before openpyxl parses anything when it is too large, is not an .xlsx (an old .xls,
  a renamed text file, a zip without a workbook), expands beyond the uncompressed-size limit (zip bomb),
  holds more rows than the row limit (checked on the raw sheet XML, including rows that are empty), or
  carries a DTD/entity declaration (XML entity expansion); openpyxl then parses through defusedxml;
- the header row is found by its Chinese names in any order, within the first rows, with common
  alternative spellings; extra columns are ignored; a missing required column is named in the message;
- dates are read from Excel dates (date cells or date serial numbers) and from text such as 2015-03-01,
  2015/3/1, 2015.3.1 and 2015年3月1日;
- identifiers (ID, card, certificate numbers) come back as text exactly as typed: a number that Excel
  stored exactly (e.g. 12 digits) is recovered, while one that Excel rounded (more than 15 digits, or
  shown in scientific notation) is refused with a message, never silently changed.

Pure: no Flask, no database.
"""
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

#: Defaults; callers pass their own limits.
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 200_000
#: A zip of an .xlsx has a dozen parts; thousands mean something else.
MAX_PARTS = 1_000
#: Columns read per row (the header must lie within them).
MAX_COLUMNS = 100
#: Rows searched for the header row.
HEADER_SEARCH_ROWS = 20
#: Excel keeps 15 significant digits: a whole number beyond this was rounded when typed.
EXACT_LIMIT = 10 ** 15

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_SCAN_CHUNK = 1 << 20
_SCAN_TAIL = 4096


class XlsxRejected(Exception):
    """The file as a whole cannot be read; ``errors`` are :class:`CellError` (row/column may be None)."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or [CellError(None, None, message)]


@dataclass(frozen=True)
class CellError:
    #: The Excel row number (1-based, as Excel shows it) or None for the file / header.
    row: int | None
    #: The column's Chinese header (as the caller names it) or None.
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”")
        return ("".join(where) + "：" if where else "") + self.message


@dataclass(frozen=True)
class Field:
    """One wanted column. ``kind``: text | identifier | date | integer."""

    key: str
    header: str
    aliases: tuple = ()
    kind: str = "text"
    #: the column must be present in the header row
    required: bool = True
    #: a present column's cell may be empty
    allow_blank: bool = False
    max_length: int | None = None

    def names(self):
        return {normalise_header(n) for n in (self.header, *self.aliases)}


@dataclass
class Row:
    number: int
    values: dict
    #: the raw cells of the wanted columns, by key (for an error file that shows what was typed)
    raw: dict


@dataclass
class ReadResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    header_row: int | None = None
    #: key -> the header text found in the file
    headers: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    def errors_by_row(self):
        grouped = {}
        for error in self.errors:
            grouped.setdefault(error.row, []).append(error)
        return grouped


# ---------------------------------------------------------------------------------------------- headers

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")


def normalise_header(text):
    """The comparable form of a header: full-width folded, no spaces, no required-mark ``*``, no
    bracketed remark (``身份证号码（18位）`` reads as ``身份证号码``)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _BRACKETS.sub("", text)
    return re.sub(r"[\s*:：]", "", text).lower()


def find_header(rows, fields, search=HEADER_SEARCH_ROWS):
    """``(row_index, {key: column_index})`` of the first of the first ``search`` rows holding the most
    wanted headers; raises :class:`XlsxRejected` naming the missing required columns."""
    best = None
    for index, row in enumerate(rows[:search]):
        cells = [normalise_header(v) for v in row]
        found = {}
        for f in fields:
            names = f.names()
            for col, value in enumerate(cells):
                if value and value in names:
                    found.setdefault(f.key, col)
                    break
        if found and (best is None or len(found) > len(best[1])):
            best = (index, found)
        if found and all(f.key in found for f in fields if f.required):
            return index, found
    if best is None:
        wanted = "、".join(f.header for f in fields if f.required)
        raise XlsxRejected(f"没有找到表头行：第一个工作表的前{search}行中没有这些列名：{wanted}")
    missing = [f.header for f in fields if f.required and f.key not in best[1]]
    raise XlsxRejected("表头缺少必需的列：" + "、".join(missing),
                       [CellError(best[0] + 1, name, "缺少这一列") for name in missing])


# ---------------------------------------------------------------------------------------------- values

class ValueProblem(ValueError):
    """A cell that cannot be read as its field's kind; the message is Chinese."""


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:0{2}(?::0{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
#: Excel serial numbers of 1900-01-01 .. 2099-12-31
_SERIAL_RANGE = (1, 73415)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_identifier(value):
    """Digits (and letters such as the ID's check X) exactly as typed, or :class:`ValueProblem`."""
    if isinstance(value, bool):
        raise ValueProblem("应为号码")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise ValueProblem("被Excel存成了带小数的数字，请把该列设为文本格式后重新填写")
        number = int(value)
        if number < 0:
            raise ValueProblem("应为号码")
        if number >= EXACT_LIMIT:
            raise ValueProblem("被Excel存成了数字，末几位已被改写（Excel只保留15位有效数字），"
                               "请把该列设为文本格式后重新填写完整号码")
        return str(number)
    if isinstance(value, (date, datetime)):
        raise ValueProblem("应为号码，不是日期")
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value))).lstrip("'")
    if re.fullmatch(r"\d+(\.\d+)?[eE][+-]?\d+", text):
        raise ValueProblem("是科学计数法（如3.10109E+17），号码已丢失，请把该列设为文本格式后重新填写完整号码")
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text.upper()


def read_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueProblem("不是有效日期（应如2015-03-01）")
    if isinstance(value, (int, float)):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1] and float(value).is_integer():
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise ValueProblem("不是有效日期（应如2015-03-01）")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ValueProblem("不是有效日期（应如2015-03-01、2015/3/1或2015年3月1日）")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueProblem(f"“{text}”不是存在的日期") from None


def read_integer(value):
    if isinstance(value, bool):
        raise ValueProblem("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueProblem("应为整数")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(text.split(".")[0])
    raise ValueProblem("应为整数")


READERS = {"text": read_text, "identifier": read_identifier, "date": read_date, "integer": read_integer}


def convert_row(number, cells, fields, columns, errors):
    """One sheet row (a tuple of raw values) into a :class:`Row`; problems appended to ``errors``."""
    values, raw = {}, {}
    for f in fields:
        col = columns.get(f.key)
        if col is None:
            values[f.key] = None
            continue
        value = cells[col] if col < len(cells) else None
        raw[f.key] = value
        if is_blank(value):
            values[f.key] = None
            if not f.allow_blank:
                errors.append(CellError(number, f.header, "不能为空"))
            continue
        try:
            converted = READERS[f.kind](value)
        except ValueProblem as problem:
            errors.append(CellError(number, f.header, str(problem)))
            values[f.key] = None
            continue
        if f.max_length and isinstance(converted, str) and len(converted) > f.max_length:
            errors.append(CellError(number, f.header, f"不能超过{f.max_length}个字"))
        values[f.key] = converted
    return Row(number, values, raw)


# ---------------------------------------------------------------------------------------------- the file

def check_archive(data, *, max_uncompressed=MAX_UNCOMPRESSED_BYTES, max_rows=MAX_ROWS):
    """Refuse what is not a reasonable .xlsx before any XML is parsed (see the module docstring).
    Returns the number of rows of the longest worksheet (header and empty rows included): what a caller
    may use to decide whether reading it is long work."""
    if data[:8] == _OLE2_MAGIC:
        raise XlsxRejected("这是旧版Excel（.xls）或加密的文件，请在Excel中另存为“Excel工作簿（.xlsx）”后上传")
    if not data:
        raise XlsxRejected("文件是空的")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise XlsxRejected("文件不是Excel工作簿（.xlsx），请在Excel中另存为.xlsx后上传") from None
    with archive:
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise XlsxRejected("文件不是Excel工作簿（.xlsx），请在Excel中另存为.xlsx后上传")
        if len(infos) > MAX_PARTS:
            raise XlsxRejected("文件结构异常（组成部分过多），不予读取")
        # zipfile never returns more bytes than an entry declares, so the declared sizes bound the work.
        if sum(info.file_size for info in infos) > max_uncompressed:
            raise XlsxRejected(f"文件解压后超过{max_uncompressed // (1024 * 1024)}MB，不予读取")
        longest = 0
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            longest = max(longest, _scan_part(archive, info, max_rows))
    return longest


def _scan_part(archive, info, max_rows):
    is_sheet = info.filename.startswith("xl/worksheets/")
    rows = highest = 0
    tail = b""
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_SCAN_CHUNK)
                if not chunk:
                    break
                block = tail + chunk
                if _DTD.search(block):
                    raise XlsxRejected("文件含有不允许的XML内容（DTD/实体声明），不予读取")
                if is_sheet:
                    cut = block.rfind(b"<")
                    whole, tail = (block[:cut], block[cut:]) if cut > len(block) - _SCAN_TAIL else (block, b"")
                    for match in _ROW_TAG.finditer(whole):
                        rows += 1
                        number = _ROW_NUMBER.search(match[1])
                        if number:
                            highest = max(highest, int(number[1]))
                    if max(rows, highest) > max_rows + HEADER_SEARCH_ROWS:
                        raise XlsxRejected(f"工作表超过{max_rows}行（空行也计算在内），不予读取；"
                                           "请删除多余的行或分成几个文件")
                else:
                    tail = block[-_SCAN_TAIL:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise XlsxRejected("文件已损坏，无法读取") from None
    return max(rows, highest)


def read_xlsx(data, fields, *, max_bytes=MAX_FILE_BYTES, max_uncompressed=MAX_UNCOMPRESSED_BYTES,
              max_rows=MAX_ROWS, sheet=None):
    """Read a worksheet of ``data`` (bytes of an .xlsx) into a :class:`ReadResult`: the first one, or
    ``sheet`` (its name, or its index from 0).

    Raises :class:`XlsxRejected` when the file as a whole is refused (size, format, bomb, header).
    Rows whose wanted cells are all empty are skipped; every other row is converted, and every
    problem of every row is in ``errors`` (the rows are still returned, with None for unreadable cells).
    """
    if len(data) > max_bytes:
        raise XlsxRejected(f"文件超过{max_bytes // (1024 * 1024)}MB，不予读取；请分成几个文件上传")
    check_archive(data, max_uncompressed=max_uncompressed, max_rows=max_rows)
    # openpyxl only where an upload is read: the web process stays lean.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except XlsxRejected:
        raise
    except Exception:  # openpyxl raises many kinds on a malformed package  # noqa: BLE001
        raise XlsxRejected("文件已损坏或不是有效的Excel工作簿，无法读取") from None
    try:
        if not workbook.worksheets:
            raise XlsxRejected("文件中没有工作表")
        if sheet is None:
            chosen = workbook.worksheets[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(workbook.worksheets):
                raise XlsxRejected(f"文件中没有第{sheet + 1}个工作表")
            chosen = workbook.worksheets[sheet]
        elif sheet in workbook.sheetnames:
            chosen = workbook[sheet]
        else:
            raise XlsxRejected(f"文件中没有名为“{sheet}”的工作表")
        return _read_sheet(chosen, fields, max_rows)
    except XlsxRejected:
        raise
    except Exception:  # noqa: BLE001
        raise XlsxRejected("文件已损坏或不是有效的Excel工作簿，无法读取") from None
    finally:
        workbook.close()


def _read_sheet(sheet, fields, max_rows):
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # a wrong <dimension> must not hide rows
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    head = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not any(any(not is_blank(v) for v in row) for row in head):
        raise XlsxRejected("文件是空的：第一个工作表没有内容")
    header_index, columns = find_header(head, fields)
    result = ReadResult(header_row=header_index + 1)
    header_cells = head[header_index]
    result.headers = {key: str(header_cells[col]).strip() for key, col in columns.items()}
    wanted = sorted(set(columns.values()))

    def data_rows():
        yield from enumerate(head[header_index + 1:], start=header_index + 2)
        yield from enumerate(rows, start=len(head) + 1)

    count = 0
    for number, cells in data_rows():
        if all(is_blank(cells[c]) if c < len(cells) else True for c in wanted):
            continue
        count += 1
        if count > max_rows:
            raise XlsxRejected(f"数据超过{max_rows}行，不予读取；请分成几个文件上传")
        result.rows.append(convert_row(number, cells, fields, columns, result.errors))
    if not result.rows:
        raise XlsxRejected("文件中没有数据行：表头下面是空的")
    return result
