"""The API's documented shapes (marshmallow schemas, rendered into the OpenAPI document by apispec).

Responses are built as plain dictionaries by the endpoints; these schemas say what they hold. Money is a
string with two decimals (exact); dates are YYYY-MM-DD; times carry the Asia/Shanghai offset.
"""
from marshmallow import Schema, fields

from app.review.states import State

STATES = [s.value for s in State]
#: The transitions the API offers (修改报名表 needs the whole form and its scans: pages only; 配套发放 is taken
#: only on 奖励资金划拨, under a voucher: the API answers ``fund`` with 422 and that reason).
API_TRANSITIONS = ("withdraw", "approve_by_district", "reject_by_district", "approve_final", "reject_final",
                   "record_payment", "void")


def _text(**kwargs):
    return fields.String(allow_none=True, **kwargs)


class Message(Schema):
    message = fields.String(required=True, metadata={"description": "说明（中文）"})
    errors = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "字段 → 错误说明"})


class ApplicationItem(Schema):
    """One row of the list: identifiers masked."""

    id = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "乐观锁版本号：办理时原样提交"})
    name = fields.String(required=True, metadata={"description": "姓名"})
    state = fields.String(required=True, metadata={"enum": STATES})
    state_title = fields.String(required=True, metadata={"description": "状态（中文）"})
    campaign_id = fields.Integer(required=True)
    campaign = fields.String(required=True)
    batch_id = fields.Integer(required=True)
    batch = fields.String(required=True)
    organisation_id = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"description": "单位"})
    district_id = fields.Integer(required=True)
    district = fields.String(required=True, metadata={"description": "区县局（产业）工会"})
    variant = fields.String(required=True)
    new_level = fields.String(required=True)
    new_level_title = fields.String(required=True)
    certificate_no = fields.String(required=True)
    id_number = fields.String(required=True, metadata={"description": "身份证号码（列表中脱敏）"})
    submitted_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ApplicationPage(Schema):
    count = fields.Integer(required=True, metadata={"description": "符合条件的总数"})
    limit = fields.Integer(required=True)
    next_after = fields.Integer(allow_none=True, required=True,
                                metadata={"description": "下一页：把它作为 after 参数；null 表示没有更多"})
    result = fields.List(fields.Nested(ApplicationItem), required=True)


class Transition(Schema):
    name = fields.String(required=True, metadata={"enum": list(API_TRANSITIONS) + ["correct"]})
    title = fields.String(required=True)


class Review(Schema):
    action = fields.String(required=True)
    action_title = fields.String(required=True)
    from_state = _text()
    to_state = fields.String(required=True)
    user = fields.String(required=True)
    role = fields.String(required=True)
    organisation = _text()
    comment = _text()
    amount = _text(metadata={"description": "市总金额"})
    amount2 = _text(metadata={"description": "区县金额"})
    via = _text(metadata={"description": "api：通过API办理"})
    created_at = fields.DateTime(required=True)


class ApplicationDetail(ApplicationItem):
    """One application whole: identifiers as the role sees them on the application's page."""

    gender = fields.String(required=True)
    mobile = fields.String(required=True)
    industry = fields.String(required=True)
    education = fields.String(required=True)
    previous_level = fields.String(required=True)
    previous_level_date = fields.Date(required=True)
    trade = fields.String(required=True)
    certificate_date = fields.Date(required=True)
    certificate_issuer = fields.String(required=True)
    union_card_no = _text()
    bank_name = _text()
    bank_card_no = _text()
    employer = fields.String(required=True)
    unit_kind = fields.String(required=True)
    address = fields.String(required=True)
    postcode = fields.String(required=True)
    is_migrant = fields.Boolean(required=True)
    hukou_province = _text()
    years_in_city = fields.Integer(allow_none=True)
    city_amount = _text()
    funded_on = fields.Date(allow_none=True)
    district_amount = _text()
    paid_on = fields.Date(allow_none=True)
    paid_card_no = _text()
    transitions = fields.List(fields.Nested(Transition), required=True,
                              metadata={"description": "您现在可办理的操作"})
    reviews = fields.List(fields.Nested(Review), required=True, metadata={"description": "审核记录"})


