"""Time of the certificate register import (10^5 rows, target ≤ 60 s) and of matching 10^4 区县局初审通过
applications against it (target ≤ 10 s): the code paths behind 证书信息核对. Wall time and the process's
CPU time are both printed (on a busy machine the first is mostly waiting).

    python bench/register_bench.py                                   # SQLite in a temporary folder
    python bench/register_bench.py --database-url postgresql://postgres@127.0.0.1/jishi_bench

The database is filled by bench/generate.py first (a PostgreSQL database is emptied!) with enough
applications for 10^4 of them to be 区县局初审通过. The register file is a real .xlsx written by openpyxl
as the authority would send it: one row per 区县局初审通过 application (one in ten with a difference, one in
twenty left out), the rest other certificates. Printed, not tested.
"""
import argparse
import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import SURNAMES, TRADES, id_number, prepare  # noqa: E402  (after the path is set)

IMPORT_TARGET = 60.0
MATCH_TARGET = 10.0
HEADER = ["证书编号", "姓名", "身份证号码", "等级", "工种", "发证日期", "发证机构"]
LEVELS = {"2": "技师", "1": "高级技师"}


def register_rows(applications, total):
    """Rows of the register: the applications' (some changed, some left out), then other certificates."""
    rows = []
    for n, a in enumerate(applications):
        if n % 20 == 19:
            continue  # 未找到
        name = a.name + "某" if n % 10 == 3 else a.name  # 有差异: 姓名
        issued = a.certificate_date - timedelta(days=1) if n % 10 == 7 else a.certificate_date
        rows.append([a.certificate_no, name, a.id_number, LEVELS[a.new_level], a.trade, issued,
                     a.certificate_issuer])
    k = 0
    while len(rows) < total:
        serial = 2_000_000 + k
        rows.append([f"31{serial:012d}", SURNAMES[k % len(SURNAMES)] + "测试", id_number(serial),
                     LEVELS["2" if k % 4 else "1"], TRADES[k % len(TRADES)],
                     date(2014, 1, 1) + timedelta(days=k % 600), "上海市人力资源和社会保障局"])
        k += 1
    return rows


def register_file(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("证书信息")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(database_url, register_size):
    from bench.generate import build_app

    app = build_app(database_url, Path(tempfile.mkdtemp(prefix="jishi-bench-")))
    with app.app_context():
        from sqlalchemy import func, select

        from app.accounts.models import AppUser
        from app.applications.models import Application
        from app.campaigns.models import Campaign
        from app.extensions import db
        from app.verification import services

        dialect = db.engine.dialect.name
        admin = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%")))
        campaign = db.session.scalar(select(Campaign).where(Campaign.name.like("压测活动%")))
        approved = db.session.scalars(select(Application).where(
            Application.campaign_id == campaign.id, Application.state == "district_approved")
            .order_by(Application.id)).all()
        began = time.perf_counter()
        data = register_file(register_rows(approved, register_size))
        print(f"[{dialect}] register file: {register_size:,} rows, {len(data) / 1e6:.1f} MB, written in "
              f"{time.perf_counter() - began:.1f} s", flush=True)
        db.session.expunge_all()

        began, cpu = time.perf_counter(), time.process_time()
        outcome = services.import_register(admin, "证书信息.xlsx", data)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        assert outcome.ok, [str(e) for e in outcome.errors[:5]]
        flag = "" if seconds <= IMPORT_TARGET else "  > target"
        print(f"[{dialect}] register import: {outcome.register_import.row_count:,} rows in {seconds:.1f} s "
              f"(CPU of this process {cpu:.1f} s; target ≤ {IMPORT_TARGET:.0f} s){flag}", flush=True)

        db.session.expunge_all()
        began, cpu = time.perf_counter(), time.process_time()
        summary = services.match_applications(admin, campaign_id=campaign.id)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        flag = "" if seconds <= MATCH_TARGET else "  > target"
        print(f"[{dialect}] matching: {summary.total:,} applications in {seconds:.1f} s "
              f"(CPU of this process {cpu:.1f} s; target ≤ {MATCH_TARGET:.0f} s){flag}; 全部一致 {summary.counts['match']:,}, "
              f"有差异 {summary.counts['different']:,}, 未找到 {summary.counts['not_found']:,}", flush=True)
        stored = db.session.scalar(select(func.count()).select_from(services.RegisterMatch))
        print(f"[{dialect}] results stored: {stored:,}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--applications", type=int, default=50_000,
                        help="applications generated (a fifth of them 区县局初审通过); default 50,000")
    parser.add_argument("--register-rows", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="do not regenerate: the database is already filled")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='jishi-bench-')) / 'bench.db'}"
    if not args.reuse:
        prepare(url, args.applications)
    measure(url, args.register_rows)


if __name__ == "__main__":
    main()
