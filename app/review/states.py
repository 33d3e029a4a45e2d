"""Application states: stable codes in the database, the manual's Chinese titles on screen."""
from app.enums import TitledEnum


class State(TitledEnum):
    PENDING = ("pending", "未审核")
    DISTRICT_APPROVED = ("district_approved", "区县局初审通过")
    DISTRICT_REJECTED = ("district_rejected", "区县局初审未通过")
    FINAL_APPROVED = ("final_approved", "市技协服务中心终审通过")
    FINAL_REJECTED = ("final_rejected", "市技协服务中心终审未通过")
    FUNDED = ("funded", "市总财务部配套发放")
    PAID = ("paid", "已发放至职工")
    WITHDRAWN = ("withdrawn", "已撤回")
    VOIDED = ("voided", "已作废")

#: States in which the person's claim is not live: another application for the same level may be made.
NOT_LIVE = (State.DISTRICT_REJECTED, State.FINAL_REJECTED, State.WITHDRAWN, State.VOIDED)
#: States the submitter may still correct (before the batch's system deadline).
CORRECTABLE = (State.PENDING, State.DISTRICT_REJECTED, State.FINAL_REJECTED)


title_of = State.title_of
