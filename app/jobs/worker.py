"""What a queue consumer process loads: ``huey_consumer app.jobs.worker.huey -k thread -w 4``.

Creates the app from the environment (DATABASE_URL, REDIS_URL, JOB_RESULT_DIR, UPLOAD_DIR: the same as the web
servers'), which configures the queue and registers every job kind and periodic task.
"""
from app import create_app
from app.jobs.queue import huey  # noqa: F401  (the instance huey_consumer runs)

application = create_app()
