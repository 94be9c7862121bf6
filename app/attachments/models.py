"""An attachment: a voice note or a photo a worker uploaded, linked to one help request or message."""
import uuid

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import TimestampMixin


class Attachment(TimestampMixin, db.Model):
    """The file's facts; its bytes are in storage (app.attachments.storage), encrypted, under `storage_key`.

    `id` is minted on the phone, so an upload sent again after a dropped connection names the same
    file. `owner_id` is NULL once the worker deleted her account and the file stays, anonymised, with
    a request the mission keeps. `help_request_id` is set for a file on the request and on any of its
    messages (`message_id` then says which): staff reach every file of a request through it.
    """

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # voice | photo
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80))
    help_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("help_messages.id", ondelete="CASCADE"),
                                                         index=True)
