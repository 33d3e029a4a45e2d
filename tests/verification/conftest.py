"""The review world (tests/review/world.py), shared by the verification tests."""
from tests.review.conftest import world  # noqa: F401
