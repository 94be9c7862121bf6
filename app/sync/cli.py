"""`flask --app wsgi sync ...`: housekeeping of the sync tables."""
import click
from flask.cli import AppGroup

from . import ledger

sync = AppGroup("sync", help="Offline sync housekeeping.")


@sync.command("purge")
@click.option("--older-than-days", "days", type=click.IntRange(min=ledger.MIN_KEEP_DAYS),
              default=ledger.KEEP_DAYS, show_default=True, help="Keep the records of this many days.")
def purge(days: int):
    """Delete the records of mutations applied more than DAYS days ago (run it from cron).

    A device that sends such an old mutation again is still answered `duplicate`: the record
    it made carries the same id, so applying it again finds it instead of making a second one.
    """
    click.echo(f"purged {ledger.purge_applied_mutations(days)} applied-mutation records")
