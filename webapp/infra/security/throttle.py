"""The login throttle: failed sign-ins counted per account, address and PIN key in `login_throttle`, shared by
every app process."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, request

from webapp.infra import clock
from webapp.infra.db import keep_changes_on_error, session

# --- the login throttle ----------------------------------------------------------------------------------


class Throttled(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until

    @property
    def message(self) -> str:
        return f"登录失败次数过多，请于 {clock.format_local(self.until, '%H:%M')} 后再试。"


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def throttle_keys(kind: str, name: str) -> list[tuple[str, int]]:
    cfg = current_app.config
    return [
        (f"{kind}:{name}"[:200], cfg["LOGIN_LIMIT_PER_ACCOUNT"]),
        (f"addr:{request.remote_addr or '-'}", cfg["LOGIN_LIMIT_PER_ADDRESS"]),
    ]


def check_throttle(keys: list[tuple[str, int]]) -> None:
    """Raise Throttled when any key has used up its failures in the current window."""
    from webapp.org.models import LoginThrottle

    now = clock.now()
    for key, limit in keys:
        row = session.get(LoginThrottle, key)
        if row and row.window_start + _window() > now and row.count >= limit:
            raise Throttled(row.window_start + _window())


def record_failure(keys: list[tuple[str, int]]) -> None:
    from webapp.org.models import LoginThrottle

    now = clock.now()
    for key, _limit in keys:
        row = session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            session.add(LoginThrottle(key=key, window_start=now, count=1))
        elif row.window_start + _window() <= now:
            row.window_start, row.count = now, 1
        else:
            row.count += 1
    session.flush()
    keep_changes_on_error()


def clear_failures(keys: list[tuple[str, int]]) -> None:
    """A successful sign-in clears its account key (not the address: one good password must not reset it)."""
    from webapp.org.models import LoginThrottle

    row = session.get(LoginThrottle, keys[0][0])
    if row is not None:
        session.delete(row)
