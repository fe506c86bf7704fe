"""The login throttle: failed sign-ins counted per account, PIN key and address in `login_throttle`, shared by
every app process.

An account (a username, or an organisation's 工号 for a PIN) is locked after LOGIN_LIMIT_PER_ACCOUNT failures
in the window. An address is not locked by a few people's mistakes: tablets of a whole exam room share one
address behind a NAT. Past LOGIN_ADDRESS_SLOWDOWN_AFTER failures every sign-in from that address waits a
little longer (LOGIN_ADDRESS_DELAY_STEP seconds more per failure, at most LOGIN_ADDRESS_MAX_DELAY), which
slows a password spray to a crawl while the right password still gets in; only a flood far beyond what a
room produces (LOGIN_LIMIT_PER_ADDRESS) refuses the address.

The wait is not slept in the request: the first try is answered at once with `SlowedDown` (429, Retry-After
and the seconds in the message) and the client's session cookie keeps its turn; the same client trying again
once the wait is over is checked. So each client behind the address waits its own delay, as before, and no
other client's tries take its turn away; a client that keeps no cookie never gets a turn (a spray, not a
browser or a tablet).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from flask import current_app, request
from flask import session as cookie

from webapp.infra import clock
from webapp.infra.db import keep_changes_on_error, session

ADDRESS_PREFIX = "addr:"
TURN = "_signin_turn"  # in the session cookie: [address key, epoch seconds from which this client is checked]


class Throttled(Exception):
    """Refused for now: no try is checked before `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until

    @property
    def retry_after(self) -> int:
        """Whole seconds to wait (HTTP's Retry-After), at least 1."""
        return max(1, math.ceil((self.until - clock.now()).total_seconds()))

    @property
    def message(self) -> str:
        return f"登录失败次数过多，请于 {clock.format_local(self.until, '%H:%M')} 后再试。"


class SlowedDown(Throttled):
    """The address is spraying: this client's next try is checked after `retry_after` seconds."""

    @property
    def message(self) -> str:
        return f"此网络地址登录失败次数过多，请 {self.retry_after} 秒后再试。"


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def pin_key(organisation_id: int | None, employee_no: str) -> str:
    """The throttle's name for a 工号 (case-insensitive, like the sign-in)."""
    return f"{organisation_id}:{(employee_no or '').strip().lower()}"


def throttle_keys(kind: str, name: str) -> list[tuple[str, int]]:
    """The account's key first (its limit locks it), then the address's."""
    cfg = current_app.config
    return [
        (f"{kind}:{name}"[:200], cfg["LOGIN_LIMIT_PER_ACCOUNT"]),
        (f"{ADDRESS_PREFIX}{request.remote_addr or '-'}", cfg["LOGIN_LIMIT_PER_ADDRESS"]),
    ]


def _live(row, now: datetime) -> bool:
    return row is not None and row.window_start + _window() > now


def address_delay(failures: int) -> float:
    """Seconds a sign-in from an address with this many recent failures waits before it is checked."""
    cfg = current_app.config
    over = failures - cfg["LOGIN_ADDRESS_SLOWDOWN_AFTER"]
    if over < 0:
        return 0.0
    return min(cfg["LOGIN_ADDRESS_MAX_DELAY"], cfg["LOGIN_ADDRESS_DELAY_STEP"] * (over + 1))


def check_throttle(keys: list[tuple[str, int]]) -> None:
    """Raise Throttled when a key has used up its failures in the current window; slow down a spraying
    address first."""
    from webapp.org.models import LoginThrottle

    now = clock.now()
    for key, limit in keys:
        row = session.get(LoginThrottle, key)
        if not _live(row, now):
            continue
        if row.count >= limit:
            raise Throttled(row.window_start + _window())
        if key.startswith(ADDRESS_PREFIX):
            delay = address_delay(row.count)
            if delay:
                _take_turn(key, delay, now)


def _take_turn(key: str, delay: float, now: datetime) -> None:
    """Let this try through if the client waited its turn; else give it one `delay` from now (or keep the
    one it has) and answer SlowedDown."""
    turn = cookie.get(TURN)
    at = turn[1] if isinstance(turn, list) and len(turn) == 2 and turn[0] == key else None
    if isinstance(at, int | float) and at - delay <= now.timestamp() < at + _window().total_seconds():
        if now.timestamp() >= at:
            cookie.pop(TURN)  # one checked try per wait
            return
        raise SlowedDown(datetime.fromtimestamp(at, UTC))
    at = now.timestamp() + delay
    cookie[TURN] = [key, at]
    raise SlowedDown(datetime.fromtimestamp(at, UTC))


def record_failure(keys: list[tuple[str, int]]) -> int:
    """Count a failure under every key; returns how many tries the account has left (0: now locked)."""
    from webapp.org.models import LoginThrottle

    now = clock.now()
    counts = []
    for key, limit in keys:
        row = session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, window_start=now, count=1)
            session.add(row)
        elif row.window_start + _window() <= now:
            row.window_start, row.count = now, 1
        else:
            row.count += 1
        counts.append(max(limit - row.count, 0))
    session.flush()
    keep_changes_on_error()
    return counts[0]


def tries_left_message(left: int) -> str:
    return f"还可尝试 {left} 次。" if left else "已达到失败次数上限，账户暂时锁定。"


def clear_failures(keys: list[tuple[str, int]]) -> None:
    """A successful sign-in clears its account key (not the address: one good password must not reset it)."""
    unlock(keys[0][0])


def unlock(key: str) -> bool:
    """Forget an account's failures (a trainer unlocking a worker's PIN). True when it was counting any."""
    from webapp.org.models import LoginThrottle

    row = session.get(LoginThrottle, key)
    if row is None:
        return False
    session.delete(row)
    return row.count > 0


def is_locked(key: str) -> bool:
    from webapp.org.models import LoginThrottle

    row = session.get(LoginThrottle, key)
    return _live(row, clock.now()) and row.count >= current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]
