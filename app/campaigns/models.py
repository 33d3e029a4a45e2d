"""Campaigns (报名活动), their batches (批次) and the district 申请单."""
from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.enums import TitledEnum
from app.models_base import Model


class CampaignState(TitledEnum):
    DRAFT = ("draft", "草稿")
    PUBLISHED = ("published", "已发布")
    ENDED = ("ended", "已结束")


class Campaign(Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: 类别 as in the old system's list (the reward plan is one category among several).
    category: Mapped[str] = mapped_column(String(50), nullable=False, default="技师奖励")
    start_date = mapped_column(Date, nullable=False)
    end_date = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=CampaignState.DRAFT.value)
    #: Certificates issued on or after this date qualify (2015: 2014-01-01).
    cert_issued_from = mapped_column(Date, nullable=True)
    #: Certificates issued after this date belong to the next campaign (None: no upper bound).
    cert_issued_to = mapped_column(Date, nullable=True)
    reward_technician = mapped_column(Numeric(10, 2), nullable=True)
    reward_senior_technician = mapped_column(Numeric(10, 2), nullable=True)
    description: Mapped[str | None] = mapped_column(Text)
    #: 联系方式 shown on the public 活动主页 (names, telephone numbers, addresses of the organisers).
    contacts: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)

    created_by = relationship("AppUser")
    batches = relationship("Batch", back_populates="campaign", order_by="Batch.number")

    @property
    def state_title(self):
        return CampaignState.title_of(self.state)

    def __str__(self):
        return self.name

    __repr__ = __str__


class Batch(Model):
    __tablename__ = "batches"
    __table_args__ = (UniqueConstraint("campaign_id", "number", name="uq_batches_campaign_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    #: First day applications are accepted.
    opens_on = mapped_column(Date, nullable=False)
    #: 系统受理截止: last day an application can be submitted or corrected.
    system_deadline = mapped_column(Date, nullable=False)
    #: 书面材料截止: last day of district review and of the paper 申请单 / 汇总表.
    paper_deadline = mapped_column(Date, nullable=False)

    campaign = relationship("Campaign", back_populates="batches")

    def is_open_on(self, day):
        return self.opens_on <= day <= self.system_deadline

    def __str__(self):
        return f"{self.campaign.name if self.campaign else ''} {self.name}".strip()

    __repr__ = __str__


class CampaignEvent(Model):
    """One verb or change on a campaign or its batches: who, from which organisation, when, what."""

    __tablename__ = "campaign_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Kept (as NULL, with ``campaign_name``) when an unused campaign is deleted.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    campaign_name: Mapped[str] = mapped_column(String(200), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    username: Mapped[str | None] = mapped_column(String(128))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)
    #: Stable code: created, changed, published, ended, unpublished, batch_added, batch_changed, …
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    #: What changed, in Chinese ("字段：旧值 → 新值"; no personal data).
    details: Mapped[str | None] = mapped_column(Text)

    user = relationship("AppUser")
    organisation = relationship("Organisation")


class DistrictRequestState(TitledEnum):
    DRAFT = ("draft", "已填写")
    SUBMITTED = ("submitted", "已提交")


class DistrictRequest(Model):
    """申请单 (附件3/附件4): a district or industry union's matching scheme for one batch."""

    __tablename__ = "district_requests"
    __table_args__ = (UniqueConstraint("organisation_id", "batch_id", name="uq_district_requests_org_batch"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), nullable=False)
    #: draft (saved, editable) or submitted (locked until the city returns it).
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=DistrictRequestState.DRAFT.value,
                                       server_default=DistrictRequestState.DRAFT.value)
    #: Optimistic lock: a save, submit or return applies only to the version its actor saw.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    #: 配套奖励 per 新晋升技师 / 高级技师, typed by the district.
    matching_technician = mapped_column(Numeric(10, 2), nullable=True)
    matching_senior_technician = mapped_column(Numeric(10, 2), nullable=True)
    #: 产业局 only (附件4): its HR department's opinion on the 行业特有工种 applicants.
    hr_opinion: Mapped[str | None] = mapped_column(String(500))
    #: 分管领导 and 经办人 as typed; they sign the paper form.
    leader_name: Mapped[str | None] = mapped_column(String(30))
    handler_name: Mapped[str | None] = mapped_column(String(30))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    updated_at = mapped_column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submitted_at = mapped_column(DateTime, nullable=True)
    #: The counts as they were on 提交 (总数, 技师, 高级技师, 通用工种, 行业特有工种).
    submitted_total: Mapped[int | None] = mapped_column(Integer)
    submitted_technician: Mapped[int | None] = mapped_column(Integer)
    submitted_senior_technician: Mapped[int | None] = mapped_column(Integer)
    submitted_general: Mapped[int | None] = mapped_column(Integer)
    submitted_industry: Mapped[int | None] = mapped_column(Integer)
    #: The last 退回 by the city: who, when, why (kept until the next one).
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    returned_at = mapped_column(DateTime, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(String(500))

    organisation = relationship("Organisation")
    batch = relationship("Batch")
    updated_by = relationship("AppUser", foreign_keys=[updated_by_id])
    submitted_by = relationship("AppUser", foreign_keys=[submitted_by_id])
    returned_by = relationship("AppUser", foreign_keys=[returned_by_id])
    events = relationship("DistrictRequestEvent", back_populates="request", order_by="DistrictRequestEvent.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self):
        return self.state == DistrictRequestState.SUBMITTED.value


class DistrictRequestEvent(Model):
    """The audit trail of a 申请单: every save, submit and return (who, role, organisation, when)."""

    __tablename__ = "district_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("district_requests.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    #: Role name the actor acted in (text: roles may be renamed later).
    role: Mapped[str] = mapped_column(String(64), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: Stable code: save, submit, return.
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20), nullable=False)
    #: What was saved or submitted, or the reason of a return (no personal data).
    comment: Mapped[str | None] = mapped_column(String(500))
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)

    request = relationship("DistrictRequest", back_populates="events")
    user = relationship("AppUser")
    organisation = relationship("Organisation")
