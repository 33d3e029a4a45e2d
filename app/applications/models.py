"""The application (申请表) and its attachments."""
from datetime import date

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.masking import mask_id_number
from app.models_base import Model
from app.reference import data
from app.review.states import NOT_LIVE, State
from app.security.personal import EncryptedString


def birth_date_of(id_number):
    """The birth date in an 18-digit ID number (digits 7–14), or None."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (TypeError, ValueError):
        return None


#: A claim is live unless rejected, withdrawn or voided; only live claims block another one.
LIVE_CLAIM = text("state NOT IN (%s)" % ", ".join(f"'{s.value}'" for s in NOT_LIVE))


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        # Every list is ordered by (submitted_at, id): these serve it for the whole city, one state, one
        # organisation and one organisation's state, carrying what the lists filter on (migration 0006).
        Index("ix_applications_submitted_id", "submitted_at", "id", postgresql_include=["organisation_id", "state"]),
        Index("ix_applications_state_submitted_id", "state", "submitted_at", "id",
              postgresql_include=["organisation_id"]),
        Index("ix_applications_org_submitted_id", "organisation_id", "submitted_at", "id",
              postgresql_include=["state", "name"]),
        Index("ix_applications_org_state_submitted_id", "organisation_id", "state", "submitted_at", "id"),
        Index("ix_applications_district_state_submitted", "district_id", "state", "submitted_at"),
        Index("ix_applications_id_number_level", "id_number_hmac", "new_level"),
        Index("ix_applications_certificate_no", "certificate_no"),
        # 首次获得: one live claim per person and level, and per certificate, whatever the campaign.
        Index("uq_applications_live_person_level", "id_number_hmac", "new_level", unique=True,
              sqlite_where=LIVE_CLAIM, postgresql_where=LIVE_CLAIM),
        Index("uq_applications_live_certificate", "certificate_no", unique=True,
              sqlite_where=LIVE_CLAIM, postgresql_where=LIVE_CLAIM),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), nullable=False, index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), nullable=False, index=True)
    #: The 基层工会 that submitted it.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    #: 所属区县局（产业）工会, derived from the organisation when submitted.
    district_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    #: 填报人.
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    variant: Mapped[str] = mapped_column(String(10), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=State.PENDING.value)
    #: Optimistic lock: every transition updates only the version the actor saw.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    fill_date = mapped_column(Date, nullable=False)  # 填表日期
    name: Mapped[str] = mapped_column(String(30), nullable=False)
    gender: Mapped[str] = mapped_column(String(1), nullable=False)
    mobile: Mapped[str] = mapped_column(String(11), nullable=False)
    industry: Mapped[str] = mapped_column(String(1), nullable=False)  # GB/T 4754 section code
    education: Mapped[str] = mapped_column(String(30), nullable=False)
    previous_level: Mapped[str] = mapped_column(String(1), nullable=False)
    previous_level_date = mapped_column(Date, nullable=False)
    trade: Mapped[str] = mapped_column(String(50), nullable=False)  # 工种
    new_level: Mapped[str] = mapped_column(String(1), nullable=False)
    certificate_no: Mapped[str] = mapped_column(String(50), nullable=False)
    certificate_date = mapped_column(Date, nullable=False)
    certificate_issuer: Mapped[str] = mapped_column(String(100), nullable=False)
    #: 身份证号码, 工会会员服务卡卡号 and 银行卡号 are encrypted at rest (app/security/personal.py): clear in
    #: Python, compared in SQL by equality / IN only, through the keyed hash beside each.
    id_number: Mapped[str] = mapped_column(
        EncryptedString("id_number", "id", "id_number_hmac", derived=(("birth_date", birth_date_of),)),
        nullable=False)
    id_number_hmac: Mapped[str] = mapped_column(String(64), nullable=False)
    #: From the ID number (digits 7–14), for the statistics' age bands.
    birth_date = mapped_column(Date, nullable=True)
    union_card_no: Mapped[str | None] = mapped_column(EncryptedString("union_card_no", "card", "union_card_hmac"))
    union_card_hmac: Mapped[str | None] = mapped_column(String(64))
    bank_name: Mapped[str | None] = mapped_column(String(50))
    bank_card_no: Mapped[str | None] = mapped_column(EncryptedString("bank_card_no", "card", "bank_card_hmac"))
    bank_card_hmac: Mapped[str | None] = mapped_column(String(64))
    employer: Mapped[str] = mapped_column(String(100), nullable=False)  # 工作单位
    unit_kind: Mapped[str] = mapped_column(String(20), nullable=False)  # 单位性质
    address: Mapped[str] = mapped_column(String(100), nullable=False)
    postcode: Mapped[str] = mapped_column(String(6), nullable=False)
    is_migrant: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    hukou_province: Mapped[str | None] = mapped_column(String(2))
    years_in_city: Mapped[int | None] = mapped_column(Integer)
    #: 行业特有工种 only: 基层单位人力资源部门意见, who confirmed and when.
    hr_opinion: Mapped[str | None] = mapped_column(String(200))
    hr_signer: Mapped[str | None] = mapped_column(String(30))
    hr_date = mapped_column(Date, nullable=True)

    #: 市总财务部配套发放: the city's amount and the day it was funded.
    city_amount = mapped_column(Numeric(10, 2), nullable=True)
    funded_on = mapped_column(Date, nullable=True)
    #: 已发放至职工: the district's matching amount, the day and the card paid to.
    district_amount = mapped_column(Numeric(10, 2), nullable=True)
    paid_on = mapped_column(Date, nullable=True)
    paid_card_no: Mapped[str | None] = mapped_column(EncryptedString("paid_card_no", "card", "paid_card_hmac"))
    paid_card_hmac: Mapped[str | None] = mapped_column(String(64))

    submitted_at = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    campaign = relationship("Campaign")
    batch = relationship("Batch")
    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    district = relationship("Organisation", foreign_keys=[district_id])
    submitted_by = relationship("AppUser")
    attachments = relationship("Attachment", back_populates="application", order_by="Attachment.id")
    reviews = relationship("ReviewRecord", back_populates="application", order_by="ReviewRecord.id")
    #: Not a column: the kinds of its scans when they were read for many applications at once
    #: (app.applications.attachments.read_scan_kinds, a snapshot for the bulk decision's checks that follow,
    #: without an Attachment object per scan); None otherwise.
    scan_kinds = None

    @property
    def state_title(self):
        return State(self.state).title

    @property
    def variant_title(self):
        return data.names(data.VARIANTS).get(self.variant, self.variant)

    @property
    def new_level_title(self):
        return data.names(data.SKILL_LEVELS).get(self.new_level, self.new_level)

    @property
    def form_name(self):
        """报名表名称 in 报名管理: the campaign and its batch."""
        return f"{self.campaign.name}（{self.batch.name}）" if self.campaign and self.batch else ""

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    def __str__(self):
        return f"{self.name}（{self.certificate_no}）"


class Attachment(Model):
    """An uploaded scan, stored on disk under a random name; the row keeps who may reach it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Empty while the form is still being filled (the upload survives a refused submission).
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id"), index=True, nullable=True)
    #: id_copy, certificate_copy, card_copy, hr_form.
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    original_name: Mapped[str] = mapped_column(String(200), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(50), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    uploaded_at = mapped_column(DateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="attachments")
