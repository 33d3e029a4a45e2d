"""Bulk decisions: the same decision on many applications, each one re-checked on its own.

Every row goes through the same service as a single decision (scope, workflow table, optimistic lock,
one audit record); a refused or concurrently changed row is refused before anything of it is written, so
it never undoes the others, which are committed a chunk at a time. The result says how many changed and
which were skipped and why.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.applications.models import Application
from app.extensions import db
from app.review import decisions
from app.review.services import ConcurrentChange
from app.review.states import title_of
from app.review.workflow import WorkflowDenied
from app.security.scoping import in_scope

CHUNK = 200


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


def _load(ids):
    rows = db.session.scalars(
        select(Application).where(Application.id.in_(ids))
        .options(selectinload(Application.organisation), selectinload(Application.batch),
                 selectinload(Application.campaign), selectinload(Application.attachments))
    ).all()
    return {row.id: row for row in rows}


def run(name, user, targets, params, *, today=None):
    """Apply decision ``name`` to ``targets``: (application id, version the user saw or None) pairs."""
    result = BulkResult(name)
    targets = list(targets)
    for start in range(0, len(targets), CHUNK):
        chunk = targets[start:start + CHUNK]
        loaded = _load([pk for pk, _version in chunk])
        try:
            for pk, version in chunk:
                application = loaded.get(pk)
                if application is None or not in_scope(user, application.organisation):
                    result.skipped.append(Skipped(pk, "", "", "", "该申请不在您的管理范围内"))
                    continue
                label = (application.name, _unit(application))
                try:
                    decisions.perform(name, application, user, params, expected_version=version, today=today)
                    result.changed += 1
                except (ConcurrentChange, WorkflowDenied) as exc:
                    # Refused before anything of this row was written: the chunk's other rows stand.
                    result.skipped.append(Skipped(pk, *label, _current_state(pk), str(exc)))
            # One commit per chunk: each row already has its own optimistic lock and audit record.
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return result


def _unit(application):
    org = application.organisation
    return (org.unit_name or org.name) if org else ""


def _current_state(pk):
    return title_of(db.session.scalar(select(Application.state).where(Application.id == pk)) or "")
