"""The demo's register: imported through the real import, so 核对申请 gives every mark at once."""
from datetime import date

from app.accounts.models import AppUser
from app.campaigns.models import Campaign
from app.demo import CAMPAIGN_NAME, load_demo
from app.verification import services
from app.verification.models import RegisterImport


def test_the_demo_register_matches_this_years_district_approved_rows_with_every_mark(app, db, clock):
    clock.set(date(2026, 11, 25))
    load_demo()
    record = db.session.scalars(db.select(RegisterImport)).one()
    assert record.file_name == "证书信息（演示）.xlsx" and record.row_count > 0
    live = db.session.scalar(db.select(Campaign).where(Campaign.name != CAMPAIGN_NAME))
    admin = db.session.scalar(db.select(AppUser).where(AppUser.username == "admin"))
    summary = services.match_applications(admin, campaign_id=live.id)
    assert summary.total > 0
    assert all(summary.counts[mark] > 0 for mark in ("match", "different", "not_found")), summary.counts
