"""One row of a question-bank table → a question or a problem saying why not.

`row_reader(layout, ids)` is made once per column layout (`table.read_tables` asks for it): it looks the
columns up once and keeps, for the rows of one read, its verdict on cells that repeat (a 判断题's options, the
same choices, the same 难度 or 章节), so that a 100,000-row workbook pays for each distinct cell once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from quizbank.formats import text as t
from quizbank.formats.columns import (
    DIFFICULTY_WORDS,
    Layout,
    _clean_repeated,
    cell,
    cell_text,
)
from quizbank.formats.common import content_key_of, content_key_parts
from quizbank.formats.options import split_options
from quizbank.model import (
    MAX_OPTIONS,
    OPTION_LABELS,
    QUESTION_TYPE_NAMES,
    TRUE_FALSE_OPTIONS,
    Problem,
    Question,
    QuestionType,
    new_question,
)


def read_row(
    row: Sequence[object], layout: Layout, where: str, stem: str | None = None
) -> tuple[Question | None, Problem | None]:
    """One data row → a question, or a problem saying why it was skipped (or what was assumed).

    `stem` is the row's stem once its numbering is removed (`read_tables` decides that from the row
    sequence); without it, only numbering that cannot be text is removed."""
    if stem is None:
        stem = t.strip_stem_number(cell(row, layout.stem))
    return row_reader(layout, True)(row, where, stem)


_text = cell_text
_CHOICES_KEPT = (
    4096  # verdicts on (type, options, answer) cells, and on the cells after them, one reader keeps
)


def row_reader(layout: Layout, ids: bool) -> Callable[[Sequence[object], str, str], tuple]:
    """`read_row` for every row of one layout: the columns looked up once, and the verdict on a row's
    type, options and answer cells (the most work of a row) kept for rows whose cells say the same
    (判断题 ``A.正确**B.错误``/``A``, repeated choices), as is what its 难度, 作业种类, 知识点 and 章节
    cells say. Ids only when `ids` (else ``""``)."""
    present = [
        c
        for c in (
            layout.stem,
            layout.answer,
            layout.type,
            layout.options,
            *layout.option_columns,
            layout.explanation,
            layout.basis,
            layout.difficulty,
            layout.tags,
            layout.section,
            layout.category,
        )
        if c is not None and c >= 0
    ]
    width = max(present) + 1

    def column(c: int | None) -> int | None:
        return c if c is not None and c >= 0 else None  # a column shifted off the sheet holds nothing

    stem_name = layout.name(layout.stem)
    type_col, options_col, answer_col = column(layout.type), column(layout.options), layout.answer
    option_columns = tuple(map(column, layout.option_columns))
    explanation_col, basis_col = column(layout.explanation), column(layout.basis)
    difficulty_col, section_col = column(layout.difficulty), column(layout.section)
    category_col, tags_col = column(layout.category), column(layout.tags)
    padding = [None] * width
    choices: dict[tuple, tuple] = {}
    tails: dict[tuple, tuple] = {}
    repeated = _clean_repeated
    text = _text
    make_id = content_key_of

    def short(value: object) -> str:
        kind = value.__class__
        if kind is str and len(value) <= 64 or kind is float or kind is int:
            return repeated(value)
        return text(value)

    def verdict(type_value: object, options_value: object, answer_value: object) -> tuple:
        """(skip before the stem is looked at, type, options, answer, skip after it, note, and the parts
        of the content id around the stem)."""
        answer_text = short(answer_value)
        if option_columns:
            raw = [text(v) for v in options_value]
            while raw and not raw[-1]:
                raw.pop()
            if "" in raw:
                gap = OPTION_LABELS[raw.index("")]
                return (f"选项{gap}为空，而后面还有选项",)
            # Bare labels ("A违章指挥") only when every option starts with its own letter: "ABS系统" alone keeps its A.
            bare = len(raw) > 1 and all(o[:1] == OPTION_LABELS[i] and len(o) > 1 for i, o in enumerate(raw))
            options = tuple(t.strip_option_label(o, OPTION_LABELS[i], bare=bare) for i, o in enumerate(raw))
        elif layout.options is not None:
            options_text = text(options_value)
            options = split_options(options_text)
            if _LETTERS_ONLY.fullmatch(options_text) and len(options_text.split()) > 1:
                return (f"{layout.name(layout.options)}只有选项字母、没有选项内容（图片选项？），不能导入",)
        else:
            options = ()
        if layout.type is not None:
            type_text = short(type_value)
            qtype = t.question_type(type_text)
            if qtype is None:
                if not type_text:
                    return (f"{layout.name(layout.type)}题型为空",)
                return (f"不支持的题型“{type_text}”（只导入 判断题、单选题、多选题）",)
        else:
            qtype = _infer_type(answer_text, options)
            if qtype is None:
                return (f"没有题型列，也无法从答案“{answer_text}”判断题型",)
        if not answer_text:
            return (None, qtype, options, (), f"{layout.name(layout.answer)}答案为空", None, "", "")
        late = _choice_problem(qtype, options, answer_text)
        if late.__class__ is str:
            return (None, qtype, options, (), late, None, "", "")
        options, answer, _, note = late
        head, tail = content_key_parts(qtype, options, answer) if ids else ("", "")
        return (None, qtype, options, answer, None, note, head, tail)

    def tail(difficulty_value: object, category: object, tags: object, section: object) -> tuple:
        """(difficulty, the note when it cannot be read, tags, section) of a row's 难度, 作业种类, 知识点
        and 章节 cells (None: no such cell)."""
        difficulty, note = 3, None
        if difficulty_value is not None:
            difficulty_text = short(difficulty_value)
            if difficulty_text:
                parsed = parse_difficulty(difficulty_text)
                if parsed is not None:
                    difficulty = parsed
                else:
                    note = f"难度“{difficulty_text}”无法识别（应为 1–5 或 易/中/难），按 3 导入"
        return (
            difficulty,
            note,
            _tags("" if category is None else short(category), "" if tags is None else short(tags)),
            (short(section) or None) if section is not None else None,
        )

    def read(row: Sequence[object], where: str, stem: str) -> tuple[Question | None, Problem | None]:
        if len(row) < width:
            row = [*row, *padding[len(row) :]]
        type_value = None if type_col is None else row[type_col]
        answer_value = row[answer_col]
        if option_columns:
            options_value: object = tuple([None if c is None else row[c] for c in option_columns])
            key: tuple = (type_value, answer_value, *options_value)
            if not all(v.__class__ is str for v in key):
                key = (key, tuple(map(type, key)))  # True and 1 are equal keys, but not the same cell
        else:
            options_value = None if options_col is None else row[options_col]
            key = (type_value, options_value, answer_value)
            if not (type_value.__class__ is options_value.__class__ is answer_value.__class__ is str):
                key = (key, type_value.__class__, options_value.__class__, answer_value.__class__)
        found = choices.get(key)
        if found is None:
            found = verdict(type_value, options_value, answer_value)
            if len(choices) >= _CHOICES_KEPT:
                choices.clear()
            choices[key] = found
        skip = found[0]
        if skip is not None:
            return None, Problem(where, skip, True)
        if not stem:
            return None, Problem(where, f"{stem_name}题干为空", True)
        qtype, options, answer, late, note_text, id_head, id_tail = found[1:]
        if late is not None:
            return None, Problem(where, late, True)

        difficulty_value = None if difficulty_col is None else row[difficulty_col]
        category_value = "" if category_col is None else row[category_col]
        tags_value = "" if tags_col is None else row[tags_col]
        section_value = "" if section_col is None else row[section_col]
        if category_value.__class__ is tags_value.__class__ is section_value.__class__ is str:
            # The class: True and 1 are equal keys, but not the same cell.
            key = (difficulty_value.__class__, difficulty_value, category_value, tags_value, section_value)
            found = tails.get(key)
            if found is None:
                found = tail(difficulty_value, category_value, tags_value, section_value)
                if len(tails) >= _CHOICES_KEPT:
                    tails.clear()
                tails[key] = found
        else:
            found = tail(difficulty_value, category_value, tags_value, section_value)
        difficulty, difficulty_note, tags, section = found
        if note_text is None:
            note_text = difficulty_note
        value = None if explanation_col is None else row[explanation_col]
        explanation = "" if value is None or value == "" else text(value)
        value = None if basis_col is None else row[basis_col]
        basis = "" if value is None or value == "" else text(value)
        # Positional, in the field order (id, type, stem, options, answer, explanation, difficulty, tags,
        # section, part, source, basis); new_question skips the class call and the frozen __init__.
        question = new_question(
            make_id(id_head, stem, id_tail) if ids else "",
            qtype,
            stem,
            options,
            answer,
            explanation,
            difficulty,
            tags,
            section,
            "professional",
            where,
            basis,
        )
        return question, None if note_text is None else Problem(where, note_text, False)

    return read


def _choice_problem(
    qtype: QuestionType, options: tuple[str, ...], answer_text: str
) -> str | tuple[tuple[str, ...], tuple[int, ...], None, str | None]:
    """Why a row's answer does not fit its type and options (a message), or (options, answer, None, note)."""
    type_name = QUESTION_TYPE_NAMES[qtype]
    note = None
    try:
        if qtype == "truefalse":
            given = options if t.true_false_options(options) else ()
            answer = (t.true_false_answer(answer_text, given),)
            if options and not given:
                note = f"判断题的选项列写的是“{' / '.join(options)}”，已忽略：按 A=正确、B=错误 读取答案"
            options = TRUE_FALSE_OPTIONS
        else:
            if len(options) < 2:
                return f"{type_name}至少要有两个选项，这一行有 {len(options)} 个"
            if len(options) > MAX_OPTIONS:
                return f"{type_name}最多 {MAX_OPTIONS} 个选项，这一行有 {len(options)} 个"
            answer = t.answer_letters(answer_text)
            if answer[-1] >= len(options):  # sorted: the last is the largest
                beyond = [i for i in answer if i >= len(options)]
                return (
                    f"答案“{answer_text}”中的 {t.letters(tuple(beyond))} 超出了选项（共 {len(options)} 个）"
                )
            if qtype == "single" and len(answer) != 1:
                return f"单选题只能有一个答案，这一行是“{answer_text}”"
            if qtype == "multiple" and len(answer) < 2:
                return f"多选题至少要有两个答案，这一行只有“{answer_text}”（是单选题吗？）"
            if len(set(options)) != len(options):
                note = f"{type_name}有重复的选项：{' / '.join(options)}（已导入，请修改）"
    except t.AnswerError as e:
        return str(e)
    return options, answer, None, note


