"""Migration 0010 (personal numbers encrypted at rest) on a live PostgreSQL database of N clear applications:
prints rows/s, and the slowest single-row UPDATE another connection made while it ran (the table stays
writable: one short transaction per batch).

    python bench/encrypt_bench.py --database-url postgresql://postgres@127.0.0.1:5432/jishi_bench_enc --rows 1000000

The database named is dropped and created again: never point this at real data.
"""
import argparse
import os
import random
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROWS = """
INSERT INTO applications (campaign_id, batch_id, organisation_id, district_id, submitted_by_id, variant, state,
    version, fill_date, name, gender, mobile, industry, education, previous_level, previous_level_date, trade,
    new_level, certificate_no, certificate_date, certificate_issuer, id_number, union_card_no, bank_name,
    bank_card_no, employer, unit_kind, address, postcode, is_migrant, submitted_at, updated_at, paid_card_no)
SELECT :campaign, :batch, :org, :district, :user, 'general', 'pending', 1, date '2015-03-02', '张三', '男',
    '13011112222', 'C', 'college', '3', date '2010-05-01', '焊工', '2', 'B' || g, date '2014-12-01', '上海市人力资源和社会保障局',
    '310109' || to_char(date '1960-01-01' + (g % 15000), 'YYYYMMDD') || lpad((g / 15000)::text, 3, '0') || 'X',
    CASE WHEN g % 3 = 0 THEN '8888' || lpad(g::text, 12, '0') END, '中国工商银行',
    CASE WHEN g % 3 <> 0 THEN '622202' || lpad(g::text, 13, '0') END, '上海江杨机械有限公司', 'state',
    '上海市宝山区江杨南路1号', '200431', false, now(), now(),
    CASE WHEN g % 5 = 0 THEN '622202' || lpad(g::text, 13, '0') END
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/jishi_bench_enc")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    import psycopg
    from sqlalchemy import create_engine, text

    base, _, name = args.database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(DATABASE_URL=args.database_url, INSTANCE_DIR=tempfile.mkdtemp(prefix="jishi_enc_bench_"))
    os.environ.pop("APP_ENV", None)

    from flask_migrate import upgrade

    from app import create_app
    from app.accounts.roles import GRASSROOTS
    from app.accounts.services import create_account
    from app.campaigns.models import Batch, Campaign, CampaignState
    from app.extensions import db
    from app.orgs.models import Organisation, OrgKind
    from app.reference.seed import seed_all

    app = create_app()
    with app.app_context():
        upgrade(revision="0010-1")
        seed_all()
        district = db.session.scalar(db.select(Organisation).where(Organisation.kind == OrgKind.DISTRICT.value))
        unit = db.session.scalar(db.select(Organisation).where(Organisation.parent_id == district.id))
        user = create_account("bench_enc", "Bench#2015pass", GRASSROOTS, unit or district, "压测")
        db.session.commit()
        ids = dict(org=user.organisation_id, district=district.id, user=user.id)
        campaign = Campaign(name="压测活动", category="技师奖励", start_date=date(2015, 3, 1),
                            end_date=date(2015, 10, 15), state=CampaignState.PUBLISHED.value,
                            cert_issued_from=date(2014, 1, 1))
        batch = Batch(campaign=campaign, number=1, name="第一批", opens_on=date(2015, 3, 1),
                      system_deadline=date(2015, 4, 10), paper_deadline=date(2015, 4, 20))
        db.session.add_all([campaign, batch])
        db.session.commit()
        campaign, batch = campaign.id, batch.id
        started = time.monotonic()
        step = 200_000
        for first in range(1, args.rows + 1, step):
            with db.engine.begin() as conn:
                conn.execute(text(ROWS), dict(ids, campaign=campaign, batch=batch, first=first,
                                              last=min(first + step - 1, args.rows)))
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE applications"))
        print(f"{args.rows} clear applications written in {time.monotonic() - started:.0f} s")
        db.session.remove()

        # Another connection keeps updating random rows while the migration runs.
        writer_engine = create_engine(db.engine.url)
        stop, waits, failures = threading.Event(), [], []

        def writer():
            rng = random.Random(1)
            while not stop.is_set():
                t0 = time.monotonic()
                try:
                    with writer_engine.begin() as conn:
                        conn.execute(text("UPDATE applications SET mobile = '13900000000' WHERE id = :i"),
                                     {"i": rng.randint(1, args.rows)})
                    waits.append(time.monotonic() - t0)
                except Exception as exc:  # noqa: BLE001
                    failures.append(repr(exc)[:200])
                time.sleep(0.05)

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        started = time.monotonic()
        upgrade(revision="0010")
        elapsed = time.monotonic() - started
        stop.set()
        thread.join()
        writer_engine.dispose()
        with db.engine.connect() as conn:
            clear = conn.execute(text("SELECT count(*) FROM applications WHERE id_number NOT LIKE '%:%' "
                                      "OR id_number_hmac IS NULL")).scalar()
        waits.sort()
        print(f"migration 0010: {args.rows} rows in {elapsed:.1f} s = {args.rows / elapsed:,.0f} rows/s")
        print(f"concurrent single-row UPDATEs: {len(waits)} done, {len(failures)} failed, "
              f"median {waits[len(waits) // 2] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms" if waits else
              f"concurrent UPDATEs: none done, {len(failures)} failed {failures[:1]}")
        print(f"rows left clear or without hash: {clear}")
        db.session.remove()
        db.engine.dispose()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
