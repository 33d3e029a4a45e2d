"""The audit trail of every application state change."""
from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.models_base import Model


class ReviewRecord(Model):
    __tablename__ = "review_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    #: Role name the actor acted in (kept as text: roles may be renamed later).
    role: Mapped[str] = mapped_column(String(64), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: Stable action code (submit, correct, withdraw, approve_by_district, …).
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20), nullable=False)
    comment: Mapped[str | None] = mapped_column(String(500))
    amount = mapped_column(Numeric(10, 2), nullable=True)
    amount2 = mapped_column(Numeric(10, 2), nullable=True)
    #: How the step was taken: NULL on the pages, "api" through the REST API (a personal API token).
    via: Mapped[str | None] = mapped_column(String(10))
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="reviews")
    user = relationship("AppUser")
    organisation = relationship("Organisation")
