"""accounts' 身份证号码 encrypted at rest like the applications' (AES-GCM with its key id, a keyed hash beside it);
attachment names that carried a whole resident ID number (a zip of scans names them 身份证号码_类别) keep it masked

Existing rows are encrypted in batches of BATCH rows; on PostgreSQL each batch is its own short transaction
on a second connection after the schema change is committed (as migration 0010). Files kept under UPLOAD_DIR
and JOB_RESULT_DIR are encrypted by `flask seal-files`, which can run while the app serves (files written
before it are read as they are until then).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 04:00:00

"""
import re

import sqlalchemy as sa
from alembic import op

from app.security.personal import EncryptedString, keyring

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BATCH = 2000
#: The column as this revision writes it (independent of later model changes).
KIND = EncryptedString('user_id_number', 'id', 'id_number_hmac')
users = sa.table('ab_user', sa.column('id', sa.Integer), sa.column('id_number', sa.String),
                 sa.column('id_number_hmac', sa.String))
attachments = sa.table('attachments', sa.column('id', sa.Integer), sa.column('original_name', sa.String))
ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")


def _batches(conn, query, key, commit_each):
    """Rows of ``query`` (ordered by ``key``) BATCH at a time; commits after each batch when asked."""
    last = 0
    while True:
        rows = conn.execute(query.where(key > last).order_by(key).limit(BATCH)).mappings().all()
        if not rows:
            return
        yield rows
        if commit_each:
            conn.commit()
        last = rows[-1]['id']


def encrypt_users(conn, commit_each=False):
    ring = keyring()
    write = (users.update().where(users.c.id == sa.bindparam('row_id'))
             .values(id_number=sa.bindparam('id_number'), id_number_hmac=sa.bindparam('id_number_hmac')))
    query = sa.select(users.c.id, users.c.id_number).where(users.c.id_number.is_not(None),
                                                           users.c.id_number != '')
    for rows in _batches(conn, query, users.c.id, commit_each):
        changes = []
        for row in rows:
            stored = row['id_number']
            clear = ring.decrypt(stored, KIND.column) if ':' in stored else stored
            if ':' in stored and stored.partition(':')[0] == ring.active:
                sealed = stored
            else:
                sealed = ring.encrypt(clear, KIND.column)
            changes.append({'row_id': row['id'], 'id_number': sealed, **KIND.derived_values(clear)})
        conn.execute(write, changes)


def mask_attachment_names(conn, commit_each=False):
    write = (attachments.update().where(attachments.c.id == sa.bindparam('row_id'))
             .values(original_name=sa.bindparam('original_name')))
    query = sa.select(attachments.c.id, attachments.c.original_name)
    for rows in _batches(conn, query, attachments.c.id, commit_each):
        changes = [{'row_id': row['id'], 'original_name': ID_NUMBER.sub(r'\1********\2', row['original_name'])}
                   for row in rows if ID_NUMBER.search(row['original_name'])]
        if changes:
            conn.execute(write, changes)


def upgrade():
    with op.batch_alter_table('ab_user') as batch:
        batch.alter_column('id_number', existing_type=sa.String(length=18), type_=sa.String(length=120),
                           existing_nullable=True)
        batch.add_column(sa.Column('id_number_hmac', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        with op.get_context().autocommit_block(), bind.engine.connect() as conn:
            encrypt_users(conn, commit_each=True)
            encrypt_users(conn, commit_each=True)  # rows written meanwhile in clear (already sealed ones stay)
            mask_attachment_names(conn, commit_each=True)
    else:
        encrypt_users(bind)
        mask_attachment_names(bind)


def downgrade():
    # The masked attachment names stay masked (the number is on the application).
    ring = keyring()
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.id_number).where(users.c.id_number.is_not(None))).all()
    for row_id, stored in rows:
        if stored and ':' in stored:
            bind.execute(users.update().where(users.c.id == row_id)
                         .values(id_number=ring.decrypt(stored, KIND.column)))
    with op.batch_alter_table('ab_user') as batch:
        batch.drop_column('id_number_hmac')
        batch.alter_column('id_number', existing_type=sa.String(length=120), type_=sa.String(length=18),
                           existing_nullable=True)
