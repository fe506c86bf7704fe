"""Plugin discovery: question sets from entry points (group ``quizbank.question_sets``) and from folders.

An entry point names either a package holding handbook.md + questions.yaml, or an object that is a
`QuestionSet`, or a callable returning one. A folder is a set (it holds handbook.md / questions.yaml) or a
folder of sets. A broken plugin, an invalid set, a duplicate set id or question id is reported in
`Registry.problems` with its reason, and the rest still load.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.resources
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quizbank.blueprints import default_blueprint
from quizbank.model import Blueprint, ExamKind, Post, Problem, Question, QuestionSet, Section
from quizbank.questionsets import (
    HANDBOOK_FILE,
    QUESTIONS_FILE,
    LoadedSet,
    check_set,
    load_folder,
    load_texts,
    set_folders,
)
from quizbank.register import REGISTER_FILE
from quizbank.set_blueprints import BLUEPRINTS_FILE

ENTRY_POINT_GROUP = "quizbank.question_sets"


@dataclass(frozen=True)
class SetReport:
    """One plugin or folder as found: the set id it claims (when known), whether it loaded, and its problems."""

    source: str
    set_id: str | None
    loaded: bool
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Registry:
    """The usable question sets, and what was refused or is worth fixing (`problems`)."""

    sets: tuple[QuestionSet, ...] = ()
    problems: tuple[Problem, ...] = ()
    reports: tuple[SetReport, ...] = ()

    def set(self, set_id: str) -> QuestionSet | None:
        return next((s for s in self.sets if s.id == set_id), None)

    def posts(self) -> tuple[Post, ...]:
        seen: dict[str, Post] = {}
        for s in self.sets:
            for p in s.posts:
                seen.setdefault(p.code, p)
        return tuple(seen.values())

    def post(self, code: str) -> Post | None:
        return next((p for p in self.posts() if p.code == code), None)

    def sets_for(self, post_code: str) -> tuple[QuestionSet, ...]:
        """The general sets and the sets for `post_code`."""
        return tuple(s for s in self.sets if s.is_general or any(p.code == post_code for p in s.posts))

    def bank(self, post_code: str) -> tuple[Question, ...]:
        """What a worker of `post_code` is examined on: the general part of the general sets and the
        professional part of the sets for that post."""
        bank: list[Question] = []
        for s in self.sets:
            if s.is_general:
                bank += [q for q in s.questions if q.part == "general"]
            elif any(p.code == post_code for p in s.posts):
                bank += [q for q in s.questions if q.part == "professional"]
        return tuple(bank)

    def blueprint(self, post_code: str, kind: ExamKind | str) -> Blueprint:
        """The blueprint a post is examined by for an exam kind: the one a set for the post brings
        (its blueprints.yaml), else the default for the kind."""
        for s in self.sets:
            if any(p.code == post_code for p in s.posts):
                own = next((bp for bp in s.blueprints if bp.kind == kind), None)
                if own is not None:
                    return own
        return default_blueprint(kind)

    def handbook_for(self, post_code: str) -> tuple[QuestionSet, ...]:
        """The sets whose handbooks a worker of `post_code` studies (general first)."""
        return tuple(sorted(self.sets_for(post_code), key=lambda s: not s.is_general))

    def section(self, section_id: str) -> tuple[QuestionSet, Section] | None:
        """The set and handbook section a question cites, to send a worker back to the text."""
        for s in self.sets:
            found = s.handbook.section(section_id)
            if found is not None:
                return s, found
        return None

    def question(self, question_id: str) -> Question | None:
        for s in self.sets:
            for q in s.questions:
                if q.id == question_id:
                    return q
        return None


@dataclass(frozen=True)
class _Candidate:
    """A set as found, before the registry checks it against the others."""

    source: str
    loaded: LoadedSet
    questions_name: str
    name: str | None = None  # the set id the entry point or folder claims, when the set could not be read


def discover(folders: Sequence[Path] = (), *, entry_points: bool = True) -> Registry:
    """Load every question set from the entry points (when `entry_points`) and from `folders`, in that
    order; the first set to claim a set id or a question id keeps it."""
    candidates: list[_Candidate] = []
    if entry_points:
        eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        for ep in sorted(eps, key=lambda e: e.name):
            candidates.append(_from_entry_point(ep))
    for folder in folders:
        candidates += _from_folder(Path(folder))
    return _register(candidates)


def registry_of(sets: Iterable[QuestionSet]) -> Registry:
    """A registry over set values already in hand (checked like any plugin)."""
    return _register(
        [_Candidate(s.source or s.id, LoadedSet(s, check_set(s)), f"{s.id}/{QUESTIONS_FILE}") for s in sets]
    )


def _register(candidates: Sequence[_Candidate]) -> Registry:
    sets: list[QuestionSet] = []
    problems: list[Problem] = []
    reports: list[SetReport] = []
    set_ids: dict[str, str] = {}
    question_ids: dict[str, str] = {}
    for c in candidates:
        before = len(problems)
        _register_one(c, sets, problems, set_ids, question_ids)
        qs = c.loaded.set
        loaded = bool(sets) and sets[-1] is qs
        reports.append(SetReport(c.source, qs.id if qs else c.name, loaded, tuple(problems[before:])))
    return Registry(tuple(sets), tuple(problems), tuple(reports))


def _register_one(
    c: _Candidate,
    sets: list[QuestionSet],
    problems: list[Problem],
    set_ids: dict[str, str],
    question_ids: dict[str, str],
) -> None:
    """Check one candidate against the sets already taken; append it to `sets` or say why not."""
    problems += c.loaded.problems
    qs = c.loaded.set
    if qs is None:
        if not c.loaded.problems:
            problems.append(Problem(c.source, "question set not loaded: it could not be read"))
        return
    if c.loaded.errors:
        problems.append(
            Problem(c.source, f"question set {qs.id!r} not loaded: {len(c.loaded.errors)} problem(s) above")
        )
        return
    if qs.id in set_ids:
        problems.append(
            Problem(c.source, f"question set {qs.id!r} not loaded: set id already taken by {set_ids[qs.id]}")
        )
        return
    clashes = [q.id for q in qs.questions if q.id in question_ids]
    if clashes:
        shown = ", ".join(f"{i} ({question_ids[i]})" for i in clashes[:5])
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        problems.append(
            Problem(c.source, f"question set {qs.id!r} not loaded: duplicate question ids {shown}{more}")
        )
        return
    set_ids[qs.id] = c.source
    for q in qs.questions:
        question_ids[q.id] = f"set {qs.id}"
    sets.append(qs)


def _from_entry_point(ep: importlib.metadata.EntryPoint) -> _Candidate:
    return dataclasses.replace(_load_entry_point(ep), name=ep.name)


def _load_entry_point(ep: importlib.metadata.EntryPoint) -> _Candidate:
    source = f"entry point {ep.name} = {ep.value}"
    try:
        target = ep.load()
    except Exception as e:  # a third-party plugin may fail in any way; report it, load the others
        return _broken(source, f"cannot import: {type(e).__name__}: {e}")
    if isinstance(target, types.ModuleType):
        return _from_package(ep.name, target, source)
    if isinstance(target, QuestionSet):
        return _from_value(target, source)
    if callable(target):
        try:
            value = target()
        except Exception as e:
            return _broken(source, f"calling {ep.value} failed: {type(e).__name__}: {e}")
        if isinstance(value, QuestionSet):
            return _from_value(value, source)
        return _broken(source, f"{ep.value}() returned {type(value).__name__}, not a QuestionSet")
    return _broken(
        source, f"{ep.value} is a {type(target).__name__}: expected a package, a QuestionSet or a callable"
    )


def _broken(source: str, message: str) -> _Candidate:
    return _Candidate(source, LoadedSet(None, (Problem(source, message),)), QUESTIONS_FILE)


def _from_value(value: QuestionSet, source: str) -> _Candidate:
    value = value if value.source else dataclasses.replace(value, source=source)
    return _Candidate(source, LoadedSet(value, check_set(value)), f"{value.id}/{QUESTIONS_FILE}")


def _from_package(set_id: str, package: types.ModuleType, source: str) -> _Candidate:
    try:
        root = importlib.resources.files(package)
    except Exception as e:
        return _broken(source, f"{package.__name__} is not a package with data files: {e}")
    base = _display_path(root, package.__name__)
    handbook_name, questions_name = f"{base}/{HANDBOOK_FILE}", f"{base}/{QUESTIONS_FILE}"
    files = {}
    problems = []
    for file_name, shown in ((HANDBOOK_FILE, handbook_name), (QUESTIONS_FILE, questions_name)):
        resource = root.joinpath(file_name)
        try:
            files[file_name] = resource.read_bytes() if resource.is_file() else None
        except OSError as e:
            files[file_name] = None
            problems.append(Problem(shown, f"cannot read: {e}"))
            continue
        if files[file_name] is None:
            problems.append(Problem(shown, f"missing: package {package.__name__} has no {file_name}"))
    if problems:
        return _Candidate(source, LoadedSet(None, tuple(problems)), questions_name)
    laws = root.joinpath(REGISTER_FILE)
    try:
        register = laws.read_bytes() if laws.is_file() else None
    except OSError as e:
        return _broken(source, f"cannot read {base}/{REGISTER_FILE}: {e}")
    blueprints_name = f"{base}/{BLUEPRINTS_FILE}"
    try:
        resource = root.joinpath(BLUEPRINTS_FILE)
        blueprints = resource.read_bytes() if resource.is_file() else None
    except OSError as e:
        return _Candidate(
            source, LoadedSet(None, (Problem(blueprints_name, f"cannot read: {e}"),)), questions_name
        )
    loaded = load_texts(
        files[HANDBOOK_FILE],
        files[QUESTIONS_FILE],
        set_id=set_id,
        source=source,
        handbook_name=handbook_name,
        questions_name=questions_name,
        register=register,
        register_name=f"{base}/{REGISTER_FILE}",
        blueprints=blueprints,
        blueprints_name=blueprints_name,
    )
    return _Candidate(source, loaded, questions_name)


def _display_path(root: object, package_name: str) -> str:
    """A short path for messages: relative to the working directory when possible."""
    if isinstance(root, Path):
        try:
            return str(root.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(root)
    return package_name.replace(".", "/")


def _from_folder(folder: Path) -> list[_Candidate]:
    if not folder.is_dir():
        return [_broken(f"folder {folder}", "not found or not a folder")]
    folders = set_folders(folder)
    if not folders:
        return [_broken(f"folder {folder}", f"no question set here (no {HANDBOOK_FILE} / {QUESTIONS_FILE})")]
    return [
        _Candidate(f"folder {f}", load_folder(f, source=f"folder {f}"), str(f / QUESTIONS_FILE), f.name)
        for f in folders
    ]
