"""`flask --app wsgi missions standard CODE`: a mission's service standard (the deadlines of its help requests)."""
import json

import click
from flask.cli import AppGroup

from ..extensions import db
from ..help.deadlines import set_standard, standard_of
from .services import get_by_code

missions = AppGroup("missions", help="Missions and their service standards.")


def _parse(settings: tuple[str, ...]) -> dict:
    """`first_response_hours.critical=1` … → {"first_response_hours": {"critical": 1}, …}."""
    overrides: dict = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        try:
            hours = float(value)
        except ValueError:
            raise click.BadParameter(f"{setting!r}: give KEY=HOURS, e.g. first_response_hours.critical=1") from None
        hours = int(hours) if hours.is_integer() else hours
        key, _, sub = name.strip().partition(".")
        if sub:
            overrides.setdefault(key, {})[sub] = hours
        else:
            overrides[key] = hours
    return overrides


def merge_overrides(current: dict, new: dict) -> dict:
    """A mission's earlier overrides with the new ones laid over them."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in current.items()}
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


@missions.command("standard")
@click.argument("code")
@click.option("--set", "settings", multiple=True, metavar="KEY=HOURS",
              help="Override one number, e.g. first_response_hours.critical=1 or resolution_hours.dispute=240 "
                   "(repeatable; kept with the mission's earlier overrides).")
@click.option("--reset", is_flag=True, help="Drop the mission's overrides: back to the defaults.")
def standard_command(code, settings, reset):
    """Show a mission's service standard (hours), or change it; its open requests get new deadlines."""

    mission = get_by_code(code)
    if mission is None:
        raise click.UsageError(f"unknown mission {code!r}")
    if reset or settings:
        overrides = {} if reset else merge_overrides(mission.service_standard or {}, _parse(settings))
        try:
            changed = set_standard(mission, overrides)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        db.session.commit()
        click.echo(f"{mission.code}: standard saved; {changed} open request(s) have new deadlines.")
    click.echo(json.dumps({"mission": mission.code, "overrides": mission.service_standard or {},
                           "standard": standard_of(mission)}, indent=2))

