"""list indexes: each application list's order (submitted_at, id) served by an index, alone, after the state, and
after the organisation (with and without the state), covering what the lists filter on, so a page's ids and
its count are index-only scans

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-25 04:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # The city's lists and every subtree scope: walked backwards, the scope and state read from the index.
    op.create_index('ix_applications_submitted_id', 'applications', ['submitted_at', 'id'],
                    postgresql_include=['organisation_id', 'state'])
    # Any list filtered by 状态.
    op.create_index('ix_applications_state_submitted_id', 'applications', ['state', 'submitted_at', 'id'],
                    postgresql_include=['organisation_id'])
    # One organisation's list (the clerk's 报名管理), with and without 状态; the unique id ends every order. The
    # name rides along: a district's “姓名包含” search reads its organisations' entries without the table.
    op.create_index('ix_applications_org_submitted_id', 'applications', ['organisation_id', 'submitted_at', 'id'],
                    postgresql_include=['state', 'name'])
    op.drop_index('ix_applications_org_state_submitted', table_name='applications')
    op.create_index('ix_applications_org_state_submitted_id', 'applications',
                    ['organisation_id', 'state', 'submitted_at', 'id'])


def downgrade():
    op.drop_index('ix_applications_org_state_submitted_id', table_name='applications')
    op.create_index('ix_applications_org_state_submitted', 'applications',
                    ['organisation_id', 'state', 'submitted_at'])
    op.drop_index('ix_applications_org_submitted_id', table_name='applications')
    op.drop_index('ix_applications_state_submitted_id', table_name='applications')
    op.drop_index('ix_applications_submitted_id', table_name='applications')
