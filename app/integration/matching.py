"""Matching records of the same human: exact links by personal number, proposals by name and birth date.

Rules, in one place:
1. A placement and a worker (through any of the worker's presence reports, current or history)
   are the same person when their NIK or passport number is equal (compared by blind index).
   NIK wins over the passport when the two disagree: a NIK is for life, a passport is renewed.
2. Otherwise a worker and a placement in the same country whose names are similar are proposed,
   with a score, for an admin to confirm or reject; a proposal is never applied by itself,
   and a pair that was decided once is never proposed again.
"""
import difflib
import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import delete, insert, select, update

from ..accounts.models import User
from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from ..presence.models import PresenceReport
from .importer import name_key
from .models import CONFIRMED, PROPOSED, REJECTED, MatchProposal, Person, PersonLink, Placement

CHUNK = 1000
NAME_THRESHOLD = 0.8
SCORE_THRESHOLD = 0.8


def birth_date_from_nik(nik: str | None) -> date | None:
    """The date of birth a NIK encodes (digits 7–12, DDMMYY; women add 40 to the day), or None."""
    if not nik or len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    this_year = date.today().year % 100
    try:
        return date(2000 + year if year <= this_year else 1900 + year, month, day)
    except ValueError:
        return None


def merge_persons(into: Person, other: Person) -> None:
    """Make `other` part of `into`: its placements and accounts move over, and it is gone."""
    if into.id == other.id:
        return
    db.session.execute(update(Placement).where(Placement.person_id == other.id).values(person_id=into.id),
                       execution_options={"synchronize_session": False})
    db.session.execute(update(PersonLink).where(PersonLink.person_id == other.id).values(person_id=into.id),
                       execution_options={"synchronize_session": False})
    if into.birth_date is None:
        into.birth_date = other.birth_date
    db.session.delete(other)
    db.session.flush()
    db.session.expire_all()


def _link_user(user_id, person: Person, how: str) -> None:
    link = db.session.get(PersonLink, user_id)
    if link is None:
        db.session.add(PersonLink(user_id=user_id, person_id=person.id, how=how))
    elif link.person_id != person.id:
        other = db.session.get(Person, link.person_id)
        merge_persons(person, other)
        link = db.session.get(PersonLink, user_id)
        link.how = how
    db.session.flush()


def _placement_persons_by_number(niks: set, passports: set) -> tuple[dict, dict]:
    """({nik_hash: person_id}, {passport_hash: person_id}) of placements that already have a person."""
    by_nik, by_passport = {}, {}
    for nik_hash, passport_hash, person_id in db.session.execute(
            select(Placement.nik_hash, Placement.passport_hash, Placement.person_id).where(
                Placement.person_id.is_not(None),
                Placement.nik_hash.in_(niks) | Placement.passport_hash.in_(passports))):
        if nik_hash:
            by_nik[nik_hash] = person_id
        if passport_hash:
            by_passport[passport_hash] = person_id
    return by_nik, by_passport


