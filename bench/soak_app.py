"""The app as bench/soak.py serves it under gunicorn: the normal configuration (DATABASE_URL, INSTANCE_DIR from
the environment) with a fixed captcha answer and no per-address limits, since every simulated user signs in
from 127.0.0.1. For benchmarks only (Config.validate refuses a fixed captcha in production)."""
from app import create_app
from config import Config

SOAK_CAPTCHA = "SOAK"


class SoakConfig(Config):
    CAPTCHA_FIXED_ANSWER = SOAK_CAPTCHA
    RATELIMIT_ENABLED = False


app = create_app(SoakConfig())
