"""Fill a database with N realistic applications, fast (bulk INSERTs in chunks), for benchmarks.

    python bench/generate.py --database-url sqlite:////tmp/bench.db --count 100000
    python bench/generate.py --database-url postgresql://postgres@127.0.0.1/jishi_bench --count 100000 --reset

The schema is built by the migrations, the reference lists and organisation tree by the seed; then one
campaign, three grassroots units with a clerk in every 区县 union, and the applications spread over them
and over every state, each with the audit records of the workflow's own path to it (workflow.path_to).
Never point this at real data.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stdnum import luhn
from stdnum.cn import ric

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHUNK = 5000
#: Share of each state, like a campaign late in its year.
STATE_SHARES = {"pending": 30, "district_approved": 20, "district_rejected": 6, "final_approved": 12,
                "final_rejected": 4, "funded": 10, "paid": 12, "withdrawn": 3, "voided": 3}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红波斌玉兰海燕东晨"
TRADES = ["焊工", "钳工", "车工", "电工", "维修电工", "数控车工", "汽车修理工", "铣工", "磨工", "电梯安装维修工"]


def id_number(i):
    """A valid, unique resident ID number for row ``i`` (birth date and sequence from i)."""
    birth = date(1960, 1, 1) + timedelta(days=i // 400)
    body = f"310109{birth:%Y%m%d}{i % 400:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def bank_card(i):
    body = f"622202{i:012d}"
    return body + luhn.calc_check_digit(body)


def build_app(database_url, instance):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("INSTANCE_DIR", str(instance))
    from app import create_app
    from config import Config

    config = Config()
    # Bench accounts are never used to sign in by people: fast hashing keeps the generator quick.
    config.FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    return create_app(config)


def reset_postgres(url):
    from sqlalchemy import create_engine, text

    from config import _normalise_db_url

    engine = create_engine(_normalise_db_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def populate(count, seed=2015):
    """Add ``count`` applications (needs an app context on a migrated, seeded database)."""
    from sqlalchemy import insert, select, text

    from app.accounts.roles import DISTRICT_ADMIN, FINANCE, GRASSROOTS, SYSTEM_ADMIN
    from app.accounts.services import create_account
    from app.applications.models import Application
    from app.campaigns.models import Batch, Campaign, CampaignState
    from app.extensions import db
    from app.orgs.models import Organisation, OrgKind
    from app.orgs.services import create_org
    from app.reference import data
    from app.review import workflow
    from app.review.models import ReviewRecord

    rng = random.Random(seed)
    password = "Bench#2015pass"
    root = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    admin = create_account(f"bench_admin_{seed}", password, SYSTEM_ADMIN, root, "压测管理员")
    finance = create_account(f"bench_finance_{seed}", password, FINANCE, root, "压测财务")
    districts = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.DISTRICT.value)
                                   .order_by(Organisation.id)).all()
    units, reviewers = [], {}
    for n, district in enumerate(districts):
        reviewers[district.id] = create_account(f"bench_d{n}_{seed}", password, DISTRICT_ADMIN, district,
                                                f"{district.name[:2]}管理员")
        for k in range(3):
            org = create_org(f"{district.name[:2]}压测单位{k + 1}工会", OrgKind.GRASSROOTS, district,
                             unit_name=f"上海{district.name[:2]}压测单位{k + 1}有限公司")
            clerk = create_account(f"bench_u{n}_{k}_{seed}", password, GRASSROOTS, org, "压测填报人")
            units.append((org, district, clerk))
    campaign = Campaign(name=f"压测活动{seed}", category="技师奖励", start_date=date(2015, 3, 1),
                        end_date=date(2015, 10, 15), state=CampaignState.PUBLISHED.value,
                        cert_issued_from=date(2014, 1, 1), reward_technician=Decimal("2000"),
                        reward_senior_technician=Decimal("3000"))
    batches = [Batch(campaign=campaign, number=1, name="第一批", opens_on=date(2015, 3, 1),
                     system_deadline=date(2015, 4, 10), paper_deadline=date(2015, 4, 20)),
               Batch(campaign=campaign, number=2, name="第二批", opens_on=date(2015, 9, 1),
                     system_deadline=date(2015, 9, 30), paper_deadline=date(2015, 10, 15))]
    db.session.add_all([campaign, *batches])
    db.session.commit()
    first_id = (db.session.scalar(select(Application.id).order_by(Application.id.desc()).limit(1)) or 0) + 1
    offset = first_id
    states = [s for s, share in STATE_SHARES.items() for _ in range(share)]
    paths = {state: workflow.path_to(state) for state in STATE_SHARES}
    industries = [c for c, _ in data.INDUSTRIES]
    educations = [c for c, _ in data.EDUCATIONS]
    kinds = [c for c, _ in data.UNIT_KINDS]
    started = time.monotonic()
    for start in range(0, count, CHUNK):
        apps, records = [], []
        for i in range(start, min(start + CHUNK, count)):
            serial = offset + i
            org, district, clerk = units[i % len(units)]
            batch = batches[i % 2]
            state = rng.choice(states)
            senior = rng.random() < 0.25
            number = id_number(serial)
            union = rng.random() < 0.3
            submitted = datetime.combine(batch.opens_on, datetime.min.time()) + timedelta(minutes=i % 40000)
            row = dict(
                id=first_id + i, campaign_id=campaign.id, batch_id=batch.id, organisation_id=org.id,
                district_id=district.id, submitted_by_id=clerk.id, variant=data.VARIANT_GENERAL, state=state,
                version=1 + len(paths[state]), fill_date=submitted.date(),
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender="男" if int(number[16]) % 2 else "女", mobile=f"13{rng.randrange(10**9):09d}",
                industry=rng.choice(industries), education=rng.choice(educations),
                previous_level="2" if senior else "3", previous_level_date=date(2010, 5, 1),
                trade=rng.choice(TRADES), new_level="1" if senior else "2",
                certificate_no=f"15{serial:012d}", certificate_date=date(2014, 12, 1),
                certificate_issuer=data.CITY_HR_AUTHORITY, id_number=number,
                union_card_no=f"8888{serial:012d}" if union else None,
                bank_name=None if union else "中国工商银行", bank_card_no=None if union else bank_card(serial),
                employer=org.unit_name, unit_kind=rng.choice(kinds), address=f"上海市{district.name[:2]}区测试路{i % 999 + 1}号",
                postcode="200431", is_migrant=False, submitted_at=submitted, updated_at=submitted,
                # Every row has every key: one executemany for the whole chunk.
                city_amount=None, funded_on=None, district_amount=None, paid_on=None, paid_card_no=None,
            )
            if state in ("funded", "paid"):
                row.update(city_amount=Decimal("3000" if senior else "2000"), funded_on=date(2015, 6, 1))
            if state == "paid":
                row.update(district_amount=Decimal("800"), paid_on=date(2015, 7, 1),
                           paid_card_no=row["union_card_no"] or row["bank_card_no"])
            apps.append(row)
            actors = {GRASSROOTS: clerk, DISTRICT_ADMIN: reviewers[district.id], SYSTEM_ADMIN: admin,
                      FINANCE: finance}
            records.append(dict(application_id=row["id"], user_id=clerk.id, role=GRASSROOTS,
                                organisation_id=org.id, action="submit", from_state=None, to_state="pending",
                                created_at=submitted, comment=None, amount=None, amount2=None))
            source = "pending"
            for step, transition in enumerate(paths[state], start=1):
                actor = actors[transition.roles[0]]
                records.append(dict(
                    application_id=row["id"], user_id=actor.id, role=transition.roles[0],
                    organisation_id=actor.organisation_id, action=transition.name, from_state=source,
                    to_state=transition.target.value, created_at=submitted + timedelta(days=10 * step),
                    comment="证书复印件不清晰" if transition.requires_comment else None,
                    amount=row["city_amount"] if transition.name in ("fund", "record_payment") else None,
                    amount2=row["district_amount"] if transition.name == "record_payment" else None))
                source = transition.target.value
        db.session.execute(insert(Application.__table__), apps)
        if records:
            db.session.execute(insert(ReviewRecord.__table__), records)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the sequence behind: real submissions after the load must not collide.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('applications', 'id'), "
                                "(SELECT max(id) FROM applications))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Fresh statistics and visibility map after a bulk load, as an operator would: counts may
            # then use index-only scans.
            conn.execute(text("VACUUM ANALYZE"))
    return time.monotonic() - started


def prepare(database_url, count, reset=True):
    """Migrate and seed the database at ``database_url`` (a PostgreSQL one rebuilt first when ``reset``), then
    add ``count`` applications; prints and returns the seconds the applications took."""
    if reset and database_url.startswith("postgres"):
        reset_postgres(database_url)
    app = build_app(database_url, Path(tempfile.mkdtemp(prefix="jishi-bench-")))
    with app.app_context():
        from flask_migrate import upgrade

        from app.reference.seed import seed_all

        upgrade()
        seed_all()
        seconds = populate(count)
    print(f"generated {count:,} applications in {seconds:.1f} s ({count / seconds:,.0f} rows/s)", flush=True)
    return seconds


def measure_in_child(script, doc, measure, rows):
    """The command line of a bench whose figures are taken in a fresh child process (its peak RSS then is the
    measured work's, not the generator's): ``--database-url`` (default: a new SQLite file in a temporary
    folder), ``--rows`` (default ``rows``), ``--reuse`` (the database is already filled). The database is
    filled by :func:`prepare` first, then ``script --measure`` runs ``measure(database_url)``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--reuse", action="store_true", help="do not regenerate: the database is already filled")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='jishi-bench-')}/bench.db"
    if args.measure:
        measure(url)
        return
    if not args.reuse:
        prepare(url, args.rows)
    subprocess.run([sys.executable, script, "--measure", "--database-url", url], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="PostgreSQL: drop and rebuild the public schema first")
    args = parser.parse_args()
    prepare(args.database_url, args.count, reset=args.reset)


if __name__ == "__main__":
    main()
