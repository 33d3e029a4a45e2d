"""The money records around the workflow: the city's 划拨 (transfer) to a 区县局（产业）工会 for a batch, and
the district's 发放情况备案 (payment report) back to the city centre.

Applications keep their own amounts and dates (city_amount, funded_on, district_amount, paid_on); a transfer
groups the applications funded together under one voucher, a report keeps what the district stated.
"""
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.applications.models import Application
from app.clock import utcnow
from app.models_base import Model

#: The states 对账 counts (终审通过 and the money states after it).
MONEY_STATES = text("state IN ('final_approved', 'funded', 'paid')")

# 对账 reads every money column of these rows: with this partial covering index PostgreSQL answers it from the
# index alone (a district: its range; the city: the index, a third of the table) instead of the whole table.
Index("ix_applications_money", Application.district_id, Application.state, Application.batch_id,
      Application.campaign_id, Application.new_level,
      postgresql_include=["funded_on", "city_amount", "district_amount"],
      postgresql_where=MONEY_STATES, sqlite_where=MONEY_STATES)


class Transfer(Model):
    """奖励资金划拨: one voucher of 市总财务部 to one 区县局（产业）工会 for one batch."""

    __tablename__ = "transfers"
    __table_args__ = (
        UniqueConstraint("voucher_no", name="uq_transfers_voucher_no"),
        Index("ix_transfers_district_batch", "district_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), nullable=False)
    #: 凭证号 of the finance department's transfer voucher.
    voucher_no: Mapped[str] = mapped_column(String(50), nullable=False)
    #: The day the money was transferred (划拨日期); every application of it is funded on that day.
    transferred_on = mapped_column(Date, nullable=False)
    #: Number of applications and city amount of this transfer: always the count and sum of its items.
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total = mapped_column(Numeric(12, 2), nullable=False, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)

    district = relationship("Organisation")
    batch = relationship("Batch")
    created_by = relationship("AppUser")
    items = relationship("TransferItem", back_populates="transfer", order_by="TransferItem.id")


class TransferItem(Model):
    """One application funded by a transfer, with the city amount it received."""

    __tablename__ = "transfer_items"
    __table_args__ = (UniqueConstraint("application_id", name="uq_transfer_items_application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), nullable=False, index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), nullable=False)
    amount = mapped_column(Numeric(10, 2), nullable=False)

    transfer = relationship("Transfer", back_populates="items")
    application = relationship("Application")


class PaymentReport(Model):
    """发放情况备案: what a 区县局（产业）工会 reported to the city centre as paid for a batch.

    Every submission is kept (the latest one counts): the rows are the report's own audit trail."""

    __tablename__ = "payment_reports"
    __table_args__ = (Index("ix_payment_reports_district_batch", "district_id", "batch_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), nullable=False)
    #: Paid to workers, by level (人数; 市总部分 and 区县配套部分 in 元).
    technician_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    technician_city = mapped_column(Numeric(12, 2), nullable=False, default=0)
    technician_matching = mapped_column(Numeric(12, 2), nullable=False, default=0)
    senior_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    senior_city = mapped_column(Numeric(12, 2), nullable=False, default=0)
    senior_matching = mapped_column(Numeric(12, 2), nullable=False, default=0)
    #: Funded by the city but not yet paid when reported (人数, 元).
    unpaid_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unpaid_city = mapped_column(Numeric(12, 2), nullable=False, default=0)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    submitted_at = mapped_column(DateTime, nullable=False, default=utcnow)

    district = relationship("Organisation")
    batch = relationship("Batch")
    submitted_by = relationship("AppUser")
