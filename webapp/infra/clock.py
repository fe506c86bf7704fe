"""The shell's clock. The core never reads a clock; the shell reads it here so tests can set it.

``app.config["CLOCK"]`` may hold a callable returning an aware UTC datetime (tests move time with it).
Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving), which needs no
time-zone database (Windows has none).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from flask import Flask, current_app, has_app_context

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    if has_app_context():
        return now_of(current_app)
    return datetime.now(UTC)


def now_of(app: Flask) -> datetime:
    """`now()` for code running outside any context of `app` (a WSGI layer)."""
    clock = app.config.get("CLOCK")
    return clock() if clock is not None else datetime.now(UTC)


def local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(SHANGHAI) if dt is not None else None


def today() -> date:
    """Today's date in China."""
    return now().astimezone(SHANGHAI).date()


def format_local(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.astimezone(SHANGHAI).strftime(fmt) if dt is not None else ""
