"""配套发放查询 (市总财务): the 终审通过 applications of every organisation and those already funded or paid, to
look up and download; the same generated review list as the other screens, with no decision of its own:
配套发放 is taken only on 奖励资金划拨 (app.payments.transfer_views), under a voucher."""
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l

from app.review.states import State
from app.review.views import ReviewModelView


class FilterFundingStates(BaseFilter):
    name = "FundingStates"
    #: FAB applies a list value item by item unless the filter's arg_name is "in".
    arg_name = "in"

    def apply(self, query, value):
        return query.filter(self.model.state.in_(value))


FUNDING_STATES = (State.FINAL_APPROVED, State.FUNDED, State.PAID)


class FundingModelView(ReviewModelView):
    """配套发放查询 of 市总财务部 (read-only: 查看, 下载Excel)."""

    route_base = "/payments/funding"
    list_title = _l("配套发放查询")
    show_title = _l("查看报名表")
    search_columns = ReviewModelView.search_columns + ["district"]
    base_filters = [["state", FilterFundingStates, [s.value for s in FUNDING_STATES]]]
    base_permissions = ["can_list", "can_show", "can_excel"]
    filter_states = FUNDING_STATES
    decisions = ()
    #: The list's note: where funding is done.
    list_note = _l("配套发放须在“奖励资金划拨”中按区县局（产业）工会和批次填写凭证号划拨；本页只供查询和下载。")
    list_note_link = ("FundingDueView.list", _l("前往奖励资金划拨"))
