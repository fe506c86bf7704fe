"""The values the core works with: posts, handbooks, questions, question sets, blueprints, papers, results.

Every value is a frozen dataclass; the core never mutates what it was given. Sequences are tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from quizbank.register import LawEntry

QuestionType = Literal["single", "multiple", "truefalse"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multiple", "truefalse")
QUESTION_TYPE_NAMES: Mapping[str, str] = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题"}

Part = Literal["general", "professional"]
PARTS: tuple[Part, ...] = ("general", "professional")
PART_NAMES: Mapping[str, str] = {"general": "通用知识", "professional": "专业知识"}

Risk = Literal["high", "normal"]

ExamKind = Literal["qualification", "periodic", "spot", "makeup", "retraining", "practice"]
EXAM_KINDS: tuple[ExamKind, ...] = ("qualification", "periodic", "spot", "makeup", "retraining", "practice")
EXAM_KIND_NAMES: Mapping[str, str] = {
    "qualification": "上岗考试",
    "periodic": "定期考试",
    "spot": "逢查必考",
    "makeup": "补考",
    "retraining": "复训考试",
    "practice": "练习",
}

MultipleScoring = Literal["all_or_nothing", "partial"]

TRUE_FALSE_OPTIONS: tuple[str, str] = ("正确", "错误")
OPTION_LABELS = "ABCDEFGH"
MAX_OPTIONS = len(OPTION_LABELS)


@dataclass(frozen=True)
class Post:
    """A job position (岗位/工种). `code` is a stable slug, e.g. ``welding``."""

    code: str
    name: str
    risk: Risk = "normal"
    special_operation: bool = False


@dataclass(frozen=True)
class Section:
    """A handbook section with a stable id that questions cite."""

    id: str
    title: str
    part: Part
    body: str = ""
    line: int = 0  # where the heading stands in handbook.md, for messages


@dataclass(frozen=True)
class Handbook:
    """An 应知应会 handbook: general (通用知识) and/or professional (专业知识) sections."""

    title: str
    version: str
    post: str | None = None  # None for the general handbook shared by every post
    risk: Risk = "normal"
    special_operation: bool = False
    sections: tuple[Section, ...] = ()
    name: str | None = None  # the post's display name (front matter `name`); None for the general handbook

    def section(self, section_id: str) -> Section | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def part(self, part: Part) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.part == part)


@dataclass(frozen=True)
class Question:
    """One question. `answer` holds 0-based indices into `options`, sorted ascending.

    A true/false question has options ``("正确", "错误")``. `part` is derived from the section the
    question cites when a set is loaded; imported questions take the part they are imported into.
    `source` says where the question was read from ("Sheet1!R12", "line 7", "questions.yaml:40").
    `basis` (依据) names the law, regulation or standard and its clause the answer rests on; for
    practice-based knowledge, the handbook section and why no rule applies. Several are joined by "; ".
    """

    id: str
    type: QuestionType
    stem: str
    options: tuple[str, ...]
    answer: tuple[int, ...]
    explanation: str = ""
    difficulty: int = 3
    tags: tuple[str, ...] = ()
    section: str | None = None
    part: Part = "professional"
    source: str | None = None
    basis: str = ""  # 依据: the law/standard and clause, e.g. "《安全生产法》第二十八条; GB 30871-2022 5.3"


_new_object = object.__new__
_set = object.__setattr__


def new_question(
    id: str,
    type: QuestionType,
    stem: str,
    options: tuple[str, ...],
    answer: tuple[int, ...],
    explanation: str,
    difficulty: int,
    tags: tuple[str, ...],
    section: str | None,
    part: Part,
    source: str | None,
    basis: str,
) -> Question:
    """Question(...) with every field given, for readers that build one per row: it sets the fields as
    the frozen dataclass's generated __init__ does (object.__setattr__, in the fields' order, so the
    instance keeps its key-shared dict: no more memory, attribute reads as quick), without the class call
    and __init__'s global lookups: ~1.75 against ~2.5 us a question (filling __dict__ directly would be
    1.3 us but costs 64 bytes a question and makes each attribute read ~4x slower in 3.11). The result is
    equal to, hashes like and is as frozen as Question(...); a test holds the parameters in field order."""
    question = _new_object(Question)
    _set(question, "id", id)
    _set(question, "type", type)
    _set(question, "stem", stem)
    _set(question, "options", options)
    _set(question, "answer", answer)
    _set(question, "explanation", explanation)
    _set(question, "difficulty", difficulty)
    _set(question, "tags", tags)
    _set(question, "section", section)
    _set(question, "part", part)
    _set(question, "source", source)
    _set(question, "basis", basis)
    return question


@dataclass(frozen=True)
class QuestionSet:
    """A versioned bundle of handbook + questions for one or more posts (a plugin)."""

    id: str
    title: str
    version: str
    posts: tuple[Post, ...]
    handbook: Handbook
    questions: tuple[Question, ...]
    source: str = ""  # "entry point general = question_sets.general", "folder /path"
    register: tuple[LawEntry, ...] = ()  # 法规标准库 shipped with the set (laws.yaml)
    # The set's own blueprints (optional blueprints.yaml of a post set): they replace the default blueprint
    # of their exam kind for the set's posts, e.g. the 100-question 考核 of the 三项岗位.
    blueprints: tuple[Blueprint, ...] = ()

    @property
    def is_general(self) -> bool:
        return self.handbook.post is None


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input, and where: ``file:line``, ``Sheet1!R12C3``, ``line 7``, a field name."""

    where: str
    message: str
    skipped: bool = True
    warning: bool = False  # worth fixing, but the input is still usable (e.g. a section no question cites)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    questions: tuple[Question, ...]
    problems: tuple[Problem, ...] = ()
    format: str = ""


