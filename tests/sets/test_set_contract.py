"""The contract every discovered question set keeps (built-in ones and installed plugins alike)."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import defaultdict

import pytest

from quizbank.assembly import BankShortfall, assemble_seeded
from quizbank.blueprints import default_blueprint, is_usable
from quizbank.plugins import ENTRY_POINT_GROUP, discover
from quizbank.questionsets import question_problems

CONTRACT_BLUEPRINTS = ("qualification", "spot", "practice")
SIMILAR = 0.9


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


_NUMBERING = re.compile(r"^\s*(?:\d+|[（(]\d+[)）])\s*[.、．:：)）]?\s*|^\s*[A-Ha-h]\s*[.、．:：)]\s*")


def normalise(text: str) -> str:
    """Stem or option text without numbering, punctuation, whitespace or width/case differences."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NUMBERING.sub("", text)
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PSZ"))


def near_duplicates(questions) -> list[tuple[str, str, float]]:
    """Pairs with the same normalised text, or with the same option set and stems ≥ 90 % similar.
    Questions are grouped by option set first, so only a group's members are compared pairwise."""
    found = []
    exact: dict[tuple, str] = {}
    groups: dict[tuple, list] = defaultdict(list)
    for q in questions:
        options = tuple(sorted(normalise(o) for o in q.options))
        stem = normalise(q.stem)
        key = (stem, options)
        if key in exact:
            found.append((exact[key], q.id, 1.0))
            continue
        exact[key] = q.id
        groups[options].append((q.id, stem))
    for members in groups.values():
        # Sorting by stem puts near-identical stems close; compare each with its neighbours and,
        # in small groups (true/false share one option set), with all.
        members.sort(key=lambda m: m[1])
        window = len(members) if len(members) <= 400 else 25
        for i, (id_a, stem_a) in enumerate(members):
            for id_b, stem_b in members[i + 1 : i + 1 + window]:
                lengths = sorted((len(stem_a), len(stem_b)))
                if lengths[1] and lengths[0] / lengths[1] < SIMILAR:
                    continue  # ratio ≤ 2·short/(short+long) cannot reach the threshold
                matcher = difflib.SequenceMatcher(None, stem_a, stem_b, autojunk=False)
                if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                    ratio = matcher.ratio()
                    if ratio >= SIMILAR:
                        found.append((id_a, id_b, round(ratio, 3)))
    return found


def test_no_two_questions_are_near_duplicates():
    questions = [q for qs in registry().sets for q in qs.questions]
    assert near_duplicates(questions) == []


def test_near_duplicate_check_catches_renumbered_and_repunctuated_copies():
    from tests.builders import question, truefalse

    a = question(
        id="a",
        stem="1. 焊接作业前，应当检查作业点周围多大范围内的可燃物？",
        options=("3米", "5米", "10米", "15米"),
    )
    b = question(
        id="b", stem="焊接作业前应当检查作业点周围多大范围内的可燃物", options=("15米", "10米", "5米", "3米")
    )
    c = truefalse(id="c", stem="进入有限空间作业前，必须先通风、再检测、后作业。")
    d = truefalse(id="d", stem="进入有限空间作业前，必须先通风、再检测、然后作业。")
    e = truefalse(id="e", stem="动火作业必须办理动火作业许可证。")
    assert [(x, y) for x, y, _ in near_duplicates([a, b, c, d, e])] == [("a", "b"), ("c", "d")]
