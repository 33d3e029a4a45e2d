"""Signals of the job queue (blinker)."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=job`` after a job has ended (已完成 or 失败) and its record is committed.
job_finished = _signals.signal("job-finished")
