"""The database restarted under load: requests in flight get the Chinese 503 page (never a traceback or a
500), the app recovers by itself, and every request that reported success kept its write.

Runs gunicorn on loopback against a PostgreSQL server of its own (tests/ops/local_postgres.py); a login is
the write (each successful sign-in commits one 登录 security event).
"""
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.factories import PASSWORD
from tests.ops import local_postgres
from tests.ops.local_postgres import LocalPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
USERS = 6

pytestmark = pytest.mark.skipif(not local_postgres.available(), reason="PostgreSQL server binaries not installed")


def sign_in(base, username):
    """One sign-in through the real form; returns 'ok', '503' or the unexpected status and body."""
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    if page.status_code == 503:
        return "503", page.text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
    response = session.post(f"{base}/login/", data={
        "username": username, "password": PASSWORD, "captcha": "TEST", "csrf_token": token.group(1)},
        allow_redirects=False, timeout=30)
    if response.status_code == 302 and "/login" not in response.headers.get("Location", ""):
        return "ok", ""
    return str(response.status_code), response.text


def test_postgres_restart_under_load(tmp_path):
    with LocalPostgres() as pg:
        env = {**os.environ, "DATABASE_URL": pg.url, "INSTANCE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
        env.pop("TEST_DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "tests.ops.outage_app", "setup", str(USERS)], cwd=ROOT, env=env,
                       check=True, timeout=300)
        port = free_port()
        log = open(tmp_path / "server.log", "w+")  # noqa: SIM115  (a pipe would fill and block the workers)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
             "--timeout", "60", "tests.ops.outage_app:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    if requests.get(f"{base}/healthz", timeout=10).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.5)
            results = {n: [] for n in range(1, USERS + 1)}
            unexpected = []
            stop = threading.Event()

            def user(n):
                while not stop.is_set():
                    outcome, body = sign_in(base, f"outage{n}")
                    results[n].append((time.monotonic(), outcome))
                    if outcome == "503":
                        assert "系统暂时无法访问" in body and "Traceback" not in body
                    elif outcome != "ok":
                        unexpected.append((outcome, body[:300]))

            threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in results]
            for thread in threads:
                thread.start()
            time.sleep(4)
            restart_started = time.monotonic()
            pg.restart()
            restarted = time.monotonic()
            time.sleep(8)
            stop.set()
            for thread in threads:
                thread.join(60)

            assert not unexpected, unexpected[:3]
            outcomes = [item for rows in results.values() for item in rows]
            assert any(o == "ok" and t < restart_started for t, o in outcomes), "no success before the restart"
            assert any(o == "503" for _t, o in outcomes), "the restart was not seen by any request"
            # Recovered by itself: every sign-in that started 3 s after the restart succeeded.
            late = [o for t, o in outcomes if t > restarted + 3]
            assert late and all(o == "ok" for o in late), late

            engine = create_engine(pg.url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.connect() as conn:
                for n, rows in results.items():
                    written = conn.execute(text(
                        "SELECT count(*) FROM security_events WHERE event = 'login' AND username = :u"),
                        {"u": f"outage{n}"}).scalar()
                    succeeded = sum(1 for _t, o in rows if o == "ok")
                    # A write may have committed just before its response failed, never the reverse.
                    assert written >= succeeded, (n, written, succeeded)
            engine.dispose()
            assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.seek(0)
            err = log.read()
            log.close()
        assert "Traceback" not in err, err[-3000:]
        # The outage is in the JSON log: 503s with their request ids, never a statement's parameters.
        assert '"status": 503' in err and '"logger": "app.ops.outage"' in err
