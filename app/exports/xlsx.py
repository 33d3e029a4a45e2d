"""The one generic Excel writer: an .xlsx (Office Open XML) written straight as a stream, rows never kept.

Fed by per-domain ``(columns, rows)`` builders. Guarantees, whatever the builder gives:
- identifier columns (``kind="text"``) are string cells with the text format "@": an ID, card or
  certificate number is never a number and never shown in scientific notation;
- a string starting with = + - @ (or a tab / carriage return) is written with a leading apostrophe,
  so no cell is ever a formula (spreadsheet formula injection); characters XML cannot hold are dropped;
- dates are real date cells with a date format; columns have widths; the header row is frozen and bold.

Memory stays flat and the writing is fast: each row becomes its XML text at once (inline strings, one
shared style per format), written in batches into the zip entry of the sheet; nothing of a row outlives it.
(openpyxl's write-only mode made a cell object per value: ~4× slower for the 汇总表's 42 columns.)

:func:`write_template` writes a blank form to fill in (the Excel intake): the same headers and column
formats, plus a drop-down list on every column with ``choices`` and a sheet of instructions.
"""
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A string starting with one of these could be read as a formula by a spreadsheet program.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
#: Rows written to the zip entry at a time.
BATCH = 500


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    #: general | text (identifiers) | date | datetime | money | integer
    kind: str = "general"
    #: write_template only: the values a drop-down list offers (empty: typed freely).
    choices: tuple = ()
    #: write_template only: the hint Excel shows when a cell of the column is selected.
    prompt: str = ""


def column_letter(number):
    """Excel's letters of the 1-based column ``number`` (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def neutralise(value):
    """A string that no spreadsheet will evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# -- cells as XML -----------------------------------------------------------------------------------------

#: Style ids of styles.xml below: 0 general, 1 text, 2 date, 3 date and time, 4 money, 5 header.
GENERAL, TEXT, DATE, DATETIME, MONEY, HEADER = range(6)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = date(1899, 12, 30).toordinal()
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _text(value):
    """``value`` as XML text: markup escaped, characters XML cannot hold dropped (most values need neither)."""
    if _SPECIAL.search(value) is None:
        return value
    return _ILLEGAL.sub("", value).translate(_ESCAPES)


def _string_cell(ref, value, style):
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def _serial(value):
    """Excel's day number of a date or datetime (1900 date system; the platform's dates are all after 1900)."""
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return repr(value.toordinal() - _EPOCH + seconds / 86400)
    return str(value.toordinal() - _EPOCH)


def _general(ref, value):
    if type(value) is str:
        if not value:
            return ""
        if value.startswith(FORMULA_PREFIXES):
            value = "'" + value
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return _string_cell(ref, "是" if value else "否", GENERAL)
    if isinstance(value, str):
        return _string_cell(ref, neutralise(value), GENERAL)
    if isinstance(value, (int, Decimal)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>' if value == value and abs(value) != float("inf") else ""
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{_serial(value)}</v></c>'
    return _string_cell(ref, neutralise(str(value)), GENERAL)


def _text_cell(ref, value):
    if value is None or value == "":
        return ""
    value = str(value)
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return f'<c r="{ref}" s="{TEXT}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def _date_cell(ref, value):
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{_serial(value)}</v></c>'
    return _general(ref, value)


def _datetime_cell(ref, value):
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{_serial(value)}</v></c>'
    return _general(ref, value)


def _money_cell(ref, value):
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}" s="{MONEY}"><v>{value}</v></c>'
    return _general(ref, value)


_CELLS = {"text": _text_cell, "date": _date_cell, "datetime": _datetime_cell, "money": _money_cell}


# -- the package ------------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="3"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/>'
    f'<numFmt numFmtId="166" formatCode="{MONEY_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00DDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _workbook(title):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_text(title).replace(chr(34), "&quot;")}" sheetId="1" r:id="rId1"/>'
        '</sheets></workbook>')


