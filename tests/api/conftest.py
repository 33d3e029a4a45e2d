"""The review world (tests/review/world.py) and personal API tokens for its users."""
import pytest

from app.accounts import tokens
from app.extensions import db as _db
from tests.review.world import make_world


@pytest.fixture
def world(db):
    return make_world()


def make_token(user, name="测试脚本", days=90):
    _row, raw = tokens.create_token(user, name, days)
    _db.session.commit()
    return raw


@pytest.fixture
def api(app):
    """api(raw token) → a client whose every request carries ``Authorization: Bearer <token>``."""

    class TokenClient:
        def __init__(self, raw):
            self.client = app.test_client()
            self.headers = {"Authorization": f"Bearer {raw}"}

        def get(self, path, **kwargs):
            return self.client.get(path, headers=self.headers, **kwargs)

        def post(self, path, **kwargs):
            return self.client.post(path, headers=self.headers, **kwargs)

    return TokenClient
