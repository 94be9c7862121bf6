"""Matching records of the same human: a worker's declared numbers and names against SISKOP2MI placements.

Rules, in one place (docs/placements.md, "Matching"):
1. Placements are one person when their NIK or passport number is equal: SISKOP2MI's own
   records, compared by blind index. NIK wins over the passport (a NIK is for life).
2. A worker's numbers are her word, not a proof: anyone can type someone else's NIK. Only her
   CURRENT presence report counts (history never proposes or links). A placement with a number
   equal to one she declared is linked by itself only when the evidence is corroborated
   (`corroborated`): her account's name equals the placement's after normalisation AND her
   employer agrees, or (matched by passport) the NIK she gave encodes the placement's birth date;
   and nothing contradicts it (a different NIK, a number another account declared too, a
   placement already linked to another account). Everything else is a proposal for an admin.
3. Otherwise a worker and a placement in the same country whose names are similar are proposed,
   with a score, for an admin to confirm or reject.
A proposal is never applied by itself, and a pair that was decided once is never proposed again.
An open proposal the worker's current report no longer supports is withdrawn.
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
from ..pagination import keyset_page
from ..presence.models import PresenceReport
from ..presence.services import shared_numbers
from .importer import name_key
from .models import (CONFIRMED, LINK_CONFIRMED, LINK_CORROBORATED, LINK_NUMBER_ONLY, LINK_OWN, PROPOSED, REJECTED,
                     VERIFIED_LINKS, MatchProposal, Person, PersonLink, Placement)

CHUNK = 1000
NAME_THRESHOLD = 0.8
SCORE_THRESHOLD = 0.8
# Employer names are typed by the worker and by an agency: punctuation, case and word order are
# already ignored by name_key, so what is left to forgive is a typo.
EMPLOYER_THRESHOLD = 0.9


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
        # Only SISKOP2MI's own numbers join placements: a number a worker typed is no proof.
        by_nik, by_passport = _placement_persons_by_number(niks, passports)
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


def _release_number_only_links() -> None:
    """Links the old rule made on a declared number alone go back to a person of the worker's own;
    the pair is then weighed again like any other (a proposal, or a corroborated link)."""
    for link in db.session.scalars(select(PersonLink).where(PersonLink.how == LINK_NUMBER_ONLY)).all():
        person = Person(full_name=db.session.get(User, link.user_id).full_name)
        db.session.add(person)
        db.session.flush()
        link.person_id, link.how = person.id, LINK_OWN
    db.session.flush()


def _unsettled_workers():
    """(current report, account name) of every worker not yet linked to a person with placements."""
    linked_to_placements = select(PersonLink.user_id).join(Placement, Placement.person_id == PersonLink.person_id)
    return db.session.execute(
        select(PresenceReport, User.full_name).join(User, User.id == PresenceReport.user_id)
        .where(PresenceReport.is_current.is_(True), PresenceReport.user_id.not_in(linked_to_placements))
        .order_by(PresenceReport.user_id)).all()


def corroborated(placement, report: PresenceReport, full_name: str, shared: list[str],
                 linked_elsewhere: bool) -> tuple[bool, float, list[str]]:
    """Weigh a placement whose NIK or passport equals one of the worker's current report:
    (link it by itself?, score, reasons). The rule of docs/placements.md, in one place.

    The number only says "she typed it"; the link needs an attribute the number does not
    give away: the account's name equal to the placement's (normalised) AND her employer
    agreeing, or, when the passport matched, the birth date encoded in a NIK she gave.
    """
    by_nik = bool(report.nik_hash) and report.nik_hash == placement.nik_hash
    # A report without a passport number (her passport is not with her) matches no placement by passport.
    by_passport = bool(report.passport_hash) and report.passport_hash == placement.passport_hash
    name = difflib.SequenceMatcher(None, placement.name_key, name_key(full_name)).ratio()
    employer = difflib.SequenceMatcher(None, name_key(placement.employer), name_key(report.employer_name)).ratio()
    nik_differs = bool(report.nik_hash and placement.nik_hash) and not by_nik
    # Her own NIK, decrypted alone (the blind index found the pair): never the NIK that matched.
    birth = (not by_nik and bool(report.nik_enc)
             and birth_date_from_nik(report.nik) == placement.birth_date)
    reasons = [r for r, hit in (("nik", by_nik), ("passport", by_passport)) if hit] + [f"name:{name:.2f}"]
    reasons += [r for r, hit in (("employer", employer >= EMPLOYER_THRESHOLD), ("birth_date", birth),
                                 ("nik_differs", nik_differs), ("linked_to_other_account", linked_elsewhere)) if hit]
    strong = (placement.name_key == name_key(full_name) and (employer >= EMPLOYER_THRESHOLD or birth)
              and not (nik_differs or shared or linked_elsewhere))
    score = round(0.5 + 0.4 * name + 0.1 * (1.0 if birth else employer), 3)
    return strong, score, reasons


def _match_declared_numbers(workers) -> tuple[int, dict]:
    """Weigh the placements that share a number with each worker's current report.

    Links the corroborated pairs (one person at most per worker) and returns (links made,
    {(placement id, user id): (report id, score, reasons)} of the pairs to propose).
    """
    linked, wanted = 0, {}
    for start in range(0, len(workers), CHUNK):
        chunk = workers[start:start + CHUNK]
        reports = [report for report, _name in chunk]
        for report, full_name in chunk:
            if db.session.get(PersonLink, report.user_id) is None:
                person = Person(full_name=full_name)
                db.session.add(person)
                db.session.flush()
                _link_user(report.user_id, person, LINK_OWN)
        shared = shared_numbers(reports)
        niks = {r.nik_hash for r in reports if r.nik_hash}
        passports = {r.passport_hash for r in reports if r.passport_hash}
        placements = db.session.execute(
            select(Placement.id, Placement.nik_hash, Placement.passport_hash, Placement.name_key,
                   Placement.birth_date, Placement.employer, Placement.person_id)
            .where(Placement.nik_hash.in_(niks) | Placement.passport_hash.in_(passports))).all()
        if not placements:
            continue
        by_number = defaultdict(list)
        for placement in placements:
            for number in (placement.nik_hash, placement.passport_hash):
                if number:
                    by_number[number].append(placement)
        persons = {p.person_id for p in placements}
        linked_persons = defaultdict(set)
        for user_id, person_id in db.session.execute(select(PersonLink.user_id, PersonLink.person_id).where(
                PersonLink.person_id.in_(persons), PersonLink.how.in_(VERIFIED_LINKS))):
            linked_persons[person_id].add(user_id)
        for report, full_name in chunk:
            candidates = {p.id: p for number in (report.nik_hash, report.passport_hash) if number
                          for p in by_number.get(number, ())}
            weighed = {pid: corroborated(p, report, full_name, shared[report.id],
                                         bool(linked_persons[p.person_id] - {report.user_id}))
                       for pid, p in candidates.items()}
            strong_persons = {candidates[pid].person_id for pid, (strong, _s, _r) in weighed.items() if strong}
            chosen = strong_persons.pop() if len(strong_persons) == 1 else None
            if chosen is not None:
                _link_user(report.user_id, db.session.get(Person, chosen), LINK_CORROBORATED)
                linked_persons[chosen].add(report.user_id)  # a second account of this chunk is "elsewhere"
                linked += 1
            for pid, (_strong, score, reasons) in weighed.items():
                if candidates[pid].person_id != chosen:
                    wanted[(pid, report.user_id)] = (report.id, score, reasons)
    return linked, wanted


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


def _propose_by_name(wanted: dict) -> None:
    """Add to `wanted` the pairs of a worker with no placement and a placement with no worker, in
    the same country, whose names are similar (a pair already wanted by its number stays so)."""
    workers = _unsettled_workers()
    if not workers:
        return
    with_users = select(PersonLink.person_id)
    countries = {report.country for report, _name in workers}
    # Blocking: a placement is compared only with workers in its country sharing a name word.
    index = defaultdict(list)
    for placement in db.session.execute(
            select(Placement.id, Placement.name_key, Placement.birth_date, Placement.employer, Placement.country)
            .where(Placement.country.in_(countries), Placement.person_id.not_in(with_users))):
        for word in set(placement.name_key.split()):
            index[(placement.country, word)].append(placement)
    for report, full_name in workers:
        nik_birth = birth_date_from_nik(report.nik) if report.nik_enc else None
        seen = set()
        for word in set(name_key(full_name).split()):
            for placement in index.get((report.country, word), ()):
                if placement.id in seen or (placement.id, report.user_id) in wanted:
                    continue
                seen.add(placement.id)
                scored = score_pair(placement, full_name, nik_birth, report.employer_name)
                if scored is not None and scored[0] >= SCORE_THRESHOLD:
                    wanted[(placement.id, report.user_id)] = (report.id, scored[0], scored[1])


def _store_proposals(wanted: dict, user_ids: list) -> int:
    """Make the stored proposals of these workers what `wanted` says; returns how many are new.

    A decided pair is never proposed again; an open one is brought up to date with the
    current report, or withdrawn (deleted) when the current report no longer supports it.
    """
    made = 0
    for start in range(0, len(user_ids), CHUNK):
        ids = set(user_ids[start:start + CHUNK])
        stored = {(p.placement_id, p.user_id): p for p in db.session.scalars(
            select(MatchProposal).where(MatchProposal.user_id.in_(ids)))}
        for pair, proposal in stored.items():
            if proposal.status != PROPOSED:
                continue
            if pair not in wanted:
                db.session.delete(proposal)
                continue
            report_id, score, reasons = wanted[pair]
            proposal.presence_report_id, proposal.score, proposal.reasons = report_id, score, ",".join(reasons)
        new = [{"id": uuid.uuid4(), "placement_id": placement_id, "user_id": user_id, "presence_report_id": report_id,
                "score": score, "reasons": ",".join(reasons), "status": PROPOSED}
               for (placement_id, user_id), (report_id, score, reasons) in wanted.items()
               if user_id in ids and (placement_id, user_id) not in stored]
        for row in new:
            db.session.add(MatchProposal(**row))
        made += len(new)
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
    _release_number_only_links()
    _persons_of_placements()
    workers = _unsettled_workers()
    user_ids = [report.user_id for report, _name in workers]
    linked, wanted = _match_declared_numbers(workers)
    _withdraw_settled_proposals()
    _propose_by_name(wanted)
    proposed = _store_proposals(wanted, user_ids)
    return {"linked": linked, "proposed": proposed}


def list_proposals(status: str = PROPOSED, *, cursor: str | None = None, limit: int = 50) -> dict:
    """Proposals of one status, best score first, keyset-paginated (the API and the console page)."""
    stmt = select(MatchProposal).where(MatchProposal.status == status)
    return keyset_page(stmt, [(MatchProposal.score, "desc"), (MatchProposal.id, "asc")],
                       lambda p: (p.score, p.id), cursor=cursor, limit=limit, scope="proposals:" + status)


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
        _link_user(proposal.user_id, db.session.get(Person, placement.person_id), LINK_CONFIRMED)
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


def own_placements(user) -> tuple[uuid.UUID | None, list[dict]]:
    """(person id, placements) the worker may see in her own export.

    Only through a verified link (an admin confirmed it, or the corroborated rule made it), and
    with only the numbers she declared herself in one of her reports (compared by blind index):
    a placement never tells her a passport number or NIK she did not give.
    """
    link = db.session.get(PersonLink, user.id)
    if link is None or link.how == LINK_NUMBER_ONLY:
        return None, []
    if link.how not in VERIFIED_LINKS:
        return link.person_id, []
    declared = db.session.execute(select(PresenceReport.passport_hash, PresenceReport.nik_hash)
                                  .where(PresenceReport.user_id == user.id).distinct()).all()
    passports = {r.passport_hash for r in declared if r.passport_hash}
    niks = {r.nik_hash for r in declared if r.nik_hash}
    placements = []
    for placement in db.session.scalars(select(Placement).where(Placement.person_id == link.person_id)
                                        .order_by(Placement.departure_date, Placement.id)):
        placements.append({
            "id": placement.id, "full_name": placement.full_name, "birth_date": placement.birth_date,
            "passport_number": placement.passport_number if placement.passport_hash in passports else None,
            "nik": placement.nik if placement.nik_hash in niks else None,
            "country": placement.country, "region": placement.region, "city": placement.city,
            "employer": placement.employer, "agency_licence": placement.agency_licence, "scheme": placement.scheme,
            "departure_date": placement.departure_date, "contract_end": placement.contract_end})
    return link.person_id, placements
