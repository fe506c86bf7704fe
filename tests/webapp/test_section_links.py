"""Section links on a result page are built from two URL shapes, not with url_for per question: they must be
exactly what url_for gives, whatever the set or section id holds."""

from __future__ import annotations

import pytest
from flask import url_for

from webapp.bank.models import Question
from webapp.exams.service.results import SectionLinks

IDS = ["welding-3-2", "通用知识-第一章", "a b&c", "x/y", "100%", "sec?#1"]


@pytest.mark.parametrize("section", IDS)
@pytest.mark.parametrize("version_id", [None, 7, 123456])
def test_a_section_link_is_what_url_for_builds(app, section, version_id):
    row = Question(set_id=42, section=section, handbook_version_id=version_id)
    with app.test_request_context():
        expected = (
            url_for("handbooks.read", version_id=version_id, section_id=section)
            if version_id is not None
            else url_for("exams.handbook_section", set_id=row.set_id, section_id=section)
        )
        assert SectionLinks()(row) == expected


def test_a_question_without_a_section_has_no_link(app):
    with app.test_request_context():
        assert SectionLinks()(Question(set_id=42, section=None)) is None
