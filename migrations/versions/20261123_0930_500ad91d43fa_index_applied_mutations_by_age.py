"""index applied mutations by age (for `flask sync purge`)

Revision ID: 500ad91d43fa
Revises: b96058829b36
Create Date: 2026-11-23 16:44:48.181933

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '500ad91d43fa'
down_revision = 'b96058829b36'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applied_mutations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applied_mutations_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('applied_mutations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applied_mutations_created_at'))

