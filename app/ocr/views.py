"""The form's 「从扫描件识别」 (我要报名 and 修改报名表; the 基层工会用户's ``can_apply``), HTTP only:

- ``POST /apply/scan/``: the scans the form carries (ids of the clerk's own pending uploads or of the
  application it corrects; any other id answers 404) and any file just chosen for 身份证复印件 / 等级证书复印件
  (stored as the clerk's pending upload, as the form's submission would) → a ``scan_form`` job;
- ``GET /apply/scan/<job id>``: that job's state and, once done, the fields read, as the form takes them.
"""
from flask import abort, g, jsonify, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access_api

from app.applications import attachments as files
from app.applications import services as intake
from app.applications.forms import attachment_input, store_sent_files
from app.applications.models import Application
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.models import JobState
from app.ocr import services
from app.reference import data
from app.security.scoping import UNIT, get_in_scope_or_404

NOTHING_TO_READ = "请先选择或上传身份证复印件或等级证书复印件"


def _application(value):
    """The application being corrected (the clerk's own unit's), or None for a new one."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        abort(404)
    return get_in_scope_or_404(db.session, Application, int(value), g.user, UNIT)


def _titles(values):
    """How a few filled values read (the level's name) for the 「扫描件识别为：…」 notes."""
    titles = dict(values)
    if values.get("new_level"):
        titles["new_level"] = data.names(data.SKILL_LEVELS).get(values["new_level"], values["new_level"])
    return titles


class ScanFormView(BaseView):
    route_base = "/apply/scan"
    class_permission_name = "ApplyView"
    base_permissions = ["can_apply"]  # noqa: RUF012 (FAB's API)
    method_permission_name = {"start": "apply", "result": "apply"}  # noqa: RUF012

    @expose("/", methods=["POST"])
    @has_access_api
    def start(self):
        user = g.user
        on, reason = services.status()
        if not on:
            return jsonify(error=reason or "扫描件识别当前不可用"), 409
        application = _application(request.form.get("application"))
        wanted = {v.strip() for v in (request.form.get(attachment_input(k), "") for k in services.READ_KINDS)
                  if v.strip()}
        if any(not v.isdigit() or len(v) > 12 for v in wanted):
            abort(404)
        found = intake.resolve_attachments(user, wanted, application)
        if len(found) != len(wanted):
            abort(404)  # somebody else's upload, or none at all: as if it did not exist
        stored, errors = store_sent_files(user, services.READ_KINDS)
        chosen = {**{a.kind: a for a in found if services.readable(a)}, **stored}
        if errors:
            db.session.rollback()
            return jsonify(error="；".join(errors.values()), fields=errors), 400
        if not chosen:
            return jsonify(error=NOTHING_TO_READ), 400
        db.session.commit()
        uploads = [{"kind": a.kind, "input": attachment_input(a.kind), "id": a.id, "name": a.original_name,
                    "size": files.size_text(a.size),
                    "url": url_for("ApplicationDocumentView.attachment", attachment_id=a.id)}
                   for a in chosen.values()]
        job = jobs.submit_job(services.FORM_JOB, owner=user, params={
            "attachment_ids": [a["id"] for a in uploads],
            "application_id": application.id if application is not None else None})
        return jsonify(job=job.id, status=url_for(".result", job_id=job.id), uploads=uploads), 202

    @expose("/<int:job_id>")
    @has_access_api
    def result(self, job_id):
        user = g.user
        job = jobs.own_job_or_none(user, job_id)
        if job is None or job.kind != services.FORM_JOB:
            abort(404)
        if job.state == JobState.FAILED.value:
            return jsonify(state=job.state, error=job.error or "识别未能完成")
        if job.state != JobState.DONE.value:
            return jsonify(state=job.state)
        params = job.params or {}
        application = None
        if params.get("application_id"):
            application = db.session.get(Application, params["application_id"])
            if application is not None:
                application = get_in_scope_or_404(db.session, Application, application.id, user, UNIT)
        scans = intake.resolve_attachments(user, params.get("attachment_ids") or (), application)
        values, reasons = services.form_values(scans)
        return jsonify(state=job.state, values=values, titles=_titles(values), reasons=reasons)
