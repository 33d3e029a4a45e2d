"""City scale: every list page, 查看, a bulk decision, the 汇总表 and a load test at 10^6 applications on
PostgreSQL, each figure printed beside its target.

    python bench/city_bench.py                       # builds jishi_perf_bench once, then reuses it
    python bench/city_bench.py --database-url postgresql://postgres@127.0.0.1:5432/other --rows 1000000
    python bench/city_bench.py --only pages          # pages | bulk | summary | load (repeatable)

The database is created and filled by bench/generate.py (in a child process) when it holds fewer than ``--rows``
applications (a PostgreSQL database is emptied first!), otherwise reused. Its personal-data keys (the numbers are
encrypted at rest) live in ``instance/bench/<database>/`` beside this checkout, so every later run, the 汇总表's
child process and the load test's gunicorn read the same numbers; the migrations are brought to the head either
way, the bench batches' review deadline is moved into the future so that decisions are allowed, and the bench
accounts need not change their password first.
Every write the benchmark makes (bulk decision, load test) is undone afterwards, so the next run measures
the same data.

Printed per page: p50 / p95 of 30 requests through the whole app in-process (sign-in, scope, rendering) and the
median CPU time of this process per request (the database server's own CPU is not in it; on a shared machine
wall times wander with the other work, CPU times much less), the statements the page ran, the same statements
replayed as raw SQL, and the same page of a plain
Flask-AppBuilder ModelView (same table, same columns, the same organisation-subtree base filter) that is
registered only here. Printed, not tested; never point it at real data.
"""
import argparse
import json
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/jishi_perf_bench"
PASSWORD = "Bench#2015pass"
RUNS = 30
SUMMARY_FILTER = {"state": "funded"}  # about 10^5 of the 10^6 rows, the whole city
rows_out = []


# -- the database ---------------------------------------------------------------------------------------

def ensure_database(url, rows):
    """Create the database if missing, fill it if it holds fewer than ``rows`` applications, migrate it."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        exists = conn.execute("SELECT to_regclass('public.applications')").fetchone()[0]
        have = conn.execute("SELECT count(*) FROM applications").fetchone()[0] if exists else 0
    if have < rows:
        print(f"building {rows:,} applications in {parsed.database} (once; later runs reuse it)", flush=True)
        # A child process: Flask-AppBuilder's singletons take one app per process, and this one builds its own.
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url", url, "--count",
                        str(rows), "--reset"], check=True)
    else:
        print(f"reusing {parsed.database}: {have:,} applications", flush=True)


def bench_instance(url):
    """The instance folder of the bench database at ``url``: its personal-data keys, kept with the checkout
    (``instance/`` is never committed) for as long as the database is reused."""
    from sqlalchemy.engine import make_url

    folder = ROOT / "instance" / "bench" / make_url(url).database
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build(url):
    from bench.generate import build_app

    app = build_app(url, bench_instance(url))
    # Bench sign-in only: a fixed captcha answer and no rate limit (APP_ENV is never production here).
    app.config.update(CAPTCHA_FIXED_ANSWER="TEST", RATELIMIT_ENABLED=False)
    return app


def migrate_and_open_review(app):
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        # Bench accounts sign in with the known bench password, never by people.
        db.session.execute(text("UPDATE ab_user SET must_change_password = false WHERE username LIKE 'bench%'"))
        db.session.execute(text("UPDATE batches SET paper_deadline = DATE '2099-12-31' "
                                "WHERE campaign_id IN (SELECT id FROM campaigns WHERE name LIKE '压测活动%')"))
        db.session.commit()
        vacuum()


def marker():
    """Where the audit trail and the messages end now (:func:`undo_since` removes what follows)."""
    from sqlalchemy import text

    from app.extensions import db

    return db.session.execute(text("SELECT (SELECT coalesce(max(id), 0) FROM review_records), "
                                   "(SELECT coalesce(max(id), 0) FROM notifications)")).one()


def undo_since(mark):
    """Put every application changed after ``mark`` (:func:`marker`) back as it was, drop those audit records,
    the messages written since and the bench's scans (:func:`give_scans`)."""
    from sqlalchemy import text

    from app.extensions import db

    db.session.rollback()
    mark, messages = mark
    db.session.execute(text("""
        UPDATE applications a SET state = r.from_state, version = a.version - r.n
        FROM (SELECT application_id, (array_agg(from_state ORDER BY id))[1] AS from_state, count(*) AS n
              FROM review_records WHERE id > :mark GROUP BY application_id) r
        WHERE a.id = r.application_id"""), {"mark": mark})
    db.session.execute(text("DELETE FROM review_records WHERE id > :mark"), {"mark": mark})
    db.session.execute(text("DELETE FROM notifications WHERE id > :mark"), {"mark": messages})
    db.session.execute(text("DELETE FROM attachments WHERE stored_name LIKE 'bench-%'"))
    db.session.commit()
    vacuum()


