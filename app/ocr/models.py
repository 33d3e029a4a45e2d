"""What was read from the scans (扫描件识别): the fields extracted from each 身份证复印件 / 等级证书复印件, and per
application the comparison of its six key fields with them. Never the recognised text itself."""
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.clock import utcnow
from app.enums import TitledEnum
from app.models_base import Model
from app.security.personal import EncryptedString


class Outcome(TitledEnum):
    """One key field of the form against the scans."""

    MATCH = ("match", "一致")
    DIFFER = ("differ", "不一致")
    UNREAD = ("unread", "未识别")


class ReadingState(TitledEnum):
    READ = ("read", "已识别")
    #: the engine ran and found nothing usable, or refused the file (a Chinese reason is kept)
    FAILED = ("failed", "未识别")


class ScanFields:
    """The extracted fields (app.ocr.extract.FIELDS), shared by a scan's reading and an application's check."""

    name: Mapped[str | None] = mapped_column(String(30))
    new_level: Mapped[str | None] = mapped_column(String(1))
    certificate_no: Mapped[str | None] = mapped_column(String(50))
    certificate_issuer: Mapped[str | None] = mapped_column(String(100))
    certificate_date = mapped_column(Date, nullable=True)
    trade: Mapped[str | None] = mapped_column(String(50))


class ScanReading(ScanFields, Model):
    """The fields read from one uploaded scan (one row per attachment, written by a job)."""

    __tablename__ = "scan_readings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), nullable=False,
                                               unique=True)
    #: The attachment's SHA-256 when read: a reading never stands for other bytes.
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    #: ReadingState code
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    #: Why nothing was read (Chinese, for the user; never recognised text)
    reason: Mapped[str | None] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(EncryptedString("scan_id_number", "id", "id_number_hmac"))
    id_number_hmac: Mapped[str | None] = mapped_column(String(64))
    read_at = mapped_column(DateTime, nullable=False, default=utcnow)

    # A purged upload takes its reading with it.
    attachment = relationship("Attachment", backref=backref("scan_reading", uselist=False,
                                                            cascade="all, delete-orphan", passive_deletes=True))


class ScanCheck(ScanFields, Model):
    """The latest comparison of one application's typed key fields with what its scans say."""

    __tablename__ = "scan_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), nullable=False, unique=True)
    id_number: Mapped[str | None] = mapped_column(EncryptedString("scan_check_id_number", "id", "id_number_hmac"))
    id_number_hmac: Mapped[str | None] = mapped_column(String(64))
    #: field:outcome pairs of the six key fields (app.ocr.extract.KEY_FIELDS), comma-separated, form order
    outcomes: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: Any key field 不一致 (the lists' 「扫描件与填写不一致」 filter)
    differs: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    #: The attachments read (ids, comma-separated)
    attachment_ids: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    read_at = mapped_column(DateTime, nullable=False, default=utcnow)
    compared_at = mapped_column(DateTime, nullable=False, default=utcnow)

    @property
    def outcome_map(self):
        pairs = (part.partition(":") for part in (self.outcomes or "").split(",") if part)
        return {name: value for name, _sep, value in pairs}

    @property
    def differing(self):
        return [name for name, value in self.outcome_map.items() if value == Outcome.DIFFER.value]
