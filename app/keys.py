"""Key housekeeping: re-encrypting the stored personal identifiers and files under the current DATA_KEY.

Each model that stores encrypted values names its columns in `ENCRYPTED_FIELDS`; this module
finds them, so a new encrypted column is rotated without touching this file.
"""
from sqlalchemy import or_, select, update

from .attachments.services import reencrypt_files
from .crypto import rotate
from .extensions import db

BATCH = 500


def encrypted_models() -> list:
    """The mapped classes that declare ENCRYPTED_FIELDS."""
    return sorted((m.class_ for m in db.Model.registry.mappers if getattr(m.class_, "ENCRYPTED_FIELDS", None)),
                  key=lambda cls: cls.__tablename__)


def reencrypt_all(progress=lambda table, done: None) -> dict:
    """Re-encrypt every stored value under DATA_KEY, a batch at a time (committed per batch, so a
    long run can be stopped and started again); {table: rows rewritten}.

    Nothing else changes: not the blind indexes (they use INDEX_KEY, not DATA_KEY), and not
    `updated_at`, which the incremental Peduli WNI export reads (the values did not change).
    """
    counts = {}
    for model in encrypted_models():
        table = model.__table__
        fields = [table.c[name] for name in model.ENCRYPTED_FIELDS]
        key = table.primary_key.columns.values()[0]
        counts[model.__tablename__] = done = 0
        last = None
        while True:
            stmt = select(key, *fields).where(or_(*[f.is_not(None) for f in fields])).order_by(key).limit(BATCH)
            if last is not None:
                stmt = stmt.where(key > last)
            rows = db.session.execute(stmt).all()
            if not rows:
                break
            for row in rows:
                values = {f.key: rotate(row[i + 1]) for i, f in enumerate(fields) if row[i + 1]}
                keep = {"updated_at": table.c.updated_at} if "updated_at" in table.c else {}
                db.session.execute(update(table).where(key == row[0]).values(**values, **keep))
            last = rows[-1][0]
            db.session.commit()
            done += len(rows)
            counts[model.__tablename__] = done
            progress(model.__tablename__, done)
    # The files (voice notes, photos) are encrypted with the same keys, in storage, not in a column.
    counts["attachment files"] = reencrypt_files(lambda done: progress("attachment files", done))
    return counts
