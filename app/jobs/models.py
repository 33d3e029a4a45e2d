"""The job record: who started what, with which parameters, how far it got and how it ended."""
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.enums import TitledEnum
from app.models_base import Model


class JobState(TitledEnum):
    QUEUED = ("queued", "排队中")
    RUNNING = ("running", "进行中")
    DONE = ("done", "已完成")
    FAILED = ("failed", "失败")


#: States in which a job is not over yet.
ACTIVE_STATES = (JobState.QUEUED.value, JobState.RUNNING.value)


class Job(Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_owner_id_id", "owner_id", "id"), Index("ix_jobs_state", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: The registered kind (app.jobs.registry), e.g. summary_export.
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    #: The keyword arguments of the kind's function (JSON; never an ID or card number in clear).
    params = mapped_column(JSON, nullable=False, default=dict)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=JobState.QUEUED.value)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    created_at = mapped_column(DateTime, nullable=False, default=utcnow)
    started_at = mapped_column(DateTime)
    finished_at = mapped_column(DateTime)
    #: The result file's stored name under JOB_RESULT_DIR (None: no file, or deleted after JOB_RESULT_DAYS).
    result_file: Mapped[str | None] = mapped_column(String(200))
    #: The name the result downloads as.
    result_name: Mapped[str | None] = mapped_column(String(200))
    #: Why it failed, in Chinese, for the user (never a traceback).
    error: Mapped[str | None] = mapped_column(String(1000))

    owner = relationship("AppUser")
    organisation = relationship("Organisation")

    @property
    def state_title(self):
        return JobState.title_of(self.state)

    @property
    def active(self):
        return self.state in ACTIVE_STATES
