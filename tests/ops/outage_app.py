"""The app served by gunicorn in the database-outage test: the test configuration (fixed captcha answer) on
the database named by DATABASE_URL, without per-address login limits (every simulated user shares 127.0.0.1).

``python -m tests.ops.outage_app setup N`` migrates, seeds and creates the accounts outage1..outageN.
"""
import os
import sys

from app import create_app
from config import TestConfig


class OutageConfig(TestConfig):
    __test__ = False
    TESTING = False  # errors go through the app's own handlers, as in production
    RATELIMIT_ENABLED = False


app = create_app(OutageConfig(os.environ["DATABASE_URL"], os.environ["INSTANCE_DIR"]))


def setup(count):
    from flask_migrate import upgrade

    from app.accounts.roles import SYSTEM_ADMIN
    from app.reference.seed import seed_all
    from tests.factories import make_user, root_org

    with app.app_context():
        upgrade()
        seed_all()
        for n in range(1, count + 1):
            make_user(SYSTEM_ADMIN, org=root_org(), username=f"outage{n}")


if __name__ == "__main__" and sys.argv[1:2] == ["setup"]:
    setup(int(sys.argv[2]))
