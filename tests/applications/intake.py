"""Helpers for the intake tests: small valid scans, the form as a browser posts it, a fixed day."""
import io
import re
from datetime import date

from PIL import Image

from tests.conftest import csrf_token

#: A day inside the factories' first batch (2015-03-01 – 2015-04-10).
IN_BATCH = date(2015, 3, 10)
KINDS = ("id_copy", "certificate_copy", "card_copy", "hr_form")


def png_bytes(size=(24, 16), colour=(40, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(24, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes(text="scan"):
    """A minimal well-formed one-page PDF."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET"
    objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def form_fields(values):
    """Field values as the browser sends them (dates ISO, 是/否 as 1/0, nothing for None)."""
    data = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            data[name] = "1" if value else "0"
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def scans(variant="general", **override):
    """One file per required kind: {kind: (bytes, filename)}."""
    files = {"id_copy": (png_bytes(), "身份证.png"), "certificate_copy": (pdf_bytes(), "证书.pdf"),
             "card_copy": (jpeg_bytes(), "银行卡.jpg")}
    if variant == "industry":
        files["hr_form"] = (pdf_bytes("hr"), "人事盖章申请表.pdf")
    files.update(override)
    return {k: v for k, v in files.items() if v is not None}


def post_form(client, path, values, files=None, extra=None, token_path=None):
    """POST the application form at ``path`` as a browser would (CSRF token from the page itself, or
    from ``token_path`` when the form page itself redirects)."""
    token = csrf_token(client, token_path or path)
    data = {"csrf_token": token, **form_fields(values), **(extra or {})}
    for kind, (content, filename) in (files or {}).items():
        data[f"file_{kind}"] = (io.BytesIO(content), filename)
    return client.post(path, data=data, content_type="multipart/form-data")


def cell(html, name):
    """The inner HTML of the form cell of field ``name`` (where its message must appear)."""
    match = re.search(r'<(td|div)[^>]*id="cell-%s"[^>]*>(.*?)</\1>' % re.escape(name), html, re.S)
    assert match, f"no cell for {name}"
    return match.group(2)


def field_errors(html, name):
    return re.findall(r'<span class="field-error" data-field="%s">([^<]*)</span>' % re.escape(name), html)


def input_value(html, name):
    """The value a text input of the form shows."""
    match = re.search(r'<input[^>]*name="%s"[^>]*>' % re.escape(name), html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def selected_value(html, name):
    match = re.search(r'<select[^>]*name="%s"[^>]*>(.*?)</select>' % re.escape(name), html, re.S)
    assert match, f"no select {name}"
    for option in re.findall(r"<option[^>]*>", match.group(1)):
        if re.search(r"\sselected[\s>]", option):
            return re.search(r'value="([^"]*)"', option).group(1)
    return ""


def checked_value(html, name):
    for tag in re.findall(r'<input[^>]*name="%s"[^>]*>' % re.escape(name), html):
        if "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None