def _sheet_head(columns):
    widths = "".join(f'<col min="{i}" max="{i}" width="{float(c.width)}" customWidth="1"/>'
                     for i, c in enumerate(columns, start=1))
    header = "".join(_string_cell(f"{column_letter(i)}1", neutralise(c.header), HEADER)
                     for i, c in enumerate(columns, start=1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
        f'<row r="1">{header}</row>')


def write_xlsx(target, columns, rows, *, sheet_title="Sheet1"):
    """Write ``rows`` (an iterable of sequences, one value per column) under ``columns`` into ``target``
    (a path or a binary file object). Returns the number of data rows written."""
    letters = [column_letter(i) for i in range(1, len(columns) + 1)]
    cells = [(letter, _CELLS.get(column.kind, _general)) for letter, column in zip(letters, columns)]
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", _workbook(sheet_title[:31]))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_sheet_head(columns).encode())
            batch = []
            for count, row in enumerate(rows, start=1):
                number = str(count + 1)
                batch.append(f'<row r="{number}">'
                             + "".join([cell(letter + number, value) for (letter, cell), value in zip(cells, row)])
                             + "</row>")
                if len(batch) >= BATCH:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return count


#: Sheet holding the drop-down lists of a template (hidden, so it is not filled in by mistake).
CHOICES_SHEET = "选项"
COLUMN_FORMATS = {"text": TEXT_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "money": MONEY_FORMAT}


def _header_row(sheet, columns):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(vertical="center", wrap_text=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header))
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        header.append(cell)
    return header


def write_template(target, columns, *, sheet_title, instructions=(), instructions_title="填写说明", rows=2000):
    """A blank form as a workbook: the first sheet ``sheet_title`` with the ``columns``' headers, each
    column formatted by its kind (identifiers as text "@", so a typed ID number stays text; dates as
    dates), a drop-down list on the first ``rows`` data rows of every column with ``choices`` (refusing
    other values), then a sheet ``instructions_title`` with one paragraph per line of ``instructions``.
    The lists live on a hidden sheet, so none is limited to Excel's 255 characters of an inline list."""
    # openpyxl (and numpy, which it loads when installed) only where a template is written: the web process
    # and the 汇总表 writer never need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    notes = workbook.create_sheet(title=instructions_title[:31])
    lists = workbook.create_sheet(title=CHOICES_SHEET)
    lists.sheet_state = "hidden"
    list_columns = []
    for index, column in enumerate(columns, start=1):
        letter = column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.kind in COLUMN_FORMATS:
            dimension.number_format = COLUMN_FORMATS[column.kind]
        cells = f"{letter}2:{letter}{rows + 1}"
        if column.choices:
            list_columns.append(column.choices)
            source = column_letter(len(list_columns))
            validation = DataValidation(
                type="list", formula1=f"'{CHOICES_SHEET}'!${source}$1:${source}${len(column.choices)}",
                allow_blank=True, showErrorMessage=True, errorTitle="请从列表中选择",
                error=f"“{column.header}”请从下拉列表中选择")
        elif column.prompt:
            validation = DataValidation(allow_blank=True)
        else:
            continue
        if column.prompt:
            validation.showInputMessage = True
            validation.promptTitle, validation.prompt = column.header[:32], column.prompt[:255]
        validation.add(cells)
        sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    sheet.append(_header_row(sheet, columns))

    notes.column_dimensions["A"].width = 110
    wrap = Alignment(vertical="top", wrap_text=True)
    for number, line in enumerate(instructions):
        cell = WriteOnlyCell(notes, value=neutralise(line))
        cell.alignment = wrap
        if number == 0:
            cell.font = Font(bold=True, size=13)
        notes.append([cell])

    longest = max((len(c) for c in list_columns), default=0)
    for position in range(longest):
        lists.append([neutralise(c[position]) if position < len(c) else None for c in list_columns])
    workbook.save(target)