class ApplicationShow(Schema):
    id = fields.Integer(required=True)
    result = fields.Nested(ApplicationDetail, required=True)


class TransitionRequest(Schema):
    version = fields.Integer(required=True, metadata={"description": "您看到的版本号（列表或详情中的 version）"})
    comment = fields.String(allow_none=True, metadata={"description": "审核意见；不通过、作废时必填（原因）",
                                                       "maxLength": 500})
    paid_on = fields.Date(allow_none=True, metadata={"description": "发放至职工日期（record_payment）"})
    card_no = fields.String(allow_none=True, metadata={"description": "发放卡号（record_payment）",
                                                       "maxLength": 19})


class BatchItem(Schema):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    campaign = fields.String(required=True)
    number = fields.Integer(required=True)
    name = fields.String(required=True)
    opens_on = fields.Date(required=True, metadata={"description": "起始日期"})
    system_deadline = fields.Date(required=True, metadata={"description": "网上受理截止"})
    paper_deadline = fields.Date(required=True, metadata={"description": "书面材料截止"})


class CampaignItem(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": ["draft", "published", "ended"]})
    state_title = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    cert_issued_from = fields.Date(allow_none=True)
    cert_issued_to = fields.Date(allow_none=True)
    reward_technician = _text()
    reward_senior_technician = _text()
    batches = fields.List(fields.Nested(BatchItem), required=True)


class CampaignList(Schema):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(CampaignItem), required=True)


class CampaignShow(Schema):
    id = fields.Integer(required=True)
    result = fields.Nested(CampaignItem, required=True)


class BatchList(Schema):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(BatchItem), required=True)


class BatchShow(Schema):
    id = fields.Integer(required=True)
    result = fields.Nested(BatchItem, required=True)


class Counts(Schema):
    total = fields.Integer(required=True, metadata={"description": "申请职工"})
    technician = fields.Integer(required=True)
    senior_technician = fields.Integer(required=True)
    general = fields.Integer(required=True)
    industry = fields.Integer(required=True)


class RequestEvent(Schema):
    action = fields.String(required=True)
    action_title = fields.String(required=True)
    user = fields.String(required=True)
    role = fields.String(required=True)
    comment = _text()
    created_at = fields.DateTime(required=True)


class RequestItem(Schema):
    """申请单 of one 区县局（产业）工会 for one batch (附件3/附件4)."""

    batch_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    organisation = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["empty", "filled", "submitted", "overdue"]})
    status_title = fields.String(required=True)
    counts = fields.Nested(Counts, required=True, metadata={"description": "提交时的人数，未提交则为当前人数"})
    live_counts = fields.Nested(Counts, required=True)
    matching_technician = _text()
    matching_senior_technician = _text()
    leader_name = _text()
    handler_name = _text()
    hr_opinion = _text()
    submitted_at = fields.DateTime(allow_none=True)
    return_reason = _text()


class RequestDetail(RequestItem):
    events = fields.List(fields.Nested(RequestEvent), required=True)


class RequestList(Schema):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(RequestItem), required=True)


class RequestShow(Schema):
    result = fields.Nested(RequestDetail, required=True)


class StatsSummary(Schema):
    scope = fields.String(required=True)
    note = fields.String(required=True)
    result = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True,
                         metadata={"description": "指标代码 → 数值（件数为整数，金额为两位小数的字符串）"})
    titles = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class StatsColumn(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["integer", "money"]})


class StatsRow(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    values = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


class StatsTable(Schema):
    dimension = fields.String(required=True)
    title = fields.String(required=True)
    heading = fields.String(required=True)
    columns = fields.List(fields.Nested(StatsColumn), required=True)
    rows = fields.List(fields.Nested(StatsRow), required=True)
    total_label = fields.String(required=True)
    total = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


COMPONENTS = (Message, ApplicationItem, ApplicationPage, Transition, Review, ApplicationDetail, ApplicationShow,
              TransitionRequest, BatchItem, CampaignItem, CampaignList, CampaignShow, BatchList, BatchShow, Counts,
              RequestEvent, RequestItem, RequestDetail, RequestList, RequestShow, StatsSummary, StatsColumn,
              StatsRow, StatsTable)
