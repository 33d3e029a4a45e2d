"""district request workflow: the 申请单's state, names, submission snapshot and return, and its audit trail

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('district_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='draft', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('leader_name', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('handler_name', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submitted_technician', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submitted_senior_technician', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submitted_general', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submitted_industry', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('returned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('returned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('return_reason', sa.String(length=500), nullable=True))
        batch_op.create_foreign_key('fk_district_requests_submitted_by_id_ab_user', 'ab_user',
                                    ['submitted_by_id'], ['id'])
        batch_op.create_foreign_key('fk_district_requests_returned_by_id_ab_user', 'ab_user',
                                    ['returned_by_id'], ['id'])

    op.create_table('district_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['district_requests.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('district_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_request_events_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('district_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_request_events_request_id'))

    op.drop_table('district_request_events')

    with op.batch_alter_table('district_requests', schema=None) as batch_op:
        batch_op.drop_constraint('fk_district_requests_returned_by_id_ab_user', type_='foreignkey')
        batch_op.drop_constraint('fk_district_requests_submitted_by_id_ab_user', type_='foreignkey')
        for column in ('return_reason', 'returned_at', 'returned_by_id', 'submitted_industry', 'submitted_general',
                       'submitted_senior_technician', 'submitted_technician', 'submitted_total', 'submitted_at',
                       'submitted_by_id', 'handler_name', 'leader_name', 'version', 'state'):
            batch_op.drop_column(column)
