"""The 汇总表 (the manual's 下载Excel): the reviewer's current filtered, scoped list, one row per
application, every form field plus where it came from, its state and the last review comment.

A (columns, rows) builder for the generic writer in app.exports.xlsx, and the export itself (file name,
writing, the export record); rows are streamed from the database in chunks, never loaded whole.
"""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import clock
from app.accounts.models import AppUser
from app.applications.models import Application
from app.applications.rules import DATE_FIELDS, FIELD_LABELS
from app.campaigns.models import Batch, Campaign
from app.exports.services import export_file_name, record_export
from app.exports.xlsx import Column, write_xlsx
from app.extensions import db
from app.orgs.models import Organisation
from app.review import queries
from app.review.display import field_value, reference_names
from app.review.models import ReviewRecord
from app.review.states import title_of

#: Identifiers and codes made of digits: always text cells.
TEXT_FIELDS = ("mobile", "certificate_no", "id_number", "union_card_no", "bank_card_no", "postcode")
WIDTHS = {"name": 10, "gender": 6, "mobile": 14, "industry": 20, "education": 10, "previous_level": 24,
          "trade": 14, "new_level": 24, "certificate_no": 22, "certificate_issuer": 26, "id_number": 21,
          "union_card_no": 21, "bank_name": 16, "bank_card_no": 22, "employer": 26, "unit_kind": 14,
          "address": 30, "postcode": 8, "is_migrant": 8, "hukou_province": 10, "years_in_city": 8,
          "hr_opinion": 24, "hr_signer": 12, "variant": 12}
CHUNK = 1000
EXPORT_KIND = "summary_xlsx"


def summary_columns():
    columns = [
        Column("序号", 6, "integer"),
        Column("所属区县局（产业）工会", 20),
        Column("单位", 26),
        Column("填报人", 10),
        Column("报名时间", 17, "datetime"),
        Column("状态", 20),
        Column("报名活动", 28),
        Column("批次", 8),
        Column("填表日期", 12, "date"),
    ]
    for field, label in FIELD_LABELS.items():
        kind = "text" if field in TEXT_FIELDS else "date" if field in DATE_FIELDS else "general"
        columns.append(Column(label, WIDTHS.get(field, 12 if kind == "date" else 14), kind))
    columns += [
        Column("市总奖励金额（元）", 12, "money"),
        Column("市总配套发放日期", 12, "date"),
        Column("区县局配套金额（元）", 12, "money"),
        Column("发放至职工日期", 12, "date"),
        Column("发放卡号", 22, "text"),
        Column("最近审核意见", 30),
    ]
    return columns


def summary_rows(user, flt):
    """The rows of the 汇总表 of the user's scoped applications matching ``flt`` (a
    review.queries.ApplicationFilter), oldest first, streamed in chunks."""
    names = reference_names()
    unit, district, submitter = aliased(Organisation), aliased(Organisation), aliased(AppUser)
    # "id + 0": find an application's records through its application_id index and sort those few; never
    # walk the primary key backwards filtering every record (PostgreSQL chose that on stale statistics
    # after a bulk load: 10 ms per exported row instead of microseconds).
    last_comment = (select(ReviewRecord.comment).where(ReviewRecord.application_id == Application.id)
                    .order_by((ReviewRecord.id + 0).desc()).limit(1).correlate(Application).scalar_subquery())
    fields = list(FIELD_LABELS)
    statement = (
        select(district.name, unit.unit_name, unit.name, submitter.real_name, Application.submitted_at,
               Application.state, Campaign.name, Batch.name, Application.fill_date,
               *(getattr(Application, f) for f in fields),
               Application.city_amount, Application.funded_on, Application.district_amount,
               Application.paid_on, Application.paid_card_no, last_comment)
        .select_from(Application)
        .outerjoin(unit, unit.id == Application.organisation_id)
        .outerjoin(district, district.id == Application.district_id)
        .outerjoin(submitter, submitter.id == Application.submitted_by_id)
        .outerjoin(Campaign, Campaign.id == Application.campaign_id)
        .outerjoin(Batch, Batch.id == Application.batch_id)
        .where(*queries.conditions(user, flt))
        .order_by(Application.submitted_at, Application.id)
        .execution_options(yield_per=CHUNK))
    rows = db.session.execute(statement)
    for number, row in enumerate(rows, start=1):
        (district_name, unit_name, org_name, submitter_name, submitted_at, state, campaign, batch,
         fill_date) = row[:9]
        values = row[9:9 + len(fields)]
        tail = row[9 + len(fields):]
        yield (number, district_name, unit_name or org_name, submitter_name, clock.local_time(submitted_at),
               title_of(state), campaign, batch, fill_date,
               *(field_value(f, v, names) for f, v in zip(fields, values)), *tail)


def summary_file_name(organisation, campaign, batch, day):
    """汇总表_<organisation>_<campaign>_<batch>_<date>.xlsx, without characters a file name cannot hold."""
    return export_file_name("汇总表", organisation or "全部组织", campaign or "全部活动", batch or "全部批次",
                            f"{day:%Y%m%d}")


def _reporting(rows, progress):
    """The rows, calling ``progress(done)`` after every CHUNK of them."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % CHUNK == 0:
            progress(done)
    progress(done)


def export_summary(target, user, flt, *, description, organisation=None, campaign=None, batch=None,
                   file_name=None, progress=None):
    """Write the 汇总表 of ``flt`` for ``user`` into ``target`` (a binary file or a path) and record the
    export (the caller commits). ``description`` is the filter in words; ``progress(done)``, if given, is
    called as the rows are written. Returns (row count, file name)."""
    file_name = file_name or summary_file_name(organisation, campaign, batch, clock.today())
    rows = summary_rows(user, flt)
    if progress is not None:
        rows = _reporting(rows, progress)
    count = write_xlsx(target, summary_columns(), rows, sheet_title="汇总表")
    record_export(user, EXPORT_KIND, description, count, file_name)
    return count, file_name
