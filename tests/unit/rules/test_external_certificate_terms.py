"""The external certificates' terms are policy data: 特种作业操作证 judged by the rule it was issued under
(原30号令 before 2026-06-01, 应急管理部令第19号 from then), 特种设备作业人员证 by TSG Z6001-2019."""

from __future__ import annotations

from datetime import date

import pytest

from quizbank.rules import Policy, Status, due_dates, regime_for, standing, terms_for
from tests.unit.rules.rules_builders import d, qualified, special

POLICY = Policy()


def test_special_operation_certificate_issued_before_june_2026_is_under_order_30():
    assert regime_for("special_operation", d("2026-05-31")) == "mem30"
    assert regime_for("special_operation", d("2026-06-01")) == "mem19"


def test_order_30_certificate_is_valid_6_years_and_reviewed_every_3():
    terms = terms_for("special_operation", d("2024-01-10"), POLICY)
    dates = due_dates(terms, d("2024-01-10"))
    assert (dates.review_due, dates.expires) == (d("2027-01-10"), d("2030-01-10"))
    assert terms.apply_before_days == 60


def test_order_19_certificate_has_no_assumed_term_so_the_printed_expiry_is_required():
    terms = terms_for("special_operation", d("2026-07-01"), POLICY)
    assert (terms.validity_years, terms.review_years) == (None, None)
    with pytest.raises(ValueError, match="须填写证书所载有效期"):
        due_dates(terms, d("2026-07-01"))
    dates = due_dates(terms, d("2026-07-01"), expires=d("2032-06-30"))
    assert dates.review_due == dates.expires == d("2032-06-30")  # no periodic review assumed


def test_order_19_terms_an_admin_enters_apply_to_new_certificates_only():
    policy = Policy.from_dict({"special_cert_new_validity_years": 6, "special_cert_new_review_years": 0})
    new = due_dates(terms_for("special_operation", d("2026-07-01"), policy), d("2026-07-01"))
    old = due_dates(terms_for("special_operation", d("2026-05-01"), policy), d("2026-05-01"))
    assert (new.review_due, new.expires) == (d("2032-07-01"), d("2032-07-01"))
    assert (old.review_due, old.expires) == (d("2029-05-01"), d("2032-05-01"))


def test_special_equipment_certificate_is_valid_4_years_renewal_applied_a_month_before():
    terms = terms_for("special_equipment", d("2025-03-15"), POLICY)
    dates = due_dates(terms, d("2025-03-15"))
    assert (terms.regime, dates.expires, dates.review_due) == ("tsg_z6001", d("2029-03-15"), d("2029-03-15"))
    assert terms.apply_before_months == 1


def test_unknown_document_is_refused():
    with pytest.raises(ValueError, match="unknown certificate document"):
        terms_for("driving_licence", date(2025, 1, 1), POLICY)


def _standing(events, today, certificate):
    return standing(events, POLICY, today, post="welding", certificate=certificate)


def test_a_special_equipment_certificate_does_not_satisfy_a_special_operation_post():
    events = [*qualified(), special(d("2025-01-10"), document="special_equipment")]
    result = _standing(events, d("2026-05-04"), "special_operation")
    assert result.status == Status.SPECIAL_CERT_MISSING
    assert "特种作业操作证" in result.reasons[0]


def test_special_equipment_post_owes_renewal_application_a_month_before_expiry():
    events = [*qualified(), special(d("2025-01-10"), document="special_equipment")]
    result = _standing(events, d("2026-05-04"), "special_equipment")
    assert result.may_work and result.special_certificate.expires == d("2029-01-10")
    owed = next(o for o in result.owed if o.kind.startswith("special_cert"))
    assert owed.deadline == d("2029-01-10")
    assert "特种设备作业人员证" in owed.description and "2028年12月10日 前提出申请" in owed.description


def test_special_equipment_certificate_expires_after_4_years():
    events = [*qualified(), special(d("2021-01-10"), document="special_equipment")]
    result = _standing(events, d("2025-01-11"), "special_equipment")
    assert result.special_certificate.status == "expired" and not result.may_work
    assert any("特种设备作业人员证" in r and "过期" in r for r in result.reasons)


def test_old_certificate_keeps_its_3_year_review_after_the_new_rules():
    events = [*qualified(), special(d("2024-01-10"))]
    result = _standing(events, d("2027-01-11"), "special_operation")
    assert result.status == Status.SPECIAL_CERT_REVIEW_OVERDUE
    assert result.special_certificate.regime == "mem30"


def test_new_certificate_with_printed_expiry_owes_no_review_and_says_the_authority_decides():
    events = [*qualified(), special(d("2026-07-01"), expires=d("2032-07-01"))]
    result = _standing(events, d("2029-07-02"), "special_operation")
    state = result.special_certificate
    assert (state.status, state.regime, state.review_due) == ("valid", "mem19", d("2032-07-01"))
    owed = next(o for o in result.owed if o.kind.startswith("special_cert"))
    assert owed.kind == "special_cert" and "以发证机关规定为准" in owed.description


def test_new_certificate_without_expiry_on_file_counts_as_missing():
    events = [*qualified(), special(d("2026-07-01"))]
    result = _standing(events, d("2026-08-01"), "special_operation")
    assert result.status == Status.SPECIAL_CERT_MISSING
