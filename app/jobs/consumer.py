"""The consumer that ``python run.py`` starts beside the web server (the embedded default): Huey's own
Consumer with worker threads in this process; the web server keeps the process's signal handlers."""
import logging

from huey.consumer import Consumer

from app.jobs import runner
from app.jobs.queue import huey

logger = logging.getLogger(__name__)

#: Seconds a stopping web server waits for running jobs; those still running are queued again.
SHUTDOWN_TIMEOUT = 5


class EmbeddedConsumer(Consumer):
    def _set_signal_handlers(self):
        """Ctrl-C stops the web server, which then stops this consumer (stop_embedded)."""


def start_embedded(app, workers=None):
    """Queue again the jobs a previous run left 进行中, then start the consumer's threads."""
    with app.app_context():
        requeued = runner.requeue_interrupted()
    if requeued:
        logger.warning("%s interrupted job(s) queued again", requeued)
    consumer = EmbeddedConsumer(huey, workers=workers or app.config.get("JOBS_EMBEDDED_WORKERS", 2),
                                worker_type="thread", periodic=True, initial_delay=0.1, max_delay=1.0,
                                check_worker_health=False, shutdown_timeout=SHUTDOWN_TIMEOUT)
    consumer.start()
    return consumer


def stop_embedded(consumer, graceful=True):
    """Stop the consumer; a job still running is put back into the queue (runner._requeue_interrupted)."""
    consumer.stop(graceful=graceful)
    huey.notify_interrupted_tasks()
