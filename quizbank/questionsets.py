"""Question sets: a folder (handbook.md + questions.yaml) → `QuestionSet`, and the rules a set must keep.

`load_folder` / `load_texts` read a set; `check_set` checks one set value; `validate` checks several at
once (adding duplicate ids across sets). Problems read ``file:line: message``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quizbank.formats import native
from quizbank.handbook import parse_handbook
from quizbank.model import (
    MAX_OPTIONS,
    QUESTION_TYPES,
    TRUE_FALSE_OPTIONS,
    Post,
    Problem,
    Question,
    QuestionSet,
)
from quizbank.register import REGISTER_FILE, read_register
from quizbank.set_blueprints import BLUEPRINTS_FILE, parse_set_blueprints, set_blueprint_problems

HANDBOOK_FILE = "handbook.md"
QUESTIONS_FILE = "questions.yaml"
SET_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class LoadedSet:
    """A set as read from its files (None when it could not be read at all) and every problem found,
    including the set's own rules (`check_set`). Errors make the set unusable; warnings do not."""

    set: QuestionSet | None
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def ok(self) -> bool:
        return self.set is not None and not self.errors


def is_set_folder(folder: Path) -> bool:
    return (folder / HANDBOOK_FILE).is_file() or (folder / QUESTIONS_FILE).is_file()


def set_folders(path: Path) -> list[Path]:
    """`path` itself when it is a set folder, else the set folders directly inside it (sorted)."""
    if is_set_folder(path):
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and is_set_folder(p))


def set_id_for(folder_name: str) -> str:
    """A folder or package name → a kebab-case set id (``low_voltage_electrician`` → ``low-voltage-electrician``)."""
    return folder_name.strip().lower().replace("_", "-")


def load_folder(folder: Path, *, set_id: str | None = None, source: str | None = None) -> LoadedSet:
    folder = Path(folder)
    handbook_path, questions_path = folder / HANDBOOK_FILE, folder / QUESTIONS_FILE
    missing = [
        Problem(str(p), f"missing: a question set folder holds {HANDBOOK_FILE} and {QUESTIONS_FILE}")
        for p in (handbook_path, questions_path)
        if not p.is_file()
    ]
    if missing:
        return LoadedSet(None, tuple(missing))
    register_path = folder / REGISTER_FILE
    blueprints_path = folder / BLUEPRINTS_FILE
    return load_texts(
        handbook_path.read_bytes(),
        questions_path.read_bytes(),
        set_id=set_id or set_id_for(folder.resolve().name),
        source=source or f"folder {folder}",
        handbook_name=str(handbook_path),
        questions_name=str(questions_path),
        register=register_path.read_bytes() if register_path.is_file() else None,
        register_name=str(register_path),
        blueprints=blueprints_path.read_bytes() if blueprints_path.is_file() else None,
        blueprints_name=str(blueprints_path),
    )


def load_texts(
    handbook: bytes | str,
    questions: bytes | str,
    *,
    set_id: str,
    source: str = "",
    handbook_name: str = HANDBOOK_FILE,
    questions_name: str = QUESTIONS_FILE,
    register: bytes | str | None = None,
    register_name: str = REGISTER_FILE,
    blueprints: bytes | str | None = None,
    blueprints_name: str = BLUEPRINTS_FILE,
) -> LoadedSet:
    """Build a set from the contents of handbook.md, questions.yaml and, when the set ships them, laws.yaml
    and blueprints.yaml; names label the messages."""
    problems: list[Problem] = []
    entries = ()
    if register is not None:
        read_laws = read_register(register, name=register_name)
        problems += read_laws.problems
        entries = read_laws.entries
    if isinstance(handbook, bytes):
        try:
            handbook = handbook.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            return LoadedSet(
                None, (Problem(handbook_name, f"not UTF-8 text ({e.reason} at byte {e.start})"),)
            )
    parsed = parse_handbook(handbook, name=handbook_name)
    problems += parsed.problems
    read = native.read(questions, name=questions_name)
    problems += read.problems
    if parsed.handbook is None:
        return LoadedSet(None, tuple(problems))
    hb = parsed.handbook
    posts = () if hb.post is None else (Post(hb.post, hb.name or hb.post, hb.risk, hb.special_operation),)
    parts = {s.id: s.part for s in hb.sections}
    default_part = "general" if hb.post is None else "professional"
    qs = tuple(dataclasses.replace(q, part=parts.get(q.section or "", default_part)) for q in read.questions)
    own_blueprints: tuple = ()
    if blueprints is not None:
        own_blueprints, blueprint_problems = parse_set_blueprints(blueprints, name=blueprints_name)
        problems += blueprint_problems
    question_set = QuestionSet(
        id=set_id,
        title=hb.title,
        version=hb.version,
        posts=posts,
        handbook=hb,
        questions=qs,
        source=source,
        register=entries,
        blueprints=own_blueprints,
    )
    problems += set_blueprint_problems(question_set, name=blueprints_name)
    problems += check_set(
        question_set,
        questions_name=questions_name,
        handbook_name=handbook_name,
        # Questions that could not be read cite sections too: do not call those sections uncited.
        coverage=not any(not p.warning for p in read.problems),
    )
    return LoadedSet(question_set, tuple(sorted(problems, key=_place)))


