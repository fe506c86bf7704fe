"""A post set's own blueprints (optional ``blueprints.yaml`` beside handbook.md): the exam kinds whose
default blueprint the set replaces for its posts, e.g. the 100-question 考核 of a 主要负责人.

The file maps an exam kind to a blueprint in the form of ``quizbank/blueprints.yaml`` (YAML anchors and
``<<`` merges allowed); a ``kind`` field, when given, must equal its key. Problems name the file, the
line of the kind and the field: ``blueprints.yaml:7: qualification.cells[2].count: …``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import yaml

from quizbank.blueprints import blueprint_from_dict, describe_cell, shortfalls
from quizbank.model import EXAM_KINDS, Blueprint, Problem, QuestionSet

BLUEPRINTS_FILE = "blueprints.yaml"


def parse_set_blueprints(
    text: bytes | str, *, name: str = BLUEPRINTS_FILE
) -> tuple[tuple[Blueprint, ...], tuple[Problem, ...]]:
    """The blueprints in a set's blueprints.yaml, and every problem found (a bad kind is left out)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            return (), (Problem(name, f"not UTF-8 text ({e.reason} at byte {e.start})"),)
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        return (), (Problem(where, f"not valid YAML: {getattr(e, 'problem', None) or e}"),)
    if data is None:
        return (), ()
    if not isinstance(data, Mapping):
        return (), (Problem(name, f"expected a mapping of exam kind → blueprint ({', '.join(EXAM_KINDS)})"),)
    lines = (
        {k.value: k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    )
    found: list[Blueprint] = []
    problems: list[Problem] = []
    for kind, spec in data.items():
        where = f"{name}:{lines[kind]}" if kind in lines else name
        if kind not in EXAM_KINDS:
            problems.append(Problem(where, f"{kind}: unknown exam kind (known: {', '.join(EXAM_KINDS)})"))
            continue
        if isinstance(spec, Mapping) and spec.get("kind", kind) != kind:
            problems.append(Problem(where, f"{kind}.kind: {spec['kind']!r} differs from its key {kind!r}"))
            continue
        try:
            found.append(blueprint_from_dict({**spec, "kind": kind} if isinstance(spec, Mapping) else spec))
        except ValueError as e:
            problems.append(Problem(where, f"{kind}.{e}"))
    return tuple(found), tuple(problems)


def set_blueprint_problems(question_set: QuestionSet, *, name: str = BLUEPRINTS_FILE) -> tuple[Problem, ...]:
    """What is wrong with a set's blueprints that the set alone can tell: a general set may not carry
    any (they are per post), and the professional cells must be fillable from the set's own questions.
    (Its general cells draw on the general set, which the contract test checks with the whole registry.)"""
    if not question_set.blueprints:
        return ()
    if question_set.is_general:
        return (Problem(name, "a general set has no blueprints of its own: blueprints belong to a post set"),)
    problems: list[Problem] = []
    for bp in question_set.blueprints:
        professional = tuple(c for c in bp.cells if c.part == "professional")
        if not professional:
            continue
        own = dataclasses.replace(bp, cells=professional, required_tags=())
        for short in shortfalls(question_set.questions, own):
            cells = (short.cell,) if short.cell else short.cells
            what = " + ".join(describe_cell(c) for c in cells)
            problems.append(
                Problem(
                    name,
                    f"{bp.kind}: {what} 需要 {short.needed} 道，本题集只有 {short.available} 道"
                    f" (needs {short.needed}, the set has {short.available})",
                )
            )
    return tuple(problems)
