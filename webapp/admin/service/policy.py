"""The organisation's overrides of `quizbank.rules.Policy`: labels, reading the form, storing only what
differs from the defaults (validated by `Policy.from_dict`), and an audit row per change. No commit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.orm import Session

from quizbank.rules import Policy
from webapp.admin.service import audit
from webapp.org.models import Organisation

LABELS: dict[str, str] = {
    "makeup_days": "补考期限（天）",
    "spot_fail": "逢查必考不合格处理",
    "makeup_may_work": "补考期间可继续上岗",
    "offduty_hours_standard": "脱产再培训学时",
    "offduty_hours_high_risk": "高危企业脱产再培训学时",
    "violation_retraining_hours": "三违再培训学时",
    "prejob_hours_standard": "岗前培训学时",
    "prejob_hours_high_risk": "高危企业岗前培训学时",
    "annual_retraining_hours_standard": "年度再培训学时",
    "annual_retraining_hours_high_risk": "高危企业年度再培训学时",
    "away_days_for_retraining": "离岗多少天后需重新培训（天）",
    "refresher_hours_per_level": "重新培训每级最少学时",
    "special_cert_validity_years": "特种作业操作证有效期（年，原30号令发证）",
    "special_cert_review_years": "特种作业操作证复审周期（年，原30号令发证）",
    "special_cert_review_window_days": "特种作业操作证复审申请期（期满前天数，原30号令）",
    "special_cert_new_validity_years": "特种作业操作证有效期（年，19号令发证；0＝以证书为准）",
    "special_cert_new_review_years": "特种作业操作证复审周期（年，19号令发证；0＝不设）",
    "equipment_cert_validity_years": "特种设备作业人员证有效期（年）",
    "equipment_cert_renewal_months_before": "特种设备作业人员证复审申请（期满前月数）",
    "pass_mark": "合格分数线",
    "certificate_validity_months": "证书有效期（月）",
    "expiring_soon_days": "即将到期提醒（天）",
    "withhold_flagged_questions": "依据已废止/被替代的题目暂停出题（待复核）",
}
HINTS: dict[str, str] = {
    "spot_fail": "“直接脱产再培训”：考核不合格人员必须重新组织脱产培训",
    "pass_mark": "满分 100；组卷规则另有规定的以组卷规则为准",
    "special_cert_new_validity_years": "应急管理部令第19号（2026-06-01 起）的期限未经核实：默认以证书所载有效期为准",
    "refresher_hours_per_level": "换岗或离岗后复岗，车间级、班组级各需至少一次培训及此学时",
}
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "spot_fail": (("makeup", "补考"), ("retrain", "直接脱产再培训")),
    "makeup_may_work": (("true", "是"), ("false", "否")),
    "withhold_flagged_questions": (("true", "是"), ("false", "否")),
}

_CORE_MESSAGES = (  # the core's English reasons, in the UI's language
    (re.compile(r"must be positive"), "必须大于 0"),
    (re.compile(r"must not be negative"), "不能为负数"),
    (re.compile(r"must be within \(0, 100\]"), "须大于 0 且不超过 100"),
    (re.compile(r"must be a whole number"), "请填写整数"),
    (re.compile(r"must be a number"), "请填写数字"),
    (re.compile(r"must be true or false"), "请选择是或否"),
    (re.compile(r"must be one of"), "请从列表中选择"),
)


@dataclass(frozen=True)
class PolicyField:
    name: str
    label: str
    hint: str
    kind: str  # int | float | bool | choice
    default: Any
    default_text: str
    choices: tuple[tuple[str, str], ...]


def _kind(default: Any, name: str) -> str:
    if name in CHOICES and not isinstance(default, bool):
        return "choice"
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    return "float"


def display(name: str, value: Any) -> str:
    """A policy value as the admin reads it: 补考 not makeup, 是/否, 24 not 24.0."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in CHOICES:
        return dict(CHOICES[name]).get(str(value), str(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def policy_fields() -> list[PolicyField]:
    out = []
    for f in fields(Policy):
        out.append(
            PolicyField(
                name=f.name,
                label=LABELS.get(f.name, f.name),
                hint=HINTS.get(f.name, ""),
                kind=_kind(f.default, f.name),
                default=f.default,
                default_text=display(f.name, f.default),
                choices=CHOICES.get(f.name, ()),
            )
        )
    return out


def form_value(name: str, overrides: dict[str, Any]) -> str:
    """What the form shows for a field: the override as typed, or "" (= the default)."""
    if name not in overrides:
        return ""
    value = overrides[name]
    if isinstance(value, bool):
        return "true" if value else "false"
    return display(name, value) if not isinstance(value, str) else value


class PolicyInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _parse(field: PolicyField, text: str) -> Any:
    if field.kind == "int":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError("请填写整数")
        return int(text)
    if field.kind == "float":
        try:
            value = float(text)
        except ValueError:
            raise ValueError("请填写数字") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("请填写数字")
        return value
    if field.kind == "bool":
        if text not in ("true", "false"):
            raise ValueError("请选择是或否")
        return text == "true"
    if text not in {c for c, _ in field.choices}:
        raise ValueError("请从列表中选择")
    return text


def _core_message(message: str) -> tuple[str | None, str]:
    m = re.search(r"field '(\w+)'", message)
    name = m.group(1) if m else None
    for pattern, text in _CORE_MESSAGES:
        if pattern.search(message):
            return name, text
    return name, message


def overrides_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The overrides a submitted form asks for: blank or equal to the default → not an override.

    Raises PolicyInvalid with a message per field; the core's own checks (`Policy.from_dict`) run too."""
    errors: dict[str, str] = {}
    overrides: dict[str, Any] = {}
    for field in policy_fields():
        text = (form.get(field.name) or "").strip()
        if not text:
            continue
        try:
            value = _parse(field, text)
        except ValueError as e:
            errors[field.name] = str(e)
            continue
        if value != field.default:
            overrides[field.name] = value
    if errors:
        raise PolicyInvalid(errors)
    for name, value in overrides.items():  # each field alone, so every invalid one gets its message
        try:
            Policy.from_dict({name: value})
        except ValueError as e:
            errors[name] = _core_message(str(e))[1]
    if errors:
        raise PolicyInvalid(errors)
    try:
        Policy.from_dict(overrides)
    except ValueError as e:  # a rule across fields, should the core add one
        name, text = _core_message(str(e))
        raise PolicyInvalid({name or "": text}) from None
    return overrides


def save(s: Session, org: Organisation, overrides: dict[str, Any], *, by: int) -> bool:
    """Store the overrides (only fields that differ from the defaults); False when nothing changed."""
    Policy.from_dict(overrides)  # never store what the rules engine would refuse
    before = dict(org.policy or {})
    if before == overrides:
        return False
    org.policy = dict(overrides)  # a new dict: the JSON column does not track in-place changes
    s.flush()
    changed = sorted(k for k in set(before) | set(overrides) if before.get(k) != overrides.get(k))
    audit.record(s, org.id, by, "policy_changed", org.name, before=before, after=overrides, fields=changed)
    return True
