"""Rows of a question-bank table (an xlsx sheet or a csv file) in the Chinese templates → questions.

A sheet starts with a header row (found among its first rows, hints in brackets ignored:
``试题类型(判断题、单选题、多选题)``), whose cells say which column holds what. A sheet without a
header continues the layout of the sheet before it. Columns the template does not know (pictures,
remarks, empty trailing columns) are ignored. Each row becomes a question or a problem saying why not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from quizbank.formats import text as t
from quizbank.formats.columns import (
    HEADER_FIELDS,
    HEADER_SEARCH_ROWS,
    SHIFT_SAMPLE_ROWS,
    Layout,
    cell,
    cell_text,
    find_layout,
    fit_shift,
    header_key,
)
from quizbank.formats.common import neutralise_formula
from quizbank.formats.table_rows import row_reader
from quizbank.formats.text import number_stem
from quizbank.model import (
    OPTION_LABELS,
    QUESTION_TYPE_NAMES,
    Problem,
    Question,
)


def _is_empty(row: Sequence[object]) -> bool:
    for c in row:  # a loop, not all(generator): this runs once per row
        if c.__class__ is str:
            if c and not c.isspace():  # what `t.clean` keeps of a text: it strips, and only strips
                return False
        elif c is not None and t.clean(c):
            return False
    return True


def _non_empty(rows: Iterable[tuple[int, Sequence[object]]]) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows with anything in them; a row whose first cell holds text is told without a call."""
    is_empty = _is_empty
    for numbered in rows:
        row = numbered[1]
        if row and (first := row[0]).__class__ is str and first and not first.isspace() or not is_empty(row):
            yield numbered


@dataclass(frozen=True)
class Sheet:
    """One table to read: its name for messages (None for a csv) and its rows with their 1-based numbers."""

    name: str | None
    rows: Iterable[tuple[int, Sequence[object]]]


# What a row's number follows in messages and sources: ``Sheet1!R`` (→ ``Sheet1!R12``), ``line `` for a csv.
Place = Callable[[str | None], str]


def read_tables(
    sheets: Iterable[Sheet], place: Place, *, ids: bool = True
) -> tuple[list[Question], list[Problem]]:
    """Every sheet's rows → questions and problems, in row order.

    Without `ids` the questions carry no id (``""``): a dry run prints none, and `finish` tells repeated
    questions by what they say (see `finish`)."""
    questions: list[Question] = []
    append = questions.append
    problems: list[Problem] = []
    layout: Layout | None = None
    first_sheet: str | None = None
    notes: list[Problem] = []
    for sheet in sheets:
        rows = iter(sheet.rows)
        head: list[tuple[int, Sequence[object]]] = []
        sheet_layout: Layout | None = None
        header_row = 0
        for number, row in rows:
            if _is_empty(row):
                continue
            found = find_layout(row)
            if found is not None:
                sheet_layout, header_row = found, number
                head.clear()  # title rows above the header
                break
            head.append((number, row))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        if sheet_layout is None:
            if not head:
                continue  # an empty sheet
            if layout is None:
                missing = Problem(
                    f"{place(sheet.name)}{head[0][0]}",
                    "找不到表头行（需要 题型、题干/题目内容、选项、答案 等列名），这个工作表没有导入",
                )
                # a notes sheet says nothing unless no sheet had a header at all
                (notes if _is_notes(head) else problems).append(missing)
                continue
            problems.append(
                Problem(
                    f"{place(sheet.name)}{head[0][0]}",
                    f"没有表头行：按工作表 {first_sheet} 的列顺序接着读取"
                    if first_sheet
                    else "没有表头行：按前面的列顺序读取",
                    skipped=False,
                )
            )
        else:
            head = list(islice(((n, r) for n, r in rows if not _is_empty(r)), SHIFT_SAMPLE_ROWS))
            shift = fit_shift(sheet_layout, [r for _, r in head])
            if shift:
                sheet_layout = sheet_layout.shifted(shift)
                problems.append(
                    Problem(
                        f"{place(sheet.name)}{header_row}",
                        f"表头与数据错开了一列（表头偏{'右' if shift < 0 else '左'}）：按数据的实际位置读取",
                        skipped=False,
                    )
                )
            if layout is None:
                first_sheet = sheet.name
            layout = sheet_layout
        expected: int | None = None  # the number the next row carries when the rows are numbered
        reader = row_reader(layout, ids)
        stem_col = layout.stem
        prefix = place(sheet.name)
        data = _non_empty(chain(head, rows))
        current = next(data, None)
        while current is not None:
            number, row = current
            current = next(data, None)
            raw_stem = row[stem_col] if stem_col < len(row) else None
            raw_stem = "" if raw_stem is None else cell_text(raw_stem)
            if (
                raw_stem[:1].lower() in _STEM_HEADER_FIRST
                and len(raw_stem) <= _LONGEST_HEADER
                and header_key(raw_stem) in _STEM_HEADERS
            ):
                found = find_layout(row)
                if found is not None:  # the header repeated further down
                    layout = found
                    reader = row_reader(layout, ids)
                    stem_col = layout.stem
                    continue
            stem, taken = number_stem(raw_stem, expected)
            if taken is None and current is not None and raw_stem[:1].isdigit():
                # the next row's number, where it is numbering whatever comes before it ("2．起重…")
                following = number_stem(cell(current[1], stem_col))[1]
                stem, taken = number_stem(raw_stem, expected, following)
            expected = taken + 1 if taken is not None else expected + 1 if expected is not None else None
            q, problem = reader(row, f"{prefix}{number}", stem)
            if q is not None:
                append(q)
            else:
                problems.append(problem)
                continue
            if problem is not None:
                problems.append(problem)
    if layout is None:
        problems[:0] = notes
    return questions, problems


def _is_notes(rows: list[tuple[int, Sequence[object]]]) -> bool:
    """Text in one column only (a 说明/填写说明 sheet, as in the template): no question fits in one cell."""
    columns = {i for _, row in rows for i, value in enumerate(row) if not _is_empty([value])}
    return len(columns) <= 1


_STEM_HEADERS = frozenset(k for k, v in HEADER_FIELDS.items() if v == "stem")
_STEM_HEADER_FIRST = frozenset(k[0] for k in _STEM_HEADERS)
_LONGEST_HEADER = 40  # a header cell with its hint; a longer cell is a stem, not a repeated header


TAIL_HEADERS = ("答案", "解析", "依据", "难度", "知识点", "章节")


def template_rows(questions: Iterable[Question]) -> Iterable[list[object]]:
    """Our own template: 题型, 题干, 选项A…选项F (…H when needed), 答案, 解析, 依据, 难度, 知识点, 章节.

    Every text a spreadsheet would run as a formula is guarded (`neutralise_formula`)."""
    questions = list(questions)
    n_options = max([6, *(len(q.options) for q in questions if q.type != "truefalse")])
    yield ["题型", "题干", *(f"选项{OPTION_LABELS[i]}" for i in range(n_options)), *TAIL_HEADERS]
    for q in questions:
        if q.type == "truefalse":
            options: list[str] = [""] * n_options
            answer = q.options[q.answer[0]] if q.answer else ""
        else:
            options = [*q.options, *[""] * (n_options - len(q.options))]
            answer = t.letters(q.answer)
        row = [
            QUESTION_TYPE_NAMES[q.type],
            q.stem,
            *options,
            answer,
            q.explanation,
            q.basis,
            q.difficulty,
            "，".join(q.tags),
            q.section or "",
        ]
        yield [neutralise_formula(v) for v in row]
