"""Portable SQL for statistics, the same answers on PostgreSQL and SQLite.

`hours_between` is the hours from one timestamp column to another; `percentiles` computes
continuous percentiles (linear interpolation between the two nearest values, as PostgreSQL's
`percentile_cont` does): with `percentile_cont` on PostgreSQL, and with window functions
(row_number, count) on SQLite, which has no percentile aggregate. Both run in the database.
"""
from sqlalchemy import Float, Integer, case, cast, func, select

from .extensions import db


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def hours_between(start, end):
    """SQL for the hours from `start` to `end` (timestamps), as a float."""
    if _dialect() == "postgresql":
        return cast(func.extract("epoch", end - start), Float) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def percentiles(value, where, group=None, fractions=(0.5, 0.9)) -> dict:
    """{group value (None without `group`): [percentile of `value` for each fraction]} over the rows
    matching `where` (a list of conditions) whose `value` is not NULL; groups without rows are absent."""
    where = [*where, value.is_not(None)]
    if _dialect() == "postgresql":
        figures = [func.percentile_cont(f).within_group(value) for f in fractions]
        stmt = select(*([group] if group is not None else []), *figures).where(*where)
        if group is not None:
            stmt = stmt.group_by(group)
        rows = db.session.execute(stmt).all()
        return {(row[0] if group is not None else None): _floats(row[1:] if group is not None else row)
                for row in rows if row[-1] is not None}
    window = {"partition_by": group} if group is not None else {}
    ranked = select(*([group.label("g")] if group is not None else []), value.label("v"),
                    func.row_number().over(order_by=value, **window).label("i"),
                    func.count().over(**window).label("n")).where(*where).subquery()
    figures = []
    for fraction in fractions:
        position = fraction * (ranked.c.n - 1)  # 0-based; its whole part is the lower neighbour
        lower = cast(position, Integer)
        low = func.max(case((ranked.c.i == lower + 1, ranked.c.v)))
        high = func.coalesce(func.max(case((ranked.c.i == lower + 2, ranked.c.v))), low)
        figures.append(low + func.max(position - lower) * (high - low))
    stmt = select(*([ranked.c.g] if group is not None else []), *figures)
    if group is not None:
        stmt = stmt.group_by(ranked.c.g)
    rows = db.session.execute(stmt).all()
    return {(row[0] if group is not None else None): _floats(row[1:] if group is not None else row)
            for row in rows if row[-1] is not None}


def _floats(values) -> list:
    return [None if v is None else float(v) for v in values]
