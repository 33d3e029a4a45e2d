"""The generic writer: identifiers stay text, formulas are neutralised, dates are dates, header frozen."""
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from app.exports.xlsx import Column, neutralise, write_xlsx


def written(columns, rows):
    buffer = io.BytesIO()
    count = write_xlsx(buffer, columns, rows, sheet_title="汇总表")
    buffer.seek(0)
    return count, load_workbook(buffer)["汇总表"]


def test_identifiers_are_text_cells_never_numbers():
    count, sheet = written([Column("身份证号码", 21, "text"), Column("银行卡号", 22, "text"), Column("邮编", 8, "text")],
                           [("310109198309073016", "6222020200112233445", "200431"), (None, 6222020200112233, "")])
    assert count == 2
    row = sheet[2]
    assert [c.value for c in row] == ["310109198309073016", "6222020200112233445", "200431"]
    assert all(c.data_type == "s" and c.number_format == "@" for c in row)
    # Even a number handed over by mistake becomes its digits as text, never 6.22E+15.
    assert sheet["B3"].value == "6222020200112233" and sheet["B3"].data_type == "s"
    assert sheet["A3"].value is None


def test_cells_starting_like_a_formula_are_neutralised():
    evil = ["=HYPERLINK(\"http://x\",\"点\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    _count, sheet = written([Column("通信地址"), Column("卡号", kind="text")], [(v, v) for v in evil])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
    assert neutralise("上海市=1") == "上海市=1" and neutralise(5) == 5


def test_dates_money_header_widths_and_frozen_header():
    _count, sheet = written(
        [Column("发证日期", 12, "date"), Column("报名时间", 17, "datetime"), Column("金额", 12, "money"),
         Column("是否外来务工人员", 8)],
        [(date(2014, 12, 1), datetime(2015, 3, 2, 9, 30), Decimal("2000.00"), True)])
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "发证日期" and sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width == 12 and sheet.column_dimensions["B"].width == 17
    assert sheet["A2"].is_date and sheet["A2"].value.date() == date(2014, 12, 1)
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].value == datetime(2015, 3, 2, 9, 30)
    assert sheet["C2"].value == 2000 and sheet["C2"].data_type == "n"
    assert sheet["D2"].value == "是"


def test_rows_are_consumed_as_a_stream():
    def rows():
        for i in range(2500):
            yield (f"{i:018d}",)

    count, sheet = written([Column("编号", kind="text")], rows())
    assert count == 2500 and sheet.max_row == 2501 and sheet["A2501"].value == f"{2499:018d}"


def test_markup_is_escaped_and_characters_xml_cannot_hold_are_dropped():
    _count, sheet = written([Column("单位"), Column("卡号", kind="text"), Column("数量", kind="integer")],
                            [("A&B <公司> \"甲\"", "12\x0134", 7), ("  前后空格  ", None, None)])
    assert [c.value for c in sheet[2]] == ["A&B <公司> \"甲\"", "1234", 7]
    assert sheet["A3"].value == "  前后空格  " and sheet["B3"].value is None and sheet["C3"].value is None
