"""Console commands and start-up: seed, the first admin, the demo campaign."""
from app.accounts.models import AppUser


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


def test_demo_command_loads_accounts_of_every_role_once(app, db):
    runner = app.test_cli_runner()
    assert "已载入演示数据" in runner.invoke(args=["demo"]).output
    users = db.session.scalars(db.select(AppUser)).all()
    assert {u.roles[0].name for u in users} == {"系统管理员", "市总财务", "区县局管理员", "基层工会用户"}
    assert all(u.must_change_password for u in users)
    assert "未重复载入" in runner.invoke(args=["demo"]).output
