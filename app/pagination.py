"""Keyset pagination with opaque, signed cursors: stable under inserts, cheap on deep pages."""
import uuid
from datetime import datetime

from flask import current_app
from flask_smorest import abort
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, literal, or_, tuple_

from .extensions import db
from .i18n import _


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="page-cursor")


def _encode_value(value):
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value):
    if isinstance(value, dict) and "u" in value:
        return uuid.UUID(value["u"])
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    return value


def encode_cursor(values: tuple, scope: str) -> str:
    return _serializer().dumps({"s": scope, "v": [_encode_value(v) for v in values]})


def decode_cursor(cursor: str, scope: str) -> tuple:
    """The key of the last row seen; a cursor made for another list is refused."""
    try:
        payload = _serializer().loads(cursor)
        if payload.get("s") != scope:
            raise BadSignature("scope")
        return tuple(_decode_value(v) for v in payload["v"])
    except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
        abort(400, message=_("The cursor is not valid. Start again without it."))


def after(order: list, values: tuple):
    """WHERE clause selecting the rows after `values` in `order` [(column, 'asc'|'desc'), ...].

    One direction for all columns gives a row-value comparison, which PostgreSQL answers
    straight from a composite index; mixed directions expand into ORs.
    """
    directions = {direction for _column, direction in order}
    if len(directions) == 1:
        columns = tuple_(*[column for column, _d in order])
        bound = tuple_(*[literal(value, type_=column.type) for (column, _d), value in zip(order, values)])
        return columns > bound if directions == {"asc"} else columns < bound
    clauses = []
    for i, (column, direction) in enumerate(order):
        equal = [col == values[j] for j, (col, _d) in enumerate(order[:i])]
        beyond = column > values[i] if direction == "asc" else column < values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def keyset_page(stmt, order: list, key, *, cursor: str | None, limit: int, scope: str):
    """Run `stmt` ordered by `order` from `cursor`; `key(row)` gives a row's order values.

    Returns `{"items": rows, "next_cursor": str | None}`.
    """
    if cursor:
        stmt = stmt.where(after(order, decode_cursor(cursor, scope)))
    stmt = stmt.order_by(*[c.asc() if d == "asc" else c.desc() for c, d in order]).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(key(rows[-1]), scope) if more and rows else None
    return {"items": rows, "next_cursor": next_cursor}