def vacuum():
    """As autovacuum would soon: the visibility map set again, so counts stay index-only scans."""
    from sqlalchemy import text

    from app.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE applications"))
        conn.execute(text("VACUUM ANALYZE review_records"))
        conn.execute(text("VACUUM ANALYZE attachments"))


# -- the plain Flask-AppBuilder peer ----------------------------------------------------------------------

def register_plain_peer(app):
    """A plain FAB ModelView of the applications with the same district base filter, bench only."""
    from flask import g
    from flask_appbuilder import ModelView
    from flask_appbuilder.models.filters import BaseFilter
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.accounts.roles import DISTRICT_ADMIN
    from app.applications.models import Application
    from app.extensions import appbuilder
    from app.security.scoping import scope_filter

    class PlainScope(BaseFilter):
        name = "scope"
        arg_name = None

        def apply(self, query, value):
            return query.filter(scope_filter(Application.organisation_id, g.user))

    class PlainApplicationView(ModelView):
        route_base = "/bench/plain"
        datamodel = SQLAInterface(Application)
        list_columns = ["name", "submitted_by.real_name", "district.name", "organisation", "submitted_at", "state"]
        search_columns = ["name", "state"]
        base_order = ("submitted_at", "desc")
        base_filters = [["organisation_id", PlainScope, None]]
        base_permissions = ["can_list"]
        page_size = 25

    with app.app_context():
        appbuilder.add_view_no_menu(PlainApplicationView)
        # Roles are FAB built-in roles (app.accounts.roles): the district admin may list the peer too.
        appbuilder.sm.builtin_roles[DISTRICT_ADMIN].append(["^PlainApplicationView$", "^can_list$"])


# -- measuring ---------------------------------------------------------------------------------------------

def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_seconds():
    """CPU time (user + system) of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(call, runs=RUNS, warm=2, cpu=None):
    """(p50, p95) wall ms of ``call``; with a list ``cpu``, the median CPU ms of this process is appended."""
    for _ in range(warm):
        call()
    times, spent = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), cpu_seconds()
        call()
        times.append((time.perf_counter() - began) * 1000)
        spent.append((cpu_seconds() - began_cpu) * 1000)
    if cpu is not None:
        cpu.append(statistics.median(spent))
    return statistics.median(times), pct(times, 0.95)


class Statements:
    """The statements run on the engine meanwhile (with their parameters)."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _hook(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._hook)


def replay(engine, statements):
    """p50/p95 of the page's statements on applications, run as raw SQL on one connection."""
    mine = [(s, p) for s, p in statements if "applications" in s]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()

        def run():
            for statement, parameters in mine:
                cursor.execute(statement, parameters)
                cursor.fetchall()
        return timed(run)
    finally:
        raw.close()


def signed_in(app, username):
    from tests.conftest import login

    client = app.test_client()
    response = login(client, username, PASSWORD)
    assert response.status_code in (302, 303), response.status_code
    return client


