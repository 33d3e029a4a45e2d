"""personal numbers encrypted at rest: 身份证号码, 工会会员服务卡卡号, 银行卡号 and 发放卡号 become AES-GCM ciphertext
(key id stored with each value) with a keyed hash beside each for equality look-ups; the first-time rule's
indexes move to the ID number's hash; the birth date is kept for the statistics' age bands

Existing rows are encrypted in batches of BATCH rows. On PostgreSQL each batch is its own short transaction
on a second connection, after the schema change has been committed: the table stays readable and writable
while it runs (10^6 rows: see bench/encrypt_bench.py), rows written meanwhile are picked up by a final pass.

Revision ID: 0010
Revises: 0005
Create Date: 2026-11-25 04:00:00

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

from app.security.personal import EncryptedString, keyring

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0007'
branch_labels = None
depends_on = None

BATCH = 2000
LIVE_CLAIM = sa.text("state NOT IN ('district_rejected', 'final_rejected', 'withdrawn', 'voided')")


def _birth_date(number):
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except (TypeError, ValueError):
        return None


#: The encrypted columns as this revision writes them (independent of later model changes).
COLUMNS = {
    'id_number': EncryptedString('id_number', 'id', 'id_number_hmac', derived=(('birth_date', _birth_date),)),
    'union_card_no': EncryptedString('union_card_no', 'card', 'union_card_hmac'),
    'bank_card_no': EncryptedString('bank_card_no', 'card', 'bank_card_hmac'),
    'paid_card_no': EncryptedString('paid_card_no', 'card', 'paid_card_hmac'),
}
HASHES = ('id_number_hmac', 'union_card_hmac', 'bank_card_hmac', 'paid_card_hmac')

applications = sa.table(
    'applications', sa.column('id', sa.Integer), sa.column('birth_date', sa.Date),
    *(sa.column(name, sa.String) for name in (*COLUMNS, *HASHES)))
#: The certificate register's ID numbers (matched against the applications' through the same hash).
REGISTER_COLUMNS = {'id_number': EncryptedString('register_id_number', 'id', 'id_number_hmac')}
register_entries = sa.table('register_entries', sa.column('id', sa.Integer), sa.column('id_number', sa.String),
                            sa.column('id_number_hmac', sa.String))


def sealed(row, ring, columns=COLUMNS):
    """Every encrypted column of one row under the active key, with its hash and derived columns."""
    values = {'row_id': row['id']}
    for name, kind in columns.items():
        stored = row[name]
        clear = ring.decrypt(stored, kind.column) if stored and ':' in stored else stored
        if not clear or (':' in stored and stored.partition(':')[0] == ring.active):
            values[name] = stored
        else:
            values[name] = ring.encrypt(clear, kind.column)
        values.update(kind.derived_values(clear or None))
    return values


def encrypt_rows(conn, *, commit_each=False, only_missing=False, table=applications, columns=COLUMNS):
    """Encrypt (or re-encrypt) every row, BATCH rows at a time in id order; returns the number of rows."""
    ring = keyring()
    written = [*columns, *(name for kind in columns.values() for name in kind.derived_values(None))]
    write = (table.update().where(table.c.id == sa.bindparam('row_id'))
             .values({name: sa.bindparam(name) for name in written}))
    last, done = 0, 0
    while True:
        query = sa.select(table.c.id, *(table.c[name] for name in columns)).where(table.c.id > last)
        if only_missing:
            query = query.where(table.c.id_number_hmac.is_(None))
        rows = conn.execute(query.order_by(table.c.id).limit(BATCH)).mappings().all()
        if not rows:
            return done
        conn.execute(write, [sealed(row, ring, columns) for row in rows])
        if commit_each:
            conn.commit()
        last, done = rows[-1]['id'], done + len(rows)


def upgrade():
    op.drop_index('uq_applications_live_person_level', table_name='applications')
    op.drop_index('ix_applications_id_number_level', table_name='applications')
    with op.batch_alter_table('applications') as batch:
        for name in COLUMNS:
            batch.alter_column(name, existing_type=sa.String(length=19 if name != 'id_number' else 18),
                               type_=sa.String(length=120), existing_nullable=name != 'id_number')
        for name in HASHES:
            batch.add_column(sa.Column(name, sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
    op.create_index('ix_applications_id_number_level', 'applications', ['id_number_hmac', 'new_level'])
    op.create_index('uq_applications_live_person_level', 'applications', ['id_number_hmac', 'new_level'],
                    unique=True, sqlite_where=LIVE_CLAIM, postgresql_where=LIVE_CLAIM)
    op.drop_index('ix_register_entries_id_number', table_name='register_entries')
    with op.batch_alter_table('register_entries') as batch:
        batch.alter_column('id_number', existing_type=sa.String(length=18), type_=sa.String(length=120),
                           existing_nullable=False)
        batch.add_column(sa.Column('id_number_hmac', sa.String(length=64), nullable=True))
    op.create_index('ix_register_entries_id_number_hmac', 'register_entries', ['id_number_hmac'])

    bind = op.get_bind()
    tables = ((applications, COLUMNS), (register_entries, REGISTER_COLUMNS))
    if bind.dialect.name == 'postgresql':
        # Commit the schema change, then encrypt on a connection of its own, one short transaction per batch.
        with op.get_context().autocommit_block(), bind.engine.connect() as conn:
            for table, columns in tables:
                encrypt_rows(conn, commit_each=True, table=table, columns=columns)
                # rows written meanwhile
                encrypt_rows(conn, commit_each=True, only_missing=True, table=table, columns=columns)
    else:
        for table, columns in tables:
            encrypt_rows(bind, table=table, columns=columns)
    with op.batch_alter_table('applications') as batch:
        batch.alter_column('id_number_hmac', existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table('register_entries') as batch:
        batch.alter_column('id_number_hmac', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    ring = keyring()
    bind = op.get_bind()
    for table, columns in ((applications, COLUMNS), (register_entries, REGISTER_COLUMNS)):
        rows = bind.execute(sa.select(table.c.id, *(table.c[n] for n in columns))).mappings().all()
        for row in rows:
            bind.execute(table.update().where(table.c.id == row['id']).values(
                {name: ring.decrypt(row[name], kind.column) if row[name] else row[name]
                 for name, kind in columns.items()}))
    op.drop_index('ix_register_entries_id_number_hmac', table_name='register_entries')
    with op.batch_alter_table('register_entries') as batch:
        batch.drop_column('id_number_hmac')
        batch.alter_column('id_number', existing_type=sa.String(length=120), type_=sa.String(length=18),
                           existing_nullable=False)
    op.create_index('ix_register_entries_id_number', 'register_entries', ['id_number'])
    op.drop_index('uq_applications_live_person_level', table_name='applications')
    op.drop_index('ix_applications_id_number_level', table_name='applications')
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('birth_date')
        for name in HASHES:
            batch.drop_column(name)
        for name in COLUMNS:
            batch.alter_column(name, existing_type=sa.String(length=120),
                               type_=sa.String(length=19 if name != 'id_number' else 18),
                               existing_nullable=name != 'id_number')
    op.create_index('ix_applications_id_number_level', 'applications', ['id_number', 'new_level'])
    op.create_index('uq_applications_live_person_level', 'applications', ['id_number', 'new_level'],
                    unique=True, sqlite_where=LIVE_CLAIM, postgresql_where=LIVE_CLAIM)
