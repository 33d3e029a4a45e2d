"""transfers: the city's 划拨 per district and batch (voucher, day, count, total) with the applications it
funded, the district's 发放情况备案 (payment reports), and the 对账 query's covering index on applications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


MONEY_STATES = sa.text("state IN ('final_approved', 'funded', 'paid')")


def upgrade():
    # The 对账 query's partial covering index (app/payments/models.py).
    op.create_index('ix_applications_money', 'applications',
                    ['district_id', 'state', 'batch_id', 'campaign_id', 'new_level'],
                    postgresql_include=['funded_on', 'city_amount', 'district_amount'],
                    postgresql_where=MONEY_STATES, sqlite_where=MONEY_STATES)
    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('voucher_no', sa.String(length=50), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['district_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('voucher_no', name='uq_transfers_voucher_no')
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index('ix_transfers_district_batch', ['district_id', 'batch_id'], unique=False)

    op.create_table('transfer_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', name='uq_transfer_items_application_id')
    )
    with op.batch_alter_table('transfer_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_items_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('payment_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('technician_count', sa.Integer(), nullable=False),
    sa.Column('technician_city', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('technician_matching', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('senior_count', sa.Integer(), nullable=False),
    sa.Column('senior_city', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('senior_matching', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unpaid_count', sa.Integer(), nullable=False),
    sa.Column('unpaid_city', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], ),
    sa.ForeignKeyConstraint(['district_id'], ['organisations.id'], ),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment_reports', schema=None) as batch_op:
        batch_op.create_index('ix_payment_reports_district_batch', ['district_id', 'batch_id'], unique=False)


def downgrade():
    op.drop_index('ix_applications_money', table_name='applications')
    with op.batch_alter_table('payment_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_reports_district_batch')
    op.drop_table('payment_reports')
    with op.batch_alter_table('transfer_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_items_transfer_id'))
    op.drop_table('transfer_items')
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_transfers_district_batch')
    op.drop_table('transfers')
