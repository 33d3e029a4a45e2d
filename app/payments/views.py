"""配套发放 (市总财务): the 终审通过 applications of every organisation, and those already funded; the same
generated review list as the other screens, offering the one decision finance takes."""
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l

from app.review.bulk_views import ticked
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
    """配套发放 of 市总财务部."""

    route_base = "/payments/funding"
    list_title = _l("配套发放")
    show_title = _l("查看报名表")
    search_columns = ReviewModelView.search_columns + ["district"]
    base_filters = [["state", FilterFundingStates, [s.value for s in FUNDING_STATES]]]
    filter_states = FUNDING_STATES
    decisions = ("fund",)

    ticked_fund = ticked("fund", "fa-jpy")
