"""Fixtures of the 扫描件识别 tests: the review world, and a fake OCR engine (fast; one test runs the real one)."""
import pytest

from tests.ocr.helpers import FakeEngine
from tests.review.conftest import world  # noqa: F401  (the review world fixture)


@pytest.fixture
def fake_ocr(monkeypatch):
    from app.ocr import engine

    fake = FakeEngine()
    monkeypatch.setattr(engine, "status", fake.status)
    monkeypatch.setattr(engine, "read_lines", fake.read_lines)
    return fake
