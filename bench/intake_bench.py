"""Time of the Excel intake (批量导入) of 2,000 rows, the work of one upload request (target ≤ 20 s).

    python bench/intake_bench.py                          # SQLite in a temporary folder, 10^4 applications before
    python bench/intake_bench.py --database-url postgresql://postgres@127.0.0.1/jishi_bench
    python bench/intake_bench.py --rows 2000 --existing 100000 --no-scans

The database is filled by bench/generate.py first (a PostgreSQL database is emptied!), so the first-time
rule looks up every row among existing applications. A clerk's template is downloaded (written), filled
with ``--rows`` rows by openpyxl as a clerk would, with a zip of three scans per row unless ``--no-scans``;
then the upload's work is timed: read the workbook, check every row through the intake services, read and
check the zip, create every application with its audit record and scans, commit. Printed, not tested.
"""
import argparse
import io
import os
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import bank_card, build_app, id_number, prepare  # noqa: E402  (after the path is set)

TARGET_SECONDS = 20
FIRST_SERIAL = 5_000_000


def scan_bytes():
    from PIL import Image

    png, jpeg = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (300, 200), (220, 230, 240)).save(png, "PNG")
    Image.new("RGB", (300, 200), (240, 220, 200)).save(jpeg, "JPEG")
    pdf = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] "
           b"/Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return {"身份证.png": png.getvalue(), "等级证书.pdf": pdf, "银行卡.jpg": jpeg.getvalue()}


def filled_workbook(campaign, batch, rows, first_serial):
    """The batch's template written and filled with ``rows`` rows (bytes), and their ID numbers."""
    from openpyxl import load_workbook

    from app.applications import bulk
    from app.applications.rules import FIELD_LABELS
    from app.reference import data

    template = io.BytesIO()
    bulk.write_template(template, campaign, batch)
    workbook = load_workbook(io.BytesIO(template.getvalue()))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = {name: headers.index(label) + 1 for name, label in FIELD_LABELS.items()}
    numbers = []
    for i in range(rows):
        serial = first_serial + i
        number = id_number(serial)
        numbers.append(number)
        values = {
            "variant": "通用工种", "name": "压测" + "甲乙丙丁戊己庚辛"[i % 8] + "某",
            "gender": "男" if int(number[16]) % 2 else "女", "mobile": f"139{i:08d}", "industry": "制造业",
            "education": "大专", "previous_level": "高级工（国家职业资格三级）",
            "previous_level_date": date(2010, 5, 1), "trade": "焊工", "new_level": "技师（国家职业资格二级）",
            "certificate_no": f"BI{serial:010d}",
            "certificate_date": date(2014, 12, 1), "certificate_issuer": data.CITY_HR_AUTHORITY, "id_number": number,
            "bank_name": "中国工商银行", "bank_card_no": bank_card(serial), "employer": "上海压测单位有限公司",
            "unit_kind": "国有（国有控股）", "address": "上海市宝山区测试路1号", "postcode": "200431",
            "is_migrant": "否",
        }
        for name, value in values.items():
            sheet.cell(row=i + 2, column=column[name], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), numbers


def scans_zip(numbers):
    files = scan_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in numbers:
            for suffix, content in files.items():
                archive.writestr(f"{number}_{suffix}", content)
    return out.getvalue()


def measure(database_url, rows, with_scans, first_serial=FIRST_SERIAL):
    app = build_app(database_url, Path(tempfile.mkdtemp(prefix="jishi-bench-")))
    with app.app_context():
        from sqlalchemy import func, select

        from app.accounts.models import AppUser
        from app.applications import bulk
        from app.applications.models import Application
        from app.campaigns.models import Batch, Campaign
        from app.clock import clock
        from app.extensions import db

        clerk = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_u0_0_%")))
        campaign = db.session.scalar(select(Campaign).where(Campaign.name.like("压测活动%")))
        batch = db.session.scalar(select(Batch).where(Batch.campaign_id == campaign.id, Batch.number == 1))
        clock.set(date(2015, 3, 10))
        before = db.session.scalar(select(func.count(Application.id)))
        began = time.perf_counter()
        workbook, numbers = filled_workbook(campaign, batch, rows, first_serial)
        archive = scans_zip(numbers) if with_scans else None
        prepared = time.perf_counter() - began
        dialect = db.engine.dialect.name
        print(f"[{dialect}] {rows:,} rows filled in {prepared:.1f} s: workbook {len(workbook) / 1e6:.1f} MB"
              + (f", zip of {len(numbers) * 3:,} scans {len(archive) / 1e6:.1f} MB" if archive else "")
              + f"; {before:,} applications already in the database", flush=True)
        began, cpu = time.perf_counter(), time.process_time()
        with app.test_request_context():
            intake = bulk.import_applications(clerk, batch, workbook, io.BytesIO(archive) if archive else None)
            assert intake.ok, intake.problems[:5]
            db.session.commit()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        after = db.session.scalar(select(func.count(Application.id)))
        verdict = "within" if seconds <= TARGET_SECONDS else "OVER"
        print(f"[{dialect}] bulk intake of {len(intake.created):,} rows"
              + (f" with {len(numbers) * 3:,} scans" if archive else "")
              + f": {seconds:.1f} s ({len(intake.created) / seconds:,.0f} rows/s; CPU time of the process "
              f"{cpu:.1f} s, load average {os.getloadavg()[0]:.1f}) — target ≤ {TARGET_SECONDS} s, {verdict}; "
              f"{after - before:,} applications created", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--existing", type=int, default=10_000, help="applications generated beforehand")
    parser.add_argument("--no-scans", action="store_true", help="upload the workbook alone")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='jishi-bench-')}/bench.db"
    prepare(url, args.existing)
    measure(url, args.rows, with_scans=False)
    if not args.no_scans:
        # A second upload of other rows, this time with a zip of scans.
        measure(url, args.rows, with_scans=True, first_serial=FIRST_SERIAL + args.rows)


if __name__ == "__main__":
    main()
