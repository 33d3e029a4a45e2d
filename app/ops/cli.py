"""Operations commands: `flask rotate-data-key`, `flask backup`, `flask restore ARCHIVE`."""
import click

from app.extensions import db
from app.models import metadata
from app.security.personal import keyring, reencrypt_all


def register_ops_commands(app):
    @app.cli.command("rotate-data-key")
    @click.option("--batch", default=1000, show_default=True, help="每个事务处理的行数")
    def rotate_data_key_command(batch):
        """Re-encrypt every personal number with the first key of DATA_KEYS (in batches, while the app runs)."""
        active = keyring().active
        click.echo(f"使用密钥 {active} 重新加密个人信息……")
        counts = reencrypt_all(db.session, metadata, batch=batch)
        for table, count in counts.items():
            click.echo(f"  {table}：重新加密 {count} 行")
        click.echo("完成。确认无误后，可从 DATA_KEYS 中移除旧密钥。")
