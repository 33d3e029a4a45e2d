"""Age at the certificate's issue date, computed in SQL from the birth date inside the ID number (digits
7–14), on crafted numbers around birthdays, leap days and the band limits; runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""
from datetime import date

import pytest
from sqlalchemy import select

from app.applications.models import Application
from app.stats import queries
from app.stats.queries import AGE_BANDS, StatsFilter
from tests.ids import id_number
from tests.review.world import make_world

#: (birth date, certificate issue date, age in whole years on the issue date)
CASES = [
    (date(1990, 6, 15), date(2015, 6, 14), 24),   # the day before the 25th birthday
    (date(1990, 6, 15), date(2015, 6, 15), 25),   # the birthday itself
    (date(1990, 6, 15), date(2015, 6, 16), 25),
    (date(1985, 12, 31), date(2015, 1, 1), 29),   # born on New Year's Eve
    (date(1985, 1, 1), date(2014, 12, 31), 29),
    (date(1985, 1, 1), date(2015, 1, 1), 30),
    (date(1960, 2, 29), date(2015, 2, 28), 54),   # a leap-day birthday in a common year: not yet
    (date(1960, 2, 29), date(2015, 3, 1), 55),
    (date(1960, 2, 29), date(2016, 2, 29), 56),
    (date(1998, 10, 1), date(2014, 10, 1), 16),   # the youngest allowed
    (date(1949, 10, 1), date(2015, 9, 30), 65),
]


def band_label(age):
    for upper, label in AGE_BANDS:
        if upper is None or age < upper:
            return label


@pytest.fixture
def crafted(db):
    w = make_world()
    made = []
    for n, (born, issued, age) in enumerate(CASES):
        app = w.app(id_number=id_number(born, male=True, seq=f"{2 * n + 101:03d}"), certificate_date=issued,
                    previous_level_date=date(2010, 1, 1))
        made.append((app.id, age))
    return w, made


def test_age_at_issue_date_in_sql(db, crafted):
    _w, made = crafted
    ages = dict(db.session.execute(select(Application.id, queries.age_at_issue())).all())
    assert {pk: int(ages[pk]) for pk, _age in made} == dict(made)


def test_age_bands_count_each_person_once(db, crafted):
    w, made = crafted
    table = queries.table(w.city_admin, StatsFilter(), "age")
    counts = {row.label: row.values["submitted"] for row in table.rows}
    expected = {label: 0 for _upper, label in AGE_BANDS}
    for _pk, age in made:
        expected[band_label(age)] += 1
    assert counts == expected
    assert counts["25岁以下"] == 2 and counts["25～29岁"] == 4 and counts["55岁及以上"] == 3