def row(label, p50, p95, target, plain=None, raw=None, statements=None, cpu=None, plain_cpu=None):
    rows_out.append((label, p50, p95, target, plain, raw, statements, cpu, plain_cpu))
    cpu_text = f"  cpu {cpu:6.1f}" if cpu is not None else ""
    extra = f"  plain FAB p50 {plain:.1f} ms (cpu {plain_cpu:.1f})" if plain is not None else ""
    ratio = f"  = {plain / p50:.2f}× faster (cpu {plain_cpu / cpu:.2f}×)" if plain and cpu and plain_cpu else ""
    raw_text = f"  raw SQL p50 {raw:.1f} ms" if raw is not None else ""
    print(f"{label:<40} p50 {p50:7.1f}  p95 {p95:7.1f}{cpu_text} ms  target {target}{extra}{ratio}{raw_text}"
          f"{f'  ({statements} statements)' if statements else ''}", flush=True)


def last_page(html, view):
    pages = [int(n) for n in re.findall(r"page_%s=(\d+)" % view, html)]
    return max(pages) if pages else 0


def measure_pages(app):
    from sqlalchemy import select

    from app.accounts.models import AppUser
    from app.applications.models import Application
    from app.extensions import db

    with app.app_context():
        engine = db.engine
        district_user = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_d0_%")))
        clerk_user = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_u0_0_%")))
        city_user = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%")))
        one = db.session.scalar(select(Application.id).where(Application.district_id == district_user.organisation_id)
                                .order_by(Application.id.desc()).limit(1))
        names = (district_user.username, clerk_user.username, city_user.username)
        db.session.remove()
    district, clerk, city = (signed_in(app, n) for n in names)

    def page(client, url, label, target, plain_url=None, runs=RUNS):
        with app.app_context():
            client.get(url)  # the first request of a list may fill its count cache
            with Statements(engine) as seen:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            cpu, plain_cpu = [], []
            p50, p95 = timed(lambda: client.get(url), runs=runs, cpu=cpu)
            raw50, _raw95 = replay(engine, seen.seen)
            plain50 = None
            if plain_url:
                assert client.get(plain_url).status_code == 200, plain_url
                plain50, _ = timed(lambda: client.get(plain_url), runs=runs, cpu=plain_cpu)
            row(label, p50, p95, target, plain50, raw50, len(seen.seen), cpu[0], plain_cpu[0] if plain_cpu else None)
        return response.get_data(as_text=True)

    dv, fv, mv, pv = "DistrictReviewModelView", "FinalReviewModelView", "MyApplicationModelView", "PlainApplicationView"
    html = page(district, "/review/district/list/", "district 报名管理, default", "≤ 40 and ≥ 3× plain",
                "/bench/plain/list/")
    page(district, "/review/district/list/?_flt_0_state=pending", "district, 状态 = 未审核", "≤ 30",
         "/bench/plain/list/?_flt_3_state=pending")
    page(district, "/review/district/list/?_flt_0_name=王伟", "district, name contains", "≤ 80",
         "/bench/plain/list/?_flt_2_name=王伟")
    last = last_page(html, dv)
    with app.app_context():
        plain_last = last_page(district.get("/bench/plain/list/").get_data(as_text=True), pv)
    page(district, f"/review/district/list/?page_{dv}={last}", f"district, last page ({last + 1:,})", "≤ 80",
         f"/bench/plain/list/?page_{pv}={plain_last}")
    html = page(city, "/review/final/list/", "city 终审, default", "≤ 60")
    last = last_page(html, fv)
    page(city, f"/review/final/list/?page_{fv}={last}", f"city, last page ({last + 1:,})", "≤ 150")
    html = page(clerk, "/myapplicationmodelview/list/", "clerk 报名管理, default", "≤ 25")
    last = last_page(html, mv)
    page(clerk, f"/myapplicationmodelview/list/?page_{mv}={last}", f"clerk, last page ({last + 1:,})", "≤ 40")
    page(district, f"/review/district/show/{one}", "查看 one application", "≤ 15")


