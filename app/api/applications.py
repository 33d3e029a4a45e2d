"""/api/v1/applications: the scoped list (filters, keyset paging), one application, and its transitions.

The same rules as the pages: the list is app.review.queries over app.security.scoping (a foreign id answers
404); a transition is allowed only where the role has the page that offers it, and goes through
app.review.decisions / app.review.services (workflow table, optimistic lock, audit record marked "api").
"""
from flask import g, request
from flask_appbuilder.api import BaseApi, ModelRestApi, expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.api import schemas, spec
from app.api.auth import SpecFromDictMixin, TokenAuthMixin
from app.applications.models import Application
from app.extensions import db
from app.masking import mask_card, mask_id_number, mask_mobile
from app.payments.services import FUND_BY_TRANSFER, PaymentInvalid
from app.payments.views import FUNDING_STATES
from app.review import decisions, queries, workflow
from app.review.models import ReviewRecord
from app.review.services import CommentRequired, ConcurrentChange, apply_transition
from app.review.states import State
from app.security.scoping import get_in_scope
from app.security.views_base import looks_like_id_number

#: Each transition the API offers → the page permissions that offer it (any one suffices), as on the pages.
#: 配套发放 (fund) is none of them: it is taken on 奖励资金划拨 only, under a voucher (422 with that reason).
PAGE_PERMISSIONS = {
    "withdraw": (("withdraw", "MyApplicationModelView"),),
    "approve_by_district": (("can_decide", "DistrictReviewModelView"),),
    "reject_by_district": (("can_decide", "DistrictReviewModelView"),),
    "record_payment": (("can_decide", "DistrictReviewModelView"),),
    "approve_final": (("can_decide", "FinalReviewModelView"),),
    "reject_final": (("can_decide", "FinalReviewModelView"),),
    "void": (("can_decide", "DistrictReviewModelView"), ("can_decide", "FinalReviewModelView")),
}
#: The pages on which an application is shown whole (the detail pages of every screen).
DETAIL_PAGES = ("MyApplicationModelView", "DistrictReviewModelView", "FinalReviewModelView", "FundingModelView")
#: The application screens and the states each shows (empty: every state), as the pages filter them.
SCREENS = (("MyApplicationModelView", ()), ("DistrictReviewModelView", ()), ("FinalReviewModelView", ()),
           ("FundingModelView", tuple(s.value for s in FUNDING_STATES)))
FILTERS = ("campaign", "batch", "district", "state", "new_level", "name", "unit", "certificate_no")
DEFAULT_LIMIT, MAX_LIMIT = 25, 100


_time = spec.iso_time


def _day(value):
    return value.isoformat() if value else None


def _money(value):
    return None if value is None else f"{value:.2f}"


def _unit(application):
    org = application.organisation
    return (org.unit_name or org.name) if org else ""


def item(application):
    """One list row: identifiers masked."""
    return {
        "id": application.id, "version": application.version, "name": application.name,
        "state": application.state, "state_title": State.title_of(application.state),
        "campaign_id": application.campaign_id, "campaign": application.campaign.name,
        "batch_id": application.batch_id, "batch": application.batch.name,
        "organisation_id": application.organisation_id, "unit": _unit(application),
        "district_id": application.district_id, "district": application.district.name,
        "variant": application.variant, "new_level": application.new_level,
        "new_level_title": application.new_level_title, "certificate_no": application.certificate_no,
        "id_number": mask_id_number(application.id_number),
        "submitted_at": _time(application.submitted_at), "updated_at": _time(application.updated_at),
    }


def screen_states(sm):
    """The states the user's application screens show: () for every state, None for no screen at all."""
    shown = [states for view, states in SCREENS if sm.has_access("can_list", view)]
    if not shown:
        return None
    if any(states == () for states in shown):
        return ()
    return tuple(sorted({state for states in shown for state in states}))


def sees_whole(sm):
    """Whether the user's role opens an application's page, where the numbers are shown whole."""
    return any(sm.has_access("can_show", view) for view in DETAIL_PAGES)


