"""The one xlsx reader: every malformed file gets a Chinese message; values are read right or refused."""
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from app.exports.reader import (
    CellError,
    Field,
    XlsxRejected,
    check_archive,
    read_date,
    read_identifier,
    read_xlsx,
)

FIELDS = [
    Field("cert", "证书编号", aliases=("等级证书编号", "证书号"), kind="identifier"),
    Field("name", "姓名"),
    Field("id_number", "身份证号码", aliases=("身份证号", "公民身份号码"), kind="identifier"),
    Field("issued", "发证日期", kind="date"),
    Field("trade", "工种", required=False, allow_blank=True),
]


def xlsx(rows, *, cell_formats=None):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref, fmt in (cell_formats or {}).items():
        sheet[ref].number_format = fmt
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_part(data, name, content):
    """The same package with one part replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def rejected(data, **limits):
    with pytest.raises(XlsxRejected) as caught:
        read_xlsx(data, FIELDS, **limits)
    return caught.value.message


def test_header_in_any_order_with_alternative_spellings_and_extra_columns():
    number = "310109198309073016"
    data = xlsx([
        ["2015年证书信息", None, None],
        ["备注", "公民身份号码", " 姓 名 ", "发证日期（年月日）", "*等级证书编号", "无关列"],
        ["x", number, "张三", date(2015, 3, 1), "3101000012", "y"],
    ])
    result = read_xlsx(data, FIELDS)
    assert result.ok, result.errors
    assert result.header_row == 2
    [row] = result.rows
    assert row.number == 3
    assert row.values == {"cert": "3101000012", "name": "张三", "id_number": number,
                          "issued": date(2015, 3, 1), "trade": None}


def test_missing_required_column_is_named():
    message = rejected(xlsx([["姓名", "身份证号码", "工种"], ["张三", "310109198309073016", "车工"]]))
    assert "证书编号" in message and "发证日期" in message and "表头缺少" in message


def test_wrong_headers_are_refused_with_the_wanted_names():
    message = rejected(xlsx([["a", "b", "c"], [1, 2, 3]]))
    assert "没有找到表头行" in message and "身份证号码" in message


def test_empty_workbook_and_header_without_rows():
    assert "空" in rejected(xlsx([]))
    assert "没有数据行" in rejected(xlsx([["证书编号", "姓名", "身份证号码", "发证日期"]]))


def test_not_an_xlsx():
    assert "不是Excel工作簿" in rejected("姓名,身份证号码\n张三,1".encode())
    assert "空" in rejected(b"")
    assert ".xls" in rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    only_zip = io.BytesIO()
    with zipfile.ZipFile(only_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "不是Excel工作簿" in rejected(only_zip.getvalue())


def test_file_size_limit():
    data = xlsx([["证书编号", "姓名", "身份证号码", "发证日期"], ["1", "张三", "310109198309073016", "2015-3-1"]])
    assert "超过1MB" in rejected(data + b"\0" * (1024 * 1024), max_bytes=1024 * 1024)


def test_zip_bomb_is_refused_before_parsing():
    data = xlsx([["证书编号", "姓名", "身份证号码", "发证日期"]])
    bomb = replace_part(data, "xl/sharedStrings.xml", b"<sst>" + b" " * (50 * 1024 * 1024) + b"</sst>")
    assert len(bomb) < 1024 * 1024  # small on disk
    assert "解压后超过" in rejected(bomb, max_uncompressed=20 * 1024 * 1024)


def test_a_million_empty_rows_are_refused_quickly():
    data = xlsx([["证书编号", "姓名", "身份证号码", "发证日期"]])
    rows = b"".join(b'<row r="%d"/>' % n for n in range(2, 1_000_002))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
             b'</row>' + rows + b"</sheetData></worksheet>")
    message = rejected(replace_part(data, "xl/worksheets/sheet1.xml", sheet))
    assert "超过200000行" in message


def test_a_far_row_number_counts_as_rows():
    data = xlsx([["证书编号", "姓名", "身份证号码", "发证日期"]])
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
             b"</sheetData></worksheet>")
    assert "超过1000行" in rejected(replace_part(data, "xl/worksheets/sheet1.xml", sheet), max_rows=1000)


def test_xml_entities_are_refused():
    data = xlsx([["证书编号", "姓名", "身份证号码", "发证日期"], ["1", "张三", "310109198309073016", "2015-3-1"]])
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    assert "DTD" in rejected(replace_part(data, "xl/sharedStrings.xml", laughs))
    external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')
    assert "DTD" in rejected(replace_part(data, "xl/worksheets/sheet1.xml", external))


def test_corrupt_workbook_part_gets_a_message():
    data = xlsx([["证书编号", "姓名", "身份证号码", "发证日期"], ["1", "张三", "310109198309073016", "2015-3-1"]])
    message = rejected(replace_part(data, "xl/workbook.xml", b"<not-closed"))
    assert "无法读取" in message


def test_every_row_error_at_once_with_row_and_column():
    data = xlsx([
        ["证书编号", "姓名", "身份证号码", "发证日期"],
        ["A1", "张三", 310109198309073016, "2015-13-01"],
        [None, "李四", "310109198309073016", "昨天"],
        [None, None, None, None],
        ["A3", "王五", "3.10109E+17", "2015年3月1日"],
    ])
    result = read_xlsx(data, FIELDS)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "身份证号码"), (2, "发证日期"), (3, "证书编号"), (3, "发证日期"), (5, "身份证号码")]
    assert "15位有效数字" in result.errors[0].message
    assert "科学计数法" in result.errors[-1].message
    assert [r.number for r in result.rows] == [2, 3, 5]
    assert str(result.errors[2]) == "第3行“证书编号”：不能为空"


def test_dates_in_every_usual_form():
    data = xlsx([
        ["证书编号", "姓名", "身份证号码", "发证日期"],
        ["1", "a", "1", datetime(2015, 3, 1)],
        ["2", "b", "1", "2015-03-01"],
        ["3", "c", "1", "2015/3/1"],
        ["4", "d", "1", "2015年3月1日"],
        ["5", "e", "1", "2015.3.1"],
        ["6", "f", "1", 42064],  # an Excel date serial in a cell without a date format
        ["7", "g", "1", "２０１５－０３－０１"],
    ])
    result = read_xlsx(data, FIELDS)
    assert result.ok, result.errors
    assert {r.values["issued"] for r in result.rows} == {date(2015, 3, 1)}


def test_numbers_as_text_recovered_when_exact():
    data = xlsx([
        ["证书编号", "姓名", "身份证号码", "发证日期"],
        [3101000012, "张三", "310109198309073016", "2015-3-1"],
        [3101000013.0, "李四", " 31010919830907301x ", "2015-3-1"],
        ["3101000014.0", "王五", "310109830907301", "2015-3-1"],
    ])
    result = read_xlsx(data, FIELDS)
    assert result.ok, result.errors
    assert [r.values["cert"] for r in result.rows] == ["3101000012", "3101000013", "3101000014"]
    assert result.rows[1].values["id_number"] == "31010919830907301X"


@pytest.mark.parametrize("value", [310109198309073016, 310109198309073000.0, 3.10109e17])
def test_an_id_typed_as_a_number_is_refused_not_changed(value):
    with pytest.raises(ValueError, match="文本格式"):
        read_identifier(value)


def test_identifier_and_date_readers():
    assert read_identifier(123456789012345) == "123456789012345"  # 15 digits: Excel keeps them exactly
    assert read_identifier("'310109198309073016") == "310109198309073016"
    with pytest.raises(ValueError):
        read_identifier(12.5)
    with pytest.raises(ValueError, match="不是存在的日期"):
        read_date("2015-02-30")
    assert read_date("20150301") == date(2015, 3, 1)
    assert read_date("2015-03-01 00:00:00") == date(2015, 3, 1)


def test_check_archive_accepts_a_plain_workbook_and_counts_its_rows():
    assert check_archive(xlsx([["a"]])) == 1
    assert check_archive(xlsx([["a"], ["b"], [None], ["c"]])) == 4


def test_cell_error_text_without_row():
    assert str(CellError(None, None, "文件是空的")) == "文件是空的"


def test_a_named_or_numbered_sheet():
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["请在第二个工作表填写"])
    data_sheet = workbook.create_sheet("通用工种")
    data_sheet.append(["证书编号", "姓名", "身份证号码", "发证日期"])
    data_sheet.append(["A1", "张三", "310109198309073016", "2015-3-1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert read_xlsx(data, FIELDS, sheet="通用工种").rows[0].values["name"] == "张三"
    assert read_xlsx(data, FIELDS, sheet=1).rows[0].values["cert"] == "A1"
    assert "没有名为“行业特有工种”的工作表" in rejected(data, sheet="行业特有工种")
    assert "没有第3个工作表" in rejected(data, sheet=2)
    assert "没有找到表头行" in rejected(data)
