"""missions: phones (one E.164 number per entry, with its kind) and timezone

`flask --app wsgi seed` fills both from the seed file and turns `phone` and `hotline` into
single dialable numbers; run it after this upgrade.

Revision ID: e608b5e59738
Revises: 9f5896f57446
Create Date: 2026-11-29 17:34:51.732606

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e608b5e59738'
down_revision = '9f5896f57446'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phones', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.drop_column('timezone')
        batch_op.drop_column('phones')