def detail(application, user, whole):
    """One application: identifiers whole if ``whole``, the transitions the user may take, the audit trail."""
    keep = (lambda v: v) if whole else None
    numbers = {
        "id_number": (keep or mask_id_number)(application.id_number),
        "mobile": (keep or mask_mobile)(application.mobile),
        "union_card_no": (keep or mask_card)(application.union_card_no) if application.union_card_no else None,
        "bank_card_no": (keep or mask_card)(application.bank_card_no) if application.bank_card_no else None,
        "paid_card_no": (keep or mask_card)(application.paid_card_no) if application.paid_card_no else None,
    }
    reviews = db.session.scalars(select(ReviewRecord).where(ReviewRecord.application_id == application.id)
                                 .options(selectinload(ReviewRecord.user), selectinload(ReviewRecord.organisation))
                                 .order_by(ReviewRecord.id)).all()
    return {
        **item(application), **numbers,
        "gender": application.gender, "industry": application.industry, "education": application.education,
        "previous_level": application.previous_level, "previous_level_date": _day(application.previous_level_date),
        "trade": application.trade, "certificate_date": _day(application.certificate_date),
        "certificate_issuer": application.certificate_issuer, "bank_name": application.bank_name,
        "employer": application.employer, "unit_kind": application.unit_kind, "address": application.address,
        "postcode": application.postcode, "is_migrant": bool(application.is_migrant),
        "hukou_province": application.hukou_province, "years_in_city": application.years_in_city,
        "city_amount": _money(application.city_amount), "funded_on": _day(application.funded_on),
        "district_amount": _money(application.district_amount), "paid_on": _day(application.paid_on),
        "transitions": [{"name": t.name, "title": t.title}
                        for t in workflow.available_transitions(application, user, clock.today())],
        "reviews": [{
            "action": r.action, "action_title": workflow.ACTION_TITLES.get(r.action, r.action),
            "from_state": r.from_state, "to_state": r.to_state,
            "user": (r.user.real_name or r.user.username) if r.user else "", "role": r.role,
            "organisation": r.organisation.name if r.organisation else None, "comment": r.comment,
            "amount": _money(r.amount), "amount2": _money(r.amount2), "via": r.via,
            "created_at": _time(r.created_at),
        } for r in reviews],
    }


