"""Reference lists (行业, 学历, 技能等级, 单位性质, 户籍地, 发证机构) in one editable table."""
from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models_base import Model

LIST_TITLES = {
    "industry": "所属行业",
    "education": "学历",
    "skill_level": "技能等级",
    "unit_kind": "单位性质",
    "province": "户籍地",
    "issuer": "发证机构",
}


class ReferenceItem(Model):
    __tablename__ = "reference_items"
    __table_args__ = (UniqueConstraint("list_name", "code", name="uq_reference_items_list_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Which list: a key of LIST_TITLES.
    list_name: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: For 发证机构: the variant (general / industry) it issues for.
    variant: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @property
    def list_title(self):
        return LIST_TITLES.get(self.list_name, self.list_name)

    def __str__(self):
        return self.name
