"""The organisation tree: city centre → 区县局（产业）工会 → 基层工会."""
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.enums import TitledEnum
from app.models_base import Model


class OrgKind(TitledEnum):
    CITY = ("city", "市级")
    DISTRICT = ("district", "区县")
    INDUSTRY = ("industry", "产业局")
    GRASSROOTS = ("grassroots", "基层工会")


class Organisation(Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: Materialised path of ids, "/1/5/203/": a subtree is one indexed prefix query.
    path: Mapped[str] = mapped_column(String(255), nullable=False, default="/", index=True)
    #: GB/T 2260 code for 区县 unions; the reporting-system code for others.
    code: Mapped[str | None] = mapped_column(String(20))
    #: 单位: the employer a 基层工会 belongs to.
    unit_name: Mapped[str | None] = mapped_column(String(200))
    #: Seeded as an illustration (产业局 examples), to be replaced by the real list.
    is_example: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Where a merged or renamed organisation lives on (闸北 → 静安).
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)

    parent = relationship("Organisation", remote_side=[id], foreign_keys=[parent_id], lazy="joined",
                          join_depth=1)
    successor = relationship("Organisation", remote_side=[id], foreign_keys=[successor_id])

    @property
    def kind_title(self):
        return OrgKind.title_of(self.kind)

    def __repr__(self):
        return self.name

    def __str__(self):
        return self.name
