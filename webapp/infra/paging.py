"""Paged lists: the ?page= asked for, how many pages, and the other query arguments the pager links keep."""

from __future__ import annotations

from flask import request


def page_number() -> int:
    """The ?page= of the request; 1 when missing or not a positive whole number."""
    raw = request.args.get("page", "")
    return max(int(raw), 1) if raw.isdigit() else 1


def page_count(total: int, per_page: int) -> int:
    """Pages needed for `total` rows, at least one (an empty list still shows its page)."""
    return max((total + per_page - 1) // per_page, 1)


def pager_args() -> dict[str, str]:
    """The request's filled-in query arguments other than page, for the links to other pages."""
    return {k: v for k, v in request.args.items() if k != "page" and v}
