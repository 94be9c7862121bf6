"""Index help requests by the time the server received them, for the console queue's "3 new"

Revision ID: 5e1d0c9a7b21
Revises: f30b84cc05a4
Create Date: 2026-11-29 20:54:00

An open queue page asks every 30 seconds what arrived since it was shown (received_at > since):
without an index each question walks every request of the mission.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1d0c9a7b21'
down_revision = 'f30b84cc05a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_requests_received_at'), ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_requests_received_at'))
