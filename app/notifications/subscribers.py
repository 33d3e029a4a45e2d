"""Who is told what: subscribers of the workflow's ``state_changed``, of the 申请单's ``request_changed`` and
(when the job queue is present) of ``job_finished``. Each queues its messages (app.notifications.services),
so nothing is written outside the transaction of the change itself."""
from app.campaigns import signals as request_signals
from app.extensions import db
from app.jobs import registry
from app.jobs import signals as job_signals
from app.jobs.models import JobState
from app.notifications.services import admins_of, city_admins, queue
from app.review import signals as review_signals

#: The submitter (基层工会用户) hears of its application's decisions, returns and payments.
CLERK_TEXTS = {
    "approve_by_district": "您提交的{name}的申请已被区县局初审通过",
    "reject_by_district": "您提交的{name}的申请区县局初审未通过，已退回修改。原因：{reason}",
    "approve_final": "您提交的{name}的申请已通过市技协服务中心终审",
    "reject_final": "您提交的{name}的申请市技协服务中心终审未通过。原因：{reason}",
    "fund": "您提交的{name}的申请已由市总财务部配套发放奖励",
    "record_payment": "您提交的{name}的奖励已发放至职工",
    "void": "您提交的{name}的申请已被作废。原因：{reason}",
}
#: The district's admins hear what its units submit, correct and withdraw.
DISTRICT_TEXTS = {
    "submit": "{unit}提交了{name}的申请，待初审",
    "correct": "{unit}修改了{name}的报名表，待初审",
    "withdraw": "{unit}撤回了{name}的申请",
}


def _unit(application):
    org = application.organisation
    return (org.unit_name or org.name) if org is not None else "基层工会"


def on_state_changed(application, record=None, user=None, **_extra):
    action = record.action if record is not None else None
    actor = getattr(user, "id", None)
    target = f"application:{application.id}"
    if action in CLERK_TEXTS:
        text = CLERK_TEXTS[action].format(name=application.name, reason=(record.comment or "").strip() or "未填写")
        queue([application.submitted_by_id], action, text, target, skip=actor)
    elif action in DISTRICT_TEXTS:
        text = DISTRICT_TEXTS[action].format(unit=_unit(application), name=application.name)
        queue(admins_of(application.district_id), action, text, target, skip=actor)


def on_states_changed(_sender=None, changes=(), user=None, **_extra):
    """A bulk decision's changes at once: each still gets its own message, queued in one list (written with
    the others in one INSERT before the commit)."""
    for application, record in changes:
        on_state_changed(application, record=record, user=user)


def on_request_changed(request, action=None, user=None, comment=None, **_extra):
    batch = request.batch
    batch_name = f"{batch.campaign.name} {batch.name}" if batch is not None else ""
    target = f"request:{request.batch_id}:{request.organisation_id}"
    actor = getattr(user, "id", None)
    if action == "submit":
        queue(city_admins(), "request_submit", f"{request.organisation.name}提交了{batch_name}的申请单",
              target, skip=actor)
    elif action == "return":
        queue(admins_of(request.organisation_id), "request_return",
              f"市职工技协服务中心退回了本单位{batch_name}的申请单，请修改后重新提交。原因：{comment or '未填写'}",
              target, skip=actor)


def on_job_finished(job, **_extra):
    """The owner of a job hears that it ended. Sent after the job's record is committed: commits itself.
    Kinds kept off 我的任务 (registry ``listed=False``) are not announced either."""
    if not registry.listed(job.kind):
        return
    title = registry.title_of(job.kind)
    if job.state == JobState.DONE.value:
        text = f"您的任务“{title}”已完成"
    else:
        text = f"您的任务“{title}”失败：{job.error or '原因未知'}"
    queue([job.owner_id], "job_done" if job.state == JobState.DONE.value else "job_failed", text, f"job:{job.id}")
    db.session.commit()


def connect():
    """Subscribe (weakly referenced module functions stay alive: they are module globals)."""
    review_signals.subscribe(on_state_changed, on_states_changed)
    request_signals.request_changed.connect(on_request_changed)
    job_signals.job_finished.connect(on_job_finished)
