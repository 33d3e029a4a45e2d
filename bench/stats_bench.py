"""Time the 统计分析 page at 10^6 applications: the page itself (key figures) and the JSON of every table
(one GROUP BY each), for the city and for one district, through the real HTTP endpoints.

    createdb -h 127.0.0.1 -U postgres jishi_bench_stats
    python bench/stats_bench.py --database-url postgresql://postgres@127.0.0.1/jishi_bench_stats --rows 1000000
    python bench/stats_bench.py --database-url ... --reuse          # the database is already filled
    python bench/stats_bench.py --explain --reuse --database-url ...  # and the plan of each query

The database is filled by bench/generate.py first (a PostgreSQL database is emptied!). Each address is
requested once to warm the caches, then REPEAT times; the median and the slowest are printed. Target:
each ≤ 500 ms. Printed, not tested.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import prepare  # noqa: E402  (after the path is set)

REPEAT = 5
TARGET_MS = 500


def signed_in_client(app, user_id, epoch):
    """A test client whose session is signed in as ``user_id`` (no login form: the bench times pages)."""
    from app.accounts.sessions import EPOCH_KEY, LAST_SEEN_KEY

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[EPOCH_KEY] = epoch or 0
        session[LAST_SEEN_KEY] = int(time.time())
    return client


def timed(client, path):
    client.get(path)  # warm: caches, the first plan
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:200])
    return statistics.median(times), max(times)


def explain(app, user, dimension):
    from sqlalchemy import select, text

    from app.extensions import db
    from app.stats import queries

    table = queries.DIMENSIONS[dimension]
    key = table.key(user).label("key")
    statement = (select(key, *(queries.MEASURES[m].expression().label(m) for m in table.measures))
                 .where(*queries.conditions(user, queries.StatsFilter()), *table.extra_conditions())
                 .group_by(key))
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
    print("\n".join("    " + line for line in plan))


def measure(database_url, show_plans=False):
    from bench.generate import build_app

    app = build_app(database_url, Path(tempfile.mkdtemp(prefix="jishi-bench-")))
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        from sqlalchemy import func, select

        from app.accounts.models import AppUser
        from app.applications.models import Application
        from app.extensions import db
        from app.stats.queries import DIMENSIONS

        rows = db.session.scalar(select(func.count()).select_from(Application))
        dialect = db.engine.dialect.name
        users = {"city": db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%"))),
                 "one district": db.session.scalar(select(AppUser).where(AppUser.username.like("bench_d0_%")))}
        for user in users.values():
            # Bench accounts are made with a first-login password change pending; no person signs in here.
            user.must_change_password = False
        db.session.commit()
        ids = {label: (user.id, user.session_epoch) for label, user in users.items()}
        if show_plans and dialect == "postgresql":
            for dimension in DIMENSIONS:
                print(f"-- plan of {dimension} (city)")
                explain(app, users["city"], dimension)
        db.session.remove()
    print(f"[{dialect}] {rows:,} applications; median and slowest of {REPEAT} requests after one warm-up",
          flush=True)
    slow = []
    for label, (user_id, epoch) in ids.items():
        client = signed_in_client(app, user_id, epoch)
        paths = [("page /stats/ (key figures)", "/stats/")]
        paths += [(f"data {d}", f"/stats/data?dimension={d}") for d in DIMENSIONS]
        total = 0.0
        for name, path in paths:
            median, worst = timed(client, path)
            total += median
            flag = "" if median <= TARGET_MS else "  > target"
            if flag:
                slow.append((label, name, median))
            print(f"  {label:12} {name:30} {median:8.1f} ms  (slowest {worst:7.1f} ms){flag}", flush=True)
        print(f"  {label:12} {'all of it, one after another':30} {total:8.1f} ms", flush=True)
    print("every request within the target" if not slow else f"{len(slow)} request(s) over {TARGET_MS} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="do not regenerate: the database is already filled")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each table's query")
    args = parser.parse_args()
    if not args.reuse:
        prepare(args.database_url, args.rows)
    measure(args.database_url, args.explain)


if __name__ == "__main__":
    main()
