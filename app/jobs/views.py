"""我的任务 (/jobs/): the signed-in user's own jobs with live progress, and their results.

- ``/jobs/``: the list (progress bars updated by static/js/jobs.js from ``/jobs/status``);
- ``/jobs/status``: the same jobs as JSON;
- ``/jobs/download/<id>``: a finished job's result file, for its owner only (404 for anyone else).
"""
import mimetypes

from flask import abort, current_app, g, jsonify, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import has_access_api

from app.clock import iso_minute
from app.jobs import registry, services
from app.jobs.runner import result_file_path
from app.security import sealed


def job_json(job):
    done, total, percent = services.progress_of(job)
    available = services.result_available(job)
    return {
        "id": job.id,
        "title": registry.title_of(job.kind),
        "detail": _detail(job),
        "state": job.state,
        "state_title": job.state_title,
        "active": job.active,
        "done": done,
        "total": total,
        "percent": percent,
        "created": iso_minute(job.created_at),
        "finished": iso_minute(job.finished_at),
        "error": job.error or "",
        "result_name": job.result_name or "",
        "download": url_for("JobView.download", job_id=job.id) if available else "",
        "expired": bool(job.state == "done" and job.result_name and not available),
    }


def _detail(job):
    """A line under the job's title: the filter it ran on, in words, when the job kind gives one."""
    value = (job.params or {}).get("description")
    return value if isinstance(value, str) else ""


class JobView(BaseView):
    """我的任务: every role that can start a job sees its own jobs, nobody else's."""

    route_base = "/jobs"
    default_view = "list"
    method_permission_name = {"list": "list", "status": "list", "download": "list"}  # noqa: RUF012
    base_permissions = ["can_list"]  # noqa: RUF012

    @expose("/")
    @has_access
    def list(self):
        jobs = [job_json(job) for job in services.own_jobs(g.user)]
        return self.render_template("jobs/list.html", title="我的任务", jobs=jobs,
                                    result_days=current_app.config.get("JOB_RESULT_DAYS", 7))

    @expose("/status")
    @has_access_api
    def status(self):
        return jsonify({"jobs": [job_json(job) for job in services.own_jobs(g.user)]})

    @expose("/download/<int:job_id>")
    @has_access
    def download(self, job_id):
        job = services.own_job_or_none(g.user, job_id)
        if job is None or not services.result_available(job):
            abort(404)
        name = job.result_name or "result"
        path = result_file_path(job)
        response = sealed.download(path, name, f"job_{job.id}{path.suffix}",
                                   mimetypes.guess_type(name)[0] or "application/octet-stream")
        if response is None:
            abort(404)
        return response
