"""Shared base of the product's models."""
from flask_appbuilder import Model  # noqa: F401  (one metadata with FAB's ab_* tables)
from sqlalchemy import bindparam


def written_in(column, values):
    """``column IN (values)`` with the values (integers) written into the statement: a chunk's thousand ids are
    not a thousand parameters for SQLAlchemy to render and the driver to bind and parse. Only for integers the
    platform itself read (ids), never for what a user typed."""
    return column.in_(bindparam(None, [int(v) for v in values], expanding=True, literal_execute=True))
