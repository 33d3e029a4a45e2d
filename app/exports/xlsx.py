"""The one generic Excel writer: openpyxl write-only, rows streamed, safe cells.

Fed by per-domain ``(columns, rows)`` builders. Guarantees, whatever the builder gives:
- identifier columns (``kind="text"``) are string cells with the text format "@": an ID, card or
  certificate number is never a number and never shown in scientific notation;
- a string starting with = + - @ (or a tab / carriage return) is written with a leading apostrophe,
  so no cell is ever a formula (spreadsheet formula injection);
- dates are real date cells with a date format; columns have widths; the header row is frozen.
Memory stays flat: write-only mode keeps no cell in memory and the rows are an iterator.

:func:`write_template` writes a blank form to fill in (the Excel intake): the same headers and column
formats, plus a drop-down list on every column with ``choices`` and a sheet of instructions.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A string starting with one of these could be read as a formula by a spreadsheet program.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"


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


def neutralise(value):
    """A string that no spreadsheet will evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Cells:
    """Makes the styled cells of one write-only sheet. Each format's style is built once and shared by
    every cell that has it (setting number_format per cell costs more than writing the cell)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self._styles = {}

    def _style(self, number_format):
        if number_format not in self._styles:
            template = WriteOnlyCell(self.sheet)
            template.number_format = number_format
            self._styles[number_format] = template._style
        return self._styles[number_format]

    def text(self, value):
        cell = WriteOnlyCell(self.sheet, value=neutralise(str(value)))
        cell._style = self._style(TEXT_FORMAT)
        return cell

    def formatted(self, value, number_format):
        cell = WriteOnlyCell(self.sheet, value=value)
        cell._style = self._style(number_format)
        return cell


def _converter(kind, cells):
    if kind == "text":
        return lambda v: None if v is None or v == "" else cells.text(v)
    if kind == "date":
        def as_date(v):
            if isinstance(v, datetime):
                v = v.date()
            return cells.formatted(v, DATE_FORMAT) if isinstance(v, date) else neutralise(v)
        return as_date
    if kind == "datetime":
        return lambda v: cells.formatted(v, DATETIME_FORMAT) if isinstance(v, datetime) else neutralise(v)
    if kind == "money":
        return lambda v: cells.formatted(v, MONEY_FORMAT) if isinstance(v, (Decimal, int, float)) \
            and not isinstance(v, bool) else neutralise(v)

    def general(v):
        if isinstance(v, bool):
            return "是" if v else "否"
        return neutralise(v)
    return general


def write_xlsx(target, columns, rows, *, sheet_title="Sheet1"):
    """Write ``rows`` (an iterable of sequences, one value per column) under ``columns`` into ``target``
    (a path or a binary file object). Returns the number of data rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    cells = _Cells(sheet)
    sheet.append(_header_row(sheet, columns))
    convert = [_converter(column.kind, cells) for column in columns]
    count = 0
    for row in rows:
        sheet.append([c(v) for c, v in zip(convert, row)])
        count += 1
    workbook.save(target)
    return count


#: Sheet holding the drop-down lists of a template (hidden, so it is not filled in by mistake).
CHOICES_SHEET = "选项"
COLUMN_FORMATS = {"text": TEXT_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "money": MONEY_FORMAT}


def _header_row(sheet, columns):
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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    notes = workbook.create_sheet(title=instructions_title[:31])
    lists = workbook.create_sheet(title=CHOICES_SHEET)
    lists.sheet_state = "hidden"
    list_columns = []
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.kind in COLUMN_FORMATS:
            dimension.number_format = COLUMN_FORMATS[column.kind]
        cells = f"{letter}2:{letter}{rows + 1}"
        if column.choices:
            list_columns.append(column.choices)
            source = get_column_letter(len(list_columns))
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
