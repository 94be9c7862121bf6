"""Who may read and act on which mission's data: the one place access is decided.

Each role is one row of `ROLES`: what it may do (its capabilities) and how far it reaches
(`OWN`: the account's own records; `MISSION`: the records of the one mission the account
belongs to; `ALL`: every mission). Handlers name the capability they need (`@requires(QUEUE)`);
services ask `mission_scope` (which mission's records a reader sees) and
`may_act_for_mission` (may this account act on that mission's record). Adding a role (e.g. a
`partner` organisation of one mission) is one more row here, and nothing else.

A `partner` is a community organisation or shelter a mission designates: it may only register
workers and file for them (`ASSIST`), and sees only what it filed itself (`may_read_filing`).

A role that reaches one mission but whose account has none may do nothing at all: a
misconfigured staff account is refused (403), never shown everything or an empty list.
"""
import uuid
from dataclasses import dataclass
from functools import wraps

from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_smorest import abort

from .errors import DomainError
from .i18n import _

WORKER, STAFF, ADMIN, PARTNER = "worker", "staff", "admin", "partner"

# How far a role reaches.
OWN, MISSION, ALL = "own", "mission", "all"

# What a role may do.
OWN_RECORDS = "own_records"  # presence, help requests, sync, export and deletion of one's own data
QUEUE = "queue"              # a mission's help requests: read (audited), triage, claim, notes, messages
STATS = "stats"              # the statistics of a mission
JOB_ORDERS = "job_orders"    # record job orders for a mission's jurisdiction, list them
AUDIT = "audit"              # the audit trail of reads of personal data
MATCHING = "matching"        # decide SISKOP2MI record-matching proposals
ACCOUNTS = "accounts"        # close any account (an abusive worker's, an off-boarded colleague's)
ASSIST = "assist"            # register a worker and file her lapor diri and help requests, with her consent


@dataclass(frozen=True)
class Role:
    name: str
    reach: str
    capabilities: frozenset[str]
    # Made by `flask users create` (never by the public register call).
    made_by_cli: bool = True


ROLES: dict[str, Role] = {role.name: role for role in (
    Role(WORKER, OWN, frozenset({OWN_RECORDS}), made_by_cli=False),
    Role(STAFF, MISSION, frozenset({QUEUE, STATS, JOB_ORDERS, ASSIST})),
    Role(PARTNER, MISSION, frozenset({ASSIST})),
    Role(ADMIN, ALL, frozenset({QUEUE, STATS, JOB_ORDERS, AUDIT, MATCHING, ACCOUNTS})),
)}


def role_of(user) -> Role | None:
    """The row of the user's role; None for anonymous, inactive or unknown roles (they may do nothing)."""
    if user is None or not getattr(user, "is_active", False):
        return None
    return ROLES.get(user.role)


def _complete(user, role: Role) -> bool:
    """A role that reaches one mission needs an account attached to one."""
    return role.reach != MISSION or user.mission_id is not None


def can(user, capability: str) -> bool:
    """May `user` use `capability` at all (on some records)?"""
    role = role_of(user)
    return role is not None and capability in role.capabilities and _complete(user, role)


def sees_every_mission(user) -> bool:
    """Admins may look at any mission (and choose one in the console); nobody else."""
    role = role_of(user)
    return role is not None and role.reach == ALL


def refusal(user, capability: str) -> DomainError | None:
    """Why `user` may not use `capability` (a 403), or None when they may."""
    role = role_of(user)
    if role is not None and capability in role.capabilities and not _complete(user, role):
        return DomainError(403, _("Your account is not attached to a mission."))
    if not can(user, capability):
        return DomainError(403, _("You are not allowed to do this."))
    return None


def require(user, capability: str) -> None:
    """Raise the 403 of `refusal` unless `user` may use `capability`."""
    error = refusal(user, capability)
    if error is not None:
        raise error


def mission_scope(user, capability: str, mission_id: uuid.UUID | None = None) -> uuid.UUID | None:
    """The mission whose records `user` sees for `capability`; None means every mission.

    Accounts of one mission always see their own (whatever they ask for); an account that
    reaches all sees all, or the one mission asked for. Anyone else: 403.
    """
    require(user, capability)
    role = role_of(user)
    if role.reach == MISSION:
        return user.mission_id
    if role.reach == ALL:
        return mission_id
    raise DomainError(403, _("You are not allowed to do this."))


def may_act_for_mission(user, capability: str, mission_id: uuid.UUID | None) -> bool:
    """May `user` use `capability` on a record of `mission_id`? (No mission: only those who reach all.)"""
    if not can(user, capability):
        return False
    role = role_of(user)
    if role.reach == ALL:
        return True
    return role.reach == MISSION and mission_id is not None and user.mission_id == mission_id


def may_read_filing(user, helper_id: uuid.UUID | None) -> bool:
    """May `user` read a filing made on a worker's behalf by `helper_id`? Only the account that filed it
    (a partner never sees another's; staff see their mission's filings in the queue, as any request)."""
    return can(user, ASSIST) and helper_id is not None and user.id == helper_id


def may_file_for(user, registered_by, mission_id: uuid.UUID | None) -> bool:
    """May `user` file for a worker that `registered_by` registered for `mission_id` (the registering
    account's mission)? That account itself, or staff of the same mission. (Once she holds her account
    nobody files for her: app.assist checks the hand-over.)"""
    if not can(user, ASSIST) or registered_by is None:
        return False
    if user.id == registered_by:
        return True
    return QUEUE in role_of(user).capabilities and may_act_for_mission(user, ASSIST, mission_id)


def needs_mission(role_name: str) -> bool:
    """Does an account of this role belong to one mission (`flask users create --mission`)?"""
    role = ROLES.get(role_name)
    return role is not None and role.reach == MISSION


def cli_roles() -> list[str]:
    """The roles `flask users create` makes."""
    return [name for name, role in ROLES.items() if role.made_by_cli]


def requires(capability: str, **jwt_options):
    """Decorator: a valid access token whose account may use `capability`.

    Anonymous → 401 (a page GET goes to the login page); any other account → 403.
    `jwt_options` go to `verify_jwt_in_request` (e.g. `locations=["cookies"]` for pages).
    """
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            verify_jwt_in_request(**jwt_options)
            error = refusal(current_user, capability)
            if error is not None:
                abort(403, message=str(error.message))
            return fn(*args, **kwargs)

        wrapper.required_capability = capability
        return wrapper

    return decorator
