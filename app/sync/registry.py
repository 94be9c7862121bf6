"""The mutation types a device may send, as their features declare them (app.<feature>.mutations)."""
from ..help.mutations import MUTATIONS as HELP_MUTATIONS
from ..presence.mutations import MUTATIONS as PRESENCE_MUTATIONS
from .declarations import MutationType

TYPES: dict[str, MutationType] = {t.name: t for t in (*PRESENCE_MUTATIONS, *HELP_MUTATIONS)}
MUTATION_TYPES = tuple(TYPES)
