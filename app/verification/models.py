"""The certificate authority's register, imported by the city centre to verify applications, and the result
of matching each application against it (SPEC §6)."""
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.enums import TitledEnum
from app.models_base import Model


class MatchResult(TitledEnum):
    MATCH = ("match", "全部一致")
    DIFFERENT = ("different", "有差异")
    NOT_FOUND = ("not_found", "未找到")


class RegisterImport(Model):
    __tablename__ = "register_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    imported_at = mapped_column(DateTime, nullable=False, default=utcnow)

    imported_by = relationship("AppUser")


class RegisterEntry(Model):
    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("register_imports.id"), nullable=False, index=True)
    certificate_no: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(30), nullable=False)
    id_number: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    level: Mapped[str] = mapped_column(String(1), nullable=False)
    trade: Mapped[str | None] = mapped_column(String(50))
    issue_date = mapped_column(Date, nullable=False)
    issuer: Mapped[str] = mapped_column(String(100), nullable=False)

    register_import = relationship("RegisterImport")


class RegisterMatch(Model):
    """The latest matching of one application against the register (one row per application)."""

    __tablename__ = "register_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), nullable=False, unique=True)
    #: MatchResult code
    result: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    #: the differing fields' codes (app.verification.rules.COMPARED), comma-separated, form order
    differences: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("register_entries.id"), index=True)
    #: how the entry was found: "certificate_no" or "id_number"
    found_by: Mapped[str | None] = mapped_column(String(20))
    matched_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    matched_at = mapped_column(DateTime, nullable=False, default=utcnow)

    entry = relationship("RegisterEntry")

    @property
    def result_title(self):
        return MatchResult.title_of(self.result)

    @property
    def difference_list(self):
        return [code for code in (self.differences or "").split(",") if code]
