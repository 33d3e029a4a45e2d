"""Time and memory of the 汇总表 Excel export (the code path behind 下载Excel) at 10^5 rows.

    python bench/export_bench.py                                   # SQLite in a temporary folder
    python bench/export_bench.py --database-url postgresql://postgres@127.0.0.1/jishi_bench
    python bench/export_bench.py --rows 1000000 --database-url ...  # the decade-and-more case

The database is filled by bench/generate.py first (a PostgreSQL database is emptied!). The export then
runs in a fresh child process, so its peak RSS (ru_maxrss) is the export's and not the generator's:
once plain for the time, once under tracemalloc for the peak of Python allocations. Printed, not tested.
"""
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import measure_in_child  # noqa: E402  (after the path is set)


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

        dialect = db.engine.dialect.name
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for label, login, trace in (("city, all rows", "bench_admin_%", True), ("one district", "bench_d0_%", False)):
            # Loaded in each round: the session is removed after the last one (its objects detached).
            user = db.session.scalar(select(AppUser).where(AppUser.username.like(login)))
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
    measure_in_child(__file__, __doc__, measure, rows=100_000)


if __name__ == "__main__":
    main()
