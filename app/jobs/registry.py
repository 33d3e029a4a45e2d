"""Job kinds: each domain declares its own in ``app/<domain>/jobs.py``::

    from app.jobs.registry import job_kind, JobError

    @job_kind("register_import", title="导入证书信息", changes_data=True)
    def run_register_import(ctx, **params):
        ctx.progress(done, total)               # shown on 我的任务 at once
        with ctx.result_file("核对结果.xlsx") as out:  # a result file (optional), encrypted at rest
            write_xlsx(out, columns, rows)
        ctx.at_end(cleanup)                      # once the job is over (not when interrupted: it runs again)
        raise JobError("第3行：身份证号码校验位不正确")  # fails the job with this message
        raise JobError("共3处错误", keep_result=True)      # fails it, keeping the file written (错误清单)

The function runs in the consumer inside an app context; the runner commits what it wrote together with
the job's 已完成, or rolls all of it back when it fails (all or nothing).
"""
from dataclasses import dataclass


class JobError(Exception):
    """Ends a job as 失败 with this message (Chinese, for the user). ``keep_result``: the file written through
    ``ctx.result_file`` stays the job's result (failed with a result: e.g. the error list of a refused import,
    offered to its owner like a finished job's file); otherwise it is deleted."""

    def __init__(self, message, *, keep_result=False):
        super().__init__(message)
        self.message = str(message)
        self.keep_result = keep_result


class UnknownJobKind(LookupError):
    pass


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    func: object
    #: The job writes data (an import, an intake): its start and end go to the security log too.
    changes_data: bool = False
    #: Shown on 我的任务 and announced in 消息中心 when it ends. False for work the platform starts by itself
    #: beside a user's step (e.g. reading the scans of a submitted application), whose outcome shows where
    #: that step's result is shown.
    listed: bool = True


_KINDS = {}


def job_kind(name, *, title, changes_data=False, listed=True):
    """Register the decorated function as the job kind ``name`` shown as ``title``. ``changes_data=True``
    for a job that writes data: its submission and its end are then also in the security log (安全日志);
    the job record is the trail of every job (who, what, parameters, when, how it ended). ``listed=False``
    keeps the kind off 我的任务 and out of 消息中心 (its record is kept all the same)."""
    if len(name) > 40:
        raise ValueError("job kind names are at most 40 characters")

    def decorator(func):
        known = _KINDS.get(name)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"job kind {name!r} is already registered by {known.func.__module__}")
        _KINDS[name] = JobKind(name, title, func, changes_data, listed)
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


def unlisted_kinds():
    """Names of the kinds kept off 我的任务 and 消息中心."""
    return sorted(name for name, kind in _KINDS.items() if not kind.listed)


def listed(name):
    kind = _KINDS.get(name)
    return kind is None or kind.listed
