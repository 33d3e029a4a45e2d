"""Job kinds: each domain declares its own in ``app/<domain>/jobs.py``::

    from app.jobs.registry import job_kind, JobError

    @job_kind("register_import", title="导入证书信息")
    def run_register_import(ctx, **params):
        ctx.progress(done, total)               # shown on 我的任务 at once
        path = ctx.result_path("核对结果.xlsx")   # where to write a result file (optional)
        raise JobError("第3行：身份证号码校验位不正确")  # fails the job with this message
        return path                              # or None

The function runs in the consumer inside an app context; the runner commits what it wrote together with
the job's 已完成, or rolls all of it back when it fails (all or nothing).
"""
from dataclasses import dataclass


class JobError(Exception):
    """Ends a job as 失败 with this message (Chinese, for the user)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class UnknownJobKind(LookupError):
    pass


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    func: object


_KINDS = {}


def job_kind(name, *, title):
    """Register the decorated function as the job kind ``name`` shown as ``title``."""
    if len(name) > 40:
        raise ValueError("job kind names are at most 40 characters")

    def decorator(func):
        known = _KINDS.get(name)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job kind {name!r} is already registered by {known.func.__module__}")
        _KINDS[name] = JobKind(name, title, func)
        return func
    return decorator


def get_kind(name):
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKind(name) from None


def title_of(name):
    kind = _KINDS.get(name)
    return kind.title if kind else name


def kinds():
    return dict(_KINDS)
