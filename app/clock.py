"""The one clock of the platform and the one way dates read on a Chinese page.

Every deadline is a Shanghai calendar day and every stored timestamp is naive UTC. Code asks this module
what time it is (``today()``, ``now()``, ``utcnow()``); tests set the time through the ``clock`` fixture
(``clock.set(day_or_datetime)``), never by patching a module global.
"""
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone

#: China has kept UTC+8 without daylight saving since 1991: a fixed offset needs no tz database.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock:
    """Real time, unless a test has fixed it (one process-wide instance: :data:`clock`)."""

    def __init__(self):
        self._fixed = None

    def set(self, moment):
        """Fix the clock: a date (its Shanghai noon) or a datetime (naive means Shanghai time)."""
        if isinstance(moment, datetime):
            fixed = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
        elif isinstance(moment, date):
            fixed = datetime.combine(moment, time(12, 0), SHANGHAI)
        else:
            raise TypeError("clock.set takes a date or a datetime")
        self._fixed = fixed.astimezone(SHANGHAI)
        return self._fixed.date()

    def reset(self):
        self._fixed = None

    @contextmanager
    def at(self, moment):
        """Within the block the clock says ``moment`` (loaders replaying history); then as before."""
        previous = self._fixed
        self.set(moment)
        try:
            yield
        finally:
            self._fixed = previous

    def now(self):
        """An aware datetime in Shanghai time."""
        return self._fixed if self._fixed is not None else datetime.now(SHANGHAI)


clock = Clock()


def at(moment):
    """``with at(moment):`` the clock says ``moment`` (loaders replaying history), then as before."""
    return clock.at(moment)


def now():
    """The current moment, aware, in Shanghai time."""
    return clock.now()


def today():
    """Today's date in Shanghai: every deadline is a Shanghai calendar day."""
    return clock.now().date()


def utcnow():
    """Naive UTC timestamp, as every model stores it (SQLite and PostgreSQL alike)."""
    return clock.now().astimezone(timezone.utc).replace(tzinfo=None)


def local_time(value):
    """A naive UTC timestamp as stored by the models, in Shanghai time (naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).replace(tzinfo=None)


def cn_date(value):
    """2015-04-10 → '2015年4月10日' (the notice's way; no platform-specific strftime flags)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def iso_date(value):
    """A date, or a stored UTC timestamp shown as its Shanghai day: 'YYYY-MM-DD'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return f"{value:%Y-%m-%d}"


def iso_minute(value):
    """A stored UTC timestamp in Shanghai time: 'YYYY-MM-DD HH:MM'."""
    if value is None:
        return ""
    return f"{local_time(value):%Y-%m-%d %H:%M}"