def _filter_parameters():
    described = {"campaign": "报名活动 id", "batch": "批次 id", "district": "区县局（产业）工会 id",
                 "new_level": "现晋升的技能等级代码", "name": "姓名包含", "unit": "单位名称包含",
                 "certificate_no": "等级证书编号包含"}
    parameters = [spec.query("state", "状态", {"type": "string", "enum": schemas.STATES})]
    parameters += [spec.query(name, text) for name, text in described.items()]
    parameters += [spec.query("limit", f"每页条数（1–{MAX_LIMIT}，默认{DEFAULT_LIMIT}）",
                              {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
                   spec.query_id("after", "上一页返回的 next_after（按 id 倒序的键集分页）")]
    return parameters


class ApplicationApi(TokenAuthMixin, SpecFromDictMixin, ModelRestApi):
    resource_name = "applications"
    openapi_spec_tag = "申请表 applications"
    datamodel = SQLAInterface(Application)
    class_permission_name = "ApplicationApi"
    method_permission_name = {"get_list": "read", "get": "read", "transition": "transition"}  # noqa: RUF012
    include_route_methods = {"get_list", "get", "transition"}  # noqa: RUF012
    list_columns = ["id", "name", "state"]  # noqa: RUF012 (the documented shapes are app.api.schemas)
    show_columns = add_columns = edit_columns = ["id", "name", "state"]  # noqa: RUF012
    list_model_schema = schemas.ApplicationItem()
    show_model_schema = schemas.ApplicationDetail()
    openapi_spec_component_schemas = schemas.COMPONENTS
    openapi_spec_methods = {  # noqa: RUF012
        "get_list": {"get": spec.operation(
            "本人管理范围内的申请（可筛选，键集分页）", "ApplicationPage", parameters=_filter_parameters(),
            description="与网页“报名管理”相同的范围与筛选；身份证号码脱敏。按 id 倒序，"
                        "用返回的 next_after 作为下一次的 after 参数翻页。")},
        "get": {"get": spec.operation(
            "一份申请表", "ApplicationShow", codes=(404,), parameters=[spec.path_id("pk", "申请 id")],
            description="号码按您的角色在网页详情页上看到的方式给出；含可办理的操作和审核记录。")},
        "transition": {"post": spec.operation(
            "办理一个操作（审核、终审、发放、作废、撤回）", "ApplicationShow", codes=(404, 409, 422),
            parameters=[spec.path_id("pk", "申请 id"),
                        {"in": "path", "name": "name", "required": True, "description": "操作",
                         "schema": {"type": "string", "enum": list(schemas.API_TRANSITIONS)}}],
            body="TransitionRequest",
            description="version 为您看到的版本号；他人已先办理时答 409 并说明原因。"
                        "不通过、作废须填 comment（原因）；record_payment 须填 paid_on 和 card_no。"
                        "配套发放（fund）只能在网页“奖励资金划拨”中按区县局和批次填写凭证号划拨，此处答 422。"
                        "每次办理都记入审核记录（通过API）。")},
    }

    def add_apispec_components(self, api_spec):
        # Only our documented shapes (FAB would also add generated add/edit schemas nothing uses).
        BaseApi.add_apispec_components(self, api_spec)

    def _flt(self, states):
        values = {name: request.args.get(name) for name in FILTERS if request.args.get(name)}
        return queries.ApplicationFilter.from_values(values, screen_states=states)

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get_list")
    def get_list(self, **kwargs):
        if any(looks_like_id_number(v) for _k, vs in request.args.lists() for v in vs):
            return self.response_400("身份证号码不能出现在网址中")
        limit = request.args.get("limit", str(DEFAULT_LIMIT))
        limit = spec.parse_id(limit)
        if limit is None or limit > MAX_LIMIT:
            return self.response_400(f"limit 应为 1 至 {MAX_LIMIT} 的整数")
        after = request.args.get("after")
        if after is not None:
            after = spec.parse_id(after)
            if after is None:
                return self.response_400("after 应为上一页返回的 next_after")
        states = screen_states(self.appbuilder.sm)
        if states is None:
            return self.ok(count=0, limit=limit, next_after=None, result=[])
        flt = self._flt(states)
        rows, next_after = queries.keyset_page(db.session, g.user, flt, after=after, size=limit)
        total = queries.count(db.session, g.user, flt)
        return self.ok(count=total, limit=limit, next_after=next_after, result=[item(r) for r in rows])

    def _scoped(self, pk):
        """The application ``pk`` if it is in the user's scope and on one of the user's screens, else None."""
        pk = spec.parse_id(pk)
        states = screen_states(self.appbuilder.sm)
        application = get_in_scope(db.session, Application, pk, g.user) if pk and states is not None else None
        if application is not None and states and application.state not in states:
            return None
        return application

    @expose("/<pk>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def get(self, pk, **kwargs):
        application = self._scoped(pk)
        if application is None:
            return self.response_404()
        return self.ok(id=application.id, result=detail(application, g.user, sees_whole(self.appbuilder.sm)))

    def _may(self, name):
        sm = self.appbuilder.sm
        return any(sm.has_access(perm, view) for perm, view in PAGE_PERMISSIONS.get(name, ()))

    @expose("/<pk>/transitions/<name>", methods=["POST"])
    @protect()
    @safe
    @permission_name("transition")
    def transition(self, pk, name):
        application = self._scoped(pk)
        if application is None or name not in PAGE_PERMISSIONS and name != "fund":
            return self.response_404()
        if name == "fund":
            return self.refuse(422, FUND_BY_TRANSFER)
        if not self._may(name):
            return self.refuse(422, f"您的角色不能执行“{workflow.ACTION_TITLES.get(name, name)}”")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400("请求体应为 JSON 对象，至少含 version")
        version = body.get("version")
        if isinstance(version, bool) or not isinstance(version, int):
            return self.refuse(422, "请提供您看到的版本号 version（整数）", errors={"version": "请提供版本号"})
        today = clock.today()
        form = {k: ("" if v is None else str(v)) for k, v in body.items() if k != "version"}
        params, errors = ({}, {}) if name == "withdraw" else decisions.parse(name, form, today=today)
        if errors:
            return self.refuse(422, "；".join(str(e) for e in errors.values()),
                               errors={k: str(v) for k, v in errors.items()})
        try:
            apply_transition(application, g.user, name, comment=params.get("comment"), params=params,
                             expected_version=version, today=today, via="api")
            db.session.commit()
        except ConcurrentChange as exc:
            db.session.rollback()
            return self.refuse(409, str(exc))
        except PaymentInvalid as exc:
            db.session.rollback()
            return self.refuse(422, str(exc), errors={k: str(v) for k, v in exc.errors.items()})
        except CommentRequired as exc:
            db.session.rollback()
            return self.refuse(422, str(exc), errors={"comment": str(exc)})
        except workflow.WorkflowDenied as exc:
            db.session.rollback()
            return self.refuse(422, str(exc))
        application = db.session.get(Application, application.id)
        return self.ok(id=application.id, result=detail(application, g.user, sees_whole(self.appbuilder.sm)))
