"""Item checks (题目体检): each habit that gives an answer away or misleads is found, with its place,
code and severity; a well-written question passes; accepted findings are left out."""

from __future__ import annotations

import pytest

from quizbank.itemchecks import CHECKS, binomial_upper_tail, check_items, check_question, key_position
from tests.builders import multiple, question, truefalse

GOOD_BASIS = "《安全生产法》第二十八条"


def good(**overrides):
    overrides.setdefault("basis", GOOD_BASIS)
    overrides.setdefault("source", "questions.yaml:7")
    return question(**overrides)


def checks(q) -> dict[str, str]:
    return {f.check: f.severity for f in check_question(q)}


def test_a_well_written_question_has_no_finding():
    assert check_question(good()) == []
    assert check_question(multiple(basis=GOOD_BASIS)) == []
    assert check_question(truefalse(basis=GOOD_BASIS)) == []


def test_a_finding_names_the_place_the_question_and_a_chinese_message():
    (finding,) = check_question(good(id="q7", source="Sheet1!R9", options=("甲", "乙")))
    assert (finding.where, finding.subject, finding.check, finding.severity) == (
        "Sheet1!R9",
        "q7",
        "few_distractors",
        "error",
    )
    assert finding.message.startswith("只有 1 个错误选项")


def test_multiple_choice_with_one_wrong_option_is_an_error():
    one_wrong = multiple(basis=GOOD_BASIS, options=("安全帽", "安全带", "防护眼镜", "香烟"), answer=(0, 1, 2))
    two_wrong = multiple(basis=GOOD_BASIS, options=("安全帽", "安全带", "手机", "香烟"), answer=(0, 1))
    assert checks(one_wrong) == {"few_distractors": "error"}
    assert checks(two_wrong) == {}


def test_a_single_choice_with_two_options_has_too_few_distractors():
    assert checks(good(options=("是", "否"), answer=(0,))) == {"few_distractors": "error"}


@pytest.mark.parametrize(
    "option", ["以上都对", "以上都不对", "以上都是", "以上均正确", "以上各项都正确", "以上 都 不是"]
)
def test_all_of_the_above_options_are_errors_because_options_are_shuffled(option):
    q = good(options=("甲", "乙", "丙", option), answer=(3,))
    assert checks(q) == {"all_of_the_above": "error"}


def test_an_option_that_only_starts_alike_is_not_all_of_the_above():
    assert checks(good(options=("以上级指令为准", "乙", "丙", "丁"))) == {}


@pytest.mark.parametrize("word", ["不正确", "不属于", "不应", "严禁", "禁止", "不得", "错误的是", "不包括"])
def test_a_negative_stem_without_emphasis_is_a_warning(word):
    assert checks(good(stem=f"下列做法中{word}哪一项？")) == {"negative_stem": "warning"}


@pytest.mark.parametrize(
    "stem", ["下列说法【不正确】的是？", "下列说法**不正确**的是？", "作业中【严禁】哪种行为？"]
)
def test_a_negative_stem_with_emphasis_passes(stem):
    assert checks(good(stem=stem)) == {}


def test_an_emphasised_and_an_unemphasised_negative_in_one_stem_is_still_flagged():
    assert checks(good(stem="【严禁】酒后作业，下列说法不正确的是？")) == {"negative_stem": "warning"}


def test_the_longest_option_being_the_key_is_a_warning_and_a_long_distractor_is_info():
    long = "作业前办理许可证，检测合格并设专人监护后方可进入"
    assert checks(good(options=("通风", long, "戴手套", "先进去"), answer=(1,))) == {"long_option": "warning"}
    assert checks(good(options=("通风", long, "戴手套", "先进去"), answer=(0,))) == {"long_option": "info"}


def test_options_a_little_longer_or_long_only_relatively_pass():
    assert checks(good(options=("2米", "5米", "10米", "15米"))) == {}
    assert checks(good(options=("甲", "乙", "丙", "丁戊己庚"))) == {}  # 4 × but only 3 characters more
    assert (
        checks(good(options=("先通风再检测后作业", "先检测再通风后作业", "直接进入作业", "先作业后检测")))
        == {}
    )


def test_options_that_differ_only_by_punctuation_or_width_are_duplicates():
    q = good(options=("5米", "１０米。", "10 米", "15米"))
    (finding,) = check_question(q)
    assert (finding.check, finding.severity) == ("duplicate_options", "error")
    assert "选项C与选项B" in finding.message


@pytest.mark.parametrize("word", ["所有", "一律", "绝对", "一切", "完全", "任何情况"])
def test_a_true_false_stem_with_an_absolute_word_is_a_warning(word):
    assert checks(truefalse(basis=GOOD_BASIS, stem=f"{word}作业前都要检查防护用品。")) == {
        "absolute_words": "warning"
    }


