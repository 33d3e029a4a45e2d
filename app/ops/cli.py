"""Operations commands: `flask rotate-data-key`, `flask seal-files`, `flask backup`, `flask restore ARCHIVE`."""
from pathlib import Path

import click
from flask import current_app

from app.extensions import db
from app.models import metadata
from app.ops.backup import BackupError, backup_key, make_backup, restore_backup
from app.security import sealed
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
        if not _seal_files():
            raise click.ClickException("有文件未能重新加密（见上），请处理后再移除旧密钥。")
        click.echo("完成。确认无误后，可从 DATA_KEYS 中移除旧密钥。")

    @app.cli.command("seal-files")
    def seal_files_command():
        """Encrypt the files kept under UPLOAD_DIR and JOB_RESULT_DIR that are still clear (written before
        files were encrypted) or under an older key; it can run while the app serves."""
        if not _seal_files():
            raise click.ClickException("有文件未能加密（见上）。")
        click.echo("完成。")

    def _seal_files():
        config, ok = current_app.config, True
        for title, setting in (("上传文件", "UPLOAD_DIR"), ("后台任务结果", "JOB_RESULT_DIR")):
            count, unreadable = sealed.seal_folder(config[setting])
            click.echo(f"  {title}（{config[setting]}）：加密 {count} 个文件")
            for name in unreadable:
                click.echo(f"    无法读取：{name}", err=True)
            ok = ok and not unreadable
        return ok

    @app.cli.command("backup")
    @click.option("--output", default=None, help="备份文件存放目录（默认 instance/backups）")
    def backup_command(output):
        """Write an encrypted, compressed archive of the database and the upload folder."""
        config = current_app.config
        target = Path(output) if output else Path(config["INSTANCE_DIR"]) / "backups"
        db.session.remove()
        try:
            path, manifest = make_backup(config["SQLALCHEMY_DATABASE_URI"], config["UPLOAD_DIR"], target,
                                         backup_key(config))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        rows = sum(manifest["tables"].values())
        click.echo(f"已备份：{path}（{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个上传文件）")

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    def restore_command(archive):
        """Rebuild this (new, empty) instance from ARCHIVE and check row counts and file hashes."""
        config = current_app.config
        db.session.remove()
        db.engine.dispose()
        try:
            manifest = restore_backup(archive, config["SQLALCHEMY_DATABASE_URI"], config["UPLOAD_DIR"],
                                      backup_key(config))
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        rows = sum(manifest["tables"].values())
        click.echo(f"已恢复 {manifest['created_at']} 的备份：{len(manifest['tables'])} 张表 {rows} 行、"
                   f"{len(manifest['files'])} 个上传文件，行数与文件摘要均已核对一致。")
