"""Console commands and start-up: seed, the first admin, the demo campaign."""
from app.accounts.models import AppUser
from app.applications.models import Application
from app.campaigns.models import Batch, Campaign
from app.review.models import ReviewRecord
from app.review.states import State


def test_flask_seed_is_idempotent(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0 and "新增 0 项" in result.output


def test_initial_admin_only_on_an_empty_database_with_a_one_time_password(app, db):
    from werkzeug.security import check_password_hash

    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-admin"])
    assert "一次性密码" in result.output
    password = result.output.split("一次性密码：", 1)[1].split()[0]
    admin = db.session.scalar(db.select(AppUser).where(AppUser.username == "admin"))
    assert admin.must_change_password and admin.roles[0].name == "系统管理员"
    assert admin.organisation.parent_id is None
    assert check_password_hash(admin.password, password) and len(password) >= 12
    again = runner.invoke(args=["init-admin"])
    assert "一次性密码" not in again.output
    assert db.session.query(AppUser).count() == 1


def test_demo_campaign_spreads_over_all_states_and_districts(app, db):
    runner = app.test_cli_runner()
    assert "已载入演示数据" in runner.invoke(args=["demo"]).output
    campaign = db.session.scalar(db.select(Campaign))
    batches = db.session.scalars(db.select(Batch).order_by(Batch.number)).all()
    assert [(b.opens_on.isoformat(), b.system_deadline.isoformat(), b.paper_deadline.isoformat())
            for b in batches] == [("2015-03-01", "2015-04-10", "2015-04-20"),
                                  ("2015-09-01", "2015-09-30", "2015-10-15")]
    apps = db.session.scalars(db.select(Application)).all()
    assert 180 <= len(apps) <= 220
    assert {a.state for a in apps} == {s.value for s in State}
    assert len({a.district_id for a in apps}) >= 3
    assert all(a.campaign_id == campaign.id for a in apps)
    # Every application's history ends in its state.
    last = {}
    for record in db.session.scalars(db.select(ReviewRecord).order_by(ReviewRecord.id)):
        last[record.application_id] = record.to_state
    assert all(last[a.id] == a.state for a in apps)
    users = db.session.scalars(db.select(AppUser)).all()
    assert {u.roles[0].name for u in users} == {"系统管理员", "市总财务", "区县局管理员", "基层工会用户"}
    assert all(u.must_change_password for u in users)
    assert "未重复载入" in runner.invoke(args=["demo"]).output


def test_every_demo_application_passes_the_field_rules(app, db):
    from app.applications.rules import RuleContext, validate_application
    from app.demo import load_demo

    load_demo()
    ctx = RuleContext(today=Campaign.__table__.c.start_date.type.python_type(2015, 10, 15),
                      cert_issued_from=db.session.scalar(db.select(Campaign.cert_issued_from)))
    fields = [c.name for c in Application.__table__.columns]
    for application in db.session.scalars(db.select(Application)):
        values = {f: getattr(application, f) for f in fields}
        result = validate_application(values, ctx)
        assert result.ok, (application.id, result.errors)
