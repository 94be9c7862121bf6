"""`flask --app wsgi integration ...`: SISKOP2MI import, matching, Peduli WNI export.

Each batch is committed as it is written, so a large import holds neither the file nor one
long transaction; re-running an interrupted import finishes it (rows already in are unchanged).
"""
import os
import sys
from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from ..extensions import db
from . import importer, services

integration = AppGroup("integration", help="SISKOP2MI placements in, Peduli WNI presence out, record matching.")


def _lines(handle, bar):
    """Decoded lines of a binary file, advancing the progress bar by the bytes read."""
    first = True
    for raw in handle:
        bar.update(len(raw))
        line = raw.decode("utf-8")
        if first:
            line, first = line.removeprefix("\ufeff"), False
        yield line


def _describe(errors: dict) -> str:
    parts = []
    for name, messages in errors.items():
        if isinstance(messages, dict):  # a nested field: flatten its messages
            messages = [m for ms in messages.values() for m in (ms if isinstance(ms, list) else [ms])]
        parts.append(f"{name}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts)


@integration.command("import-placements", epilog="Columns and examples: docs/placements.md")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--match/--no-match", "run_match", default=True, help="Match records after the import (default).")
def import_placements(path, run_match):
    """Import SISKOP2MI placements from PATH (.csv or .jsonl): create new, update changed, skip unchanged.

    Every row is validated; bad rows are listed with their line number and skipped (the exit
    status is then 1). Importing the same file again changes nothing.
    """
    try:
        fmt = importer.format_of(path)
    except importer.FileFormatError as error:
        raise click.UsageError(str(error)) from None
    try:
        with open(path, "rb") as handle, click.progressbar(length=os.path.getsize(path), label="placements",
                                                          file=sys.stderr) as bar:
            counts = services.import_placements(_lines(handle, bar), fmt, db.session.commit)
    except importer.FileFormatError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error}") from None
    except UnicodeDecodeError:
        db.session.rollback()
        raise click.ClickException(f"{path}: the file is not UTF-8 text") from None
    for line, errors in counts.errors:
        # Field names and messages only: a rejected value (a personal number) is never echoed.
        click.echo(f"{path}:{line}: {_describe(errors)}", err=True)
    click.echo(f"created {counts.created}, updated {counts.updated}, unchanged {counts.unchanged}, "
               f"rejected {counts.rejected}")
    if run_match:
        result = services.match_records()
        db.session.commit()
        click.echo(f"matched: linked {result['linked']}, proposed {result['proposed']}")
    if counts.rejected:
        sys.exit(1)


@integration.command("match")
def match_command():
    """Link records of the same person (equal passport or NIK) and propose matches by name for an admin."""
    result = services.match_records()
    db.session.commit()
    click.echo(f"linked {result['linked']}, proposed {result['proposed']}")


def _since(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T08:00:00+08:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@integration.command("export-presence", epilog="Fields and examples: docs/peduli-wni-export.md")
@click.option("--since", "since", required=True, help="Export reports changed at or after this date/time (UTC if no offset).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write (default: standard output).")
def export_presence(since, fmt, output):
    """Export presence reports changed since --since for Peduli WNI (only the fields a consular registry needs)."""
    moment = _since(since)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = services.export_presence(moment, out, fmt)
    else:
        count = services.export_presence(moment, sys.stdout, fmt)
    click.echo(f"exported {count} presence report(s) changed since {moment.isoformat()}", err=True)
