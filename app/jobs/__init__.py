"""Background jobs: long work (large exports, imports) runs in a Huey consumer, not in a web request.

- ``models.Job``: the record a user sees on 我的任务 (owner, kind, parameters, state, progress, result, error);
- ``queue.huey``: the one Huey instance (SQLite file in the instance folder, or Redis with REDIS_URL), and
  ``queue.app_periodic_task`` for periodic work inside an app context;
- ``registry``: ``@job_kind(name, title=…)`` declares a kind in a domain's own ``app/<domain>/jobs.py``,
  ``JobError`` fails a job with a Chinese message;
- ``services``: ``submit_job`` and the queries of 我的任务; ``runner``: what the consumer runs;
- ``signals.job_finished`` after a job ends; ``views``: 我的任务 at /jobs/.

The application factory imports every domain's ``jobs`` module; this package imports no domain.
"""