def _place(problem: Problem) -> tuple[str, int]:
    """Sort key: file, then line (``questions.yaml:40``), so problems read in the order of the file."""
    name, _, line = problem.where.rpartition(":")
    return (name, int(line)) if name and line.isdigit() else (problem.where, 0)


def _where(q: Question, questions_name: str) -> str:
    """``file:line`` for a question read from a file, else ``file: question <id>``."""
    if q.source and ":" in q.source:
        line = q.source.rsplit(":", 1)[1]
        if line.isdigit():
            return f"{questions_name}:{line}"
    return f"{questions_name}: question {q.id}"


def question_problems(q: Question) -> list[str]:
    """What is wrong with one question value (the rules of the native format), as messages."""
    if _plainly_valid(q):
        return []  # an import checks 100,000 questions: the well-formed ones in a few steps
    found: list[str] = []
    if q.type not in QUESTION_TYPES:
        found.append(f"unknown type {q.type!r}: use single, multiple or truefalse")
    if not q.id or not q.id.strip():
        found.append("id is missing")
    if not q.stem or not q.stem.strip():
        found.append("empty stem")
    if q.type == "truefalse" and tuple(q.options) != TRUE_FALSE_OPTIONS:
        found.append(f"a truefalse question has options 正确/错误, not {list(q.options)}")
    if not 2 <= len(q.options) <= MAX_OPTIONS:
        found.append(f"{len(q.options)} options: a question has 2–{MAX_OPTIONS}")
    if any(not o or not o.strip() for o in q.options):
        found.append("an option is empty")
    if len({o.strip() for o in q.options}) != len(q.options):
        found.append("two options are the same")
    if any(not 0 <= i < len(q.options) for i in q.answer):
        found.append(f"answer {list(q.answer)} outside the {len(q.options)} options")
    if len(set(q.answer)) != len(q.answer):
        found.append("the answer names an option twice")
    if q.type in ("single", "truefalse") and len(q.answer) != 1:
        found.append(f"a {q.type} question has exactly one answer, not {len(q.answer)}")
    if q.type == "multiple" and len(q.answer) < 2:
        found.append(f"a multiple question has at least two answers, not {len(q.answer)}")
    if not isinstance(q.difficulty, int) or not 1 <= q.difficulty <= 5:
        found.append(f"difficulty {q.difficulty!r} outside 1–5")
    return found


def _plainly_valid(q: Question) -> bool:
    """True when `question_problems` finds nothing, told without building its messages (False may
    still mean nothing is wrong: that question takes the long way)."""
    options, answer = q.options, q.answer
    n, k = len(options), len(answer)
    if q.type == "truefalse":
        if options != TRUE_FALSE_OPTIONS or answer not in _TRUE_FALSE_ANSWERS:
            return False
    elif q.type == "single":
        if not 2 <= n <= MAX_OPTIONS or k != 1 or not 0 <= answer[0] < n:
            return False
    elif q.type == "multiple":
        if not 2 <= n <= MAX_OPTIONS or k < 2 or not 0 <= min(answer) <= max(answer) < n:
            return False
        if len(set(answer)) != k:
            return False
    else:
        return False
    if q.type != "truefalse":
        stripped = {o.strip() for o in options}
        if len(stripped) != n or "" in stripped:
            return False
    qid, stem, difficulty = q.id, q.stem, q.difficulty
    return (
        bool(qid)
        and not qid.isspace()
        and bool(stem)
        and not stem.isspace()
        and difficulty.__class__ is int
        and 1 <= difficulty <= 5
    )


