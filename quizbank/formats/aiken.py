"""Moodle's Aiken format: single-choice questions only.

    Which gas is heavier than air?
    A. 氢气
    B) 液化石油气
    ANSWER: B

The stem is the line(s) before the first option; options are ``A.`` or ``A)`` (``A．`` and ``A、``
are taken too); ``ANSWER:`` gives one letter. Several answer letters are not Aiken: reported and
skipped. Aiken has no explanation, difficulty, tags or section; writing refuses true/false and
multiple-choice questions and text with line breaks, saying which.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from quizbank.formats import text as t
from quizbank.formats.common import (
    FormatError,
    Source,
    finish,
    keep,
    read_text,
)
from quizbank.formats.limits import ReadLimits
from quizbank.model import MAX_OPTIONS, OPTION_LABELS, ImportResult, Problem, Question

_OPTION = re.compile(r"^([A-Za-z])\s*[.)．、）]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def read(
    source: Source,
    *,
    name: str = "",
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    return read_text(
        source, "aiken", lambda text: _parse(text, progress), name=name, max_bytes=max_bytes, limits=limits
    )


def _parse(text: str, progress: Callable[[int], None] | None) -> ImportResult:
    questions: list[Question] = []
    problems: list[Problem] = []
    stem: list[str] = []
    options: list[str] = []
    start = 0

    def reset() -> None:
        nonlocal start
        stem.clear()
        options.clear()
        start = 0

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            if options:  # a blank line inside a question: Aiken wants ANSWER right after the options
                problems.append(Problem(f"line {start}", "选项后面缺少 ANSWER: 行"))
                reset()
            elif stem:
                stem.append("")
            continue
        if not start:
            start = number
        answer = _ANSWER.match(line)
        if answer:
            parsed = _question("\n".join(stem).strip(), tuple(options), answer.group(1), f"line {start}")
            keep(parsed, questions, problems, progress)
            reset()
            continue
        option = _OPTION.match(line)
        if option and stem and option.group(1).upper() == OPTION_LABELS[len(options) % MAX_OPTIONS]:
            options.append(option.group(2).strip())
            continue
        if options:
            problems.append(Problem(f"line {number}", f"无法识别的行：“{line}”（应为选项或 ANSWER:）"))
            reset()
            continue
        stem.append(line)
    if stem or options:
        problems.append(Problem(f"line {start}", "最后一题缺少 ANSWER: 行"))
    return finish(questions, problems, "aiken")


def _question(
    stem: str, options: tuple[str, ...], answer_text: str, place: str
) -> tuple[Question | None, Problem | None]:
    def skip(message: str) -> tuple[None, Problem]:
        return None, Problem(place, message, True)

    if not stem:
        return skip("题干为空")
    if len(options) < 2:
        return skip(f"至少要有两个选项，这里有 {len(options)} 个")
    if any(not o for o in options):
        return skip("有空的选项")
    try:
        answer = t.answer_letters(answer_text)
    except t.AnswerError as e:
        return skip(str(e))
    if len(answer) != 1:
        return skip(f"Aiken 只能有一个答案，这里是“{answer_text.strip()}”（多选题请用 GIFT 或 Excel）")
    if answer[0] >= len(options):
        return skip(f"答案“{answer_text.strip()}”超出了选项（共 {len(options)} 个）")
    return Question(id="", type="single", stem=stem, options=options, answer=answer, source=place), None


def write(questions: Iterable[Question]) -> bytes:
    """Single-choice questions → Aiken; anything else is refused (FormatError names the questions)."""
    questions = tuple(questions)
    refused = []
    for q in questions:
        label = q.source or q.id
        if q.type != "single":
            refused.append(f"{label}（{'判断题' if q.type == 'truefalse' else '多选题'}）")
        elif any("\n" in x for x in (q.stem, *q.options)):
            refused.append(f"{label}（题干或选项有换行）")
    if refused:
        raise FormatError(
            "aiken", f"Aiken 只能保存单选题、每项一行，不能保存：{'、'.join(refused)}；请改用 gift 或 excel"
        )
    blocks = []
    for q in questions:
        lines = [q.stem, *(f"{OPTION_LABELS[i]}. {o}" for i, o in enumerate(q.options))]
        lines.append(f"ANSWER: {OPTION_LABELS[q.answer[0]]}")
        blocks.append("\n".join(lines))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
