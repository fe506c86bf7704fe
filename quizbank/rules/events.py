"""Events: the facts the rules are computed from. The database stores these, never a status.

Every event has the date it happened (`on`) and, where it concerns one post, that post's code;
`post=None` means "the person, whatever the post" (a factory-level session, a violation recorded
without a post). `event_to_dict`/`event_from_dict` convert to and from rows ``(kind, data)`` where
`kind` is the snake_case class name and dates are ISO strings.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, fields
from datetime import date
from functools import cache
from typing import Any, ClassVar, Literal, get_args

from quizbank.model import EXAM_KINDS, ExamKind

TrainingLevel = Literal["factory", "workshop", "team", "periodic", "offduty"]
TRAINING_LEVELS: tuple[TrainingLevel, ...] = get_args(TrainingLevel)
TRAINING_LEVEL_NAMES = {
    "factory": "厂级",
    "workshop": "车间级",
    "team": "班组级",
    "periodic": "年度再培训",
    "offduty": "脱产培训",
}

ViolationCategory = Literal["违章指挥", "违章作业", "违反劳动纪律"]
VIOLATION_CATEGORIES: tuple[ViolationCategory, ...] = get_args(ViolationCategory)

CertificateKind = Literal["qualification", "retraining"]
CERTIFICATE_KINDS: tuple[CertificateKind, ...] = get_args(CertificateKind)


def _require_one_of(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{field}: {value!r} is not one of {', '.join(allowed)}")


@dataclass(frozen=True)
class Hired:
    KIND: ClassVar[str] = "hired"
    on: date
    post: str | None = None


@dataclass(frozen=True)
class TrainingCompleted:
    """Hours (学时) of one training session attended. A session counts once, by `session_id`."""

    KIND: ClassVar[str] = "training_completed"
    on: date
    level: TrainingLevel
    hours: float
    session_id: str = ""
    post: str | None = None

    def __post_init__(self) -> None:
        _require_one_of("training_completed.level", self.level, TRAINING_LEVELS)
        if isinstance(self.hours, bool) or not isinstance(self.hours, int | float) or not self.hours >= 0:
            raise ValueError(f"training_completed.hours: must be a number ≥ 0, got {self.hours!r}")


@dataclass(frozen=True)
class ExamTaken:
    """An exam sat. `passed` as graded against the paper's own pass mark; when None, `score`
    (of 100) is held against the policy's pass mark."""

    KIND: ClassVar[str] = "exam_taken"
    on: date
    kind: ExamKind
    passed: bool | None = None
    score: float | None = None
    attempt_id: str = ""
    post: str | None = None

    def __post_init__(self) -> None:
        _require_one_of("exam_taken.kind", self.kind, EXAM_KINDS)
        if self.passed is None and self.score is None:
            raise ValueError("exam_taken: needs `passed` or `score`")
        if self.passed is not None and not isinstance(self.passed, bool):
            raise ValueError(f"exam_taken.passed: must be true or false, got {self.passed!r}")
        if self.score is not None and (
            isinstance(self.score, bool) or not isinstance(self.score, int | float)
        ):
            raise ValueError(f"exam_taken.score: must be a number, got {self.score!r}")

    def passes(self, pass_mark: float) -> bool:
        if self.passed is not None:
            return self.passed
        assert self.score is not None
        return self.score >= pass_mark


@dataclass(frozen=True)
class ViolationRecorded:
    """A 三违 finding."""

    KIND: ClassVar[str] = "violation_recorded"
    on: date
    category: ViolationCategory
    note: str = ""
    by: str = ""
    post: str | None = None

    def __post_init__(self) -> None:
        _require_one_of("violation_recorded.category", self.category, VIOLATION_CATEGORIES)


@dataclass(frozen=True)
class PostAssigned:
    """The person is put on `post`: their first post, or a change of post."""

    KIND: ClassVar[str] = "post_assigned"
    on: date
    post: str


@dataclass(frozen=True)
class ReturnedFromAbsence:
    KIND: ClassVar[str] = "returned_from_absence"
    on: date
    away_since: date
    post: str | None = None

    def __post_init__(self) -> None:
        if self.away_since > self.on:
            raise ValueError("returned_from_absence.away_since: is after the return date")


