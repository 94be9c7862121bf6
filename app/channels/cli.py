"""`flask --app wsgi channels ...`: agency registry imports."""
import sys

import click
from flask.cli import AppGroup

from ..extensions import db
from . import services

channels = AppGroup("channels", help="Legal channels: schemes, agencies, job orders.")


@channels.command("import-agencies", epilog="\b\n" + services.AGENCY_CSV_HELP)
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--sample", is_flag=True, help="Mark the rows as sample data (not the official registry).")
def import_agencies(csv_file, sample):
    """Import placement agencies (P3MI) from CSV_FILE: insert new licences, update changed ones.

    All or nothing: when any row is invalid, nothing is imported and every bad line is listed.
    Importing the same file again changes nothing.
    """
    parsed = services.parse_agencies_csv(csv_file)
    if parsed.errors:
        for line, message in parsed.errors:
            click.echo(f"{csv_file.name}:{line}: {message}", err=True)
        raise click.ClickException(f"{len(parsed.errors)} error(s); nothing was imported")
    with click.progressbar(parsed.rows, label="agencies", show_pos=True,
                           file=sys.stderr) as rows:
        counts = services.upsert_agencies(rows, is_sample=sample)
    db.session.commit()
    click.echo(f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}")
