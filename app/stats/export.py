"""One statistics table as Excel: the (columns, rows) builder for the generic writer, the file name, and the
export itself (written, then recorded). The rows are the very lines the page shows (queries.table)."""

from app import clock
from app.exports.services import export_file_name, record_export
from app.exports.xlsx import Column, write_xlsx
from app.stats.queries import COUNTING_NOTE

EXPORT_KIND = "stats_xlsx"


def table_columns(table):
    first = Column(table.heading, 30 if table.dimension.code in ("organisation", "batch", "industry") else 18)
    return [first] + [Column(m.title, 16 if m.kind == "money" else 11, m.kind) for m in table.measures]


def table_rows(table):
    """The table's lines, its 合计 line, then how the figures are counted."""
    codes = [m.code for m in table.measures]
    for row in table.rows:
        yield [row.label] + [row.values[c] for c in codes]
    yield [table.total_label] + [table.total[c] for c in codes]
    yield [None] * (len(codes) + 1)
    yield ["口径说明：" + COUNTING_NOTE + (table.dimension.note or "")] + [None] * len(codes)


def file_name(table, scope, campaign, batch, day):
    """统计分析_<table>_<scope>_<campaign>_<batch>_<date>.xlsx, without characters a file name cannot hold."""
    return export_file_name("统计分析", table.title, scope or "全部组织", campaign or "全部活动", batch or "全部批次",
                            f"{day:%Y%m%d}")


def export_table(target, user, table, *, description, scope=None, campaign=None, batch=None):
    """Write ``table`` into ``target`` (a binary file) and record the export (the caller commits).
    Returns (line count, file name)."""
    name = file_name(table, scope, campaign, batch, clock.today())
    write_xlsx(target, table_columns(table), table_rows(table), sheet_title=table.title)
    record_export(user, EXPORT_KIND, description, len(table.rows), name)
    return len(table.rows), name