@dataclass(frozen=True)
class CertificateIssued:
    KIND: ClassVar[str] = "certificate_issued"
    on: date
    serial: str
    expires: date
    post: str
    kind: CertificateKind = "qualification"

    def __post_init__(self) -> None:
        _require_one_of("certificate_issued.kind", self.kind, CERTIFICATE_KINDS)
        if self.expires < self.on:
            raise ValueError("certificate_issued.expires: is before the issue date")


@dataclass(frozen=True)
class CertificateRevoked:
    KIND: ClassVar[str] = "certificate_revoked"
    on: date
    serial: str
    reason: str
    by: str = ""
    post: str | None = None


@dataclass(frozen=True)
class CertificateSuspended:
    KIND: ClassVar[str] = "certificate_suspended"
    on: date
    serial: str
    reason: str
    by: str = ""
    post: str | None = None


@dataclass(frozen=True)
class CertificateReinstated:
    KIND: ClassVar[str] = "certificate_reinstated"
    on: date
    serial: str
    reason: str = ""
    by: str = ""
    post: str | None = None


@dataclass(frozen=True)
class SpecialCertificateRecorded:
    """An external certificate on file: a 特种作业操作证 (`document` "special_operation") or a
    特种设备作业人员证 ("special_equipment"). Recording the same `number` again (after a review or a
    renewal) replaces the earlier record. Missing dates follow the terms of the rule it was issued under
    (`regime`, by default from the issue date: quizbank.rules.external_certs)."""

    KIND: ClassVar[str] = "special_certificate_recorded"
    on: date
    number: str
    kind: str
    issued: date
    review_due: date | None = None
    expires: date | None = None
    post: str | None = None
    document: str = "special_operation"
    regime: str | None = None


Event = (
    Hired
    | TrainingCompleted
    | ExamTaken
    | ViolationRecorded
    | PostAssigned
    | ReturnedFromAbsence
    | CertificateIssued
    | CertificateRevoked
    | CertificateSuspended
    | CertificateReinstated
    | SpecialCertificateRecorded
)

EVENT_TYPES: dict[str, type] = {
    cls.KIND: cls
    for cls in (
        Hired,
        TrainingCompleted,
        ExamTaken,
        ViolationRecorded,
        PostAssigned,
        ReturnedFromAbsence,
        CertificateIssued,
        CertificateRevoked,
        CertificateSuspended,
        CertificateReinstated,
        SpecialCertificateRecorded,
    )
}

_DATE_FIELDS = {"on", "away_since", "expires", "issued", "review_due"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def event_kind(event: Event) -> str:
    return type(event).KIND


def event_to_dict(event: Event) -> dict[str, Any]:
    """The event's fields as JSON-ready values (dates as ISO strings); the kind is `event_kind(event)`."""
    out: dict[str, Any] = {}
    for f in fields(event):
        value = getattr(event, f.name)
        out[f.name] = value.isoformat() if isinstance(value, date) else value
    return out


@cache
def _field_specs(cls: type) -> tuple[frozenset[str], tuple[tuple[str, bool, bool], ...]]:
    """A kind's field names, and per field (name, required, a date): read once per kind, not per event."""
    specs = tuple((f.name, f.default is MISSING, f.name in _DATE_FIELDS) for f in fields(cls))
    return frozenset(name for name, _, _ in specs), specs


def event_from_dict(kind: str, data: dict[str, Any]) -> Event:
    """The inverse of `event_to_dict`; ValueError names an unknown kind, a missing, unknown or bad field."""
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r} (known: {', '.join(EVENT_TYPES)})")
    known, specs = _field_specs(cls)
    if not known.issuperset(data):
        raise ValueError(f"{kind}.{sorted(set(data) - known)[0]}: unknown field")
    values: dict[str, Any] = {}
    for name, required, is_date in specs:
        if name not in data:
            if required:
                raise ValueError(f"{kind}.{name}: missing")
            continue
        value = data[name]
        if is_date and value is not None:
            if isinstance(value, str) and _ISO_DATE.match(value):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise ValueError(f"{kind}.{name}: {value!r} is not a date (YYYY-MM-DD)") from None
            elif not isinstance(value, date):
                raise ValueError(f"{kind}.{name}: {value!r} is not a date (YYYY-MM-DD)")
        values[name] = value
    return cls(**values)
