"""One in-app message (消息中心) for one user."""
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.models_base import Model


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The bell counts a user's unread messages; the list shows its newest first.
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_user_id_desc", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)
    #: Stable code of what happened: the workflow action, request_submit, request_return, job_done, reminder_…
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    #: The message as the user reads it (Chinese, no full personal numbers).
    text: Mapped[str] = mapped_column(String(500), nullable=False)
    #: What it is about: "application:<id>", "request:<batch id>:<organisation id>", "job:<id>", "batch:<id>".
    target: Mapped[str | None] = mapped_column(String(60))
    read_at = mapped_column(DateTime, nullable=True)
    #: When its e-mail copy was sent (NULL: not sent, or the user receives none).
    emailed_at = mapped_column(DateTime, nullable=True)
