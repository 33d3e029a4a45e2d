"""Application states: stable codes in the database, the manual's Chinese titles on screen."""
import enum


class State(str, enum.Enum):
    PENDING = "pending"
    DISTRICT_APPROVED = "district_approved"
    DISTRICT_REJECTED = "district_rejected"
    FINAL_APPROVED = "final_approved"
    FINAL_REJECTED = "final_rejected"
    FUNDED = "funded"
    PAID = "paid"
    WITHDRAWN = "withdrawn"
    VOIDED = "voided"

    @property
    def title(self):
        return STATE_TITLES[self]


STATE_TITLES = {
    State.PENDING: "未审核",
    State.DISTRICT_APPROVED: "区县局初审通过",
    State.DISTRICT_REJECTED: "区县局初审未通过",
    State.FINAL_APPROVED: "市技协服务中心终审通过",
    State.FINAL_REJECTED: "市技协服务中心终审未通过",
    State.FUNDED: "市总财务部配套发放",
    State.PAID: "已发放至职工",
    State.WITHDRAWN: "已撤回",
    State.VOIDED: "已作废",
}

#: States in which the person's claim is not live: another application for the same level may be made.
NOT_LIVE = (State.DISTRICT_REJECTED, State.FINAL_REJECTED, State.WITHDRAWN, State.VOIDED)
#: States the submitter may still correct (before the batch's system deadline).
CORRECTABLE = (State.PENDING, State.DISTRICT_REJECTED, State.FINAL_REJECTED)


def title_of(code):
    try:
        return State(code).title
    except ValueError:
        return code