def _persons_of_placements() -> None:
    """Give every placement without a person its person: an existing one by number, or a new one."""
    while True:
        chunk = db.session.execute(
            select(Placement.id, Placement.nik_hash, Placement.passport_hash, Placement.full_name,
                   Placement.birth_date).where(Placement.person_id.is_(None)).order_by(Placement.id).limit(CHUNK)).all()
        if not chunk:
            return
        niks = {p.nik_hash for p in chunk if p.nik_hash}
        passports = {p.passport_hash for p in chunk if p.passport_hash}
        by_nik, by_passport = _placement_persons_by_number(niks, passports)
        # Workers who reported with the same numbers and already belong to a person.
        for nik_hash, passport_hash, person_id in db.session.execute(
                select(PresenceReport.nik_hash, PresenceReport.passport_hash, PersonLink.person_id)
                .join(PersonLink, PersonLink.user_id == PresenceReport.user_id)
                .where(PresenceReport.nik_hash.in_(niks) | PresenceReport.passport_hash.in_(passports))):
            if nik_hash:
                by_nik.setdefault(nik_hash, person_id)
            if passport_hash:
                by_passport.setdefault(passport_hash, person_id)
        new_persons, assignments = [], []
        for placement in chunk:
            person_id = by_nik.get(placement.nik_hash) or by_passport.get(placement.passport_hash)
            if person_id is None:
                person_id = uuid.uuid4()
                new_persons.append({"id": person_id, "full_name": placement.full_name,
                                    "birth_date": placement.birth_date})
            assignments.append({"id": placement.id, "person_id": person_id})
            if placement.nik_hash:
                by_nik.setdefault(placement.nik_hash, person_id)
            if placement.passport_hash:
                by_passport.setdefault(placement.passport_hash, person_id)
        # Bulk statements: a chunk is two round trips, not two thousand.
        if new_persons:
            db.session.execute(insert(Person), new_persons)
        db.session.execute(update(Placement), assignments)
        db.session.flush()


def _persons_of_workers() -> int:
    """Link every worker with a presence report to a person; returns the number of exact links made."""
    exact = 0
    linked_to_placements = select(PersonLink.user_id).join(Placement, Placement.person_id == PersonLink.person_id)
    user_ids = list(db.session.scalars(
        select(PresenceReport.user_id).where(PresenceReport.user_id.not_in(linked_to_placements)).distinct()))
    for start in range(0, len(user_ids), CHUNK):
        ids = user_ids[start:start + CHUNK]
        hashes = defaultdict(lambda: (set(), set()))
        for user_id, nik_hash, passport_hash in db.session.execute(
                select(PresenceReport.user_id, PresenceReport.nik_hash, PresenceReport.passport_hash)
                .where(PresenceReport.user_id.in_(ids))):
            if nik_hash:
                hashes[user_id][0].add(nik_hash)
            hashes[user_id][1].add(passport_hash)
        niks = set().union(*(n for n, _p in hashes.values()))
        passports = set().union(*(p for _n, p in hashes.values()))
        by_nik, by_passport = _placement_persons_by_number(niks, passports)
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
        for user_id in ids:
            user_niks, user_passports = hashes[user_id]
            person_id = next((by_nik[h] for h in user_niks if h in by_nik), None) or next(
                (by_passport[h] for h in user_passports if h in by_passport), None)
            if person_id is not None:
                _link_user(user_id, db.session.get(Person, person_id), "exact")
                exact += 1
            elif db.session.get(PersonLink, user_id) is None:
                person = Person(full_name=users[user_id].full_name)
                db.session.add(person)
                db.session.flush()
                _link_user(user_id, person, "own")
    return exact


def name_similarity(a: str, b: str) -> float:
    """Similarity of two names (0–1) after normalising case, accents, punctuation and word order."""
    return difflib.SequenceMatcher(None, name_key(a), name_key(b)).ratio()


def score_pair(placement, worker_name: str, worker_nik_birth: date | None, worker_employer: str | None):
    """(score, reasons) of a placement and a worker, or None when they cannot be the same person."""
    name = difflib.SequenceMatcher(None, placement.name_key, name_key(worker_name)).ratio()
    if name < NAME_THRESHOLD:
        return None
    reasons = [f"name:{name:.2f}", "country"]
    if worker_nik_birth is not None:
        if worker_nik_birth != placement.birth_date:
            return None
        reasons.append("birth_date")
        extra = 0.1
    else:
        employer = difflib.SequenceMatcher(None, name_key(placement.employer), name_key(worker_employer or "")).ratio()
        extra = 0.1 * employer
        if employer >= 0.8:
            reasons.append("employer")
    return round(0.8 * name + 0.1 + extra, 3), reasons


