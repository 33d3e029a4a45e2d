"""The review world of tests/review/conftest.py, shared."""
from tests.review.conftest import world  # noqa: F401
