"""Policy settings: every field of the core Policy on the form with its default; only fields that differ
from the defaults are stored; invalid input names the field and saves nothing; every change is audited."""

from __future__ import annotations

from dataclasses import fields

import pytest
from sqlalchemy import select

from quizbank.rules import SPOT_FAIL_CHOICES, Policy
from tests.webapp.admin_builders import admin_world
from webapp.admin.models import AuditEntry
from webapp.admin.service import policy
from webapp.org.models import Organisation
from webapp.standing.service import policy_of


@pytest.fixture
def world(db, client):
    w = admin_world(db)
    client.sign_in("admin1")
    return w


def _stored(db, org_id: int) -> dict:
    db.rollback()
    db.expire_all()
    return db.get(Organisation, org_id).policy


def test_every_policy_field_has_a_chinese_label_and_is_on_the_form(client, world):
    page = client.get("/admin/policy").get_data(as_text=True)
    for f in fields(Policy):
        assert f.name in policy.LABELS, f"no label for Policy.{f.name}"
        assert f'name="{f.name}"' in page and policy.LABELS[f.name] in page
    assert "补考期限（天）" in page and "逢查必考不合格处理" in page and "直接脱产再培训" in page


def test_the_spot_fail_choices_are_those_of_the_core():
    assert {value for value, _ in policy.CHOICES["spot_fail"]} == set(SPOT_FAIL_CHOICES)


def test_the_form_shows_each_default(client, world):
    page = client.get("/admin/policy").get_data(as_text=True)
    row = page[page.index('id="policy-makeup_days"') :]
    assert "<td>7</td>" in row[: row.index("</tr>")]
    row = page[page.index('id="policy-offduty_hours_high_risk"') :]
    assert "<td>72</td>" in row[: row.index("</tr>")]


def test_only_the_changed_fields_are_stored(db, client, world):
    data = {f.name: "" for f in fields(Policy)}
    data.update(makeup_days="5", offduty_hours_standard="24", pass_mark="85.5", spot_fail="retrain")
    r = client.post("/admin/policy", data=data)
    assert r.status_code == 302
    assert _stored(db, world["org"]) == {"makeup_days": 5, "pass_mark": 85.5, "spot_fail": "retrain"}


def test_the_stored_overrides_are_what_the_rules_engine_uses(db, client, world):
    client.post("/admin/policy", data={"offduty_hours_high_risk": "96", "makeup_may_work": "false"})
    db.rollback()
    p = policy_of(db.get(Organisation, world["org"]))
    assert p.offduty_hours_high_risk == 96.0 and p.makeup_may_work is False and p.makeup_days == 7


def test_the_form_shows_the_current_override(db, client, world):
    client.post("/admin/policy", data={"certificate_validity_months": "24"})
    page = client.get("/admin/policy").get_data(as_text=True)
    row = page[page.index('id="policy-certificate_validity_months"') :]
    row = row[: row.index("</tr>")]
    assert 'value="24"' in row and "已修改" in row


def test_clearing_a_field_returns_it_to_the_default(db, client, world):
    client.post("/admin/policy", data={"makeup_days": "3", "pass_mark": "90"})
    client.post("/admin/policy", data={"makeup_days": "", "pass_mark": "90"})
    assert _stored(db, world["org"]) == {"pass_mark": 90.0}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("makeup_days", "0", "必须大于 0"),
        ("makeup_days", "2.5", "请填写整数"),
        ("pass_mark", "120", "须大于 0 且不超过 100"),
        ("violation_retraining_hours", "-8", "不能为负数"),
        ("prejob_hours_standard", "很多", "请填写数字"),
        ("spot_fail", "dismiss", "请从列表中选择"),
        ("makeup_may_work", "maybe", "请选择是或否"),
    ],
)
def test_an_invalid_value_names_the_field_and_nothing_is_saved(db, client, world, name, value, message):
    r = client.post("/admin/policy", data={"makeup_days": "5", name: value})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    error = page[page.index(f'id="error-{name}"') :]
    assert error.startswith(f'id="error-{name}">{policy.LABELS[name]}：{message}')
    assert f'value="{value}"' in page or name in ("spot_fail", "makeup_may_work")  # what was typed stays
    assert _stored(db, world["org"]) == {}
    assert db.scalar(select(AuditEntry)) is None


def test_who_changed_the_policy_and_when_is_recorded(db, client, world, clock):
    client.post("/admin/policy", data={"makeup_days": "5"})
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "policy_changed"))
    assert entry.user_id == world["admin"] and entry.at == clock.now
    assert entry.data == {"before": {}, "after": {"makeup_days": 5}, "fields": ["makeup_days"]}
    page = client.get("/admin/policy").get_data(as_text=True)
    history = page[page.index('id="policy-history"') :]
    assert "admin1" in history and "补考期限（天）：默认 → 5" in history


def test_saving_the_same_values_again_records_nothing(db, client, world):
    client.post("/admin/policy", data={"makeup_days": "5"})
    client.post("/admin/policy", data={"makeup_days": "5"})
    db.rollback()
    assert len(db.scalars(select(AuditEntry)).all()) == 1


def test_another_organisations_policy_is_untouched(db, client, world):
    client.post("/admin/policy", data={"makeup_days": "5"})
    assert _stored(db, world["other"]) == {}
