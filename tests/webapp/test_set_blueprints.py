"""Until an organisation saves its own blueprint for a post, exams use the one the post's question set
brings (blueprints.yaml), else the core default."""

from __future__ import annotations

from quizbank.blueprints import blueprint_to_dict, default_blueprint
from tests.webapp.base_builders import make_org, make_post
from webapp.bank.models import Blueprint as BlueprintRow
from webapp.bank.paper_rules import blueprint_for


def test_the_principal_is_examined_by_the_100_question_assessment_its_set_brings(db):
    org = make_org(db)
    post = make_post(db, "principal", "主要负责人")
    bp = blueprint_for(db, org.id, post, "qualification")
    assert (bp.question_count, bp.max_score, bp.pass_percent) == (100, 100.0, 80.0)
    assert blueprint_for(db, org.id, post, "spot") == default_blueprint("spot")


def test_a_post_whose_set_brings_no_blueprint_keeps_the_default(db):
    org = make_org(db)
    post = make_post(db, "welding")
    assert blueprint_for(db, org.id, post, "qualification") == default_blueprint("qualification")


def test_the_organisations_saved_blueprint_still_wins_over_the_sets(db):
    org = make_org(db)
    post = make_post(db, "safety-manager", "安全生产管理人员")
    own = default_blueprint("periodic")
    db.add(
        BlueprintRow(
            organisation_id=org.id,
            post_id=post.id,
            kind="qualification",
            spec={**blueprint_to_dict(own), "kind": "qualification"},
        )
    )
    db.flush()
    bp = blueprint_for(db, org.id, post, "qualification")
    assert bp.question_count == own.question_count != 100
