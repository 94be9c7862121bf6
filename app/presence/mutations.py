"""The sync mutation of presence reports: `presence.upsert` (app.sync)."""
from ..sync.declarations import MutationType
from . import services
from .schemas import PresenceInSchema


def _submit(user, loaded: dict):
    # submit_presence records the report in the worker's feed itself (a late, older report
    # is history, yet her other devices still hear of it).
    report, created = services.submit_presence(user, loaded)
    return report.id, created


MUTATIONS = (MutationType("presence.upsert", PresenceInSchema, _submit),)
