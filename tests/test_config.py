"""Configuration comes from the environment; production refuses unsafe settings."""
import pytest

from config import Config, TestConfig


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    first = Config().SECRET_KEY
    assert len(first) >= 64 and (tmp_path / "secret_key").read_text() == first
    assert Config().SECRET_KEY == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config()
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_a_fixed_captcha(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATA_KEYS", "k1:" + "A" * 43)
    monkeypatch.setenv("DATA_LOOKUP_KEY", "B" * 43)
    config = TestConfig(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    with pytest.raises(RuntimeError, match="验证码"):
        config.validate()
    from app import create_app

    with pytest.raises(RuntimeError, match="验证码"):
        create_app(config)


def test_environment_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("DATA_KEYS", "k1:" + "A" * 43)
    monkeypatch.setenv("DATA_LOOKUP_KEY", "B" * 43)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgres://jishi@db/jishi")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "up"))
    config = Config()
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://jishi@db/jishi"
    assert config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    assert config.UPLOAD_DIR == str(tmp_path / "up")
    assert config.SESSION_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True and config.SESSION_COOKIE_SAMESITE == "Lax"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    assert Config().SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'jishi.db'}"


def test_client_address_behind_a_trusted_proxy(tmp_path, monkeypatch):
    """With TRUSTED_PROXIES=1 the proxy's X-Forwarded-For is the address; without, the header is ignored."""
    from flask import Flask

    from app.accounts.events import client_address
    from app.web import trust_proxies

    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    seen = {}
    for hops in ("0", "1"):
        monkeypatch.setenv("TRUSTED_PROXIES", hops)
        app = Flask(__name__)
        app.config.from_object(Config())
        trust_proxies(app)
        app.add_url_rule("/", "ip", lambda: client_address())
        seen[hops] = app.test_client().get(
            "/", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
        ).get_data(as_text=True)
    assert seen == {"0": "10.0.0.2", "1": "203.0.113.7"}
