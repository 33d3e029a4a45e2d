"""Register files for tests: rows built from applications (so they match) or typed out."""
import io

from openpyxl import Workbook

HEADER = ["证书编号", "姓名", "身份证号码", "等级", "工种", "发证日期", "发证机构"]
LEVEL_NAMES = {"2": "技师", "1": "高级技师"}


def row_of(application, **changes):
    """The register row that agrees with ``application`` on every compared field, with ``changes``."""
    values = {"证书编号": application.certificate_no, "姓名": application.name, "身份证号码": application.id_number,
              "等级": LEVEL_NAMES[application.new_level], "工种": application.trade,
              "发证日期": application.certificate_date.isoformat(), "发证机构": application.certificate_issuer}
    values.update(changes)
    return [values[h] for h in HEADER]


def register_file(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
