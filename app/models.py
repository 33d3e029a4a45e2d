"""Imports every model so that the metadata (and Alembic) sees the whole schema."""
from flask_appbuilder.security.sqla import models as fab_models  # noqa: F401

from app.accounts.models import AppUser, PasswordHistory, SecurityEvent  # noqa: F401
from app.applications.models import Application, Attachment  # noqa: F401
from app.campaigns.models import Batch, Campaign, CampaignEvent, DistrictRequest, DistrictRequestEvent  # noqa: F401
from app.exports.models import ExportRecord  # noqa: F401
from app.jobs.models import Job  # noqa: F401
from app.models_base import Model  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.ocr.models import ScanCheck, ScanReading  # noqa: F401
from app.orgs.models import Organisation  # noqa: F401
from app.payments.models import PaymentReport, Transfer, TransferItem  # noqa: F401
from app.reference.models import ReferenceItem  # noqa: F401
from app.review.models import ReviewRecord  # noqa: F401
from app.verification.models import RegisterEntry, RegisterImport, RegisterMatch  # noqa: F401

metadata = Model.metadata
