"""The contract every discovered question set keeps (built-in ones and installed plugins alike)."""

from __future__ import annotations

import functools
from collections import defaultdict

import pytest

from quizbank.assembly import BankShortfall, assemble_seeded
from quizbank.blueprints import default_blueprint, is_usable
from quizbank.citations import needs_review
from quizbank.duplicates import duplicate_groups
from quizbank.itemchecks import check_items
from quizbank.plugins import ENTRY_POINT_GROUP, discover
from quizbank.questionsets import question_problems

CONTRACT_BLUEPRINTS = ("qualification", "spot", "practice")


@functools.cache
def registry():
    return discover()


def _entry_point_names() -> list[str]:
    import importlib.metadata

    return sorted(ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))


# Parametrise over every entry point (a broken one must show up as a failure, not vanish) and every set loaded.
SET_IDS = sorted(set(_entry_point_names()) | {s.id for s in registry().sets})
POSTS = sorted(p.code for p in registry().posts())


def _set(set_id):
    found = registry().set(set_id)
    if found is None:
        problems = [str(p) for p in registry().problems if set_id in p.where or f"'{set_id}'" in p.message]
        pytest.fail(
            f"set {set_id!r} did not load:\n" + "\n".join(problems or [str(p) for p in registry().problems])
        )
    return found


@pytest.mark.parametrize("set_id", SET_IDS)
def test_set_loads_without_problems(set_id):
    qs = _set(set_id)
    mine = [str(p) for p in registry().problems if qs.source in p.where or f"/{_folder(qs)}/" in p.where]
    assert mine == []


def _folder(qs) -> str:
    # "entry point general = question_sets.general" → "general"
    return qs.source.rsplit(".", 1)[-1] if "=" in qs.source else qs.source.rsplit("/", 1)[-1]


@pytest.mark.parametrize("set_id", SET_IDS)
def test_questions_are_valid_and_ids_unique(set_id):
    qs = _set(set_id)
    bad = {q.id: question_problems(q) for q in qs.questions if question_problems(q) or not is_usable(q)}
    assert bad == {}
    ids = [q.id for q in qs.questions]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("set_id", SET_IDS)
def test_every_question_cites_a_section_of_its_handbook(set_id):
    qs = _set(set_id)
    sections = {s.id for s in qs.handbook.sections}
    assert [q.id for q in qs.questions if q.section not in sections] == []


@pytest.mark.parametrize("set_id", SET_IDS)
def test_every_section_of_a_handbook_has_a_question(set_id):
    qs = _set(set_id)
    cited = {q.section for q in qs.questions}
    assert [s.id for s in qs.handbook.sections if s.id not in cited] == []


def test_question_ids_are_unique_across_sets():
    seen = defaultdict(list)
    for qs in registry().sets:
        for q in qs.questions:
            seen[q.id].append(qs.id)
    assert {i: sets for i, sets in seen.items() if len(sets) > 1} == {}


@pytest.mark.parametrize("kind", CONTRACT_BLUEPRINTS)
@pytest.mark.parametrize("post", POSTS)
def test_each_posts_bank_satisfies_the_default_blueprints(post, kind):
    """The post's blueprint for the kind: its set's own (blueprints.yaml) where it brings one, else the default."""
    blueprint = registry().blueprint(post, kind)
    try:
        paper = assemble_seeded(registry().bank(post), blueprint, seed=1)
    except BankShortfall as e:
        pytest.fail(f"{post}: {e}")
    assert len(paper.questions) == blueprint.question_count


SET_BLUEPRINTS = sorted(
    (p.code, bp.kind) for qs in registry().sets for p in qs.posts for bp in qs.blueprints
) or [pytest.param(None, None, marks=pytest.mark.skip(reason="no set brings blueprints"))]


@pytest.mark.parametrize(("post", "kind"), SET_BLUEPRINTS)
def test_each_blueprint_a_set_brings_is_satisfied_by_its_posts_bank(post, kind):
    blueprint = registry().blueprint(post, kind)
    assert blueprint is not default_blueprint(kind)
    try:
        paper = assemble_seeded(registry().bank(post), blueprint, seed=2)
    except BankShortfall as e:
        pytest.fail(f"{post} {kind}: {e}")
    assert len(paper.questions) == blueprint.question_count


def _listed(findings) -> str:
    return "\n".join(f"{f.where}: [{f.severity}] {f.check}: {f.message}" for f in findings)


@pytest.mark.parametrize("set_id", SET_IDS)
def test_item_checks_find_nothing_above_warning_level(set_id):
    """题目体检 over the whole set (a key-position lean is judged per set): errors must be fixed;
    warnings and hints are for the set's reviewers."""
    qs = _set(set_id)
    errors = [f for f in check_items(qs.questions, batch=set_id) if f.severity == "error"]
    assert errors == [], f"{len(errors)} error(s) in set {set_id}:\n{_listed(errors)}"


@pytest.mark.parametrize("post", POSTS)
def test_no_two_questions_of_a_posts_bank_are_near_duplicates(post):
    """The bank a worker of `post` is examined on (通用 + 专业) holds no near-duplicate questions."""
    bank = registry().bank(post)
    groups = [[f"{bank[i].id} ({bank[i].stem})" for i in g] for g in duplicate_groups(bank)]
    assert groups == []


def test_no_two_questions_of_all_sets_are_near_duplicates():
    questions = [q for qs in registry().sets for q in qs.questions]
    assert [[questions[i].id for i in g] for g in duplicate_groups(questions)] == []


@pytest.mark.parametrize("set_id", SET_IDS)
def test_nothing_in_a_set_cites_a_text_its_register_says_is_no_longer_in_force(set_id):
    qs = _set(set_id)
    flags = needs_review(qs.questions, qs.handbook.sections, qs.register)
    assert [f"{f.where}: {f.message}" for f in flags] == []


# Sets whose 法规标准库 (laws.yaml) must know every text their questions' basis cites.
SETS_WITH_A_REGISTER = ("general",)


@pytest.mark.parametrize("set_id", SETS_WITH_A_REGISTER)
def test_the_set_ships_a_register_that_knows_every_text_its_basis_cites(set_id):
    from quizbank.citations import match, parse_citations

    qs = _set(set_id)
    assert qs.register, f"{set_id} ships no laws.yaml"
    unknown = sorted(
        {
            f"{q.id}: {c.text}"
            for q in qs.questions
            for c in parse_citations(q.basis)
            if match(c, qs.register) is None
        }
    )
    assert unknown == []
