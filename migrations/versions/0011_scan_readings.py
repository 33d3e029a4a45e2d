"""scan readings: the fields read from each 身份证复印件 / 等级证书复印件 (扫描件识别) and per application the
comparison of its six key fields with them; the ID numbers read are encrypted like the application's

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-26 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0006'
branch_labels = None
depends_on = None


def _fields():
    return [
        sa.Column('name', sa.String(length=30), nullable=True),
        sa.Column('new_level', sa.String(length=1), nullable=True),
        sa.Column('certificate_no', sa.String(length=50), nullable=True),
        sa.Column('certificate_issuer', sa.String(length=100), nullable=True),
        sa.Column('certificate_date', sa.Date(), nullable=True),
        sa.Column('trade', sa.String(length=50), nullable=True),
        sa.Column('id_number', sa.String(length=120), nullable=True),
        sa.Column('id_number_hmac', sa.String(length=64), nullable=True),
    ]


def upgrade():
    op.create_table('scan_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    *_fields(),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attachment_id')
    )
    op.create_table('scan_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    *_fields(),
    sa.Column('outcomes', sa.String(length=200), nullable=False),
    sa.Column('differs', sa.Boolean(), nullable=False),
    sa.Column('attachment_ids', sa.String(length=100), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.Column('compared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('scan_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_checks_differs'), ['differs'], unique=False)


def downgrade():
    with op.batch_alter_table('scan_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_checks_differs'))
    op.drop_table('scan_checks')
    op.drop_table('scan_readings')
