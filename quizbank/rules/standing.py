"""The standing (上岗资格) of a person on a post on a date, computed from events.

`standing` replays the person's events in date order (stable: same-day events keep the order they
were given in) and keeps *cases*: obligations opened by an event and closed by later ones — pre-job
training, a change of post, a make-up, off-duty retraining after a failure, retraining after a 三违.
Training hours go to the case open when they were done, once per session; an exam closes a case
only when taken after its training was complete. Nothing here reads a clock: `today` is given, and
events dated after it are not yet facts.

The replay is in `replay.py`, the conclusion drawn from it in `conclusion.py`, the values in
`standing_values.py` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from quizbank.rules.conclusion import conclude
from quizbank.rules.events import (
    CertificateIssued,
    Event,
)
from quizbank.rules.policy import DEFAULT_POLICY, Policy
from quizbank.rules.replay import Replay
from quizbank.rules.standing_values import (  # re-exported: the standing's values
    CERTIFICATE_STATUS_NAMES,
    STATUS_NAMES,
    Case,
    CaseKind,
    CertificateState,
    CertificateStatus,
    Owed,
    OwedKind,
    SpecialCertificateState,
    Standing,
    Status,
    standing_to_dict,
)

__all__ = [
    "CERTIFICATE_STATUS_NAMES",
    "STATUS_NAMES",
    "Case",
    "CaseKind",
    "CertificateState",
    "CertificateStatus",
    "Owed",
    "OwedKind",
    "SpecialCertificateState",
    "Standing",
    "Status",
    "standing_to_dict",
    "certificate_state",
    "standing",
]


def standing(
    events: Iterable[Event],
    policy: Policy = DEFAULT_POLICY,
    today: date | None = None,
    *,
    post: str,
    high_risk: bool = False,
    special_operation: bool = False,
    certificate: str | None = None,
) -> Standing:
    """May this person work `post` on `today`, why not, and what do they owe. A special post needs its
    external certificate: `certificate` names the document ("special_operation" 特种作业操作证 or
    "special_equipment" 特种设备作业人员证); `special_operation=True` alone means the former."""
    if today is None:
        raise TypeError("standing() needs `today`: the rules never read the clock")
    replay = Replay(policy, post, high_risk)
    ordered = sorted((e for e in events if e.on <= today), key=lambda e: e.on)
    replay.ensure_onboarding(ordered[0].on if ordered else today)
    for event in ordered:
        replay.apply(event)
    replay.expire_makeup(today)
    needed = certificate or ("special_operation" if special_operation else None)
    return conclude(replay, today, needed)


def certificate_state(
    events: Iterable[Event],
    policy: Policy = DEFAULT_POLICY,
    today: date | None = None,
    *,
    serial: str,
    high_risk: bool = False,
    special_operation: bool = False,
    certificate: str | None = None,
) -> CertificateState | None:
    """The live status of certificate `serial` (what the public verify page shows), or None when
    no such certificate was issued in `events`."""
    events = list(events)
    issued = next((e for e in events if isinstance(e, CertificateIssued) and e.serial == serial), None)
    if issued is None:
        return None
    result = standing(
        events,
        policy,
        today,
        post=issued.post,
        high_risk=high_risk,
        special_operation=special_operation,
        certificate=certificate,
    )
    return next((c for c in result.certificates if c.serial == serial), None)
