"""Command-line tools: `flask --app wsgi seed | translate | keys`, and each feature's commands
(`users` and `tokens`: app.accounts.cli).

They call the same services as the web, and commit once at the end.
"""
import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .accounts.cli import tokens, users
from .channels.cli import channels
from .crypto import derived_index_key, old_data_keys
from .extensions import db
from .i18n import LANGUAGES
from .integration.cli import integration
from .keys import reencrypt_all
from .missions.cli import missions
from .sync.cli import sync
from .translations import compile_catalogs, fill, mirror_english, missing_translations

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


keys = AppGroup("keys", help="Encryption keys of passport numbers and NIK (see README, key rotation).")


@keys.command("index-key")
@click.option("--old", is_flag=True, help="Derive it from the first DATA_KEY_OLD (after DATA_KEY was replaced).")
def index_key_command(old: bool):
    """Print the blind-index key now in use, to pin it as INDEX_KEY before DATA_KEY changes."""
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
    mirror_english()
    click.echo("catalogs updated; fill the empty msgstr entries of id, then `flask translate compile`")


@translate.command("fill")
@click.argument("lang", type=click.Choice(LANGUAGES))
@click.argument("source", type=click.File("r", encoding="utf-8"))
def translate_fill(lang, source):
    """Set translations from a JSON object {msgid: text} (for batches of new strings)."""
    click.echo(f"{fill(lang, json.load(source))} entries set")


@translate.command("compile")
def translate_compile():
    """Compile the catalogs (.po → .mo)."""
    compile_catalogs()


@translate.command("check")
def translate_check():
    """Fail when a marked string has no id or en translation."""
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
    app.cli.add_command(channels)
    app.cli.add_command(integration)
    app.cli.add_command(sync)
    app.cli.add_command(missions)
