import pytest

from tests.review.world import make_world


@pytest.fixture
def world(db):
    return make_world()
