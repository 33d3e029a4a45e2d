"""Fixtures of the intake tests: the day the app believes it is, and signed-in clerks."""
import pytest

from tests.applications.intake import IN_BATCH


@pytest.fixture
def set_today(clock):
    """set_today(date): the platform's clock (every deadline check) says it is that day."""

    def _set(day):
        return clock.set(day)

    _set(IN_BATCH)
    return _set
