"""Persons, the placements imported from SISKOP2MI, and the match proposals between records."""
import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import decrypt
from ..extensions import db
from ..types import IdMixin, TimestampMixin, one_of


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class LinkKind(StrEnum):
    """How an account came to belong to its person (PersonLink.how). Only a verified link shows the
    person's placements to the worker; "exact" is what the old rule (the number alone) left
    behind, and `flask integration match` releases it (app.integration.matching)."""

    OWN = "own"
    CONFIRMED = "confirmed"
    CORROBORATED = "corroborated"
    NUMBER_ONLY = "exact"


PROPOSED, CONFIRMED, REJECTED = ProposalStatus
PROPOSAL_STATUSES = tuple(ProposalStatus)
LINK_OWN, LINK_CONFIRMED, LINK_CORROBORATED, LINK_NUMBER_ONLY = LinkKind
VERIFIED_LINKS = (LINK_CONFIRMED, LINK_CORROBORATED)


class Person(IdMixin, TimestampMixin, db.Model):
    """One human: the record that a placement and a worker's account (with its presence reports) meet on.

    A worker who renews a passport or moves country stays one person: the placements and
    presence reports keep the history, the person only ties them together.
    """

    __tablename__ = "persons"

    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None]

    placements = relationship("Placement", back_populates="person", lazy="select")


class PersonLink(TimestampMixin, db.Model):
    """A worker account (and through it every presence report of the worker) belongs to one person."""

    __tablename__ = "person_links"
    __table_args__ = (one_of("how", LinkKind),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    how: Mapped[str] = mapped_column(String(12))


class Placement(IdMixin, TimestampMixin, db.Model):
    """One placement of a worker abroad, as SISKOP2MI exported it.

    `source_key` identifies the placement across imports (the SISKOP2MI id when the file has
    one, else a keyed hash of the NIK or passport with the departure date); `row_hash` is a
    keyed hash of every value, so a re-import can tell "unchanged" without decrypting anything.
    Passport number and NIK are stored only encrypted beside their blind index (app.crypto).
    """

    __tablename__ = "placements"
    ENCRYPTED_FIELDS = ("passport_enc", "nik_enc")  # re-encrypted by `flask keys rotate`
    __table_args__ = (Index("ix_placements_country_person", "country", "person_id"),)

    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(64))
    passport_enc: Mapped[str | None] = mapped_column(String(400))
    passport_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    nik_enc: Mapped[str | None] = mapped_column(String(400))
    nik_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date]
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    employer: Mapped[str] = mapped_column(String(200))
    agency_licence: Mapped[str | None] = mapped_column(String(60))
    scheme: Mapped[str | None] = mapped_column(String(100))
    departure_date: Mapped[date]
    contract_end: Mapped[date | None]
    mission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("missions.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)

    person = relationship("Person", back_populates="placements")
    mission = relationship("Mission", lazy="joined")

    @property
    def passport_number(self) -> str | None:
        return decrypt(self.passport_enc) if self.passport_enc else None

    @property
    def nik(self) -> str | None:
        return decrypt(self.nik_enc) if self.nik_enc else None


class MatchProposal(IdMixin, TimestampMixin, db.Model):
    """A possible match of a placement and a worker (by a number the worker declared, or by name
    and date of birth), for an admin to decide."""

    __tablename__ = "match_proposals"
    __table_args__ = (UniqueConstraint("placement_id", "user_id"), one_of("status", ProposalStatus))

    placement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    presence_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("presence_reports.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=PROPOSED, index=True)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    placement = relationship("Placement", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    presence_report = relationship("PresenceReport", lazy="select")
