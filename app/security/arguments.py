"""URL arguments the database can take: ids within its integers, query-string ids that are numbers.

Flask-AppBuilder and werkzeug hand numbers from the URL to the database unchecked; a number beyond
PostgreSQL's ``integer`` (or SQLite's 64 bits) ends in an OverflowError, a 500. Here:
- ``BoundedIntegerConverter`` is the app's ``<int:…>`` converter: a bigger id matches no route (404);
- ``is_id`` tells whether a string is such an id (views and services parsing an id use it);
- ``refuse_malformed_query`` (every request) answers 404 when a query-string argument that names a row
  (``batch``, ``district``, …) is not an id: no such row, as for an id that does not exist.
"""
import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

#: The largest id a URL may carry: PostgreSQL's ``integer``.
MAX_ID = 2**31 - 1
_INTEGER = re.compile(r"^-?\d{1,10}$")
#: Query-string arguments whose value, when given, is a row id.
ID_ARGUMENTS = frozenset({"batch", "batch_id", "campaign", "campaign_id", "district", "district_id", "org",
                          "org_id", "organisation", "unit", "pk", "id"})


def is_id(value):
    """Whether ``value`` (a string from a URL or form) is a whole number the database can hold."""
    value = "" if value is None else str(value).strip()
    return bool(_INTEGER.match(value)) and abs(int(value)) <= MAX_ID


def looks_like_integer(value):
    """Whether ``value`` is written as a whole number (of any size)."""
    return bool(re.fullmatch(r"-?\d+", (value or "").strip()))


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` whose ids beyond MAX_ID do not match (404), never an overflow (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_malformed_query():
    """before_request: a row-id argument of the query string that is not an id answers 404 (no such row).
    The API (``/api/``) reads and refuses its own arguments, with 400 as its OpenAPI document says."""
    if request.path.startswith("/api/"):
        return None
    for key, values in request.args.lists():
        if key in ID_ARGUMENTS and not all(v == "" or is_id(v) for v in values):
            abort(404)
    return None
