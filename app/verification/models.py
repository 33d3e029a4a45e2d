"""The certificate authority's register, imported by the city centre to verify applications."""
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.models_base import Model
from app.security.personal import EncryptedString


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
    #: Encrypted at rest like the application's (app/security/personal.py); matched through the hash, so
    #: ``RegisterEntry.id_number == Application.id_number`` compares the two hashes in SQL.
    id_number: Mapped[str] = mapped_column(EncryptedString("register_id_number", "id", "id_number_hmac"),
                                           nullable=False)
    id_number_hmac: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    level: Mapped[str] = mapped_column(String(1), nullable=False)
    trade: Mapped[str | None] = mapped_column(String(50))
    issue_date = mapped_column(Date, nullable=False)
    issuer: Mapped[str] = mapped_column(String(100), nullable=False)
