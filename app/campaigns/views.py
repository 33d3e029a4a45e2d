"""Campaign and batch screens: full management for the system admin, a read-only list for the rest."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.campaigns.models import Batch, Campaign, CampaignState

CAMPAIGN_LABELS = {
    "name": _l("报名名称"), "category": _l("类别"), "start_date": _l("起始时间"), "end_date": _l("截止时间"),
    "state": _l("状态"), "state_title": _l("状态"), "created_by": _l("创建人"),
    "cert_issued_from": _l("证书发证日期起"), "cert_issued_to": _l("证书发证日期止"),
    "reward_technician": _l("新晋升技师奖励（元/人）"), "reward_senior_technician": _l("新晋升高级技师奖励（元/人）"),
    "description": _l("活动说明"), "batches": _l("批次"), "created_at": _l("创建时间"),
    "application_count": _l("报名数"),
}
BATCH_LABELS = {
    "campaign": _l("报名活动"), "number": _l("序号"), "name": _l("批次名称"), "opens_on": _l("受理开始"),
    "system_deadline": _l("系统受理截止"), "paper_deadline": _l("书面材料截止"),
}


class CampaignModelView(ModelView):
    datamodel = SQLAInterface(Campaign)
    list_title = _l("报名活动")
    show_title = _l("查看报名活动")
    add_title = _l("新建报名活动")
    edit_title = _l("修改报名活动")
    label_columns = CAMPAIGN_LABELS
    list_columns = ["name", "created_by", "start_date", "end_date", "category", "state_title"]
    show_columns = ["name", "category", "start_date", "end_date", "state_title", "cert_issued_from",
                    "cert_issued_to", "reward_technician", "reward_senior_technician", "description",
                    "created_by", "created_at"]
    add_columns = edit_columns = ["name", "category", "start_date", "end_date", "state", "cert_issued_from",
                                  "cert_issued_to", "reward_technician", "reward_senior_technician",
                                  "description"]
    search_columns = ["name", "category", "state", "start_date"]
    add_form_extra_fields = edit_form_extra_fields = {
        "state": SelectField(_l("状态"), choices=CampaignState.choices()),
    }
    order_columns = ["name", "start_date", "end_date"]
    base_order = ("start_date", "desc")

    def pre_add(self, item):
        from flask import g

        item.created_by_fk = None
        item.created_by_id = g.user.id


class CampaignListView(ModelView):
    """What district admins, finance and clerks see of the campaigns (the manual's 后台管理页面)."""

    datamodel = SQLAInterface(Campaign)
    list_title = _l("报名活动列表")
    show_title = _l("查看报名活动")
    label_columns = CAMPAIGN_LABELS
    list_columns = ["name", "created_by", "start_date", "end_date", "category", "state_title"]
    show_columns = ["name", "category", "start_date", "end_date", "state_title", "cert_issued_from",
                    "cert_issued_to", "description"]
    search_columns = ["name", "category"]
    base_permissions = ["can_list", "can_show"]
    base_order = ("start_date", "desc")


class BatchModelView(ModelView):
    datamodel = SQLAInterface(Batch)
    list_title = _l("批次")
    show_title = _l("查看批次")
    add_title = _l("新建批次")
    edit_title = _l("修改批次")
    label_columns = BATCH_LABELS
    list_columns = ["campaign", "name", "opens_on", "system_deadline", "paper_deadline"]
    add_columns = edit_columns = show_columns = ["campaign", "number", "name", "opens_on", "system_deadline",
                                                 "paper_deadline"]
    search_columns = ["campaign", "name"]
    base_order = ("opens_on", "desc")
    validators_columns = {}
