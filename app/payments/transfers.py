"""奖励资金划拨 (市总财务部 → 区县局（产业）工会, notice 二(四)) and 已发放至职工 by transfer (二(五)).

- :func:`due_rows`: per 区县局（产业）工会 × batch, the 终审通过 applications not yet funded, counted per level
  with the city amount due, in one GROUP BY query;
- :func:`fund_transfer`: one transfer (voucher, day) for a whole row or for ticked applications; each
  application goes through ``payments.services.fund`` (workflow table, optimistic lock, audit record); a row
  refused or changed meanwhile is skipped with its reason; the transfer's count and total are those of the
  applications it funded;
- :func:`pay_transfer`: the district records 已发放至职工 for every still unpaid application of a transfer,
  through the bulk runner (the same service per row, skipped rows with reasons).

No HTTP here; callers commit (the bulk runner commits its own chunks).
"""
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app.accounts.roles import FINANCE
from app.applications.models import Application
from app.campaigns.models import Batch, Campaign
from app.clock import today as shanghai_today
from app.extensions import db
from app.orgs.models import Organisation
from app.payments import services as payments
from app.payments.models import Transfer, TransferItem
from app.reference import data
from app.review import bulk
from app.review.services import ConcurrentChange
from app.review.states import State, title_of
from app.review.workflow import WorkflowDenied, role_names
from app.security.scoping import in_scope, scope_filter

VOUCHER_MAX = 50
_VOUCHER = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff\-_/（）()〔〕\[\]·.]+$")
CENT = Decimal("0.01")


class TransferInvalid(ValueError):
    """Refused inputs; ``errors`` maps the form field to its Chinese message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


class TransferDenied(Exception):
    """The transfer cannot be made now (role, nothing to fund, the row changed); the message is for the user."""


def money(value):
    """A sum from the database as Decimal with 2 places (SQLite may hand back floats or ints)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT)


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# -- what is due ---------------------------------------------------------------------------------------

@dataclass
class DueRow:
    district_id: int
    district_name: str
    batch_id: int
    batch_name: str
    campaign_name: str
    technician: int
    senior: int
    reward_technician: object
    reward_senior: object
    amount_due: object

    @property
    def count(self):
        return self.technician + self.senior

    @property
    def reward_missing(self):
        return (self.technician and self.reward_technician is None) or (self.senior and self.reward_senior is None)


def _district_scope(user):
    # An application's district lies in the user's subtree exactly when its unit does (the unit is below its
    # district); the district column is the one the index starts with.
    return scope_filter(Application.district_id, user)


def due_rows(user, batch_id=None, district_id=None):
    """Per district × batch in the user's scope: the 终审通过 applications not yet funded, counted per level,
    and the city amount due (campaign reward × count), aggregated in the database."""
    grouped = (
        select(Application.district_id.label("district_id"), Application.batch_id.label("batch_id"),
               count_if(Application.new_level == data.TECHNICIAN).label("technician"),
               count_if(Application.new_level == data.SENIOR_TECHNICIAN).label("senior"))
        .where(Application.state == State.FINAL_APPROVED.value, _district_scope(user))
        .group_by(Application.district_id, Application.batch_id))
    if batch_id is not None:
        grouped = grouped.where(Application.batch_id == batch_id)
    if district_id is not None:
        grouped = grouped.where(Application.district_id == district_id)
    grouped = grouped.subquery()
    due = (grouped.c.technician * Campaign.reward_technician + grouped.c.senior * Campaign.reward_senior_technician)
    statement = (
        select(grouped.c.district_id, Organisation.name, grouped.c.batch_id, Batch.name, Campaign.name,
               grouped.c.technician, grouped.c.senior, Campaign.reward_technician,
               Campaign.reward_senior_technician, due)
        .join(Organisation, Organisation.id == grouped.c.district_id)
        .join(Batch, Batch.id == grouped.c.batch_id)
        .join(Campaign, Campaign.id == Batch.campaign_id)
        .order_by(Campaign.start_date.desc(), Campaign.id.desc(), Batch.number, Organisation.kind,
                  Organisation.code, Organisation.id))
    rows = []
    for (d_id, d_name, b_id, b_name, c_name, technician, senior, reward_t, reward_s,
         amount) in db.session.execute(statement):
        rows.append(DueRow(d_id, d_name, b_id, b_name, c_name, int(technician), int(senior), money(reward_t),
                           money(reward_s), money(amount)))
    return rows


