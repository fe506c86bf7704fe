"""GIFT (Moodle's own fixture) and Aiken."""

from __future__ import annotations

import pytest

from quizbank import formats
from quizbank.formats import FormatError, aiken, gift
from quizbank.model import TRUE_FALSE_OPTIONS
from tests.corpus import corpus_path
from tests.unit.formats.format_builders import multiple, single, truefalse


def test_moodle_fixture_imports_the_five_supported_questions_and_reports_the_four_others():
    result = formats.read(corpus_path("gift", "moodle-questions.gift.txt"))
    assert result.format == "gift"
    got = [(q.source, q.type, q.stem, q.options, q.answer) for q in result.questions]
    stem = "What's between orange and green in the spectrum?"
    assert got == [
        ("line 14", "single", stem, ("yellow", "red", "blue"), (0,)),
        ("line 22", "multiple", stem, ("yellow", "red", "off-beige", "blue"), (0, 2)),
        ("line 41", "truefalse", "42 is the Absolute Answer to everything.", TRUE_FALSE_OPTIONS, (1,)),
        ("line 46", "truefalse", "TSL is blablabla.", TRUE_FALSE_OPTIONS, (0,)),
        ("line 49", "truefalse", "TSL is blablabla.", TRUE_FALSE_OPTIONS, (0,)),
    ]
    assert (
        result.questions[2].explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    )
    assert result.questions[0].explanation == "right; good!"
    skipped = {p.where: p.message for p in result.problems if p.skipped}
    assert set(skipped) == {"line 2", "line 5", "line 31", "line 34"}
    assert "essay" in skipped["line 2"] and "matching" in skipped["line 5"]
    assert "numerical" in skipped["line 31"] and "short answer" in skipped["line 34"]


def test_gift_escapes_markers_titles_categories_and_tags():
    text = r"""// a comment
$CATEGORY: $course$/top/焊接

// [tag:重大事故隐患]
::q1::[html]<p>1 \+ 1 \= 2 \{ok\} a\:b \# c</p>{
=对 \~ 是 # fine
~[markdown]错
####因为 \= 数学
}

Grant is {~buried =entombed ~living} in Grant's tomb.

::q3::甲{FALSE#错了#对了}
"""
    result = gift.read(text.encode())
    q = result.questions[0]
    assert q.stem == r"1 \+ 1 = 2 {ok} a:b # c"
    assert (q.options, q.answer, q.explanation) == (("对 ~ 是", "错"), (0,), "因为 = 数学")
    assert (q.section, q.tags, q.source) == ("焊接", ("重大事故隐患",), "line 5")
    assert "missing word" in [p for p in result.problems if p.skipped][0].message
    assert result.questions[1].explanation == "对了"


def test_gift_written_escapes_what_would_break_it():
    q = single(stem="a{b}=c~d#e:f\\g\n第二行", options=("%50%x", "y"), answer=(0,), explanation="x#y")
    back = gift.read(gift.write([q])).questions[0]
    assert (back.stem, back.options, back.answer, back.explanation) == (
        q.stem,
        q.options,
        q.answer,
        q.explanation,
    )


def test_aiken_reads_single_choice_and_reports_several_answers():
    text = "哪种气体比空气重？\nA. 氢气\nB) 液化石油气\nANSWER: B\n\n问二\nA. 甲\nB. 乙\nC. 丙\nANSWER: A,C\n"
    result = aiken.read(text.encode())
    q = result.questions[0]
    assert (q.type, q.stem, q.options, q.answer, q.source) == (
        "single",
        "哪种气体比空气重？",
        ("氢气", "液化石油气"),
        (1,),
        "line 1",
    )
    assert [p.where for p in result.problems] == ["line 6"] and "只能有一个答案" in result.problems[0].message


def test_aiken_refuses_to_write_true_false_and_multiple_questions_naming_them():
    with pytest.raises(FormatError) as e:
        aiken.write([single(), truefalse(source="S!R3"), multiple(source="S!R4")])
    assert "S!R3（判断题）" in e.value.message and "S!R4（多选题）" in e.value.message


def test_detect_tells_formats_from_name_and_content():
    assert formats.detect("x.xlsx", b"PK\x03\x04") == "excel"
    assert formats.detect("bank", b"\xd0\xcf\x11\xe0") == "excel"
    assert formats.detect("q.txt", "问\nA. 甲\nB. 乙\nANSWER: A\n".encode()) == "aiken"
    assert formats.detect("q.txt", b"::t:: Q {=a ~b}") == "gift"
    assert formats.detect("a.csv", b"") == "csv"
    assert formats.detect("questions.yaml", b"- id: x") == "native"
    with pytest.raises(FormatError):
        formats.detect("notes.txt", b"hello")


@pytest.mark.parametrize("reader", [gift.read, aiken.read])
def test_a_text_file_in_an_unknown_encoding_is_refused_naming_the_file(reader, tmp_path):
    path = tmp_path / "bank.txt"
    path.write_bytes(b"\xff\xfe\x80 not text")
    result = reader(path)
    assert result.questions == ()
    assert [(p.where, p.message) for p in result.problems] == [
        (str(path), "无法识别文本编码（应为 UTF-8 或 GBK）")
    ]
