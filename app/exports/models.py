"""Every export is recorded: who, what filter, how many rows."""
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.models_base import Model


class ExportRecord(Model):
    __tablename__ = "export_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: What was exported, e.g. summary_xlsx.
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    #: The filter as the user set it (never an ID number).
    filter_text: Mapped[str | None] = mapped_column(String(1000))
    row_count: Mapped[int] = mapped_column(Integer, nullable=False)
    file_name: Mapped[str | None] = mapped_column(String(200))
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)

    user = relationship("AppUser")
