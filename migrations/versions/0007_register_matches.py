"""register matches: the latest matching of each application against the certificate register (result,
differing fields, the entry found and how)

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-25 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=12), nullable=False),
    sa.Column('differences', sa.String(length=200), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('found_by', sa.String(length=20), nullable=True),
    sa.Column('matched_by_id', sa.Integer(), nullable=False),
    sa.Column('matched_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entries.id'], ),
    sa.ForeignKeyConstraint(['matched_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('register_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_matches_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_matches_result'), ['result'], unique=False)


def downgrade():
    with op.batch_alter_table('register_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_matches_result'))
        batch_op.drop_index(batch_op.f('ix_register_matches_entry_id'))
    op.drop_table('register_matches')
