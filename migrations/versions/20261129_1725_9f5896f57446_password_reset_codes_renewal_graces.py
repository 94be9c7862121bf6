"""password reset codes; renewal graces (the successor a page renewal hands out, kept for seconds)

Revision ID: 9f5896f57446
Revises: 500ad91d43fa
Create Date: 2026-11-29 17:26:45.608324

"""
import sqlalchemy as sa
from alembic import op

import app.types


# revision identifiers, used by Alembic.
revision = '9f5896f57446'
down_revision = '500ad91d43fa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_reset_codes',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('issued_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('sms', 'staff')", name=op.f('ck_password_reset_codes_kind')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_password_reset_codes_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_codes'))
    )
    with op.batch_alter_table('password_reset_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_codes_user_id'), ['user_id'], unique=False)

    op.create_table('renewal_graces',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('successor', sa.Text(), nullable=False),
    sa.Column('expires_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['jti'], ['refresh_tokens.jti'], name=op.f('fk_renewal_graces_jti_refresh_tokens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_renewal_graces'))
    )
    with op.batch_alter_table('renewal_graces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewal_graces_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('renewal_graces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renewal_graces_expires_at'))

    op.drop_table('renewal_graces')
    with op.batch_alter_table('password_reset_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_codes_user_id'))

    op.drop_table('password_reset_codes')
