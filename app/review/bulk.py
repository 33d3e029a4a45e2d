"""Bulk decisions: the same decision on many applications, each one re-checked on its own.

Every row is checked by the same workflow rules as a single decision (scope, workflow table, optimistic
lock, one audit record), through the set-based writer app.review.services.apply_transitions: a chunk is one
UPDATE per source state and one INSERT of its audit records; a refused or concurrently changed row is not
written, so it never undoes the others, which are committed a chunk at a time. The result says how many changed and
which were skipped and why.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from app.applications.attachments import read_scan_kinds
from app.applications.models import Application
from app.extensions import db
from app.models_base import written_in
from app.review import decisions, workflow
from app.review.states import title_of
from app.security.scoping import in_scope

CHUNK = 1000


@dataclass
class Skipped:
    application_id: int
    name: str
    unit: str
    state_title: str
    reason: str


@dataclass
class BulkResult:
    decision: str
    changed: int = 0
    skipped: list = field(default_factory=list)

    @property
    def total(self):
        return self.changed + len(self.skipped)


#: What the workflow's checks and the subscribers read of an application whose decision writes nothing else
#: (审核通过/不通过, 终审, 作废): state, version, scope, batch (review window), variant and scans, the name
#: and the people to tell. Reading any other column of such a row raises instead of querying row by row.
CHECKED_COLUMNS = ("id", "campaign_id", "batch_id", "organisation_id", "district_id", "submitted_by_id", "variant",
                   "state", "version", "name")


def _load(ids, name):
    """The applications ``ids`` as the checks of decision ``name`` need them, in four statements: the rows, their
    few organisations and batches, then the kinds of their scans (no Attachment object per scan). A step
    with a registered effect (配套发放, 已发放至职工) reads amounts, dates and cards: it gets whole rows."""
    statement = (select(Application).where(written_in(Application.id, ids))
                 .options(selectinload(Application.organisation), selectinload(Application.batch)))
    if workflow.effect_of(name) is None:
        statement = statement.options(load_only(*(getattr(Application, c) for c in CHECKED_COLUMNS), raiseload=True))
    else:
        statement = statement.options(selectinload(Application.campaign))
    rows = read_scan_kinds(db.session.scalars(statement).unique())
    return {row.id: row for row in rows}


def run(name, user, targets, params, *, today=None):
    """Apply decision ``name`` to ``targets``: (application id, version the user saw or None) pairs."""
    result = BulkResult(name)
    targets = list(targets)
    for start in range(0, len(targets), CHUNK):
        chunk = targets[start:start + CHUNK]
        loaded = _load([pk for pk, _version in chunk], name)
        items, outside = [], set()
        for pk, version in chunk:
            application = loaded.get(pk)
            if application is None or not in_scope(user, application.organisation):
                outside.add(pk)
            else:
                items.append((application, version))
        try:
            # One UPDATE per source state and one INSERT of the audit records for the chunk; each row keeps
            # its own checks, optimistic lock and audit record, a refused row never undoes the others.
            changed, refused = decisions.perform_many(name, items, user, params, today=today)
            # Read before the commit expires them (afterwards each would be one more statement).
            named = {pk: (loaded[pk].name, _unit(loaded[pk])) for pk in refused}
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        result.changed += len(changed)
        states = _current_states(refused)
        for pk, _version in chunk:
            if pk in outside:
                result.skipped.append(Skipped(pk, "", "", "", "该申请不在您的管理范围内"))
            elif pk in refused:
                result.skipped.append(Skipped(pk, *named[pk], title_of(states.get(pk, "")), refused[pk]))
    return result


def _unit(application):
    org = application.organisation
    return (org.unit_name or org.name) if org else ""


def _current_states(ids):
    if not ids:
        return {}
    statement = select(Application.id, Application.state).where(Application.id.in_(list(ids)))
    return dict(db.session.execute(statement).all())
