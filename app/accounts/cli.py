"""`flask --app wsgi users create|deactivate` and `flask --app wsgi tokens purge`: accounts from
the command line, through the same services as the web; each command commits once at the end."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..i18n import LANGUAGES
from ..missions.services import get_by_code
from .models import User
from .services import AccountError, create_user, deactivate_user, normalise_phone, purge_expired_tokens

users = AppGroup("users", help="Staff, admin and partner-organisation accounts.")


@users.command("create")
@click.option("--role", type=click.Choice(access.cli_roles()), required=True)
@click.option("--mission", "mission_code", help="Mission code, required for staff and partners (e.g. KJRI-KOTAKINABALU).")
@click.option("--email", required=True)
@click.option("--name", "full_name", default=None, help="Full name (defaults to the email).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="id")
def create_user_command(role, mission_code, email, full_name, password, language):
    """Create a staff, admin or partner (a community organisation of one mission) account."""
    mission = None
    if access.needs_mission(role):
        if not mission_code:
            raise click.UsageError(f"{role} accounts need --mission CODE")
        mission = get_by_code(mission_code)
        if mission is None:
            raise click.UsageError(f"unknown mission {mission_code}")
    if len(password) < 8:
        raise click.UsageError("the password needs at least 8 characters")
    try:
        user = create_user(full_name=full_name or email, password=password, role=role, email=email.strip().lower(),
                           language=language, mission=mission)
    except AccountError:
        raise click.UsageError(f"{email} already has an account") from None
    db.session.commit()
    click.echo(f"created {role} {user.email} ({user.id})" + (f" at {mission.code}" if mission else ""))


@users.command("deactivate")
@click.option("--email", default=None)
@click.option("--phone", default=None, help="A worker's phone, in E.164 (+62…).")
def deactivate_user_command(email, phone):
    """Deactivate an account: every session ends at once and login answers 401."""
    if bool(email) == bool(phone):
        raise click.UsageError("give exactly one of --email or --phone")
    if email:
        where = User.email == email.strip().lower()
    else:
        try:
            where = User.phone == normalise_phone(phone)
        except ValueError:
            raise click.UsageError(f"{phone} is not a valid phone number") from None
    user = db.session.scalar(select(User).where(where))
    if user is None:
        raise click.UsageError(f"no account for {email or phone}")
    deactivate_user(user)
    db.session.commit()
    click.echo(f"deactivated {user.role} {user.email or user.phone} ({user.id})")


tokens = AppGroup("tokens", help="Token housekeeping.")


@tokens.command("purge")
def purge_tokens_command():
    """Delete token records that have expired."""
    n = purge_expired_tokens()
    db.session.commit()
    click.echo(f"purged {n}")
