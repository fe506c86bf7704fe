"""Which column of a question-bank table holds what: the header row's words (hints in brackets ignored)
→ a `Layout`, a layout's shift when the data stand one column off, and a cell's clean text."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quizbank.formats import text as t
from quizbank.formats.common import unguard_formula
from quizbank.model import OPTION_LABELS

# Header text (brackets, spaces and a trailing colon removed) → field.
HEADER_FIELDS: dict[str, str] = {}
for _field, _names in {
    "type": "题型 试题类型 题目类型 类型 题类 题型名称 试题题型 question_type type",
    "stem": "题干 题目内容 题目 试题内容 试题 问题 内容 题目名称 试题题干 stem question",
    "options": "选项 题目选项 答案选项 备选项 备选答案 选项内容 options",
    "answer": "答案 题目答案 正确答案 标准答案 参考答案 试题答案 answer",
    "explanation": "解析 答案解析 试题解析 题目解析 解释 答题解析 explanation",
    "basis": "依据 出题依据 法规依据 依据条款 法律依据 标准依据 basis",
    "difficulty": "难度 难易度 难易程度 难度系数 难度等级 difficulty",
    "tags": "知识点 标签 关键词 tags",
    "section": "章节 所属章节 章 节 section",
    "category": "作业种类 工种 岗位 作业类别 题库分类 分类 category",
}.items():
    for _name in _names.split():
        HEADER_FIELDS[_name] = _field
_OPTION_HEADER = re.compile(r"^(?:选项|option)?([A-Ha-h])(?:选项|项)?$")

HEADER_SEARCH_ROWS = 10
SHIFT_SAMPLE_ROWS = 30

DIFFICULTY_WORDS = {
    "容易": 1,
    "简单": 1,
    "易": 1,
    "较易": 2,
    "较容易": 2,
    "中等": 3,
    "中": 3,
    "一般": 3,
    "适中": 3,
}
DIFFICULTY_WORDS |= {"较难": 4, "难": 5, "困难": 5, "很难": 5}


@dataclass(frozen=True)
class Layout:
    """Which 0-based column holds what."""

    stem: int
    answer: int
    type: int | None = None
    options: int | None = None  # one cell with every option
    option_columns: tuple[int, ...] = ()  # 选项A, 选项B, …
    explanation: int | None = None
    basis: int | None = None
    difficulty: int | None = None
    tags: int | None = None
    section: int | None = None
    category: int | None = None
    headers: tuple[str, ...] = ()

    def shifted(self, by: int) -> Layout:
        def s(c: int | None) -> int | None:
            return None if c is None else c + by

        return replace(
            self,
            stem=self.stem + by,
            answer=self.answer + by,
            type=s(self.type),
            options=s(self.options),
            option_columns=tuple(c + by for c in self.option_columns),
            explanation=s(self.explanation),
            basis=s(self.basis),
            difficulty=s(self.difficulty),
            tags=s(self.tags),
            section=s(self.section),
            category=s(self.category),
        )

    def name(self, column: int) -> str:
        """``C列（试题类型）`` for messages."""
        header = self.headers[column] if column < len(self.headers) else ""
        return f"{column_letter(column)}列" + (f"（{header}）" if header else "")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def header_key(cell: object) -> str:
    key = t.clean(cell)
    key = _HINT.sub("", key)
    key = _HEADER_NOISE.sub("", key)
    return key.lower() if key.isascii() else key


_HINT = re.compile(r"[(（\[【].*?[)）\]】]")
_HEADER_NOISE = re.compile(r"[\s*:：]+")


def find_layout(row: Sequence[object]) -> Layout | None:
    """The layout a header row describes, or None when the row is not a header."""
    fields: dict[str, int] = {}
    option_columns: dict[int, int] = {}
    for col, cell in enumerate(row):
        key = header_key(cell)
        if not key:
            continue
        m = _OPTION_HEADER.match(key)
        if m:
            option_columns.setdefault(OPTION_LABELS.index(m.group(1).upper()), col)
            continue
        field = HEADER_FIELDS.get(key)
        if field and field not in fields:
            fields[field] = col
    if "stem" not in fields or "answer" not in fields:
        return None
    if "options" not in fields and not option_columns and fields.get("type") is None:
        return None  # a stem and an answer alone is too little to call it a header
    ordered: list[int] = []
    while len(ordered) in option_columns:  # 选项A, 选项B, … up to the first letter missing
        ordered.append(option_columns[len(ordered)])
    return Layout(
        stem=fields["stem"],
        answer=fields["answer"],
        type=fields.get("type"),
        options=fields.get("options"),
        option_columns=tuple(ordered),
        explanation=fields.get("explanation"),
        basis=fields.get("basis"),
        difficulty=fields.get("difficulty"),
        tags=fields.get("tags"),
        section=fields.get("section"),
        category=fields.get("category"),
        headers=tuple(t.clean(c) for c in row),
    )


def short_cell(row: Sequence[object], col: int | None) -> str:
    """`cell` for a column whose values repeat (type, answer, difficulty, tags, section)."""
    if col is None or col < 0 or col >= len(row):
        return ""
    value = row[col]
    kind = value.__class__
    if kind is str and len(value) <= 64 or kind is float or kind is int:
        return _clean_repeated(value)
    return cell(row, col)


@functools.lru_cache(maxsize=4096)
def _clean_repeated(value: str | float) -> str:
    # Untyped: 3 and 3.0 share an entry, and their text is the same ("3"); True (a bool) never comes here.
    text = t.clean(value)
    return unguard_formula(text) if text[:1] == "'" else text


def cell(row: Sequence[object], col: int | None) -> str:
    """A cell's clean text; our own formula guard (``'=…``, see `neutralise_formula`) is taken off."""
    if col is None or col < 0 or col >= len(row):
        return ""
    text = t.clean(row[col])
    return unguard_formula(text) if text[:1] == "'" else text


def cell_text(value: object) -> str:
    """`cell` of a value already taken from its row."""
    text = t.clean(value)
    return unguard_formula(text) if text[:1] == "'" else text


def fit_shift(layout: Layout, rows: Sequence[Sequence[object]]) -> int:
    """0, or ±1 when the data stand one column off the header (the type column says so)."""
    if layout.type is None or not rows:
        return 0

    def hits(by: int) -> int:
        return sum(1 for r in rows if t.question_type(cell(r, layout.type + by)) is not None)

    base = hits(0)
    best = max((-1, 1), key=hits)
    fits = min(layout.type, layout.stem, layout.answer) + best >= 0
    return best if fits and hits(best) > max(base, len(rows) // 2) else 0
