"""help requests: why staff closed one (closure_reason, duplicate_of, closed_at), and the reason in the history

Revision ID: c1a3f2440247
Revises: e608b5e59738
Create Date: 2026-11-29 17:25:00

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = 'c1a3f2440247'
down_revision = 'e608b5e59738'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('help_request_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=20), nullable=True))

    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closure_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', app.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_help_requests_duplicate_of_id_help_requests'), 'help_requests',
                                    ['duplicate_of_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_help_requests_duplicate_of_id_help_requests'), type_='foreignkey')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('closure_reason')

    with op.batch_alter_table('help_request_events', schema=None) as batch_op:
        batch_op.drop_column('reason')
