"""Time and memory of the 汇总表 Excel export (the code path behind 下载Excel) at 10^5 rows.

    python bench/export_bench.py                                   # SQLite in a temporary folder
    python bench/export_bench.py --database-url postgresql://postgres@127.0.0.1/jishi_bench
    python bench/export_bench.py --rows 1000000 --database-url ...  # the decade-and-more case

The database is filled by bench/generate.py first (a PostgreSQL database is emptied!). The export then
runs in a fresh child process, so its peak RSS (ru_maxrss) is the export's and not the generator's:
once plain for the time, once under tracemalloc for the peak of Python allocations. Printed, not tested.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import prepare  # noqa: E402  (after the path is set)


def export_once(user, trace=False):
    from app.exports import summary
    from app.exports.xlsx import write_xlsx
    from app.review.queries import ApplicationFilter

    target = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    target.close()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    count = write_xlsx(target.name, summary.summary_columns(), summary.summary_rows(user, ApplicationFilter()),
                       sheet_title="汇总表")
    seconds = time.perf_counter() - began
    peak = None
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    size = os.path.getsize(target.name)
    os.unlink(target.name)
    return count, seconds, peak, size


def measure(database_url):
    from bench.generate import build_app

    app = build_app(database_url, Path(tempfile.mkdtemp(prefix="jishi-bench-")))
    with app.app_context():
        from sqlalchemy import select

        from app.accounts.models import AppUser
        from app.extensions import db

        city = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%")))
        district = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_d0_%")))
        dialect = db.engine.dialect.name
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for label, user, trace in (("city, all rows", city, True), ("one district", district, False)):
            count, seconds, _peak, size = export_once(user)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"[{dialect}] {label}: {count:,} rows in {seconds:.1f} s ({count / seconds:,.0f} rows/s), "
                  f"file {size / 1e6:.1f} MB; peak RSS of the process {rss / 1024:.0f} MB "
                  f"({base_rss / 1024:.0f} MB before the first export)", flush=True)
            if trace:
                # tracemalloc traces every allocation: several times slower, same rows.
                _count, traced_seconds, peak, _size = export_once(user, trace=True)
                print(f"[{dialect}] {label}: tracemalloc peak {peak / 1e6:.1f} MB of Python allocations "
                      f"(traced run {traced_seconds:.0f} s)", flush=True)
            db.session.remove()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="do not regenerate: the database is already filled")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='jishi-bench-')}/bench.db"
    if args.measure:
        measure(url)
        return
    if not args.reuse:
        prepare(url, args.rows)
    subprocess.run([sys.executable, __file__, "--measure", "--database-url", url], check=True)


if __name__ == "__main__":
    main()
