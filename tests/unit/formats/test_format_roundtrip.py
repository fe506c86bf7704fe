"""For every format: write → read keeps the questions, as far as the format can hold them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank import formats
from quizbank.formats.text import strip_stem_number
from quizbank.model import TRUE_FALSE_OPTIONS, Question

# Chinese and ASCII, and the characters GIFT escapes and cells split on.
ALPHABET = st.sampled_from(
    list("焊接动火作业安全带正确错误甲乙丙丁abcxyzABC0123 .,;:!?=~#{}\\*|%-+@[]（）、，。")
)


def clean_text(max_size=30, newlines=True):
    chars = st.one_of(ALPHABET, st.just("\n")) if newlines else ALPHABET
    return (
        st.text(chars, min_size=1, max_size=max_size)
        .map(lambda s: "\n".join(line.strip() for line in s.split("\n")).strip())
        .filter(lambda s: s and "\n\n" not in s)
    )


def option_text():
    # Options may hold ** and |, but what a label-splitter would read as a label is not generated.
    return clean_text(20, newlines=False).filter(
        lambda s: not (len(s) > 1 and s[0].upper() in "ABCDEFGH" and not s[1].isalnum())
    )


@st.composite
def questions(draw, types=("single", "multiple", "truefalse"), newlines=True, extras=True):
    qtype = draw(st.sampled_from(types))
    stem = draw(clean_text(newlines=newlines).filter(lambda s: s == strip_stem_number(s)))
    if qtype == "truefalse":
        options, answer = TRUE_FALSE_OPTIONS, (draw(st.integers(0, 1)),)
    else:
        options = tuple(draw(st.lists(option_text(), min_size=2, max_size=8, unique=True)))
        low = 1 if qtype == "single" else 2
        high = 1 if qtype == "single" else len(options)
        answer = tuple(sorted(draw(st.sets(st.integers(0, len(options) - 1), min_size=low, max_size=high))))
    explanation = draw(st.one_of(st.just(""), clean_text(newlines=newlines))) if extras else ""
    tags = (
        tuple(
            draw(
                st.lists(
                    st.text(st.sampled_from(list("隐患重大abc")), min_size=1, max_size=5),
                    max_size=3,
                    unique=True,
                )
            )
        )
        if extras
        else ()
    )
    section = (
        draw(st.one_of(st.none(), st.text(st.sampled_from(list("weld-prp12")), min_size=1, max_size=8)))
        if extras
        else None
    )
    difficulty = draw(st.integers(1, 5)) if extras else 3
    return Question(
        id="",
        type=qtype,
        stem=stem,
        options=options,
        answer=answer,
        explanation=explanation,
        tags=tags,
        section=section,
        difficulty=difficulty,
    )


def core(q: Question):
    return (q.type, q.stem, q.options, q.answer, q.explanation)


def full(q: Question):
    return (*core(q), q.difficulty, q.tags, q.section)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(questions(), min_size=1, max_size=6))
def test_xlsx_round_trip_keeps_every_field(qs):
    result = formats.read(formats.write(qs, "excel"), format="excel")
    assert [full(q) for q in result.questions] == [full(q) for q in qs], result.problems


@SETTINGS
@given(st.lists(questions(), min_size=1, max_size=6))
def test_csv_round_trip_keeps_every_field(qs):
    result = formats.read(formats.write(qs, "csv"), format="csv")
    assert [full(q) for q in result.questions] == [full(q) for q in qs], result.problems


@SETTINGS
@given(st.lists(questions(), min_size=1, max_size=6))
def test_gift_round_trip_keeps_questions_explanations_tags_and_sections(qs):
    result = formats.read(formats.write(qs, "gift"), format="gift")
    keep = lambda q: (*core(q), q.tags, q.section)  # noqa: E731  GIFT has no difficulty
    assert [keep(q) for q in result.questions] == [keep(q) for q in qs], result.problems


@SETTINGS
@given(st.lists(questions(types=("single",), newlines=False, extras=False), min_size=1, max_size=6))
def test_aiken_round_trip_keeps_single_choice_questions(qs):
    result = formats.read(formats.write(qs, "aiken"), format="aiken")
    assert [core(q) for q in result.questions] == [core(q) for q in qs], result.problems
