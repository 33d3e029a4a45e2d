"""With REDIS_URL the login limits live in Redis, shared by every process: the same rules hold there.

A throw-away redis-server is started on a free port (skipped where none is installed).
"""
import shutil
import socket
import subprocess
import time

import pytest

from app.accounts import captcha
from app.extensions import limiter
from tests.conftest import csrf_token, login
from tests.factories import make_user


@pytest.fixture
def redis_storage(app, monkeypatch, tmp_path):
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed")
    import redis
    from limits.storage import storage_from_string

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    storage = storage_from_string(f"redis://127.0.0.1:{port}/0")
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(limiter, "_limiter", type(limiter._limiter)(storage))
    try:
        yield client
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unknown_names_lock_and_captchas_are_single_use_in_redis(app, db, make_client, redis_storage, monkeypatch):
    answers = [login(make_client(), "no-such-user", "Wrong#Pass123").get_data(as_text=True) for _ in range(5)]
    assert "已被锁定" in answers[-1] and all("已被锁定" not in a for a in answers[:-1])
    assert redis_storage.keys("*login-lock/no-such-user*")

    monkeypatch.setitem(app.config, "CAPTCHA_FIXED_ANSWER", None)
    monkeypatch.setattr(captcha, "random_text", lambda: "Ab3d")
    user = make_user()
    client = make_client()
    client.get("/login/captcha.png")
    solved = client.get_cookie("session").value
    assert login(client, user.username, captcha="ab3d").status_code == 302
    assert redis_storage.keys("*captcha-used/*")
    replay = make_client()
    replay.set_cookie("session", solved)
    response = replay.post("/login/", data={"username": user.username, "password": "x", "captcha": "ab3d",
                                            "csrf_token": csrf_token(replay, "/login/")})
    assert "用户名、密码或验证码不正确" in response.get_data(as_text=True)


def test_the_login_rate_limit_counts_in_redis(app, db, client, redis_storage, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    token = csrf_token(client, "/login/")
    statuses = [client.post("/login/", data={"username": "x", "password": "y", "captcha": "TEST",
                                             "csrf_token": token}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert redis_storage.keys("LIMITS*")
