"""What the integration feature does, for its API and its commands alike: import SISKOP2MI
placements, match records, decide a match proposal, export presence for Peduli WNI.

Like every service these only flush; the request's unit of work commits (app.storage), and the
import's caller commits after each batch (`batch_written`), so a large file is never one long
transaction.
"""
import uuid
from datetime import datetime
from typing import Callable, Iterable, TextIO

from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from . import importer, matching
from .export import changed_presence, write_export
from .models import MatchProposal


def import_placements(lines: Iterable[str], fmt: str, batch_written: Callable[[], None]) -> importer.ImportCounts:
    """Import the placements of a file's decoded `lines` (`fmt`: csv or jsonl): create new, update
    changed, skip unchanged; `batch_written()` after each batch is written (the caller commits).
    Raises importer.FileFormatError when the file as a whole cannot be read."""
    job = importer.PlacementImport()
    for line, row, error in importer.read_rows(lines, fmt):
        if job.add(line, row, error):
            job.flush()
            batch_written()
    job.flush()
    batch_written()
    return job.counts


def match_records() -> dict:
    """Link records of the same person, propose matches by name: {"linked": n, "proposed": n}."""
    return matching.match()


def list_proposals(status: str = matching.PROPOSED, *, cursor: str | None = None, limit: int = 50) -> dict:
    """Match proposals in `status`, best score first, keyset-paginated."""
    return matching.list_proposals(status, cursor=cursor, limit=limit)


def decide_proposal(admin, proposal_id: uuid.UUID, confirm: bool) -> MatchProposal:
    """Confirm or reject a match proposal (404 when there is none with this id, 409 when decided)."""
    proposal = db.session.get(MatchProposal, proposal_id)
    if proposal is None:
        raise DomainError(404, _("No such proposal."))
    return matching.decide(proposal, confirm, admin)


def own_placements(user) -> tuple[uuid.UUID | None, list[dict]]:
    """The worker's person id and the placements verified as hers (for her data export)."""
    return matching.own_placements(user)


def forget_user(user_id) -> None:
    """Forget what matching knows of a deleted account."""
    matching.forget_user(user_id)


def export_presence(since: datetime, out: TextIO, fmt: str) -> int:
    """Write the presence reports changed at or after `since` to `out` (jsonl or csv); how many."""
    return write_export(changed_presence(since), out, fmt)