def due_row(user, batch_id, district_id):
    """The one DueRow of a district and batch (None: nothing due or not in the user's scope)."""
    rows = due_rows(user, batch_id=batch_id, district_id=district_id)
    return rows[0] if rows else None


def due_applications(user, district_id, batch_id):
    """The 终审通过 applications of a district and batch in the user's scope, by unit and name."""
    return db.session.scalars(
        select(Application)
        .where(Application.state == State.FINAL_APPROVED.value, Application.district_id == district_id,
               Application.batch_id == batch_id, _district_scope(user))
        .options(selectinload(Application.organisation))
        .order_by(Application.organisation_id, Application.name, Application.id)).all()


# -- funding -------------------------------------------------------------------------------------------

@dataclass
class FundResult:
    transfer: object = None
    skipped: list = field(default_factory=list)

    @property
    def changed(self):
        return self.transfer.count if self.transfer is not None else 0


def clean_transfer_form(form, today):
    """(transferred_on, voucher_no, errors) of the 划拨 form; the typed text is kept by the caller."""
    errors = {}
    text = str(form.get("transferred_on") or "").strip()
    day = None
    if not text:
        errors["transferred_on"] = "请填写划拨日期"
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            errors["transferred_on"] = f"划拨日期格式应为 年-月-日，如 {today:%Y-%m-%d}"
        else:
            if day > today:
                errors["transferred_on"] = "划拨日期不能晚于今天"
    voucher = re.sub(r"\s+", "", str(form.get("voucher_no") or ""))
    if not voucher:
        errors["voucher_no"] = "请填写凭证号"
    elif len(voucher) > VOUCHER_MAX:
        errors["voucher_no"] = f"凭证号最多{VOUCHER_MAX}个字符"
    elif not _VOUCHER.match(voucher):
        errors["voucher_no"] = "凭证号只能包含数字、字母、汉字和 - _ / ( ) 〔 〕 等符号"
    else:
        used = db.session.scalar(select(Transfer).where(Transfer.voucher_no == voucher))
        if used is not None:
            errors["voucher_no"] = (f"凭证号“{voucher}”已用于{used.transferred_on:%Y-%m-%d}划拨给"
                                    f"{used.district.name}的款项，请核对")
    return day, voucher, errors


