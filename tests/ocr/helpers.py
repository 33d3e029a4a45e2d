"""Helpers of the 扫描件识别 tests: a fake OCR engine (what the scans "say", by their bytes), the lines a
certificate and an ID card copy give, and distinct small scans."""
import hashlib
import io

from PIL import Image

from app.ocr import engine
from app.reference import data

LEVEL_WORDS = {"2": "技师", "1": "高级技师"}


def png(seed):
    """A small PNG whose bytes differ by ``seed`` (each fake scan its own text)."""
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)).save(buffer, "PNG")
    return buffer.getvalue()


def certificate_lines(values, **override):
    v = {**values, **override}
    day = v["certificate_date"]
    return ["职业资格证书", f"姓名：{v['name']}", f"身份证号码：{v['id_number']}", f"职业（工种）：{v['trade']}",
            f"等级：{LEVEL_WORDS.get(v['new_level'], v['new_level'])}", f"证书编号：{v['certificate_no']}",
            f"发证机关：{v.get('certificate_issuer') or data.CITY_HR_AUTHORITY}",
            f"发证日期：{day.year}年{day.month}月{day.day}日"]


def id_card_lines(values, **override):
    v = {**values, **override}
    return ["中华人民共和国居民身份证", f"姓名 {v['name']}", f"公民身份号码 {v['id_number']}"]


class FakeEngine:
    """engine.status / engine.read_lines stand-ins: ``says(content, lines)`` decides what a scan reads as."""

    def __init__(self):
        self.on, self.reason = True, None
        self.texts, self.broken = {}, set()
        self.calls = 0

    def says(self, content, lines):
        self.texts[hashlib.sha256(content).hexdigest()] = list(lines)
        return content

    def unreadable(self, content):
        self.broken.add(hashlib.sha256(content).hexdigest())
        return content

    def status(self, app=None):
        return (True, None) if self.on else (False, self.reason or "扫描件识别已关闭（OCR_ENABLED=0）")

    def read_lines(self, content, content_type):
        self.calls += 1
        if not self.on:
            raise engine.OcrUnavailable(self.reason or "扫描件识别已关闭")
        key = hashlib.sha256(content).hexdigest()
        if key in self.broken:
            raise engine.OcrError("图片文件已损坏或无法识别")
        return list(self.texts.get(key, ["看不清的文字"]))
