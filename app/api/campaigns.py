"""/api/v1/campaigns and /api/v1/batches (read): what every role sees on 报名活动; drafts only for those who
manage campaigns (as on the page)."""
from flask import request
from flask_appbuilder.api import BaseApi, ModelRestApi, expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import schemas, spec
from app.api.auth import SpecFromDictMixin, TokenAuthMixin
from app.campaigns.models import Batch, Campaign, CampaignState
from app.extensions import db


def _day(value):
    return value.isoformat() if value else None


def _money(value):
    return None if value is None else f"{value:.2f}"


def batch_item(batch):
    return {"id": batch.id, "campaign_id": batch.campaign_id, "campaign": batch.campaign.name,
            "number": batch.number, "name": batch.name, "opens_on": _day(batch.opens_on),
            "system_deadline": _day(batch.system_deadline), "paper_deadline": _day(batch.paper_deadline)}


def campaign_item(campaign):
    return {"id": campaign.id, "name": campaign.name, "category": campaign.category, "state": campaign.state,
            "state_title": campaign.state_title, "start_date": _day(campaign.start_date),
            "end_date": _day(campaign.end_date), "cert_issued_from": _day(campaign.cert_issued_from),
            "cert_issued_to": _day(campaign.cert_issued_to),
            "reward_technician": _money(campaign.reward_technician),
            "reward_senior_technician": _money(campaign.reward_senior_technician),
            "batches": [batch_item(b) for b in campaign.batches]}


def visible(sm):
    """The WHERE clause of the campaigns this user sees: drafts only with 报名活动's edit right."""
    if sm.has_access("can_edit", "CampaignView"):
        return Campaign.id.isnot(None)
    return Campaign.state != CampaignState.DRAFT.value


class _ReadApi(TokenAuthMixin, SpecFromDictMixin, ModelRestApi):
    """A read-only list and item of what the user sees; ``item`` makes one row's JSON."""

    method_permission_name = {"get_list": "read", "get": "read"}  # noqa: RUF012
    include_route_methods = {"get_list", "get"}  # noqa: RUF012
    # FAB's model API wants columns; the handlers answer through ``item`` instead.
    list_columns = show_columns = add_columns = edit_columns = ["id", "name"]  # noqa: RUF012

    def add_apispec_components(self, api_spec):
        BaseApi.add_apispec_components(self, api_spec)

    def listing(self, statement):
        """Every row of ``statement`` (ordered), with their count."""
        rows = db.session.scalars(statement).all()
        return self.ok(count=len(rows), result=[self.item(row) for row in rows])

    def one(self, pk, statement_of):
        """The row ``statement_of(id)`` finds for the path's ``pk``, or 404 (also for a malformed id)."""
        pk = spec.parse_id(pk)
        row = db.session.scalar(statement_of(pk)) if pk else None
        if row is None:
            return self.response_404()
        return self.ok(id=row.id, result=self.item(row))


class CampaignApi(_ReadApi):
    resource_name = "campaigns"
    openapi_spec_tag = "报名活动 campaigns"
    datamodel = SQLAInterface(Campaign)
    class_permission_name = "CampaignApi"
    list_model_schema = show_model_schema = schemas.CampaignItem()
    item = staticmethod(campaign_item)
    openapi_spec_methods = {  # noqa: RUF012
        "get_list": {"get": spec.operation("报名活动及其批次", "CampaignList", parameters=[
            spec.query("state", "状态", {"type": "string", "enum": ["draft", "published", "ended"]})])},
        "get": {"get": spec.operation("一个报名活动", "CampaignShow", codes=(404,),
                                      parameters=[spec.path_id("pk", "报名活动 id")])},
    }

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get_list")
    def get_list(self, **kwargs):
        statement = select(Campaign).where(visible(self.appbuilder.sm)).options(
            selectinload(Campaign.batches).selectinload(Batch.campaign))
        state = request.args.get("state")
        if state:
            if state not in {s.value for s in CampaignState}:
                return self.response_400("state 应为 draft、published 或 ended")
            statement = statement.where(Campaign.state == state)
        return self.listing(statement.order_by(Campaign.start_date.desc(), Campaign.id.desc()))

    @expose("/<pk>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def get(self, pk, **kwargs):
        return self.one(pk, lambda pk: select(Campaign).where(Campaign.id == pk, visible(self.appbuilder.sm)))


class BatchApi(_ReadApi):
    resource_name = "batches"
    openapi_spec_tag = "批次 batches"
    datamodel = SQLAInterface(Batch)
    class_permission_name = "BatchApi"
    list_model_schema = show_model_schema = schemas.BatchItem()
    item = staticmethod(batch_item)
    openapi_spec_methods = {  # noqa: RUF012
        "get_list": {"get": spec.operation("批次", "BatchList",
                                           parameters=[spec.query_id("campaign", "报名活动 id")])},
        "get": {"get": spec.operation("一个批次", "BatchShow", codes=(404,),
                                      parameters=[spec.path_id("pk", "批次 id")])},
    }

    def _statement(self):
        return (select(Batch).join(Campaign, Campaign.id == Batch.campaign_id)
                .where(visible(self.appbuilder.sm)).options(selectinload(Batch.campaign)))

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get_list")
    def get_list(self, **kwargs):
        statement = self._statement()
        if request.args.get("campaign") is not None:
            campaign_id = spec.parse_id(request.args.get("campaign"))
            if campaign_id is None:
                return self.response_400("campaign 应为报名活动 id")
            statement = statement.where(Batch.campaign_id == campaign_id)
        return self.listing(statement.order_by(Campaign.start_date.desc(), Campaign.id.desc(), Batch.number))

    @expose("/<pk>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def get(self, pk, **kwargs):
        return self.one(pk, lambda pk: self._statement().where(Batch.id == pk))
