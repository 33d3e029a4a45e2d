"""Fixtures of the intake tests: the day the app believes it is, and signed-in clerks."""
import pytest

from tests.applications.intake import IN_BATCH


@pytest.fixture
def set_today(monkeypatch):
    """set_today(date): every deadline check (app.campaigns.services.today) sees that day."""

    def _set(day):
        monkeypatch.setattr("app.campaigns.services.today", lambda: day)
        return day

    _set(IN_BATCH)
    return _set