def test_absolute_words_in_a_choice_stem_are_not_flagged():
    assert checks(good(stem="所有作业前都要检查什么？")) == {}


@pytest.mark.parametrize(
    "explanation",
    ["故选A。", "正确答案为B", "答案：C", "B项说法错误。", "选项D是干扰项", "本题选AB。", "ACD 选项正确"],
)
def test_an_explanation_naming_an_option_letter_is_an_error(explanation):
    q = (
        multiple(basis=GOOD_BASIS, explanation=explanation)
        if "AB" in explanation or "ACD" in explanation
        else good(explanation=explanation)
    )
    assert checks(q) == {"explanation_names_letter": "error"}


@pytest.mark.parametrize(
    "explanation", ["依据 GB/T 3608-2008", "ABC 类干粉灭火器可扑救 A 类火灾", "N1 叉车司机证", "应设Ⅱ级防护"]
)
def test_letters_that_are_not_option_letters_pass(explanation):
    assert checks(good(explanation=explanation)) == {}


def test_no_basis_and_no_reference_in_the_explanation_is_a_warning():
    assert checks(good(basis="", explanation="作业前要检查。")) == {"no_basis": "warning"}
    for cited in (
        "见《特种设备安全法》。",
        "GB 30871-2022 规定……",
        "TSG 08 规定……",
        "依第十四条……",
        "AQ/T 3034 规定",
    ):
        assert checks(good(basis="", explanation=cited)) == {}, cited


def test_every_check_code_has_a_name():
    q = good(
        stem="下列说法不正确的是",
        options=("以上都对", "以上都对。", "作业前应办理许可证，检测合格并设专人监护后方可进入作业"),
        answer=(2,),
        basis="",
        explanation="选C",
    )
    found = {f.check for f in check_question(q)}
    assert found <= set(CHECKS)
    assert found == {
        "long_option",
        "all_of_the_above",
        "duplicate_options",
        "negative_stem",
        "explanation_names_letter",
        "no_basis",
    }


def test_binomial_upper_tail_agrees_with_the_exact_sum():
    from math import comb

    for n, k, p in [(10, 3, 0.25), (32, 32, 0.25), (40, 15, 0.2), (5, 0, 0.5)]:
        exact = sum(comb(n, x) * p**x * (1 - p) ** (n - x) for x in range(k, n + 1))
        assert binomial_upper_tail(k, n, p) == pytest.approx(exact, rel=1e-9)
    assert 0.0 <= binomial_upper_tail(30000, 100000, 0.25) < 1e-100


def _singles(keys: list[int], options: int = 4):
    return [
        good(id=f"k{i}", options=tuple(f"选项{i}-{j}" for j in range(options)), answer=(k,))
        for i, k in enumerate(keys)
    ]


def test_all_single_choice_keys_on_one_letter_is_an_error_for_the_set():
    (finding,) = key_position(_singles([0] * 32), batch="catering-gas")
    assert (finding.where, finding.subject, finding.check, finding.severity) == (
        "catering-gas",
        "catering-gas",
        "key_position",
        "error",
    )
    assert "32 道单选题中有 32 道答案是 A" in finding.message


def test_keys_spread_evenly_or_a_mild_lean_pass():
    assert key_position(_singles([0, 1, 2, 3] * 8)) == []
    assert key_position(_singles([0] * 12 + [1] * 7 + [2] * 7 + [3] * 6)) == []  # 12/32: p ≈ 0.06


def test_the_lean_is_a_test_not_a_count():
    # 9 of 12 on A is far from chance (p < 0.001); 9 of 36 is exactly chance
    assert [f.check for f in key_position(_singles([0] * 9 + [1, 2, 3]))] == ["key_position"]
    assert key_position(_singles([0] * 9 + [1] * 9 + [2] * 9 + [3] * 9)) == []


def test_key_position_counts_only_single_choice_questions():
    bank = [*_singles([0, 1, 2, 3] * 4), *[multiple(basis=GOOD_BASIS, answer=(0, 1)) for _ in range(30)]]
    assert key_position(bank) == []


def test_accepted_findings_are_left_out_and_others_kept():
    q = good(id="q1", stem="下列说法不正确的是", basis="", explanation="作业前检查。")
    assert {f.check for f in check_items([q])} == {"negative_stem", "no_basis"}
    kept = check_items([q], accepted={("q1", "negative_stem"), ("other", "no_basis")})
    assert [f.check for f in kept] == ["no_basis"]
    assert check_items(_singles([0] * 20), batch="s", accepted={("s", "key_position")}) == ()


def test_a_long_key_of_a_multiple_choice_question_is_a_warning_too():
    long = "作业前办理许可证，检测合格并设专人监护后方可进入"
    q = multiple(basis=GOOD_BASIS, options=("通风", long, "戴手套", "先进去", "喊人"), answer=(0, 1))
    assert checks(q) == {"long_option": "warning"}
