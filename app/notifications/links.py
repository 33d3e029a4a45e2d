"""Where a message leads: the object it is about, on the page the reader's role uses, if it is still in the
reader's scope (None otherwise: the message stays, its link does not)."""
from flask import url_for
from sqlalchemy import select

from app.applications.models import Application
from app.campaigns import requests as district_requests
from app.extensions import appbuilder, db
from app.jobs.models import Job
from app.security.scoping import get_in_scope

#: The application pages, in the order a role is looked for (the first the user may open is used).
APPLICATION_PAGES = ("MyApplicationModelView", "DistrictReviewModelView", "FinalReviewModelView",
                     "FundingModelView")


def _ids(parts):
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


def _application(user, pk):
    if get_in_scope(db.session, Application, pk, user) is None:
        return None
    for view in APPLICATION_PAGES:
        if appbuilder.sm.has_access("can_show", view):
            return url_for(f"{view}.show", pk=pk)
    return None


def _request(user, batch_id, org_id):
    if district_requests.visible_batch(batch_id) is None or \
            district_requests.organisation_in_scope(user, org_id) is None:
        return None
    if appbuilder.sm.has_access("can_edit", "DistrictRequestView"):
        return url_for("DistrictRequestView.edit", batch_id=batch_id, org_id=org_id)
    if appbuilder.sm.has_access("can_show", "DistrictRequestAdminView"):
        return url_for("DistrictRequestAdminView.show", batch_id=batch_id, org_id=org_id)
    return None


def _batch(user, batch_id):
    if district_requests.visible_batch(batch_id) is None:
        return None
    if appbuilder.sm.has_access("can_list", "DistrictReviewModelView"):
        return url_for("DistrictReviewModelView.list", _flt_0_batch=batch_id, _flt_0_state="pending")
    return None


def _job(user, job_id):
    """我的任务 lists the user's own jobs (and only those)."""
    owner = db.session.scalar(select(Job.owner_id).where(Job.id == job_id))
    if owner != user.id or not appbuilder.sm.has_access("can_list", "JobView"):
        return None
    return url_for("JobView.list")


RESOLVERS = {"application": (_application, 1), "request": (_request, 2), "batch": (_batch, 1), "job": (_job, 1)}


def link_for(user, target):
    """The address of ``target`` ("kind:id[:id]") for ``user``, or None."""
    if not target:
        return None
    kind, *parts = target.split(":")
    resolver = RESOLVERS.get(kind)
    ids = _ids(parts)
    if resolver is None or ids is None or len(ids) != resolver[1]:
        return None
    return resolver[0](user, *ids)
