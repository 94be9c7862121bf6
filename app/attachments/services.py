"""Attachments: storing an upload once by its id, linking it to a request or message, reading it
(the worker her own; staff of the request's mission, audited), the worker's export and deletion.
Services flush, never commit; the caller commits once."""
import base64
import hashlib
import uuid

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import access
from ..audit.services import record_read
from ..crypto import decrypt_bytes, encrypt_bytes, rotate_bytes
from ..errors import DomainError
from ..extensions import db
from ..help.models import HelpRequest
from ..i18n import _, _l
from .kinds import LIMITS, bytes_match, kind_of
from .models import Attachment
from .storage import storage

# At most this many files on one request or message (contract).
MAX_PER_RECORD = 5
ACCEPTED = "audio/webm, audio/ogg, audio/mp4, image/jpeg, image/png, image/webp"


class NotUploadedYet(DomainError):
    """A request or message names a file not uploaded yet (or not this worker's: the same answer, so
    nothing leaks). REST answers 422; sync answers `rejected` with `error.retry: true` (the phone
    keeps the mutation and sends it again once the upload is done)."""

    retry = True

    def __init__(self):
        super().__init__(422, _l("A voice note or photo of this message has not arrived yet. "
                                 "It will be sent again."),
                         {"attachments": [str(_l("Not uploaded yet."))]})


def _not_found():
    return DomainError(404, _("File not found."))


def storage_key(attachment_id: uuid.UUID, sha256: str) -> str:
    """Where a file's bytes go: by id and content, so two uploads racing with other bytes under one id
    never overwrite each other's file (the loser's is removed)."""
    return f"{attachment_id.hex[:2]}/{attachment_id}.{sha256[:16]}"


def _replay(user, existing: Attachment, content_type: str, sha256: str) -> tuple[Attachment, bool]:
    if existing.owner_id != user.id or existing.sha256 != sha256 or existing.content_type != content_type:
        raise DomainError(409, _("This file id is already in use with another file. "
                                 "Send the file again with a new id."))
    return existing, False


