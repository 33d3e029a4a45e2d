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


class DistrictRequest(Model):
    """申请单 (附件3/附件4): a district or industry union's matching scheme for one batch."""

    __tablename__ = "district_requests"
    __table_args__ = (UniqueConstraint("organisation_id", "batch_id", name="uq_district_requests_org_batch"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), nullable=False)
    #: 配套奖励 per 新晋升技师 / 高级技师, typed by the district.
    matching_technician = mapped_column(Numeric(10, 2), nullable=True)
    matching_senior_technician = mapped_column(Numeric(10, 2), nullable=True)
    hr_opinion: Mapped[str | None] = mapped_column(String(500))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    updated_at = mapped_column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation")
    batch = relationship("Batch")