def fund_transfer(user, district, batch, form, *, targets=None, expected=None, today=None):
    """划拨: fund the 终审通过 applications of ``district`` and ``batch`` under one voucher.

    ``targets``: the ticked (application id, version the user saw) pairs; None means the whole row, in which
    case ``expected`` (count, total as "1234.00") is what the user confirmed and must still hold. Raises TransferInvalid
    (fields) or TransferDenied before anything is written; returns a FundResult (transfer None if nothing
    could be funded). The caller commits."""
    today = today or shanghai_today()
    if FINANCE not in role_names(user):
        raise TransferDenied("只有市总财务部才能划拨奖励资金")
    if not in_scope(user, district):
        raise TransferDenied("该区县局（产业）工会不在您的管理范围内")
    day, voucher, errors = clean_transfer_form(form, today)
    if errors:
        raise TransferInvalid(errors)
    if targets is None:
        row = due_row(user, batch.id, district.id)
        if row is None:
            raise TransferDenied(f"{district.name}{batch.name}已没有待划拨的终审通过申请")
        amount = "—" if row.amount_due is None else f"{row.amount_due:.2f}"
        if expected is not None and (row.count, amount) != (expected[0], str(expected[1] or "—")):
            raise TransferDenied(f"该行数据已发生变化（现为 {row.count} 份，应划拨 {amount} 元），"
                                 "请核对后重新划拨（已填写的日期和凭证号仍保留）")
        targets = [(app.id, app.version) for app in due_applications(user, district.id, batch.id)]
    if not targets:
        raise TransferDenied("请至少勾选一份申请")
    transfer = Transfer(district_id=district.id, batch_id=batch.id, voucher_no=voucher, transferred_on=day,
                        count=0, total=Decimal("0.00"), created_by_id=user.id)
    db.session.add(transfer)
    db.session.flush()
    result = FundResult()
    loaded = {app.id: app for app in db.session.scalars(
        select(Application).where(Application.id.in_([pk for pk, _v in targets]))
        .options(selectinload(Application.organisation), selectinload(Application.campaign),
                 selectinload(Application.batch)))}
    count, total = 0, Decimal("0.00")
    for pk, version in targets:
        application = loaded.get(pk)
        if application is None or not in_scope(user, application.organisation):
            result.skipped.append(bulk.Skipped(pk, "", "", "", "该申请不在您的管理范围内"))
            continue
        label = (application.name, bulk._unit(application))
        if application.district_id != district.id or application.batch_id != batch.id:
            result.skipped.append(bulk.Skipped(pk, *label, application.state_title,
                                               f"不属于{district.name}{batch.name}"))
            continue
        try:
            payments.fund(application, user, transfer, expected_version=version, today=today)
        except (ConcurrentChange, WorkflowDenied) as exc:
            # Refused before anything of this application was written: the others stand.
            state = db.session.scalar(select(Application.state).where(Application.id == pk))
            result.skipped.append(bulk.Skipped(pk, *label, title_of(state or ""), str(exc)))
            continue
        db.session.add(TransferItem(transfer_id=transfer.id, application_id=application.id,
                                    amount=application.city_amount))
        count += 1
        total += Decimal(application.city_amount)
    if count == 0:
        db.session.delete(transfer)
        db.session.flush()
        return result
    transfer.count, transfer.total = count, total
    db.session.flush()
    result.transfer = transfer
    return result


# -- transfers -----------------------------------------------------------------------------------------

def transfers_for(user, batch_id=None):
    """The transfers the user may see (finance and the city: all; a district: its own), newest first."""
    statement = (select(Transfer).where(scope_filter(Transfer.district_id, user))
                 .options(selectinload(Transfer.district), selectinload(Transfer.batch),
                          selectinload(Transfer.created_by))
                 .order_by(Transfer.transferred_on.desc(), Transfer.id.desc()))
    if batch_id is not None:
        statement = statement.where(Transfer.batch_id == batch_id)
    return db.session.scalars(statement).all()


def transfer_items(transfer):
    """(item, application) pairs of a transfer, by unit and name."""
    return db.session.execute(
        select(TransferItem, Application).join(Application, Application.id == TransferItem.application_id)
        .where(TransferItem.transfer_id == transfer.id)
        .options(selectinload(Application.organisation))
        .order_by(Application.organisation_id, Application.name, Application.id)).all()


def unpaid_count(transfer):
    """How many applications of the transfer still wait for 已发放至职工."""
    return db.session.scalar(
        select(func.count()).select_from(TransferItem)
        .join(Application, Application.id == TransferItem.application_id)
        .where(TransferItem.transfer_id == transfer.id, Application.state == State.FUNDED.value)) or 0


def pay_transfer(user, transfer, params, *, today=None):
    """已发放至职工 for every application of ``transfer`` still 配套发放: each through the workflow service
    (matching amount from the submitted 申请单, the application's card); returns the bulk.BulkResult."""
    ids = db.session.scalars(
        select(TransferItem.application_id).join(Application, Application.id == TransferItem.application_id)
        .where(TransferItem.transfer_id == transfer.id, Application.state == State.FUNDED.value)
        .order_by(TransferItem.id)).all()
    return bulk.run("record_payment", user, [(pk, None) for pk in ids], params, today=today)
