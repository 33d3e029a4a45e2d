"""Console commands: `flask seed`, `flask init-admin`, `flask demo`, and the upkeep the periodic tasks
also do: `flask jobs-cleanup`, `flask jobs-requeue`, `flask purge-uploads`."""
import click
from flask_migrate import upgrade

from app.accounts.services import ensure_initial_admin
from app.applications.attachments import purge_stale_uploads
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from app.jobs import cleanup, runner
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

    @app.cli.command("purge-uploads")
    def purge_uploads_command():
        """Delete uploads that never became part of an application (also done hourly by the job queue)."""
        click.echo(f"已删除过期未提交的上传文件 {purge_stale_uploads()} 个。")

    @app.cli.command("jobs-cleanup")
    def jobs_cleanup_command():
        """Delete job result files older than JOB_RESULT_DAYS (also done hourly by the job queue)."""
        expired, orphans = cleanup.clean_results()
        click.echo(f"已删除过期的任务结果文件 {expired} 个，无主文件 {orphans} 个。")

    @app.cli.command("jobs-requeue")
    def jobs_requeue_command():
        """Queue again every 进行中 job: run only while NO consumer is running (after all were killed)."""
        click.echo(f"已重新排队的中断任务：{runner.requeue_interrupted()} 个。")


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
