"""/api/v1/requests (read): the 申请单 of the 区县局（产业）工会 in the user's scope, per batch (app.campaigns.requests)."""
from dataclasses import asdict

from flask import g, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_appbuilder.security.decorators import permission_name

from app.api import spec
from app.api.auth import SpecFromDictMixin, TokenAuthMixin
from app.campaigns import requests as svc


def _money(value):
    return None if value is None else f"{value:.2f}"


def request_item(batch, row):
    item = row.request
    return {
        "batch_id": batch.id, "organisation_id": row.organisation.id, "organisation": row.organisation.name,
        "status": row.status.value, "status_title": row.status.title,
        "counts": asdict(row.shown), "live_counts": asdict(row.live),
        "matching_technician": _money(item.matching_technician) if item else None,
        "matching_senior_technician": _money(item.matching_senior_technician) if item else None,
        "leader_name": item.leader_name if item else None, "handler_name": item.handler_name if item else None,
        "hr_opinion": item.hr_opinion if item else None,
        "submitted_at": spec.iso_time(item.submitted_at)
        if item and item.submitted_at else None,
        "return_reason": item.return_reason if item and not item.is_submitted else None,
    }


class DistrictRequestApi(TokenAuthMixin, SpecFromDictMixin, BaseApi):
    resource_name = "requests"
    openapi_spec_tag = "申请单 requests"
    class_permission_name = "DistrictRequestApi"
    method_permission_name = {"get_list": "read", "get": "read"}  # noqa: RUF012
    openapi_spec_methods = {  # noqa: RUF012
        "get_list": {"get": spec.operation(
            "一个批次各区县局（产业）工会的申请单", "RequestList", codes=(404,),
            parameters=[dict(spec.query_id("batch", "批次 id"), required=True)],
            description="市职工技协服务中心看到全部，区县局（产业）工会只看到本单位的。")},
        "get": {"get": spec.operation(
            "一份申请单及其操作记录", "RequestShow", codes=(404,),
            parameters=[spec.path_id("batch_id", "批次 id"), spec.path_id("org_id", "区县局（产业）工会 id")])},
    }

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get_list")
    def get_list(self):
        batch = svc.visible_batch(spec.parse_id(request.args.get("batch")))
        if batch is None:
            return self.response_404()
        rows = svc.batch_rows(g.user, batch)
        return self.ok(count=len(rows), result=[request_item(batch, row) for row in rows])

    @expose("/<batch_id>/<org_id>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def get(self, batch_id, org_id):
        batch = svc.visible_batch(spec.parse_id(batch_id))
        organisation = svc.organisation_in_scope(g.user, spec.parse_id(org_id))
        if batch is None or organisation is None:
            return self.response_404()
        item = svc.find_request(organisation.id, batch.id)
        live = svc.counts_for(g.user, organisation, batch)
        row = svc.Row(organisation, item, svc.status_of(item, batch), live, svc.submitted_counts(item))
        result = request_item(batch, row)
        result["events"] = [{
            "action": e.action, "action_title": svc.ACTION_TITLES.get(e.action, e.action),
            "user": (e.user.real_name or e.user.username) if e.user else "", "role": e.role,
            "comment": e.comment, "created_at": spec.iso_time(e.created_at),
        } for e in (item.events if item is not None else [])]
        return self.ok(result=result)
