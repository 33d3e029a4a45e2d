"""The review world fixture (tests/review/world.py), for the review, payment, export and browser tests."""
import pytest

from tests.review.world import make_world


@pytest.fixture
def world(db):
    return make_world()
