"""Reading scans (app/ocr/engine.py): whether OCR can run, refusals of unreadable content, and real runs of
rapidocr on a generated certificate image and a generated one-page PDF."""
import importlib.util
import io
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw, ImageFont

from app.ocr import engine
from app.ocr.extract import CERTIFICATE_COPY, ID_COPY, extract_fields
from tests.ids import id_number

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
ROOT = Path(__file__).resolve().parent.parent.parent
NUMBER = id_number(date(1983, 9, 7))


def _config(**values):
    return SimpleNamespace(config=values)


def test_status_ready_by_default():
    assert engine.status(_config()) == (True, None)
    assert engine.status(_config(OCR_ENABLED=True)) == (True, None)


def test_status_when_turned_off():
    ready, reason = engine.status(_config(OCR_ENABLED=False))
    assert not ready and reason == "扫描件识别已关闭（OCR_ENABLED=0）"


def test_the_setting_comes_from_the_environment(monkeypatch, tmp_path):
    from config import Config

    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("OCR_ENABLED", "0")
    assert Config().OCR_ENABLED is False
    monkeypatch.delenv("OCR_ENABLED")
    assert Config().OCR_ENABLED is True


def test_status_reads_the_app_config(app):
    assert engine.status(app) == (True, None)
    app.config["OCR_ENABLED"] = False
    try:
        with app.app_context():
            assert engine.status() == (False, "扫描件识别已关闭（OCR_ENABLED=0）")
            with pytest.raises(engine.OcrUnavailable) as refused:
                engine.read_lines(b"%PDF-", engine.PDF)
            assert refused.value.reason == "扫描件识别已关闭（OCR_ENABLED=0）"
    finally:
        app.config["OCR_ENABLED"] = True


@pytest.fixture
def package_absent(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == engine.PACKAGE else real(name, *args))


def test_status_when_the_package_is_absent(package_absent):
    ready, reason = engine.status(_config())
    assert not ready
    assert reason == "未安装扫描件识别组件 rapidocr-onnxruntime，扫描件识别不可用"
    with pytest.raises(engine.OcrUnavailable, match="rapidocr-onnxruntime"):
        engine.read_lines(b"\x89PNG\r\n\x1a\n", "image/png")


@pytest.mark.parametrize("content, content_type, message", [
    (b"not an image", "image/png", "图片文件已损坏或无法识别"),
    (b"\xff\xd8\xff\xe0 broken", "image/jpeg", "图片文件已损坏或无法识别"),
    (b"%PDF-1.4 broken", engine.PDF, "PDF文件已损坏或无法打开"),
    (b"GIF89a", "image/gif", "只能识别PDF、JPG或PNG格式的扫描件"),
])
def test_unreadable_content_is_refused_with_a_reason(content, content_type, message):
    with pytest.raises(engine.OcrError, match=message):
        engine.read_lines(content, content_type)


def test_the_web_process_does_not_load_the_ocr_models():
    code = ("import sys, app, app.ocr.engine, app.ocr.extract; "
            "loaded = [m for m in ('rapidocr_onnxruntime', 'onnxruntime', 'pypdfium2', 'cv2') if m in sys.modules]; "
            "print(loaded); sys.exit(1 if loaded else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _page(lines, size=(1240, 900), font_size=34, angle=0.0):
    """A scan of ``lines``: grey-white paper, black text, turned by ``angle`` degrees."""
    font = ImageFont.truetype(FONT, font_size, index=2)  # index 2: Simplified Chinese
    image = Image.new("RGB", size, (246, 244, 238))
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((90, 80 + n * int(font_size * 2.2)), line, font=font, fill=(25, 25, 25))
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(246, 244, 238)) if angle else image


def test_a_certificate_image_is_read():
    image = _page(["职业资格证书", "姓名  王伟      性别  男", f"身份证号  {NUMBER}",
                   "职业（工种）及等级  数控车工  二级/技师", "证书编号  1531000000301234",
                   "发证机构  上海市职业技能鉴定中心", "发证日期  2019年6月30日"], angle=1.5)
    content = io.BytesIO()
    image.save(content, "PNG")
    lines = engine.read_lines(content.getvalue(), "image/png")
    assert lines[0] == "职业资格证书"
    assert extract_fields(lines, CERTIFICATE_COPY) == {
        "name": "王伟", "id_number": NUMBER, "new_level": "2", "trade": "数控车工",
        "certificate_no": "1531000000301234", "certificate_issuer": "上海市职业技能鉴定中心",
        "certificate_date": date(2019, 6, 30)}


def test_an_id_copy_pdf_turned_on_its_side_is_read():
    image = _page(["姓名  张三", "性别  男    民族  汉", "出生  1983年9月7日", "住址  上海市虹口区四川北路1号",
                   f"公民身份号码  {NUMBER}"], size=(1100, 620))
    content = io.BytesIO()
    image.transpose(Image.Transpose.ROTATE_270).save(content, "PDF", resolution=150)
    lines = engine.read_lines(content.getvalue(), engine.PDF)
    assert extract_fields(lines, ID_COPY) == {"name": "张三", "id_number": NUMBER}
    assert lines.index(next(line for line in lines if "姓名" in line)) < lines.index(
        next(line for line in lines if "公民身份号码" in line))