_TRUE_FALSE_ANSWERS = ((0,), (1,))


def check_set(
    question_set: QuestionSet,
    *,
    questions_name: str | None = None,
    handbook_name: str | None = None,
    coverage: bool = True,
) -> tuple[Problem, ...]:
    """The rules one set keeps: valid questions, ids unique, every cited section exists; with `coverage`,
    a warning for a post-set section that no question cites."""
    questions_name = questions_name or f"{question_set.id}/{QUESTIONS_FILE}"
    handbook_name = handbook_name or f"{question_set.id}/{HANDBOOK_FILE}"
    problems: list[Problem] = []
    if not SET_ID.match(question_set.id):
        problems.append(
            Problem(question_set.source or question_set.id, f"set id {question_set.id!r} must be kebab-case")
        )
    sections = {s.id for s in question_set.handbook.sections}
    first_seen: dict[str, str] = {}
    for q in question_set.questions:
        where = _where(q, questions_name)
        problems += [Problem(where, m) for m in question_problems(q)]
        if q.id in first_seen:
            problems.append(Problem(where, f"duplicate id {q.id!r} (first at {first_seen[q.id]})"))
        else:
            first_seen[q.id] = where
        if q.section is None:
            problems.append(Problem(where, f"question {q.id!r} cites no section"))
        elif q.section not in sections:
            problems.append(Problem(where, f"unknown section {q.section!r}: not in the handbook"))
    if coverage and not question_set.is_general:
        cited = {q.section for q in question_set.questions}
        for s in question_set.handbook.sections:
            if s.id not in cited:
                problems.append(
                    Problem(f"{handbook_name}:{s.line}", f"no question cites section {s.id!r}", warning=True)
                )
    return tuple(problems)


def cross_set_problems(sets: Iterable[tuple[QuestionSet, str]]) -> tuple[Problem, ...]:
    """Duplicate set ids and question ids across sets; each pair is (set, its questions file name)."""
    problems: list[Problem] = []
    set_ids: dict[str, str] = {}
    question_ids: dict[str, str] = {}
    for question_set, questions_name in sets:
        if question_set.id in set_ids:
            problems.append(
                Problem(
                    question_set.source or question_set.id,
                    f"duplicate set id {question_set.id!r} (also {set_ids[question_set.id]})",
                )
            )
        set_ids.setdefault(question_set.id, question_set.source or question_set.id)
        own: set[str] = set()
        for q in question_set.questions:
            where = _where(q, questions_name)
            if q.id in question_ids and q.id not in own:
                problems.append(Problem(where, f"duplicate id {q.id!r}: also in {question_ids[q.id]}"))
            own.add(q.id)
        for q in question_set.questions:
            question_ids.setdefault(q.id, _where(q, questions_name))
    return tuple(problems)


def validate(paths: Sequence[Path]) -> tuple[Problem, ...]:
    """Every problem of the sets at `paths` (set folders, or folders of sets), all at once."""
    problems: list[Problem] = []
    loaded: list[tuple[QuestionSet, str]] = []
    for path in paths:
        path = Path(path)
        if path.is_file() and path.name in (HANDBOOK_FILE, QUESTIONS_FILE):
            path = path.parent
        if not path.is_dir():
            problems.append(Problem(str(path), "not found: give a question set folder or a folder of sets"))
            continue
        folders = set_folders(path)
        if not folders:
            problems.append(
                Problem(str(path), f"no question set here (no {HANDBOOK_FILE} / {QUESTIONS_FILE})")
            )
        for folder in folders:
            result = load_folder(folder)
            problems += result.problems
            if result.set is not None:
                loaded.append((result.set, str(folder / QUESTIONS_FILE)))
    problems += cross_set_problems(loaded)
    return tuple(problems)
