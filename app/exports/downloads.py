"""The HTTP side of an Excel download: a written workbook sent as an attachment with its Chinese name."""
import io
from urllib.parse import quote

from flask import send_file

from app.exports.xlsx import XLSX_MIMETYPE


def download_buffer():
    """The file a download made in the request is written to before :func:`xlsx_response` sends it: memory. Such
    a workbook may hold whole ID and card numbers, and a temporary file would put them on the disk in clear; its
    size is bounded (EXPORT_JOB_THRESHOLD rows: larger ones are background jobs writing sealed files)."""
    return io.BytesIO()


def xlsx_response(target, file_name, ascii_name):
    """Send the workbook written to the open file ``target`` as ``file_name`` (``ascii_name`` for old clients)."""
    target.seek(0)
    response = send_file(target, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=file_name)
    # An ASCII name for old clients, the Chinese one (RFC 5987) for every current browser.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(file_name)}')
    return response
