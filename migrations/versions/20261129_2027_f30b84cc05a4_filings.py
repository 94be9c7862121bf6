"""filings: what a partner organisation or the mission's staff filed on a worker's behalf, with her consent (issue 16)

Revision ID: f30b84cc05a4
Revises: a32923713a2c
Create Date: 2026-11-29 20:25:09.124708

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = 'f30b84cc05a4'
down_revision = 'a32923713a2c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('filings',
    sa.Column('helper_id', sa.Uuid(), nullable=True),
    sa.Column('worker_id', sa.Uuid(), nullable=False),
    sa.Column('mission_id', sa.Uuid(), nullable=True),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('consent', sa.String(length=24), nullable=False),
    sa.Column('handed_over_at', app.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("consent IN ('spoken_in_person', 'signed_in_person', 'spoken_by_phone')", name=op.f('ck_filings_consent')),
    sa.CheckConstraint("entity IN ('account', 'presence', 'help_request')", name=op.f('ck_filings_entity')),
    sa.ForeignKeyConstraint(['helper_id'], ['users.id'], name=op.f('fk_filings_helper_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_filings_mission_id_missions')),
    sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_filings_worker_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filings')),
    sa.UniqueConstraint('entity', 'entity_id', name=op.f('uq_filings_entity_entity_id'))
    )
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.create_index('ix_filings_helper_created', ['helper_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_filings_worker_id'), ['worker_id'], unique=False)



def downgrade():
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filings_worker_id'))
        batch_op.drop_index('ix_filings_helper_created')

    op.drop_table('filings')
