"""Time of the 对账 (reconciliation) page at 10^6 applications on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres jishi_bench_money
    python bench/money_bench.py --database-url postgresql://postgres@127.0.0.1/jishi_bench_money --rows 1000000
    dropdb -h 127.0.0.1 -U postgres jishi_bench_money

The database is emptied and filled by bench/generate.py (populate); then every district × batch gets its
submitted 申请单 and one transfer holding its funded applications (INSERT … SELECT), as after a year of real
use. Printed: the two aggregate queries alone, and the whole page over HTTP (sign-in, scope, rendering) for
the city and for one district, best and median of several runs. Printed, not tested; never point it at
real data.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RUNS = 7


def prepare(app, rows):
    from sqlalchemy import text

    from bench.generate import populate
    from app.extensions import db

    with app.app_context():
        from flask_migrate import upgrade

        from app.reference.seed import seed_all

        upgrade()
        seed_all()
        seconds = populate(rows)
        print(f"generated {rows:,} applications in {seconds:.1f} s")
        started = time.monotonic()
        db.session.execute(text("""
            INSERT INTO district_requests (organisation_id, batch_id, state, version, matching_technician,
                                           matching_senior_technician, leader_name, handler_name, updated_at,
                                           submitted_at, submitted_total, submitted_technician,
                                           submitted_senior_technician, submitted_general, submitted_industry)
            SELECT district_id, batch_id, 'submitted', 1, 800, 1200, '张建华', '王经办', now(), now(),
                   0, 0, 0, 0, 0
            FROM applications GROUP BY district_id, batch_id"""))
        finance = db.session.execute(text("SELECT id FROM ab_user WHERE username LIKE 'bench_finance_%'")).scalar()
        db.session.execute(text("""
            INSERT INTO transfers (district_id, batch_id, voucher_no, transferred_on, count, total, created_by_id,
                                   created_at)
            SELECT district_id, batch_id, 'BENCH-' || district_id || '-' || batch_id, DATE '2015-06-01', count(*),
                   sum(city_amount), :finance, now()
            FROM applications WHERE state IN ('funded', 'paid') GROUP BY district_id, batch_id"""),
                           {"finance": finance})
        db.session.execute(text("""
            INSERT INTO transfer_items (transfer_id, application_id, amount)
            SELECT t.id, a.id, a.city_amount FROM applications a
            JOIN transfers t ON t.district_id = a.district_id AND t.batch_id = a.batch_id
            WHERE a.state IN ('funded', 'paid')"""))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(f"added 申请单 and transfers in {time.monotonic() - started:.1f} s")


def timed(call, runs=RUNS):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - began) * 1000)
    return result, min(times), statistics.median(times)


def measure(app):
    from sqlalchemy import func, select

    from app.accounts.models import AppUser
    from app.applications.models import Application
    from app.extensions import db
    from app.payments import reconciliation
    from tests.conftest import login

    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Application))
        city = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%")))
        district = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_d0_%")))
        users = [("city", city.username), ("one district", district.username)]
        for label, user in (("city", city), ("one district", district)):
            rows, best, median = timed(lambda: reconciliation.reconciliation_rows(user))
            flagged = sum(1 for r in rows if r.flagged)
            print(f"[{db.engine.dialect.name}, {total:,} applications] queries, {label}: {len(rows)} rows "
                  f"({flagged} flagged): best {best:.0f} ms, median {median:.0f} ms")
        db.session.remove()
    for label, username in users:
        client = app.test_client()
        response = login(client, username, "Bench#2015pass")
        assert response.status_code in (302, 303), response.status_code
        response, best, median = timed(lambda: client.get("/payments/reconciliation/list/"))
        assert response.status_code == 200, response.status_code
        print(f"[page over HTTP, {total:,} applications] 对账, {label}: best {best:.0f} ms, median {median:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="measure the data already there (no generation)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark runs on PostgreSQL")
    from bench.generate import build_app, reset_postgres

    if not args.keep:
        reset_postgres(args.database_url)
    app = build_app(args.database_url, Path(tempfile.mkdtemp(prefix="jishi-bench-")))
    # Bench sign-in only: a fixed captcha answer and no rate limit (APP_ENV is never production here).
    app.config.update(CAPTCHA_FIXED_ANSWER="TEST", RATELIMIT_ENABLED=False)
    if not args.keep:
        prepare(app, args.rows)
    measure(app)


if __name__ == "__main__":
    main()
