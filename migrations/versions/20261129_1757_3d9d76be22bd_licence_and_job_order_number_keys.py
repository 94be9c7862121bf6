"""licence and job-order number keys: a number typed in lowercase or with other dashes is still found

Revision ID: 3d9d76be22bd
Revises: c1a3f2440247
Create Date: 2026-11-29 17:57:31.531554

"""
import json

import sqlalchemy as sa
from alembic import op

from app.channels.lookup import agency_search_text, number_key

# revision identifiers, used by Alembic.
revision = '3d9d76be22bd'
down_revision = 'c1a3f2440247'
branch_labels = None
depends_on = None


def _fill_keys(bind) -> None:
    """Key every stored number with the rule the app uses; refuse (and name them) numbers that collide."""
    agencies = bind.execute(sa.text(
        "SELECT id, licence_number, name, address, branches FROM agencies")).mappings().all()
    orders = bind.execute(sa.text("SELECT id, number FROM job_orders")).mappings().all()
    for rows, field in ((agencies, "licence_number"), (orders, "number")):
        seen = {}
        for row in rows:
            key = number_key(row[field])
            if key in seen or not key:
                raise RuntimeError(f"cannot key {field} {row[field]!r}: same as {seen.get(key)!r} once case, "
                                   "spaces and dashes are ignored; correct one of them first")
            seen[key] = row[field]
    for row in agencies:
        branches = row["branches"]
        if isinstance(branches, str):  # JSON comes back as text from a raw SQLite query
            branches = json.loads(branches or "[]")
        bind.execute(sa.text("UPDATE agencies SET licence_key = :key, search_text = :search WHERE id = :id"), {
            "key": number_key(row["licence_number"]), "id": row["id"],
            "search": agency_search_text(row["licence_number"], row["name"], row["address"], branches or [])})
    for row in orders:
        bind.execute(sa.text("UPDATE job_orders SET number_key = :key WHERE id = :id"),
                     {"key": number_key(row["number"]), "id": row["id"]})


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licence_key', sa.String(length=100), nullable=True))
    with op.batch_alter_table('job_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_key', sa.String(length=100), nullable=True))

    _fill_keys(op.get_bind())

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.alter_column('licence_key', existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint('uq_agencies_licence_key', ['licence_key'])
    with op.batch_alter_table('job_orders', schema=None) as batch_op:
        batch_op.alter_column('number_key', existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint('uq_job_orders_number_key', ['number_key'])


def downgrade():
    with op.batch_alter_table('job_orders', schema=None) as batch_op:
        batch_op.drop_constraint('uq_job_orders_number_key', type_='unique')
        batch_op.drop_column('number_key')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint('uq_agencies_licence_key', type_='unique')
        batch_op.drop_column('licence_key')