def give_scans(ids):
    """Attachment rows (no files: nothing here opens them) for the applications ``ids``, as if their clerks had
    uploaded every scan 审核通过 requires (the generated applications have none); removed by :func:`undo_since`."""
    from sqlalchemy import bindparam, text

    from app.applications.attachments import required_kinds
    from app.extensions import db
    from app.reference import data

    kinds = ", ".join(f"('{kind}')" for kind in required_kinds(data.VARIANT_GENERAL))
    statement = text(f"""
        INSERT INTO attachments (application_id, kind, original_name, stored_name, content_type, size, sha256,
                                 uploaded_by_id, organisation_id, uploaded_at)
        SELECT a.id, k.kind, k.kind || '.pdf', 'bench-' || a.id || '-' || k.kind, 'application/pdf', 1024,
               repeat('0', 64), a.submitted_by_id, a.organisation_id, now()
        FROM applications a CROSS JOIN (VALUES {kinds}) AS k(kind) WHERE a.id IN :ids""")
    db.session.execute(statement.bindparams(bindparam("ids", expanding=True)), {"ids": list(ids)})
    db.session.commit()


def measure_bulk(app, rows=10_000):
    """审核通过 on the first ``rows`` 未审核 applications of a district, through the bulk service, twice: every row
    with its scans, then one row in 20 without (skipped with the reason, as on the page)."""
    from datetime import date

    from sqlalchemy import select

    from app.accounts.models import AppUser
    from app.extensions import db
    from app.review import bulk, queries
    from app.review.queries import ApplicationFilter

    with app.app_context():
        user = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_d0_%")))
        ids = queries.ids(db.session, user, ApplicationFilter.from_values({"state": "pending"}))[:rows]
        db.session.rollback()
        for label, lacking in (("every row with its scans", 0), ("1 in 20 without scans", 20)):
            mark = marker()
            try:
                give_scans([pk for n, pk in enumerate(ids) if not lacking or n % lacking])
                with Statements(db.engine) as seen:
                    began, began_cpu = time.perf_counter(), cpu_seconds()
                    result = bulk.run("approve_by_district", user, [(pk, None) for pk in ids], {"comment": None},
                                      today=date(2015, 4, 15))
                    seconds, cpu = time.perf_counter() - began, cpu_seconds() - began_cpu
            finally:
                undo_since(mark)
            rows_out.append((f"bulk 审核通过, {len(ids):,} rows, {label}", seconds * 1000, None, "≤ 2,000 (10⁴ rows)",
                             None, None, len(seen.seen), cpu * 1000, None))
            print(f"bulk 审核通过 of {len(ids):,} 未审核 rows, {label}: {seconds:.2f} s (cpu {cpu:.2f} s), "
                  f"{result.changed:,} changed, {len(result.skipped)} skipped, {len(seen.seen):,} statements  "
                  "target ≤ 2 s for 10⁴ rows", flush=True)


def peak_rss_mb():
    """This process's own peak resident memory (MB): VmHWM of /proc/self/status on Linux. Not ru_maxrss: a
    child started by fork and exec inherits its parent's peak there (this benchmark's, after the bulk decisions)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary_child(url):
    """Runs in a fresh process: the whole city's 汇总表 of about 10^5 rows; prints JSON."""
    app = build(url)
    with app.app_context():
        from sqlalchemy import select

        from app.accounts.models import AppUser
        from app.exports import summary
        from app.exports.xlsx import write_xlsx
        from app.extensions import db
        from app.review.queries import ApplicationFilter

        user = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%")))
        flt = ApplicationFilter.from_values(SUMMARY_FILTER)
        started_mb = peak_rss_mb()  # the app alone
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
            began, began_cpu = time.perf_counter(), cpu_seconds()
            count = write_xlsx(target, summary.summary_columns(), summary.summary_rows(user, flt), sheet_title="汇总表")
            seconds, cpu = time.perf_counter() - began, cpu_seconds() - began_cpu
            size = os.path.getsize(target.name)
    print(json.dumps({"rows": count, "seconds": seconds, "cpu": cpu, "app_mb": started_mb,
                      "rss_mb": peak_rss_mb(), "size_mb": size / 1e6}))