@dataclass(frozen=True)
class Cell:
    """One cell of a blueprint: draw `count` questions of `type` from `part`.

    `difficulties` limits the draw to those difficulty levels (empty: any).
    """

    type: QuestionType
    part: Part
    count: int
    difficulties: tuple[int, ...] = ()


@dataclass(frozen=True)
class TagRequirement:
    tag: str
    at_least: int


@dataclass(frozen=True)
class Blueprint:
    """How a paper is drawn and scored (组卷规则)."""

    kind: ExamKind
    title: str
    cells: tuple[Cell, ...]
    points: Mapping[str, float] = field(
        default_factory=lambda: {"single": 2.0, "multiple": 3.0, "truefalse": 1.0}
    )
    required_tags: tuple[TagRequirement, ...] = ()
    time_limit_minutes: int = 60
    pass_percent: float = 80.0  # of the paper's maximum score
    multiple_scoring: MultipleScoring = "all_or_nothing"
    shuffle_options: bool = True

    @property
    def question_count(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.count * self.points[c.type] for c in self.cells)


@dataclass(frozen=True)
class PaperQuestion:
    """A question as placed on a paper: `option_order[i]` is the original index shown at position i."""

    question: Question
    option_order: tuple[int, ...]
    points: float

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.question.options[i] for i in self.option_order)

    @property
    def answer(self) -> tuple[int, ...]:
        """The correct answer as positions on the paper."""
        return tuple(sorted(self.option_order.index(i) for i in self.question.answer))


@dataclass(frozen=True)
class Paper:
    """A drawn paper, frozen at start so it can be replayed for audit."""

    blueprint: Blueprint
    questions: tuple[PaperQuestion, ...]
    seed: int | None = None

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def layout(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """(question id, option order) per position: what must be stored to rebuild the paper."""
        return tuple((q.question.id, q.option_order) for q in self.questions)


@dataclass(frozen=True)
class ItemResult:
    question_id: str
    chosen: tuple[int, ...]  # positions on the paper
    correct: tuple[int, ...]  # positions on the paper
    is_correct: bool
    points: float
    max_points: float
    explanation: str = ""
    section: str | None = None


@dataclass(frozen=True)
class SectionSummary:
    section: str | None
    asked: int
    correct: int

    @property
    def wrong(self) -> int:
        return self.asked - self.correct


@dataclass(frozen=True)
class Result:
    score: float
    max_score: float
    passed: bool
    pass_score: float
    items: tuple[ItemResult, ...]
    sections: tuple[SectionSummary, ...] = ()

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0
