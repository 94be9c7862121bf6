"""Command-line tools: `flask --app wsgi seed | users | translate | tokens | keys`.

They call the same services as the web, and commit once at the end.
"""
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from . import access
from .extensions import db
from .i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"

# Each feature contributes a seed step: (label, "module:function"). Each is idempotent.
SEED_STEPS = [
    ("missions", "app.missions.services:seed_missions"),
    ("schemes", "app.channels.services:seed_schemes"),
    ("sample agencies (SAMPLE data, not the official registry)", "app.channels.services:seed_sample_agencies"),
]
SAMPLE_STEPS = [
    ("sample accounts", "app.accounts.sample:seed_sample_accounts"),
    ("sample cases", "app.help.sample:seed_sample_cases"),
]


def _call(path: str, **kwargs):
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)(**kwargs)


@click.command("seed")
@click.option("--sample/--no-sample", default=False, help="Also create demo accounts and sample cases (never in production).")
@with_appcontext
def seed_command(sample: bool):
    """Load reference data (missions, hotlines, schemes, sample agencies); idempotent."""
    steps = SEED_STEPS + (SAMPLE_STEPS if sample else [])
    if sample and current_app.config["ENV_NAME"] == "production":
        raise click.UsageError("--sample is refused in production")
    for label, path in steps:
        result = _call(path)
        click.echo(f"{label}: {result}")
    db.session.commit()


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
    from .accounts.services import AccountError, create_user
    from .missions.services import get_by_code

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
    from sqlalchemy import select

    from .accounts.models import User
    from .accounts.services import deactivate_user, normalise_phone

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
    from .accounts.services import purge_expired_tokens

    n = purge_expired_tokens()
    db.session.commit()
    click.echo(f"purged {n}")


keys = AppGroup("keys", help="Encryption keys of passport numbers and NIK (see README, key rotation).")


@keys.command("index-key")
@click.option("--old", is_flag=True, help="Derive it from the first DATA_KEY_OLD (after DATA_KEY was replaced).")
def index_key_command(old: bool):
    """Print the blind-index key now in use, to pin it as INDEX_KEY before DATA_KEY changes."""
    from .crypto import derived_index_key, old_data_keys

    config = current_app.config
    if config.get("INDEX_KEY") and not old:
        click.echo(config["INDEX_KEY"])
        return
    source = old_data_keys(config)[:1] if old else [config["DATA_KEY"]]
    if not source:
        raise click.UsageError("--old needs DATA_KEY_OLD")
    click.echo(derived_index_key(source[0]))


@keys.command("rotate")
def rotate_keys_command():
    """Re-encrypt every stored passport number and NIK under DATA_KEY (then DATA_KEY_OLD can go)."""
    from .keys import reencrypt_all

    counts = reencrypt_all(progress=lambda table, done: click.echo(f"{table}: {done}"))
    click.echo("re-encrypted " + ", ".join(f"{table} {n}" for table, n in counts.items()))


translate = AppGroup("translate", help="Message catalogs in translations/.")


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate.command("update")
def translate_update():
    """Extract marked strings and merge them into the id and en catalogs."""
    pot = TRANSLATIONS / "messages.pot"
    _pybabel("extract", "-F", str(TRANSLATIONS / "babel.cfg"), "-k", "_l", "--no-location", "--sort-output", "-o", str(pot), "app")
    for lang in LANGUAGES:
        if not (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").exists():
            _pybabel("init", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", lang)
    _pybabel("update", "-i", str(pot), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")
    from .translations import mirror_english

    mirror_english()
    click.echo("catalogs updated; fill the empty msgstr entries of id, then `flask translate compile`")


@translate.command("fill")
@click.argument("lang", type=click.Choice(LANGUAGES))
@click.argument("source", type=click.File("r", encoding="utf-8"))
def translate_fill(lang, source):
    """Set translations from a JSON object {msgid: text} (for batches of new strings)."""
    import json

    from .translations import fill

    click.echo(f"{fill(lang, json.load(source))} entries set")


@translate.command("compile")
def translate_compile():
    """Compile the catalogs (.po → .mo)."""
    from .translations import compile_catalogs

    compile_catalogs()


@translate.command("check")
def translate_check():
    """Fail when a marked string has no id or en translation."""
    from .translations import missing_translations

    missing = missing_translations()
    for lang, ids in missing.items():
        for msgid in ids:
            click.echo(f"{lang}: {msgid}")
    if any(missing.values()):
        raise SystemExit(1)


def register_cli(app):
    app.cli.add_command(seed_command)
    app.cli.add_command(users)
    app.cli.add_command(tokens)
    app.cli.add_command(keys)
    app.cli.add_command(translate)
    from .channels.cli import channels

    app.cli.add_command(channels)
    from .integration.cli import integration

    app.cli.add_command(integration)
    from .sync.cli import sync

    app.cli.add_command(sync)
    from .missions.cli import missions

    app.cli.add_command(missions)
