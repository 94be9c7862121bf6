"""The family PIN of a help request."""
import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import TimestampMixin


class FamilyPin(TimestampMixin, db.Model):
    """The PIN a worker gave her family for one of her requests, hashed with argon2 like a
    password (app.accounts.services.hash_password): six digits are few, so only the hash is kept
    and every guess is rate limited (app.family.api)."""

    __tablename__ = "family_pins"

    help_request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
