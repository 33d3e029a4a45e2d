"""Console commands: `flask seed`, `flask init-admin`, `flask demo`."""
import click
from flask_migrate import upgrade

from app.accounts.services import ensure_initial_admin
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from app.reference.seed import seed_all


def register_commands(app):
    @app.cli.command("seed")
    def seed_command():
        """Seed the reference lists, the organisation tree and the roles (idempotent)."""
        items, orgs = seed_all()
        click.echo(f"参考数据新增 {items} 项，组织机构新增 {orgs} 个。")

    @app.cli.command("init-admin")
    def init_admin_command():
        """On an empty database, create the first 系统管理员 with a one-time password."""
        announce_initial_admin()

    @app.cli.command("demo")
    def demo_command():
        """Load the demo campaign, demo accounts and applications."""
        announce_demo()


def prepare_database():
    """Migrate to the newest schema and seed; used by run.py (needs an app context)."""
    upgrade()
    seed_all()


def announce_initial_admin():
    created = ensure_initial_admin()
    if created:
        username, password = created
        click.echo("=" * 60)
        click.echo(f"已创建系统管理员账号：{username}")
        click.echo(f"一次性密码：{password}")
        click.echo("该密码只显示这一次，首次登录后必须修改。")
        click.echo("=" * 60)


def announce_demo():
    if load_demo():
        click.echo(f"已载入演示数据。演示账号（首次登录须修改密码）初始密码：{DEMO_PASSWORD}")
        for login, (role, org, _name) in DEMO_ACCOUNTS.items():
            click.echo(f"  {login:<12} {role:<8} {org}")
    else:
        click.echo("演示数据已存在，未重复载入。")
