"""closed sets checked by the database; constraint names list every column (issue 13 §3)

Every column that holds one of a closed set of values (statuses, categories, urgencies, sectors,
languages, kinds...) gets a CHECK constraint (not `users.role`: a role is one row of
app.access.ROLES, and adding one needs nothing else), and the two unique constraints over two
columns take names that list both (`uq_applied_mutations_user_id` becomes
`uq_applied_mutations_user_id_mutation_id`), as the naming convention now says.

The value lists are copied here (the app's StrEnums may grow later; a later migration then
widens the CHECK). Today's data holds only these values: the API, the pages and the seed files
validated every one against the same lists before it was stored.

Revision ID: a32923713a2c
Revises: 8b2bb020a62b
Create Date: 2026-11-29 20:26:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a32923713a2c'
down_revision = '8b2bb020a62b'
branch_labels = None
depends_on = None

SECTORS = ('domestic_work', 'caregiver', 'manufacturing', 'construction', 'plantation', 'agriculture', 'fishing',
           'hospitality', 'healthcare', 'services', 'other')
CLOSURE_REASONS = ('resolved', 'duplicate', 'unreachable', 'no_clarification', 'referred', 'spam')

# table: {column: allowed values}; each CHECK is named ck_<table>_<column>.
CHECKS = {
    'users': {'language': ('id', 'en')},
    'missions': {'kind': ('embassy', 'consulate_general', 'consulate', 'economic_office')},
    'schemes': {'kind': ('g2g', 'p2p', 'ssw', 'internship', 'individual', 'one_channel', 'rule')},
    'agencies': {'status': ('active', 'suspended', 'revoked', 'expired')},
    'job_orders': {'sector': SECTORS, 'status': ('verified', 'rejected', 'expired')},
    'presence_reports': {'sector': SECTORS},
    'help_requests': {
        'category': ('unpaid_wages', 'abuse_violence', 'document_withheld', 'detention_legal', 'trafficking',
                     'health_emergency', 'contract_dispute', 'repatriation', 'lost_contact', 'other'),
        'urgency': ('low', 'normal', 'high', 'emergency'),
        'status': ('new', 'triaged', 'in_progress', 'resolved', 'closed', 'referred', 'withdrawn'),
        'priority_override': ('critical', 'high', 'normal', 'low'),
        'closure_reason': CLOSURE_REASONS,
    },
    'help_request_events': {'kind': ('status', 'claim', 'assign', 'transfer', 'priority', 'duplicate'),
                            'reason': CLOSURE_REASONS},
    'help_messages': {'direction': ('to_worker', 'from_worker')},
    'person_links': {'how': ('own', 'confirmed', 'corroborated', 'exact')},
    'match_proposals': {'status': ('proposed', 'confirmed', 'rejected')},
}

# table: (columns, old name, new name)
UNIQUES = {
    'applied_mutations': (['user_id', 'mutation_id'], 'uq_applied_mutations_user_id',
                          'uq_applied_mutations_user_id_mutation_id'),
    'match_proposals': (['placement_id', 'user_id'], 'uq_match_proposals_placement_id',
                        'uq_match_proposals_placement_id_user_id'),
}


def _condition(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


def _rename_unique(table, old, new):
    """PostgreSQL renames in place (its index follows); SQLite recreates the table (batch mode)."""
    columns = UNIQUES[table][0]
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}')
        return
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(old, type_='unique')
        batch_op.create_unique_constraint(op.f(new), columns)


def upgrade():
    for table, (_columns, old, new) in UNIQUES.items():
        _rename_unique(table, old, new)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in checks.items():
                batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), _condition(column, values))


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in checks:
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
    for table, (_columns, old, new) in UNIQUES.items():
        _rename_unique(table, new, old)
