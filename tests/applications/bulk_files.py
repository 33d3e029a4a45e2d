"""Helpers of the Excel intake tests: a template filled in as a clerk types it, and zips of scans."""
import io
import zipfile

from openpyxl import load_workbook

from app.applications.rules import FIELD_LABELS
from app.reference import data
from tests.conftest import csrf_token

#: What a clerk picks in the drop-downs for the stored codes.
_LABELS = {"variant": dict(data.VARIANTS), "industry": dict(data.INDUSTRIES), "education": dict(data.EDUCATIONS),
           "previous_level": dict(data.SKILL_LEVELS), "new_level": dict(data.SKILL_LEVELS),
           "unit_kind": dict(data.UNIT_KINDS), "hukou_province": dict(data.PROVINCES)}


def typed(values):
    """field → the cell a clerk fills in: labels from the drop-downs, dates as dates, numbers as text."""
    cells = {}
    for name, value in values.items():
        if name in _LABELS and value is not None:
            value = _LABELS[name].get(value, value)
        elif name == "is_migrant":
            value = "是" if value else "否"
        elif isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        cells[name] = value
    return cells


def fill_template(template, rows):
    """The downloaded template (bytes) with ``rows`` (field values) typed under its header."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    columns = {name: headers.index(label) + 1 for name, label in FIELD_LABELS.items()}
    for number, values in enumerate(rows, start=2):
        for name, value in typed(values).items():
            if value is not None:
                sheet.cell(row=number, column=columns[name], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_of(entries, utf8=True):
    """A zip (bytes) of {name: bytes}."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if not utf8:
                info.flag_bits &= ~0x800
            archive.writestr(info, content)
    return out.getvalue()


def upload(client, batch_id, workbook, scans=None, extra=None):
    path = f"/apply/bulk/{batch_id}"
    data = {"csrf_token": csrf_token(client, path), "workbook": (io.BytesIO(workbook), "导入.xlsx"), **(extra or {})}
    if scans is not None:
        data["scans"] = (io.BytesIO(scans), "扫描件.zip")
    return client.post(path, data=data, content_type="multipart/form-data")
