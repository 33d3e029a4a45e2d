"""api and notifications: 消息中心 messages, the users' e-mail choice, and "via API" on the audit trail

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-25 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('target', sa.String(length=60), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)
        batch_op.create_index('ix_notifications_user_id_desc', ['user_id', 'id'], unique=False)
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_notifications', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    with op.batch_alter_table('review_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('via', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('review_records', schema=None) as batch_op:
        batch_op.drop_column('via')
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('email_notifications')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_id_desc')
        batch_op.drop_index('ix_notifications_user_read')
    op.drop_table('notifications')
