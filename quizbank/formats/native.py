"""The native question format: questions.yaml, a YAML list of questions (see notes on the native format).

Authors write answers as letters (``C``, ``ACD``; 正确/错误 for true/false); 0-based index lists are
accepted too. Every question keeps ``source = "questions.yaml:LINE"``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from quizbank.formats import text as t
from quizbank.model import (
    MAX_OPTIONS,
    OPTION_LABELS,
    QUESTION_TYPES,
    TRUE_FALSE_OPTIONS,
    ImportResult,
    Problem,
    Question,
)

FORMAT = "native"
FIELDS = ("id", "type", "section", "difficulty", "tags", "stem", "options", "answer", "explanation", "basis")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Mapping(dict):
    """A YAML mapping that remembers the line of its first key and of each key."""

    line: int
    key_lines: dict[str, int]


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in mapping:
            duplicates.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    mapping.duplicates = duplicates  # type: ignore[attr-defined]
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for questions, flow style for short lists (tags, options), as authors write them."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, str) and "\n" not in x for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and data == data.strip() and " \n" not in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def read(source: bytes | str | os.PathLike, *, name: str = "") -> ImportResult:
    """Read questions.yaml. `source` is the file's bytes, its text, or its path; `name` labels messages
    (default: the path, or ``questions.yaml``). Questions with problems are skipped, each problem reported."""
    if isinstance(source, os.PathLike):
        path = Path(source)
        name = name or str(path)
        data = path.read_bytes()
    else:
        data = source
    name = name or "questions.yaml"
    label = Path(name).name or "questions.yaml"
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            return ImportResult(
                (), (Problem(name, f"not UTF-8 text ({e.reason} at byte {e.start})"),), FORMAT
            )
    else:
        text = data.lstrip("\ufeff")
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        return ImportResult(
            (), (Problem(where, f"not valid YAML: {getattr(e, 'problem', None) or e}"),), FORMAT
        )
    if document is None:
        return ImportResult((), (), FORMAT)
    if not isinstance(document, list):
        return ImportResult(
            (), (Problem(f"{name}:1", "questions.yaml must be a YAML list ('- id: …')"),), FORMAT
        )

    questions: list[Question] = []
    problems: list[Problem] = []
    for index, item in enumerate(document):
        if not isinstance(item, _Mapping):
            problems.append(
                Problem(name, f"item {index + 1}: a question must be a mapping (id, type, stem, …)")
            )
            continue
        question, found = _question(item, name, label)
        problems += found
        if question is not None:
            questions.append(question)
    return ImportResult(tuple(questions), tuple(problems), FORMAT)


def _question(item: _Mapping, name: str, label: str) -> tuple[Question | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(key: str | None, message: str) -> None:
        line = item.key_lines.get(key, item.line) if key else item.line
        problems.append(Problem(f"{name}:{line}", message))

    for key, line in getattr(item, "duplicates", ()):
        problems.append(Problem(f"{name}:{line}", f"{key!r} is given twice in this question"))
    for key in item:
        if key not in FIELDS:
            problem(key, f"unknown field {key!r} (known: {', '.join(FIELDS)})")

    qid = item.get("id")
    if isinstance(qid, int) and not isinstance(qid, bool):
        qid = str(qid)
    if not isinstance(qid, str) or not qid.strip():
        problem("id", "id is missing")
        qid = ""
    elif not QUESTION_ID.match(qid.strip()):
        problem("id", f"id {qid!r} may hold only letters, digits, '-', '_' and '.'")
    qid = qid.strip()

    qtype = item.get("type")
    if qtype not in QUESTION_TYPES:
        problem("type", f"unknown type {qtype!r}: use single, multiple or truefalse")

    stem = item.get("stem")
    if not isinstance(stem, str) or not stem.strip():
        problem("stem", "empty stem")
        stem = ""

    options = _options(item, qtype, problem)
    answer = _answer(item.get("answer"), qtype, options, problem)

    difficulty = item.get("difficulty", 3)
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or not 1 <= difficulty <= 5:
        problem("difficulty", f"difficulty {difficulty!r} outside 1–5")

    tags = item.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problem("tags", "tags must be a list of words, e.g. [重大事故隐患]")
        tags = []

    section = item.get("section")
    if section is not None and (not isinstance(section, str) or not section.strip()):
        problem("section", f"section must be a section id, not {section!r}")
        section = None

    explanation = item.get("explanation") or ""
    if not isinstance(explanation, str):
        explanation = str(explanation)

    basis = item.get("basis") or ""
    if not isinstance(basis, str):
        problem("basis", "basis must be text, e.g. 《安全生产法》第二十八条")
        basis = ""

    if problems:
        return None, problems
    return (
        Question(
            id=qid,
            type=qtype,
            stem=stem.strip(),
            options=options,
            answer=answer,
            explanation=explanation.strip(),
            difficulty=difficulty,
            tags=tuple(t.strip() for t in tags),
            section=section.strip() if section else None,
            source=f"{label}:{item.line}",
            basis=basis.strip(),
        ),
        [],
    )


def _options(item: _Mapping, qtype: object, problem) -> tuple[str, ...]:
    raw = item.get("options")
    if qtype == "truefalse":
        if raw is None:
            return TRUE_FALSE_OPTIONS
        if not isinstance(raw, list) or tuple(str(o).strip() for o in raw) != TRUE_FALSE_OPTIONS:
            problem("options", f"a truefalse question has options [正确, 错误] (or none), not {raw!r}")
        return TRUE_FALSE_OPTIONS
    if not isinstance(raw, list):
        problem("options", "options missing: give a list, e.g. [3米, 5米, 10米, 15米]")
        return ()
    options = tuple("" if o is None else str(o).strip() for o in raw)
    if not 2 <= len(options) <= MAX_OPTIONS:
        problem("options", f"{len(options)} options: a question has 2–{MAX_OPTIONS}")
    for position, option in enumerate(options):
        if not option:
            problem("options", f"option {_letter(position)} is empty")
    seen: dict[str, int] = {}
    for position, option in enumerate(options):
        if option and option in seen:
            problem(
                "options", f"options {_letter(seen[option])} and {_letter(position)} are the same: {option!r}"
            )
        seen.setdefault(option, position)
    return options


def _letter(position: int) -> str:
    return t.letters((position,))


def _answer(raw: object, qtype: object, options: tuple[str, ...], problem) -> tuple[int, ...]:
    """Letters (``C``, ``ACD``, ``[A, C]``), 正确/错误 for true/false, or 0-based positions → indices.

    The text is read as every importer reads it (`quizbank.formats.text`); the messages say which
    option and field are wrong, for the author.
    """
    if raw is None or raw == "" or raw == []:
        problem("answer", "answer is missing")
        return ()
    if isinstance(raw, list) and all(isinstance(i, str) for i in raw):
        raw = "".join(raw)
    if qtype == "truefalse" and isinstance(raw, bool):
        return (0,) if raw else (1,)
    if qtype == "truefalse" and isinstance(raw, str):
        try:
            return (t.true_false_answer(raw),)
        except t.AnswerError:
            problem("answer", f"a truefalse answer is 正确 or 错误 (or A/B), not {raw!r}")
            return ()
    if isinstance(raw, str):
        text = t.answer_text(raw)
        bad = next((c for c in text if c not in OPTION_LABELS), None)
        if bad is not None:
            problem(
                "answer",
                f"answer {raw!r}: {bad!r} is not an option letter (A–{_letter(len(options) - 1)})",
            )
            return ()
        indices = [OPTION_LABELS.index(c) for c in text]
    elif isinstance(raw, int) and not isinstance(raw, bool):
        indices = [raw]
    elif isinstance(raw, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        indices = list(raw)
    else:
        problem("answer", f"answer {raw!r}: write letters (C, ACD) or a list of 0-based positions")
        return ()
    if len(set(indices)) != len(indices):
        problem("answer", f"answer {raw!r} names an option twice")
        return ()
    for i in indices:
        if not 0 <= i < len(options):
            problem(
                "answer",
                f"answer {raw!r}: option {_letter(i) if i >= 0 else i} is outside the {len(options)} options",
            )
            return ()
    if qtype in ("single", "truefalse") and len(indices) != 1:
        problem("answer", f"a {qtype} question has exactly one answer, not {len(indices)} ({raw!r})")
    elif qtype == "multiple" and len(indices) < 2:
        problem("answer", f"a multiple question has at least two answers, not {len(indices)} ({raw!r})")
    return tuple(sorted(indices))


def write(questions: Iterable[Question]) -> bytes:
    """questions.yaml for `questions`: answers as letters (正确/错误 for truefalse), options omitted for truefalse."""
    items = []
    for q in questions:
        item: dict[str, object] = {"id": q.id, "type": q.type}
        if q.section:
            item["section"] = q.section
        item["difficulty"] = q.difficulty
        if q.tags:
            item["tags"] = list(q.tags)
        item["stem"] = q.stem
        if q.type == "truefalse":
            item["answer"] = TRUE_FALSE_OPTIONS[q.answer[0]] if q.answer else ""
        else:
            item["options"] = list(q.options)
            item["answer"] = "".join(_letter(i) for i in q.answer)
        if q.explanation:
            item["explanation"] = q.explanation
        if q.basis:
            item["basis"] = q.basis
        items.append(item)
    if not items:
        return b"[]\n"
    chunks = [
        yaml.dump(
            [item], Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
        )
        for item in items
    ]
    return "\n".join(chunks).encode("utf-8")