def measure_summary(url):
    out = subprocess.run([sys.executable, __file__, "--summary-child", "--database-url", url], check=True,
                         capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    rows_out.append((f"汇总表, city, {figures['rows']:,} rows", figures["seconds"] * 1000, None, "≤ 15,000",
                     None, None, None, figures["cpu"] * 1000, None))
    rows_out.append(("汇总表 peak RSS (MB)", figures["rss_mb"], None, "≤ 150", None, None, None, None, None))
    print(f"汇总表 of the city ({figures['rows']:,} rows): {figures['seconds']:.1f} s (cpu {figures['cpu']:.1f} s), "
          f"peak RSS {figures['rss_mb']:.0f} MB (the app before the export {figures['app_mb']:.0f} MB), file "
          f"{figures['size_mb']:.1f} MB  target ≤ 15 s, ≤ 150 MB", flush=True)


# -- the load test ---------------------------------------------------------------------------------------------

def wsgi():
    """gunicorn's application factory for the load test (bench only)."""
    return build(os.environ["DATABASE_URL"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class User(threading.Thread):
    """One simulated reviewer: signs in, then lists, opens and decides until the end."""

    def __init__(self, base, username, district, until, seed):
        super().__init__(daemon=True)
        self.base, self.username, self.district, self.until = base, username, district, until
        self.rng = random.Random(seed)
        self.times, self.errors, self.error_samples = [], 0, []

    def get(self, session, path, **kwargs):
        return self.call(session.get, path, **kwargs)

    def call(self, method, path, **kwargs):
        import requests

        began = time.perf_counter()
        try:
            response = method(self.base + path, timeout=60, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            self.errors += 1
            self.error_samples.append(repr(exc)[:100])
            return None
        self.times.append(time.perf_counter() - began)
        if response.status_code >= 400:
            self.errors += 1
            self.error_samples.append(f"{response.status_code} {path}")
        return response

    def run(self):
        import requests

        session = requests.Session()
        html = session.get(self.base + "/login/").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        session.post(self.base + "/login/", data={"username": self.username, "password": PASSWORD,
                                                  "csrf_token": token, "captcha": "TEST"}, allow_redirects=False)
        screen, view = (("/review/district", "DistrictReviewModelView") if self.district
                        else ("/review/final", "FinalReviewModelView"))
        pending = "pending" if self.district else "district_approved"
        while time.monotonic() < self.until:
            roll = self.rng.random()
            if roll < 0.3:
                self.get(session, f"{screen}/list/")
            elif roll < 0.5:
                self.get(session, f"{screen}/list/?_flt_0_state={pending}")
            elif roll < 0.6:
                self.get(session, f"{screen}/list/?page_{view}={self.rng.randrange(1, 200)}")
            else:
                response = self.get(session, f"{screen}/list/?_flt_0_state={pending}&page_{view}="
                                    f"{self.rng.randrange(0, 20)}")
                pks = re.findall(r'<tr data-pk="(\d+)"', response.text if response is not None else "")
                if not pks:
                    continue
                pk = self.rng.choice(pks)
                show = self.get(session, f"{screen}/show/{pk}")
                if show is None or roll < 0.85:
                    continue
                version = re.search(r'name="version" value="(\d+)"', show.text)
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', show.text)
                if version and token:
                    name = "approve_by_district" if self.district else "approve_final"
                    self.call(session.post, f"{screen}/decide/{pk}/{name}",
                              data={"csrf_token": token.group(1), "version": version.group(1)})


def measure_load(app, url, users=20, seconds=30, workers=2):
    from sqlalchemy import select

    from app.accounts.models import AppUser
    from app.extensions import db

    with app.app_context():
        districts = db.session.scalars(select(AppUser.username).where(AppUser.username.like("bench_d%"))
                                       .order_by(AppUser.id)).all()
        city = db.session.scalar(select(AppUser.username).where(AppUser.username.like("bench_admin_%")))
        mark = marker()
        db.session.remove()
    port = free_port()
    # The database's own keys (bench_instance), so the workers read its personal numbers.
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(bench_instance(url))}
    children_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", "1", "-b", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning", "--chdir", str(ROOT), "bench.city_bench:wsgi()"], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        import requests

        for _ in range(120):
            try:
                requests.get(base + "/login/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.5)
        until = time.monotonic() + seconds + 5  # sign-in first, then measured
        crowd = [User(base, districts[i % len(districts)] if i % 5 else city, bool(i % 5), until, i)
                 for i in range(users)]
        for user in crowd:
            user.start()
        time.sleep(5)
        for user in crowd:
            user.times.clear()
        began = time.monotonic()
        for user in crowd:
            user.join(seconds + 120)
        elapsed = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(30)
        # gunicorn's workers are reaped by its master, the master by us: their CPU time is in ours now.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu = (after.ru_utime + after.ru_stime) - (children_cpu.ru_utime + children_cpu.ru_stime)
        with app.app_context():
            undo_since(mark)
    times = [t * 1000 for user in crowd for t in user.times]
    errors = sum(user.errors for user in crowd)
    rate = len(times) / elapsed
    p50, p95 = (statistics.median(times), pct(times, 0.95)) if times else (0, 0)
    per_request_cpu = server_cpu * 1000 / len(times) if times else None
    rows_out.append((f"load: {users} users, gunicorn {workers} workers", p50, p95, "p95 ≤ 500", None, None, None,
                     per_request_cpu, None))
    rows_out.append(("load: requests/s", rate, None, "≥ 50", None, None, None, None, None))
    rows_out.append(("load: errors", errors, None, "0", None, None, None, None, None))
    samples = sorted({s for user in crowd for s in user.error_samples})[:5]
    print(f"load test: {len(times):,} requests in {elapsed:.0f} s = {rate:.1f} requests/s, p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, {errors} errors {samples if samples else ''}  target ≥ 50/s, p95 ≤ 500 ms, 0 errors; "
          f"gunicorn's CPU {server_cpu:.1f} s ({per_request_cpu or 0:.1f} ms a request)", flush=True)


def print_table():
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmachine: {os.cpu_count()} cores, load average {load} (1 / 5 / 15 min) at the end of the run")
    print("\n| figure | p50 (ms) | p95 (ms) | CPU (ms) | target | plain FAB p50 (CPU) | × plain (CPU) "
          "| raw SQL p50 | statements |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, p50, p95, target, plain, raw, statements, cpu, plain_cpu in rows_out:
        ratio = "–"
        if plain and p50:
            ratio = f"{plain / p50:.2f}" + (f" ({plain_cpu / cpu:.2f})" if cpu and plain_cpu else "")
        cells = [label, f"{p50:,.1f}", f"{p95:,.1f}" if p95 is not None else "–",
                 f"{cpu:,.1f}" if cpu is not None else "–", target,
                 (f"{plain:,.1f}" + (f" ({plain_cpu:,.1f})" if plain_cpu is not None else "")) if plain is not None
                 else "–", ratio, f"{raw:,.1f}" if raw is not None else "–", str(statements) if statements else "–"]
        print("| " + " | ".join(cells) + " |")
    print("\nCPU: this process's (or for the 汇总表 its child's, for the load test gunicorn's per request) user + "
          "system time; the database server's is not in it.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", action="append", choices=["pages", "bulk", "summary", "load"])
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--summary-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL")
    if args.summary_child:
        summary_child(args.database_url)
        return
    parts = args.only or ["pages", "bulk", "summary", "load"]
    # Every process of this run (the 汇总表 child, gunicorn) reads the database's own personal-data keys.
    os.environ["INSTANCE_DIR"] = str(bench_instance(args.database_url))
    print("machine: %d cores, load average %s at the start" % (os.cpu_count(), " / ".join(
        f"{x:.1f}" for x in os.getloadavg())), flush=True)
    ensure_database(args.database_url, args.rows)
    app = build(args.database_url)
    migrate_and_open_review(app)
    register_plain_peer(app)
    if "pages" in parts:
        measure_pages(app)
    if "bulk" in parts:
        measure_bulk(app)
    if "summary" in parts:
        measure_summary(args.database_url)
    if "load" in parts:
        measure_load(app, args.database_url, seconds=args.load_seconds)
    print_table()


if __name__ == "__main__":
    main()
