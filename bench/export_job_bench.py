"""Peak memory and time of a whole-city 汇总表 written as a background job (the path above
EXPORT_JOB_THRESHOLD rows), with its progress as 我的任务 shows it.

    python bench/export_job_bench.py --rows 1000000                 # SQLite in a temporary folder
    python bench/export_job_bench.py --rows 1000000 --database-url postgresql://postgres@127.0.0.1/jishi_bench
    python bench/export_job_bench.py --reuse --database-url ...     # the database is already filled

The database is filled by bench/generate.py first (a PostgreSQL database is emptied!). Then a fresh child
process, like a queue consumer, submits the job for the city's 系统管理员, runs it on Huey's real consumer
(a worker thread), reads its progress the way 我的任务 does while it runs, and prints the peak RSS of the
whole process (app, consumer and export) against the target. Printed, not tested.
"""
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import measure_in_child  # noqa: E402  (after the path is set)

TARGET_MB = 200


def rss_mb():
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    """Resident memory of this process now (MB; Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(database_url):
    from bench.generate import build_app

    instance = Path(tempfile.mkdtemp(prefix="jishi-job-bench-"))
    os.environ.pop("REDIS_URL", None)
    app = build_app(database_url, instance)
    with app.app_context():
        from sqlalchemy import select

        from app.accounts.models import AppUser
        from app.exports.jobs import SUMMARY_JOB, filter_params
        from app.extensions import db
        from app.jobs import services
        from app.jobs.consumer import start_embedded, stop_embedded
        from app.jobs.models import Job
        from app.jobs.runner import result_file_path
        from app.review.queries import ApplicationFilter

        city = db.session.scalar(select(AppUser).where(AppUser.username.like("bench_admin_%")))
        dialect = db.engine.dialect.name
        job_id = services.submit_job(SUMMARY_JOB, owner=city, params={
            "filter": filter_params(ApplicationFilter()), "description": "", "organisation": "上海市职工技协服务中心",
            "campaign": None, "batch": None}).id
        db.session.remove()
        base = rss_mb()
        began = time.monotonic()
        consumer = start_embedded(app, workers=1)
        shown = -10
        try:
            while True:
                time.sleep(1)
                job = db.session.get(Job, job_id)
                done, total, percent = services.progress_of(job)
                if percent is not None and (percent >= shown + 10 or not job.active):
                    shown = percent
                    print(f"[{dialect}] {time.monotonic() - began:6.1f} s  {job.state_title}  {percent:3d}%  "
                          f"{done:,} / {total or 0:,}   RSS {current_rss_mb():.0f} MB", flush=True)
                state = job.state
                db.session.remove()
                if state in ("done", "failed"):
                    break
        finally:
            stop_embedded(consumer)
        job = db.session.get(Job, job_id)
        seconds = (job.finished_at - job.started_at).total_seconds()
        if job.state != "done":
            print(f"[{dialect}] the job failed: {job.error}")
            return
        size = result_file_path(job).stat().st_size
        peak = rss_mb()
        print(f"[{dialect}] whole city as a job: {job.total:,} rows in {seconds:.1f} s "
              f"({job.total / seconds:,.0f} rows/s), file {size / 1e6:.1f} MB")
        print(f"[{dialect}] peak RSS of the consumer process {peak:.0f} MB ({base:.0f} MB before the job); "
              f"target ≤ {TARGET_MB} MB: {'met' if peak <= TARGET_MB else 'NOT met'}", flush=True)


def main():
    measure_in_child(__file__, __doc__, measure, rows=1_000_000)


if __name__ == "__main__":
    main()
