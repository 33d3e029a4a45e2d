"""The one generic Excel writer: openpyxl write-only, rows streamed, safe cells.

Fed by per-domain ``(columns, rows)`` builders. Guarantees, whatever the builder gives:
- identifier columns (``kind="text"``) are string cells with the text format "@": an ID, card or
  certificate number is never a number and never shown in scientific notation;
- a string starting with = + - @ (or a tab / carriage return) is written with a leading apostrophe,
  so no cell is ever a formula (spreadsheet formula injection);
- dates are real date cells with a date format; columns have widths; the header row is frozen.
Memory stays flat: write-only mode keeps no cell in memory and the rows are an iterator.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(vertical="center", wrap_text=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header))
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        header.append(cell)
    sheet.append(header)
    convert = [_converter(column.kind, cells) for column in columns]
    count = 0
    for row in rows:
        sheet.append([c(v) for c, v in zip(convert, row)])
        count += 1
    workbook.save(target)
    return count
