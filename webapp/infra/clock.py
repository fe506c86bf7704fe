"""The shell's clock. The core never reads a clock; the shell reads it here so tests can set it.

``app.config["CLOCK"]`` may hold a callable returning an aware UTC datetime (tests move time with it).
Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving), which needs no
time-zone database (Windows has none).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from flask import current_app, has_app_context

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return datetime.now(UTC)


def local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(SHANGHAI) if dt is not None else None


def today() -> date:
    """Today's date in China."""
    return now().astimezone(SHANGHAI).date()


def format_local(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.astimezone(SHANGHAI).strftime(fmt) if dt is not None else ""