def check_upload(content_type: str | None, data: bytes) -> tuple[str, str]:
    """(kind, content type) of an upload, or the 4xx that refuses it: a type we do not take or bytes
    that are not that type (415), larger than its kind allows (413), empty (422)."""
    kind = kind_of(content_type)
    if kind is None:
        raise DomainError(415, _("Send a voice note (%(types)s) or a photo.", types=ACCEPTED))
    content_type = content_type.split(";")[0].strip().lower()
    if len(data) > LIMITS[kind]:
        raise DomainError(413, _("This file is too large: at most %(mib)s MiB for a %(kind)s.",
                                 mib=LIMITS[kind] // (1024 * 1024), kind=kind_label(kind)))
    if not data:
        raise DomainError(422, _("The file is empty. Record or choose it again."))
    if not bytes_match(content_type, data):
        raise DomainError(415, _("This file is not a voice note or a photo of the type it says it is (%(type)s).",
                                 type=content_type))
    return kind, content_type


def kind_label(kind: str) -> str:
    return str(_("voice note") if kind == "voice" else _("photo"))


def store(user, attachment_id: uuid.UUID, content_type: str | None, data: bytes) -> tuple[Attachment, bool]:
    """Store an upload under its phone-minted id: (attachment, created).

    Idempotent by id: the same bytes again answer the stored file (False); other bytes, another type
    or another worker's id are a 409 that reveals nothing more. The encrypted bytes are written before
    the row; a row that cannot be inserted (a concurrent twin won) removes what it wrote.
    """
    kind, content_type = check_upload(content_type, data)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = db.session.get(Attachment, attachment_id)
    if existing is not None:
        return _replay(user, existing, content_type, sha256)
    key = storage_key(attachment_id, sha256)
    files = storage()
    files.put(key, encrypt_bytes(data))
    attachment = Attachment(id=attachment_id, owner_id=user.id, kind=kind, content_type=content_type,
                            size=len(data), sha256=sha256, storage_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(attachment)
            db.session.flush()
    except IntegrityError:
        existing = db.session.get(Attachment, attachment_id, populate_existing=True)
        if existing is None:
            raise
        if existing.storage_key != key:
            files.delete(key)
        return _replay(user, existing, content_type, sha256)
    return attachment, True


def content(attachment: Attachment) -> bytes:
    """The file's plain bytes (decrypted with the current or an old DATA_KEY)."""
    token = storage().get(attachment.storage_key)
    if token is None:
        raise _not_found()
    return decrypt_bytes(token)


def get_own(user, attachment_id) -> Attachment:
    """The worker's own file; anyone else's is 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.owner_id is None or attachment.owner_id != user.id:
        raise _not_found()
    return attachment


def get_for_staff(user, help_request_id, attachment_id) -> Attachment:
    """A file of a request the caller may act on (its mission's staff, an admin); the read is audited.
    A file of another request, or of another mission's, is 404 (its existence must not leak)."""
    access.require(user, access.QUEUE)
    attachment = db.session.get(Attachment, attachment_id)
    help_request = db.session.get(HelpRequest, help_request_id)
    if (attachment is None or help_request is None or attachment.help_request_id != help_request.id
            or not access.may_act_for_mission(user, access.QUEUE, help_request.mission_id)):
        raise _not_found()
    record_read(user, "attachment", attachment.id)
    return attachment


def of_request(help_request_id) -> list[Attachment]:
    """Every file of a request and of its messages, oldest first."""
    return list(db.session.scalars(select(Attachment).where(Attachment.help_request_id == help_request_id)
                                   .order_by(Attachment.created_at, Attachment.id)))


def attach(user, attachment_ids, *, help_request_id, message_id=None) -> list[Attachment]:
    """Link files the worker uploaded to her request (or to one of its messages).

    A file not stored yet, or not hers, raises NotUploadedYet (retry); a file already on another
    record is a final 422. Linking again to the same record changes nothing.
    """
    ids = list(dict.fromkeys(attachment_ids or ()))
    if not ids:
        return []
    found = {a.id: a for a in db.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
    if any(found.get(i) is None or found[i].owner_id != user.id for i in ids):
        raise NotUploadedYet()
    for attachment in found.values():
        if attachment.help_request_id is not None and (attachment.help_request_id, attachment.message_id) \
                != (help_request_id, message_id):
            raise DomainError(422, _("Some fields are not valid."), {
                "attachments": [_("This voice note or photo is already on another request or message.")]})
        attachment.help_request_id, attachment.message_id = help_request_id, message_id
    db.session.flush()
    return [found[i] for i in ids]


def export_of(user) -> list[dict]:
    """The worker's files for her export: their facts and their bytes (base64)."""
    rows = db.session.scalars(select(Attachment).where(Attachment.owner_id == user.id)
                              .order_by(Attachment.created_at, Attachment.id))
    return [{"id": a.id, "kind": a.kind, "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
             "help_request_id": a.help_request_id, "message_id": a.message_id, "created_at": a.created_at,
             "content_base64": base64.b64encode(content(a)).decode("ascii")} for a in rows]


def forget_user(user_id) -> int:
    """Before an account is deleted: files on a request stay with it, anonymised (no owner), as the
    request does (app.help.services.anonymise_for_user); the rest are deleted, their bytes removed
    from storage once the deletion is committed. The number of files removed."""
    rows = list(db.session.scalars(select(Attachment).where(Attachment.owner_id == user_id)))
    removed = [a for a in rows if a.help_request_id is None]
    for attachment in rows:
        if attachment.help_request_id is not None:
            attachment.owner_id = None
        else:
            db.session.delete(attachment)
    remove_after_commit([a.storage_key for a in removed])
    db.session.flush()
    return len(removed)


def reencrypt_files(progress=lambda done: None) -> int:
    """Re-encrypt every stored file under the current DATA_KEY (`flask keys rotate`); how many."""
    files, done, last = storage(), 0, None
    while True:
        stmt = select(Attachment.id, Attachment.storage_key).order_by(Attachment.id).limit(200)
        if last is not None:
            stmt = stmt.where(Attachment.id > last)
        rows = db.session.execute(stmt).all()
        if not rows:
            return done
        for row in rows:
            token = files.get(row.storage_key)
            if token is not None:
                files.put(row.storage_key, rotate_bytes(token))
                done += 1
        last = rows[-1].id
        progress(done)


# ---------------------------------------------------------------- removal once committed

_PENDING = "jembatan.attachments.remove"


def remove_after_commit(keys: list[str]) -> None:
    """Remove these files from storage when the current transaction commits (never when it rolls
    back: a deletion undone must not leave rows without their bytes)."""
    if keys:
        db.session().info.setdefault(_PENDING, []).extend(keys)


@event.listens_for(Session, "after_commit")
def _remove_committed(session):
    if session.in_nested_transaction():  # a savepoint's commit: the transaction may still roll back
        return
    keys = session.info.pop(_PENDING, None)
    if keys:
        files = storage()
        for key in keys:
            files.delete(key)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
