"""Deadlines of help requests from the mission's service standard; first response and resolution times;
indexes for the queue's filters and search

Revision ID: 8b2bb020a62b
Revises: 3c0e7b51f2a4
Create Date: 2026-11-29 17:44:57.549915

Requests already stored get their deadlines from the default standard as it was at this
revision (numbers copied here: app code may change later), their first response (the first staff
message or status change the worker saw) and, when resolved, the time of their resolution.
"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '8b2bb020a62b'
down_revision = '3c0e7b51f2a4'
branch_labels = None
depends_on = None

# The default standard of this revision (app.help.deadlines), in hours; bands: 0 critical, 1 high, 2 normal, 3 low.
FIRST_RESPONSE_HOURS = {0: 2, 1: 24, 2: 72, 3: 72}
RESOLUTION_HOURS = {"information": 120, "dispute": 336, "field_check": 1440}
CRITICAL_RESOLUTION_HOURS = 168
OPEN = ("new", "triaged", "in_progress", "referred")
CATEGORY_KINDS = {"abuse_violence": "field_check", "detention_legal": "field_check", "trafficking": "field_check",
                  "other": "information"}  # every other category: dispute


def upgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_response_due_at', app.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', app.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_due_at', app.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_response_at', app.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', app.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_help_requests_contact_phone'), ['contact_phone'], unique=False)
        batch_op.create_index('ix_help_requests_mission_next_due', ['mission_id', 'next_due_at'], unique=False)

    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_standard', sa.JSON(), nullable=True))

    # The queue's search by part of a worker's name: a trigram index on PostgreSQL (pg_trgm is a
    # trusted extension: the database's owner may add it), a plain one on SQLite.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_full_name_trgm', ['full_name'], unique=False, postgresql_using='gin',
                              postgresql_ops={'full_name': 'gin_trgm_ops'})

    _backfill()


def _backfill():
    when = app.types.UTCDateTime(timezone=True)
    requests = sa.table('help_requests', sa.column('id', sa.Uuid()), sa.column('band', sa.SmallInteger()),
                        sa.column('category', sa.String()), sa.column('status', sa.String()),
                        sa.column('created_at', when), sa.column('first_response_due_at', when),
                        sa.column('due_at', when), sa.column('next_due_at', when),
                        sa.column('first_response_at', when), sa.column('resolved_at', when))
    events = sa.table('help_request_events', sa.column('help_request_id', sa.Uuid()), sa.column('kind', sa.String()),
                      sa.column('from_value', sa.String()), sa.column('to_value', sa.String()),
                      sa.column('created_at', when))
    messages = sa.table('help_messages', sa.column('help_request_id', sa.Uuid()), sa.column('direction', sa.String()),
                        sa.column('created_at', when))
    # A status change after the first one, other than the worker's withdrawal, was made by staff.
    staff_status = (sa.select(sa.func.min(events.c.created_at))
                    .where(events.c.help_request_id == requests.c.id, events.c.kind == 'status',
                           events.c.from_value.is_not(None), events.c.to_value != 'withdrawn')
                    .scalar_subquery())
    staff_message = (sa.select(sa.func.min(messages.c.created_at))
                     .where(messages.c.help_request_id == requests.c.id, messages.c.direction == 'to_worker')
                     .scalar_subquery())
    resolved = (sa.select(sa.func.max(events.c.created_at))
                .where(events.c.help_request_id == requests.c.id, events.c.kind == 'status',
                       events.c.to_value == 'resolved')
                .scalar_subquery())
    conn = op.get_bind()
    rows = conn.execute(sa.select(requests.c.id, requests.c.band, requests.c.category, requests.c.status,
                                  requests.c.created_at, staff_status, staff_message, resolved)).all()
    updates = []
    for rid, band, category, status, created_at, by_status, by_message, resolved_at in rows:
        responses = [t for t in (by_status, by_message) if t is not None]
        first_response_at = min(responses) if responses else None
        resolution = RESOLUTION_HOURS[CATEGORY_KINDS.get(category, "dispute")]
        if band == 0:
            resolution = min(resolution, CRITICAL_RESOLUTION_HOURS)
        first_due = created_at + timedelta(hours=FIRST_RESPONSE_HOURS.get(band, 72))
        due = created_at + timedelta(hours=resolution)
        next_due_at = None  # a finished request has no deadline left to meet
        if status in OPEN:
            next_due_at = min(first_due, due) if first_response_at is None else due
        updates.append({
            "b_id": rid, "b_first_response_due_at": first_due, "b_due_at": due,
            "b_next_due_at": next_due_at,
            "b_first_response_at": first_response_at,
            "b_resolved_at": resolved_at if status in ("resolved", "closed") else None,
        })
    names = ("first_response_due_at", "due_at", "next_due_at", "first_response_at", "resolved_at")
    statement = (sa.update(requests).where(requests.c.id == sa.bindparam("b_id"))
                 .values({name: sa.bindparam("b_" + name, type_=when) for name in names}))
    for start in range(0, len(updates), 1000):
        conn.execute(statement, updates[start:start + 1000])


def downgrade():
    # pg_trgm stays: something else may use it.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_full_name_trgm', postgresql_using='gin',
                            postgresql_ops={'full_name': 'gin_trgm_ops'})

    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.drop_column('service_standard')

    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_help_requests_mission_next_due')
        batch_op.drop_index(batch_op.f('ix_help_requests_contact_phone'))
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('first_response_at')
        batch_op.drop_column('next_due_at')
        batch_op.drop_column('due_at')
        batch_op.drop_column('first_response_due_at')