def _propose() -> int:
    """Propose pairs of a worker with no placement and a placement with no worker, in the same country."""
    with_placements = select(Placement.person_id).where(Placement.person_id.is_not(None))
    with_users = select(PersonLink.person_id)
    workers = db.session.execute(
        select(PresenceReport, User.full_name).join(User, User.id == PresenceReport.user_id)
        .join(PersonLink, PersonLink.user_id == User.id)
        .where(PresenceReport.is_current.is_(True), PersonLink.person_id.not_in(with_placements))).all()
    if not workers:
        return 0
    countries = {report.country for report, _name in workers}
    decided = set(db.session.execute(select(MatchProposal.placement_id, MatchProposal.user_id)).all())
    # Blocking: a placement is compared only with workers in its country sharing a name word.
    index = defaultdict(list)
    for placement in db.session.execute(
            select(Placement.id, Placement.name_key, Placement.birth_date, Placement.employer, Placement.country)
            .where(Placement.country.in_(countries), Placement.person_id.not_in(with_users))):
        for word in set(placement.name_key.split()):
            index[(placement.country, word)].append(placement)
    made = 0
    for report, full_name in workers:
        nik_birth = birth_date_from_nik(report.nik) if report.nik_enc else None
        seen = set()
        for word in set(name_key(full_name).split()):
            for placement in index.get((report.country, word), ()):
                if placement.id in seen or (placement.id, report.user_id) in decided:
                    continue
                seen.add(placement.id)
                scored = score_pair(placement, full_name, nik_birth, report.employer_name)
                if scored is None or scored[0] < SCORE_THRESHOLD:
                    continue
                db.session.add(MatchProposal(placement_id=placement.id, user_id=report.user_id,
                                             presence_report_id=report.id, score=scored[0],
                                             reasons=",".join(scored[1]), status=PROPOSED))
                decided.add((placement.id, report.user_id))
                made += 1
    db.session.flush()
    return made


def _withdraw_settled_proposals() -> None:
    """Open proposals whose worker and placement are now the same person are settled."""
    for proposal in db.session.scalars(select(MatchProposal).where(MatchProposal.status == PROPOSED)):
        link = db.session.get(PersonLink, proposal.user_id)
        if link is not None and proposal.placement.person_id == link.person_id:
            proposal.status = CONFIRMED
    db.session.flush()


def match() -> dict:
    """Run every matching rule over the unmatched records; flushes, never commits."""
    _persons_of_placements()
    exact = _persons_of_workers()
    _withdraw_settled_proposals()
    proposed = _propose()
    return {"linked": exact, "proposed": proposed}


def decide(proposal: MatchProposal, confirm: bool, admin) -> MatchProposal:
    """Confirm (the worker and the placement become one person) or reject a proposal."""
    if proposal.status != PROPOSED:
        raise DomainError(409, _("This proposal was already decided."))
    if confirm:
        placement = proposal.placement
        if placement.person_id is None:
            person = Person(full_name=placement.full_name, birth_date=placement.birth_date)
            db.session.add(person)
            db.session.flush()
            placement.person_id = person.id
        _link_user(proposal.user_id, db.session.get(Person, placement.person_id), "confirmed")
    proposal = db.session.get(MatchProposal, proposal.id)
    proposal.status = CONFIRMED if confirm else REJECTED
    proposal.decided_by_id = admin.id
    db.session.flush()
    return proposal


def forget_user(user_id) -> None:
    """Before an account is deleted: its link and proposals go; a person left with nothing goes too."""
    link = db.session.get(PersonLink, user_id)
    db.session.execute(delete(MatchProposal).where(MatchProposal.user_id == user_id))
    if link is not None:
        person_id = link.person_id
        db.session.delete(link)
        db.session.flush()
        has_placements = db.session.scalar(select(Placement.id).where(Placement.person_id == person_id).limit(1))
        if has_placements is None:
            db.session.execute(delete(Person).where(Person.id == person_id))
    db.session.flush()