def _skip(where: str, message: str) -> tuple[None, Problem]:
    return None, Problem(where, message, skipped=True)


@functools.lru_cache(maxsize=4096)
def _tags(category: str, tags: str) -> tuple[str, ...]:
    """The 作业种类 (when given) and the 知识点 of a row, each once, in order."""
    return tuple(dict.fromkeys(x for x in [category, *split_tags(tags)] if x))


def _infer_type(answer_text: str, options: tuple[str, ...]) -> QuestionType | None:
    if t.truth(answer_text) is not None and (not options or t.true_false_options(options)):
        return "truefalse"
    if t.true_false_options(options):
        return "truefalse"
    try:
        n = len(t.answer_letters(answer_text))
    except t.AnswerError:
        return None
    return "single" if n == 1 else "multiple"


@functools.lru_cache(maxsize=256)
def parse_difficulty(text: str) -> int | None:
    key = text.strip()
    try:
        value = float(key)
    except ValueError:
        return DIFFICULTY_WORDS.get(key)
    if value.is_integer() and 1 <= value <= 5:
        return int(value)
    return None


@functools.lru_cache(maxsize=4096)
def split_tags(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in _TAG_SEPARATORS.split(text) if x.strip()) if text else ()


_TAG_SEPARATORS = re.compile(r"[,，、;；\n]")
_LETTERS_ONLY = re.compile(r"[A-Ha-h\s.．、,，]+")
