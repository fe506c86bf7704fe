"""Ids the database can hold, checked before any view runs: an id out of range or a JSON body that is not an
object is the client's mistake (404 or 400 with the usual error shape), never a database error and a 500.

- Paths: ``<int:…>`` is the bounded converter below for every route (registered on the app's url_map before
  any blueprint), so ``/x/<2**31>`` matches no rule and answers 404.
- JSON bodies: a write whose body is JSON must be an object (400 otherwise), and every ``id``/``…_id`` in it,
  at any depth, and in the query string and form, must be an integer the database can hold (400 naming the
  field otherwise).

The bound is PostgreSQL's INTEGER (2^31 - 1), the smaller of the two databases' (SQLite's INTEGER is 64-bit),
so one rule holds for both.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from webapp.infra.errors import ApiError

MAX_ID = 2**31 - 1
MIN_ID = -(2**31)
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def digits_up_to(limit: int) -> str:
    """A regex matching the decimal numbers 0..limit (no sign, no leading zeros beyond the limit's length)."""
    text = str(limit)
    parts = [rf"\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - i - 1
            low = "0" if i else "1"
            if int(digit) - 1 >= int(low):
                parts.append(text[:i] + f"[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    parts.append(text)
    return "(?:" + "|".join(parts) + ")"


class BoundedIntConverter(IntegerConverter):
    """Werkzeug's int converter with the database's bound as its default maximum. The bound is in the regex
    too: a number past it matches no rule at all (404), where a failed conversion after the path matched
    could answer 405 for a rule that takes another method."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if not fixed_digits and not signed and max is not None:
            self.regex = digits_up_to(max)


ID_FIELDS = frozenset({"id", "organisation", "org", "department", "post_id"})


def _is_id_name(name: str) -> bool:
    return name in ID_FIELDS or name.endswith("_id") or name.endswith("_ids")


def _out_of_range(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not MIN_ID <= value <= MAX_ID
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return not MIN_ID <= int(value) <= MAX_ID
    if isinstance(value, list):
        return any(_out_of_range(v) for v in value)
    return False


def _bad_id(name: str):
    return ApiError(400, "bad_request", f"{name} 超出了编号的范围")


def _check_json(value: Any, depth: int = 0) -> None:
    if depth > 32:
        raise ApiError(400, "bad_request", "JSON 嵌套层数过多")
    if isinstance(value, dict):
        for name, item in value.items():
            if _is_id_name(str(name)) and _out_of_range(item):
                raise _bad_id(str(name))
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


def check_request() -> None:
    for source in (request.args,) + ((request.form,) if request.method in WRITES else ()):
        for name in source:
            if _is_id_name(name) and any(_out_of_range(v) for v in source.getlist(name)):
                raise _bad_id(name)
    if request.method not in WRITES or not request.is_json:
        return
    if not request.get_data(cache=True):
        return  # no body at all (exam.js sends the header on a bare submit): the view decides
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "请求体必须是 JSON 对象（Content-Type: application/json）")
    _check_json(data)


def register_converter(app: Flask) -> None:
    """Before any blueprint: rules read the converter when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_app(app: Flask) -> None:
    app.before_request(check_request)
