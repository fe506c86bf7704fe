"""The retraining policy (DESIGN §3) as data: every number a field with its default, overridable per
organisation through `Policy.from_dict`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

SpotFail = Literal["makeup", "retrain"]
SPOT_FAIL_CHOICES: tuple[str, ...] = ("makeup", "retrain")


@dataclass(frozen=True)
class Policy:
    """The rules' numbers. Hours are 学时; `_high_risk` variants apply to high-risk enterprises/posts."""

    # Fail a spot or periodic exam → one make-up within `makeup_days`; the strict setting
    # spot_fail="retrain" sends a failed spot test straight to off-duty retraining.
    makeup_days: int = 7
    spot_fail: SpotFail = "makeup"
    # While a make-up is owed the person is not qualified: off the post and the certificate suspended.
    # An enterprise may let them keep working until the deadline: the certificate then stays valid
    # with a 待补考 note.
    makeup_may_work: bool = False
    # Fail the make-up or miss its deadline → off-duty retraining to the new-hire standard.
    offduty_hours_standard: float = 24.0
    offduty_hours_high_risk: float = 72.0
    # 三违 → off-duty retraining and an exam.
    violation_retraining_hours: float = 8.0
    # New hire → pre-job training across 厂/车间/班组 levels, then the qualification exam.
    prejob_hours_standard: float = 24.0
    prejob_hours_high_risk: float = 72.0
    # Annual retraining per calendar year, from the year after qualification.
    annual_retraining_hours_standard: float = 8.0
    annual_retraining_hours_high_risk: float = 20.0
    # Change of post, or back after this many days away → 车间 and 班组 training again; each level
    # needs at least one session and at least `refresher_hours_per_level` hours.
    away_days_for_retraining: int = 365
    refresher_hours_per_level: float = 0.0
    # External certificates (quizbank.rules.external_certs). 特种作业操作证 issued under 原30号令 (before
    # 2026-06-01): valid 6 years, reviewed every 3, review applied for within 60 days before it falls due.
    special_cert_validity_years: int = 6
    special_cert_review_years: int = 3
    special_cert_review_window_days: int = 60
    # 特种作业操作证 issued under 应急管理部令第19号 (from 2026-06-01): its terms were not confirmed, so 0
    # (no default: the expiry printed on the certificate decides, no periodic review) until an admin sets them.
    special_cert_new_validity_years: int = 0
    special_cert_new_review_years: int = 0
    # 特种设备作业人员证 (TSG Z6001-2019): valid 4 years, renewal applied for ≥ 1 month before expiry.
    equipment_cert_validity_years: int = 4
    equipment_cert_renewal_months_before: int = 1
    pass_mark: float = 80.0  # of 100, unless the blueprint says otherwise
    certificate_validity_months: int = 12
    expiring_soon_days: int = 30
    # Questions citing a withdrawn or replaced text (待复核) are kept out of papers until re-confirmed or edited.
    withhold_flagged_questions: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f.name, getattr(self, f.name), f.default)

    def offduty_hours(self, high_risk: bool) -> float:
        return self.offduty_hours_high_risk if high_risk else self.offduty_hours_standard

    def prejob_hours(self, high_risk: bool) -> float:
        return self.prejob_hours_high_risk if high_risk else self.prejob_hours_standard

    def annual_retraining_hours(self, high_risk: bool) -> float:
        return self.annual_retraining_hours_high_risk if high_risk else self.annual_retraining_hours_standard

    @classmethod
    def from_dict(cls, overrides: Mapping[str, Any] | None = None) -> Policy:
        """The defaults with `overrides` applied; ValueError names an unknown or invalid field."""
        overrides = dict(overrides or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"policy: unknown field {unknown[0]!r} (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in overrides:
                values[f.name] = _coerce(f.name, overrides[f.name], f.default)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def is_high_risk(enterprise_high_risk: bool, post_risk: str | None) -> bool:
    """Whether the `_high_risk` hours apply on a post: in a high-risk enterprise, or on a post whose own
    risk level is high (mining, hazardous chemicals, metal smelting, fireworks…), whatever the enterprise."""
    return bool(enterprise_high_risk) or post_risk == "high"


_ZERO_ALLOWED = frozenset(
    {"expiring_soon_days", "special_cert_new_validity_years", "special_cert_new_review_years"}
)


def _coerce(name: str, value: Any, default: Any) -> Any:
    # Accept whole-number ints for float fields (JSON/YAML give 24 for 24.0); nothing else is converted.
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _check(name: str, value: Any, default: Any) -> None:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"policy: field {name!r} must be true or false, got {value!r}")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"policy: field {name!r} must be a whole number, got {value!r}")
        lowest = 0 if name in _ZERO_ALLOWED else 1
        if value < lowest:
            raise ValueError(f"policy: field {name!r} must be positive, got {value!r}")
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"policy: field {name!r} must be a number, got {value!r}")
        if value < 0 or value != value:
            raise ValueError(f"policy: field {name!r} must not be negative, got {value!r}")
        if name == "pass_mark" and not 0 < value <= 100:
            raise ValueError(f"policy: field 'pass_mark' must be within (0, 100], got {value!r}")
    elif name == "spot_fail" and value not in SPOT_FAIL_CHOICES:
        raise ValueError(
            f"policy: field 'spot_fail' must be one of {', '.join(SPOT_FAIL_CHOICES)}, got {value!r}"
        )


DEFAULT_POLICY = Policy()
