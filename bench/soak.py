"""Soak test: gunicorn on loopback, N simulated users signing in and working (home page, their list, an
application's page, the probes) with think time, for a bounded duration; counts errors, samples each
worker's memory (RSS) and prints the figures beside the targets (0 errors, memory flat).

    python bench/soak.py --minutes 30 --users 50 --workers 2
    python bench/soak.py --minutes 5 --users 50 --database-url postgresql://postgres@127.0.0.1:5432/jishi_soak

Without --database-url a new SQLite file is used. The PostgreSQL database named is rebuilt: never point
this at real data.
"""
import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench#2015pass"
SHOW = re.compile(r'/review/district/show/(\d+)|/myapplicationmodelview/show/(\d+)')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url, applications):
    """Migrate, seed, generate applications and their accounts; the bench accounts need no password change."""
    from bench import generate

    generate.prepare(database_url, applications)
    from sqlalchemy import create_engine, text

    from config import _normalise_db_url

    engine = create_engine(_normalise_db_url(database_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE ab_user SET must_change_password = false WHERE username LIKE 'bench_%'"))
        users = [r[0] for r in conn.execute(text(
            "SELECT username FROM ab_user WHERE username LIKE 'bench_d%' OR username LIKE 'bench_u%' ORDER BY id"))]
    engine.dispose()
    return users


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """User + system CPU time the process has used so far (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_of(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.errors, self.requests = [], [], 0

    def record(self, seconds, error=None):
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def simulated_user(base, username, deadline, stats, rng, timeout):
    session = requests.Session()
    # As a reverse proxy talks to gunicorn: one request per connection (no keep-alive race on idle sockets).
    session.headers["Connection"] = "close"

    def call(method, path, **kwargs):
        started = time.monotonic()
        try:
            # A generous timeout: slowness on a loaded machine is measured, not counted as an error.
            response = session.request(method, base + path, timeout=timeout, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            stats.record(time.monotonic() - started, f"{path}: {type(exc).__name__}")
            return None
        error = None if response.status_code < 400 else f"{method} {path}: {response.status_code}"
        stats.record(time.monotonic() - started, error)
        return response

    def sign_in():
        page = call("GET", "/login/")
        if page is None:
            return False
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        answer = call("POST", "/login/", data={"username": username, "password": PASSWORD, "captcha": "SOAK",
                                               "csrf_token": token.group(1) if token else ""})
        return answer is not None and answer.status_code == 302

    district = username.startswith("bench_d")
    listing = "/review/district/list/" if district else "/myapplicationmodelview/list/"
    time.sleep(rng.uniform(0, 5))  # users arrive over the first seconds
    signed_in = sign_in()
    ids = []
    while time.monotonic() < deadline:
        if not signed_in:
            signed_in = sign_in()
        choice = rng.random()
        if choice < 0.25:
            call("GET", "/")
        elif choice < 0.6 or not ids:
            page = call("GET", listing)
            if page is not None and page.status_code == 200:
                ids = [a or b for a, b in SHOW.findall(page.text)] or ids
            elif page is not None and page.status_code == 302:
                signed_in = False  # session ended: sign in again
        elif choice < 0.95:
            prefix = "/review/district/show/" if district else "/myapplicationmodelview/show/"
            call("GET", prefix + rng.choice(ids))
        else:
            call("GET", "/healthz")
        time.sleep(rng.uniform(1, 3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sample-seconds", type=float, default=15)
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds a client waits for an answer (gunicorn's worker timeout too)")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="jishi-soak-"))
    os.environ["INSTANCE_DIR"] = str(instance)
    database_url = args.database_url or f"sqlite:///{instance / 'soak.db'}"
    users = prepare(database_url, args.applications)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)}
    env.pop("APP_ENV", None)
    log = open(instance / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads",
                               str(args.threads), "--timeout", str(int(args.timeout)), "-b", f"127.0.0.1:{port}", "bench.soak_app:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if requests.get(base + "/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        print(f"gunicorn: {args.workers} workers × {args.threads} threads on {base}; {args.users} users "
              f"for {args.minutes:g} min on {database_url.split(':')[0]} ({args.applications:,} applications)",
              flush=True)
        stats, deadline = Stats(), time.monotonic() + args.minutes * 60
        rng = random.Random(2015)
        threads = [threading.Thread(target=simulated_user, daemon=True,
                                    args=(base, users[n % len(users)], deadline, stats, random.Random(rng.random()),
                                          args.timeout))
                   for n in range(args.users)]
        for thread in threads:
            thread.start()
        samples = {}
        started = time.monotonic()
        while time.monotonic() < deadline:
            for pid in workers_of(server.pid):
                kb = rss_kb(pid)
                if kb:
                    samples.setdefault(pid, []).append((time.monotonic() - started, kb))
            minute = int((time.monotonic() - started) // 60)
            if samples and int((time.monotonic() - started) % 60) < args.sample_seconds:
                print(f"  {minute:>3} min: {stats.requests:,} requests, {len(stats.errors)} errors, RSS "
                      + ", ".join(f"{s[-1][1] // 1024} MB" for s in samples.values()), flush=True)
            time.sleep(args.sample_seconds)
        for thread in threads:
            thread.join(args.timeout + 10)
        cpu = {pid: cpu_seconds(pid) for pid in samples}
    finally:
        server.terminate()
        server.wait(60)
        log.close()

    seconds = args.minutes * 60
    lat = sorted(stats.latencies) or [0]
    server_errors = sum(1 for e in stats.errors if re.search(r": 5\d\d$", e))
    connection_errors = sum(1 for e in stats.errors if not re.search(r": \d{3}$", e))
    print(f"\nrequests: {stats.requests:,} ({stats.requests / seconds:.1f}/s), errors: {len(stats.errors)} "
          f"(target 0): {server_errors} answered 5xx, {connection_errors} without an answer, "
          f"{len(stats.errors) - server_errors - connection_errors} other 4xx")
    print(f"latency: median {statistics.median(lat) * 1000:.0f} ms, p95 {lat[int(len(lat) * 0.95) - 1] * 1000:.0f} ms, "
          f"max {lat[-1] * 1000:.0f} ms")
    for error in sorted(set(stats.errors))[:10]:
        print(f"  error: {error} ×{stats.errors.count(error)}")
    print("worker memory (RSS; target flat): first sample after warm-up → last, max")
    for pid, rows in samples.items():
        warm = [kb for t, kb in rows if t >= min(60, seconds / 5)] or [kb for _t, kb in rows]
        used = cpu.get(pid)
        print(f"  worker {pid}: {warm[0] / 1024:.0f} MB → {warm[-1] / 1024:.0f} MB "
              f"({(warm[-1] - warm[0]) / 1024:+.1f} MB), max {max(kb for _t, kb in rows) / 1024:.0f} MB, "
              f"{len(rows)} samples; CPU {'gone' if used is None else f'{used:.0f} s'}")
    tracebacks = (instance / "server.log").read_text(errors="replace").count("Traceback")
    print(f"tracebacks in the server log: {tracebacks}")


if __name__ == "__main__":
    main()
