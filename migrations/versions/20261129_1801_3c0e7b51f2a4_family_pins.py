"""family pins of help requests (issue 16)

Revision ID: 3c0e7b51f2a4
Revises: d96f5999a507
Create Date: 2026-11-29 17:49:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '3c0e7b51f2a4'
down_revision = 'd96f5999a507'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('family_pins',
    sa.Column('help_request_id', sa.Uuid(), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['help_request_id'], ['help_requests.id'], name=op.f('fk_family_pins_help_request_id_help_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('help_request_id', name=op.f('pk_family_pins'))
    )


def downgrade():
    op.drop_table('family_pins')
