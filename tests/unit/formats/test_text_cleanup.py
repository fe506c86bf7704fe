"""Stem numbering, option labels and answers as people write them."""

from __future__ import annotations

import pytest

from quizbank.formats import text as t
from quizbank.formats.options import split_options


@pytest.mark.parametrize(
    "raw, stem",
    [
        ("12.焊工", "焊工"),
        ("12、焊工", "焊工"),
        ("12．焊工", "焊工"),
        ("(12)焊工", "焊工"),
        ("（12） 焊工", "焊工"),
        ("201，接零", "接零"),
        ("．集油器", "集油器"),
        ("1.5米以上为高处", "1.5米以上为高处"),
        ("2，4-二硝基苯酚", "2，4-二硝基苯酚"),
    ],
)
def test_stem_numbering_is_removed_but_numbers_in_text_stay(raw, stem):
    assert t.strip_stem_number(raw) == stem


@pytest.mark.parametrize(
    "raw", ["A.国务院", "A、国务院", "A．国务院", "A)国务院", "(A)国务院", "（A）国务院", "A: 国务院"]
)
def test_option_labels_are_removed(raw):
    assert t.strip_option_label(raw, "A") == "国务院"


def test_bare_label_is_removed_only_when_every_option_has_one():
    assert split_options("**A强制性**B科学性") == ("强制性", "科学性")
    assert split_options("ABS系统|EBD系统") == ("ABS系统", "EBD系统")


@pytest.mark.parametrize(
    "raw, answer",
    [("A", (0,)), ("ACD", (0, 2, 3)), ("A,C", (0, 2)), ("A、C", (0, 2)), ("ａｃ", (0, 2)), ("C A", (0, 2))],
)
def test_answer_letters_are_read_in_every_spelling(raw, answer):
    assert t.answer_letters(raw) == answer


@pytest.mark.parametrize(
    "raw, index",
    [
        ("对", 0),
        ("错", 1),
        ("√", 0),
        ("×", 1),
        ("正确", 0),
        ("错误", 1),
        ("T", 0),
        ("F", 1),
        ("A", 0),
        ("B", 1),
    ],
)
def test_true_false_words_symbols_and_letters_mean_correct_or_wrong(raw, index):
    assert t.true_false_answer(raw) == index


def test_answer_that_is_not_letters_is_refused():
    with pytest.raises(t.AnswerError):
        t.answer_letters("对")
    with pytest.raises(t.AnswerError):
        t.answer_letters("AA")


def test_a_stem_numbered_with_a_pause_mark_loses_its_number_even_before_a_digit():
    assert t.strip_stem_number("325、16MnDR钢是压力容器用钢。") == "16MnDR钢是压力容器用钢。"


def test_a_stem_carrying_the_expected_sequence_number_loses_it_even_before_a_digit():
    assert t.strip_stem_number("113.1Cr18Ni9钢焊接应选用什么焊条？", 113) == "1Cr18Ni9钢焊接应选用什么焊条？"
    assert t.strip_stem_number("113.1Cr18Ni9钢焊接应选用什么焊条？") == "113.1Cr18Ni9钢焊接应选用什么焊条？"


def test_a_number_written_twice_goes_but_a_decimal_after_it_stays():
    assert t.strip_stem_number("536、536.焊接作业前应检查什么？", 536) == "焊接作业前应检查什么？"
    assert t.strip_stem_number("12、12.5米以上属于几级高处作业？", 12) == "12.5米以上属于几级高处作业？"
