"""Blueprints (组卷规则): the defaults per exam kind (data in blueprints.yaml), conversion to and from
JSON-able dicts (the web app stores and edits them), and what a bank lacks to satisfy one."""

from __future__ import annotations

import functools
import importlib.resources
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from quizbank.model import (
    EXAM_KIND_NAMES,
    EXAM_KINDS,
    PART_NAMES,
    PARTS,
    QUESTION_TYPE_NAMES,
    QUESTION_TYPES,
    Blueprint,
    Cell,
    ExamKind,
    Question,
    TagRequirement,
)

_FIELDS = (
    "kind",
    "title",
    "cells",
    "points",
    "required_tags",
    "time_limit_minutes",
    "pass_percent",
    "multiple_scoring",
    "shuffle_options",
)
_CELL_FIELDS = ("type", "part", "count", "difficulties")
_TAG_FIELDS = ("tag", "at_least")


@functools.cache
def _defaults() -> Mapping[str, Blueprint]:
    text = importlib.resources.files("quizbank").joinpath("blueprints.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {kind: blueprint_from_dict(data[kind]) for kind in EXAM_KINDS}


def default_blueprint(kind: ExamKind | str) -> Blueprint:
    """The default blueprint for an exam kind (qualification, periodic, spot, makeup, retraining, practice)."""
    if kind not in EXAM_KINDS:
        raise ValueError(f"kind: unknown exam kind {kind!r} (known: {', '.join(EXAM_KINDS)})")
    return _defaults()[kind]


def blueprint_to_dict(bp: Blueprint) -> dict:
    """A JSON-able dict; `blueprint_from_dict(blueprint_to_dict(bp)) == bp`."""
    return {
        "kind": bp.kind,
        "title": bp.title,
        "cells": [
            {"type": c.type, "part": c.part, "count": c.count, "difficulties": list(c.difficulties)}
            for c in bp.cells
        ],
        "points": {t: _number(bp.points[t]) for t in QUESTION_TYPES if t in bp.points},
        "required_tags": [{"tag": r.tag, "at_least": r.at_least} for r in bp.required_tags],
        "time_limit_minutes": bp.time_limit_minutes,
        "pass_percent": _number(bp.pass_percent),
        "multiple_scoring": bp.multiple_scoring,
        "shuffle_options": bp.shuffle_options,
    }


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def blueprint_from_dict(d: Mapping) -> Blueprint:
    """A blueprint from a dict (JSON or YAML). Raises ValueError naming the first bad field, e.g.
    ``cells[2].count: must be a whole number ≥ 0``. Missing fields other than kind and cells take the
    defaults of the model."""
    if not isinstance(d, Mapping):
        raise ValueError(f"blueprint: expected an object with {', '.join(_FIELDS)}")
    unknown = [k for k in d if k not in _FIELDS]
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown field (known: {', '.join(_FIELDS)})")
    kind = d.get("kind")
    if kind not in EXAM_KINDS:
        raise ValueError(f"kind: unknown exam kind {kind!r} (known: {', '.join(EXAM_KINDS)})")
    title = d.get("title", EXAM_KIND_NAMES[kind])
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title: must be non-empty text")

    raw_cells = d.get("cells")
    if not isinstance(raw_cells, Sequence) or isinstance(raw_cells, str) or not raw_cells:
        raise ValueError("cells: must be a non-empty list of {type, part, count, difficulties}")
    cells = tuple(_cell(c, f"cells[{i}]") for i, c in enumerate(raw_cells))
    if sum(c.count for c in cells) == 0:
        raise ValueError("cells: the blueprint draws no question (every count is 0)")

    points = _points(d.get("points", {"single": 2, "multiple": 3, "truefalse": 1}))
    missing = sorted({c.type for c in cells if c.count} - set(points))
    if missing:
        raise ValueError(f"points.{missing[0]}: missing for a type the cells draw")

    raw_tags = d.get("required_tags", ())
    if not isinstance(raw_tags, Sequence) or isinstance(raw_tags, str):
        raise ValueError("required_tags: must be a list of {tag, at_least}")
    tags = tuple(_tag(t, f"required_tags[{i}]") for i, t in enumerate(raw_tags))
    total = sum(c.count for c in cells)
    for i, t in enumerate(tags):
        if t.at_least > total:
            raise ValueError(
                f"required_tags[{i}].at_least: {t.at_least} is more than the {total} questions drawn"
            )

    time_limit = d.get("time_limit_minutes", 60)
    if not _is_int(time_limit) or time_limit < 0:
        raise ValueError("time_limit_minutes: must be a whole number ≥ 0 (0 = untimed)")
    pass_percent = d.get("pass_percent", 80)
    if not _is_number(pass_percent) or not 0 <= pass_percent <= 100:
        raise ValueError("pass_percent: must be a number from 0 to 100")
    scoring = d.get("multiple_scoring", "all_or_nothing")
    if scoring not in ("all_or_nothing", "partial"):
        raise ValueError("multiple_scoring: must be all_or_nothing or partial")
    shuffle = d.get("shuffle_options", True)
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle_options: must be true or false")
    return Blueprint(
        kind=kind,
        title=title.strip(),
        cells=cells,
        points=points,
        required_tags=tags,
        time_limit_minutes=time_limit,
        pass_percent=float(pass_percent),
        multiple_scoring=scoring,
        shuffle_options=shuffle,
    )


def _cell(c: object, where: str) -> Cell:
    if not isinstance(c, Mapping):
        raise ValueError(f"{where}: must be an object with {', '.join(_CELL_FIELDS)}")
    unknown = [k for k in c if k not in _CELL_FIELDS]
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: unknown field (known: {', '.join(_CELL_FIELDS)})")
    if c.get("type") not in QUESTION_TYPES:
        raise ValueError(f"{where}.type: must be one of {', '.join(QUESTION_TYPES)}, not {c.get('type')!r}")
    if c.get("part") not in PARTS:
        raise ValueError(f"{where}.part: must be general or professional, not {c.get('part')!r}")
    count = c.get("count")
    if not _is_int(count) or count < 0:
        raise ValueError(f"{where}.count: must be a whole number ≥ 0, not {count!r}")
    difficulties = c.get("difficulties") or ()
    if (
        not isinstance(difficulties, Sequence)
        or isinstance(difficulties, str)
        or not all(_is_int(x) and 1 <= x <= 5 for x in difficulties)
    ):
        raise ValueError(
            f"{where}.difficulties: must be a list of levels 1–5 (empty: any), not {difficulties!r}"
        )
    return Cell(c["type"], c["part"], count, tuple(sorted(set(difficulties))))


def _points(p: object) -> dict[str, float]:
    if not isinstance(p, Mapping):
        raise ValueError("points: must be an object {truefalse, single, multiple}")
    out = {}
    for t, v in p.items():
        if t not in QUESTION_TYPES:
            raise ValueError(f"points.{t}: unknown question type (known: {', '.join(QUESTION_TYPES)})")
        if not _is_number(v) or v <= 0:
            raise ValueError(f"points.{t}: must be a number > 0, not {v!r}")
        out[t] = float(v)
    return out


def _tag(t: object, where: str) -> TagRequirement:
    if not isinstance(t, Mapping):
        raise ValueError(f"{where}: must be an object {{tag, at_least}}")
    unknown = [k for k in t if k not in _TAG_FIELDS]
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: unknown field (known: tag, at_least)")
    tag = t.get("tag")
    if not isinstance(tag, str) or not tag.strip():
        raise ValueError(f"{where}.tag: must be non-empty text")
    at_least = t.get("at_least")
    if not _is_int(at_least) or at_least < 1:
        raise ValueError(f"{where}.at_least: must be a whole number ≥ 1, not {at_least!r}")
    return TagRequirement(tag.strip(), at_least)


def describe_cell(cell: Cell) -> str:
    """``专业知识 判断题`` (+ ``难度 1,2``) — for messages."""
    text = f"{PART_NAMES[cell.part]} {QUESTION_TYPE_NAMES[cell.type]}"
    if cell.difficulties:
        text += f" 难度 {','.join(map(str, cell.difficulties))}"
    return text


@dataclass(frozen=True)
class Shortfall:
    """The bank holds `available` usable questions where the blueprint needs `needed`: for one `cell`,
    for several cells drawing from the same questions (`cells`), or for a required `tag`."""

    needed: int
    available: int
    cell: Cell | None = None
    tag: str | None = None
    cells: tuple[Cell, ...] = ()

    @property
    def short(self) -> int:
        return self.needed - self.available

    def __str__(self) -> str:
        if self.tag is not None:
            what = f"标注「{self.tag}」的题目"
            english = f"questions tagged {self.tag}"
        elif self.cell is not None:
            what = describe_cell(self.cell)
            english = f"{self.cell.part} {self.cell.type}" + (
                f" difficulty {','.join(map(str, self.cell.difficulties))}" if self.cell.difficulties else ""
            )
        else:
            what = " + ".join(describe_cell(c) for c in self.cells)
            english = " + ".join(f"{c.part} {c.type}" for c in self.cells)
        return (
            f"{what}：需要 {self.needed} 道，题库只有 {self.available} 道，差 {self.short} 道"
            f" ({english}: need {self.needed}, have {self.available}, short by {self.short})"
        )


def is_usable(q: Question) -> bool:
    """Can this question be put on a paper? (well-formed answer and options)"""
    n = len(q.options)
    if n < 2 or not all(0 <= i < n for i in q.answer) or len(set(q.answer)) != len(q.answer):
        return False
    if q.type == "multiple":
        return len(q.answer) >= 2
    if q.type in ("single", "truefalse"):
        return len(q.answer) == 1
    return False


def cell_matches(cell: Cell, q: Question) -> bool:
    return (
        q.type == cell.type
        and q.part == cell.part
        and (not cell.difficulties or q.difficulty in cell.difficulties)
    )


def shortfalls(bank: Iterable[Question], blueprint: Blueprint) -> tuple[Shortfall, ...]:
    """Which cells (and required tags) the bank cannot fill, and by how many. Empty when it can."""
    usable: dict[str, Question] = {}
    for q in bank:
        if is_usable(q):
            usable.setdefault(q.id, q)
    pools = [[q for q in usable.values() if cell_matches(c, q)] if c.count else [] for c in blueprint.cells]
    found: list[Shortfall] = []
    for cell, pool in zip(blueprint.cells, pools, strict=True):
        if cell.count > len(pool):
            found.append(Shortfall(cell.count, len(pool), cell=cell))
    # Cells of one type and part may overlap (e.g. "any difficulty" and "difficulty 1"): their sum must fit too.
    groups: dict[tuple[str, str], list[int]] = {}
    for i, cell in enumerate(blueprint.cells):
        if cell.count:
            groups.setdefault((cell.type, cell.part), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        union = {q.id for i in members for q in pools[i]}
        needed = sum(blueprint.cells[i].count for i in members)
        if needed > len(union) and not any(f.cell in [blueprint.cells[i] for i in members] for f in found):
            found.append(Shortfall(needed, len(union), cells=tuple(blueprint.cells[i] for i in members)))
    for req in blueprint.required_tags:
        # Each group of cells can give at most as many tagged questions as it draws.
        can_draw = 0
        for members in groups.values():
            tagged = {q.id for i in members for q in pools[i] if req.tag in q.tags}
            can_draw += min(len(tagged), sum(blueprint.cells[i].count for i in members))
        if can_draw < req.at_least:
            found.append(Shortfall(req.at_least, can_draw, tag=req.tag))
    return tuple(found)
