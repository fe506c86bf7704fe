"""Near-duplicate questions: what normalisation ignores, what it keeps, and that the indexed search finds
exactly what comparing every pair finds."""

from __future__ import annotations

import random
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from quizbank.duplicates import (
    comparable_parts,
    duplicate_groups,
    duplicate_ids,
    group_of,
    normalise_option,
    normalise_text,
)
from tests.builders import multiple, question, truefalse


def test_normalising_drops_numbering_blanks_punctuation_spaces_and_width():
    variants = [
        "12. 液压系统最大压力一般是由（ ）限定的。",
        "12、液压系统最大压力一般是由(  )限定的",
        "（12）液压系统最大压力一般是由____限定的？",
        "第12题 液压系统最大压力一般是由（）限定的。",
        "液压系统最大压力一般是由 ( ) 限定的．",
    ]
    assert {normalise_text(v) for v in variants} == {"液压系统最大压力一般是由限定的"}


def test_normalising_keeps_what_changes_an_answer():
    assert normalise_text("2 m 以上") != normalise_text("m 以上")
    assert normalise_text("1.5 米") != normalise_text("15 米")
    assert normalise_text("温度≥60℃") != normalise_text("温度≤60℃")
    assert normalise_option("50%") != normalise_option("50")
    assert normalise_option("2年") == normalise_option("A. 2年") == normalise_option("Ｂ、２年") == "2年"


def _reference_normalise(text: str) -> str:
    """The rule spelled out character by character (the module uses translate tables for speed)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(
        r"^\s*(?:第\s*\d+\s*题\s*[.、．:：]?|[（(]\s*\d+\s*[)）]|\d+\s*[.、．:：)）](?!\d))\s*", "", text
    )
    kept = []
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch.isspace() or category[0] == "Z":
            continue
        if category[0] == "P" and ch not in "%‰":
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not (ch in ".:/-" and between_digits):
                continue
        kept.append(ch)
    return "".join(kept)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            "0123456789１２.．:：/-－—%‰ 　\t（）()、，。？！“”【】_安全Ａa" + "\u3000\xa0"
        ),
        max_size=20,
    )
)
def test_normalising_follows_the_character_rule(text):
    assert normalise_text(text) == _reference_normalise(text)


def test_questions_differing_only_by_a_blank_and_option_order_are_one_group():
    a = question(
        id="a", stem="现在广泛使用的制动液是（ ）。", options=("植物制动液", "矿物制动液", "合成制动液")
    )
    b = question(id="b", stem="现在广泛使用的制动液是", options=("合成制动液", "植物制动液", "矿物制动液"))
    other = question(id="c", stem="叉车上广泛使用的制动器为：（ ）", options=("盘式", "蹄式", "带式"))
    assert duplicate_ids([a, other, b]) == (("a", "b"),)


def test_near_identical_stems_with_a_changed_word_group_but_a_different_subject_does_not():
    a = truefalse(id="a", stem="持证作业人员违章操作或者造成特种设备事故的，应当注销《特种设备作业人员证》。")
    b = truefalse(
        id="b", stem="持证作业人员违章操作或者管理造成特种设备事故的应当吊销《特种设备作业人员证》。"
    )
    options = ("自重", "额定载重量", "自重与额定载重量之和")
    c = question(id="c", stem="总质量是指：（ ）", options=options)
    d = question(id="d", stem="装载质量是指：（ ）", options=options)
    assert duplicate_ids([a, b, c, d]) == (("a", "b"),)


def test_same_stem_with_different_options_is_a_different_question():
    a = question(id="a", stem="下列属于个人防护用品的是？", options=("安全帽", "手机", "钱包", "香烟"))
    b = question(id="b", stem="下列属于个人防护用品的是？", options=("安全带", "雨伞", "水杯", "扳手"))
    assert duplicate_ids([a, b]) == ()


def test_groups_are_transitive_sorted_and_the_same_whatever_the_input_order():
    bank = [
        truefalse(id="x1", stem="进入有限空间作业前，必须先通风、再检测、后作业。"),
        truefalse(id="x2", stem="进入有限空间作业前，必须先通风、再检测、然后作业。"),
        truefalse(id="x3", stem="进入有限空间作业前必须先通风再检测然后再作业"),
        multiple(id="m1"),
        multiple(id="m2", options=("香烟", "安全带", "防护眼镜", "手机", "安全帽")),
        truefalse(id="lone", stem="动火作业必须办理动火作业许可证。"),
    ]
    expected = {frozenset({"x1", "x2", "x3"}), frozenset({"m1", "m2"})}
    for seed in range(20):
        shuffled = random.Random(seed).sample(bank, len(bank))
        groups = duplicate_groups(shuffled)
        assert all(list(g) == sorted(g) for g in groups) and list(groups) == sorted(groups)
        assert {frozenset(shuffled[i].id for i in g) for g in groups} == expected


def test_group_of_maps_each_member_to_its_group():
    assert group_of([("a", "b"), ("c", "d", "e")]) == {"a": 0, "b": 0, "c": 1, "d": 1, "e": 1}


def _brute_force(questions) -> set[frozenset[int]]:
    parts = [comparable_parts(q) for q in questions]
    parent = list(range(len(questions)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(questions)):
        for j in range(i + 1, len(questions)):
            if (
                parts[i][0]
                and parts[j][0]
                and all(
                    Indel.normalized_similarity(x, y) >= 0.9 for x, y in zip(parts[i], parts[j], strict=True)
                )
            ):
                parent[root(j)] = root(i)
    groups: dict[int, set[int]] = {}
    for i in range(len(questions)):
        groups.setdefault(root(i), set()).add(i)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


_CHARS = "安全作业检查设备人员应当必须电焊叉车有限空间通风检测动火许可证"
_stems = st.text(alphabet=_CHARS, min_size=1, max_size=30)


def _mutated(draw, text: str) -> str:
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["change", "drop", "add"]))
        k = draw(st.integers(0, max(len(chars) - 1, 0)))
        if op == "drop" and chars:
            del chars[k]
        elif op == "add":
            chars.insert(k, draw(st.sampled_from(_CHARS)))
        elif chars:
            chars[k] = draw(st.sampled_from(_CHARS))
    return "".join(chars) or text


@st.composite
def _banks(draw):
    """True/false and choice questions, and copies of them with a few characters changed, dropped or
    added in the stem and in an option, options reordered."""
    out = []
    for n, stem in enumerate(draw(st.lists(_stems, min_size=1, max_size=10))):
        choice = draw(st.booleans())
        options = tuple(
            draw(st.lists(st.text(alphabet=_CHARS, min_size=1, max_size=6), min_size=3, max_size=4))
        )
        for copy in range(1 + draw(st.integers(0, 2))):
            s = stem if copy == 0 else _mutated(draw, stem)
            if not choice:
                out.append(truefalse(id=f"q{n}-{copy}", stem=s))
                continue
            o = list(options) if copy == 0 else draw(st.permutations(options))
            if copy:
                k = draw(st.integers(0, len(o) - 1))
                o[k] = _mutated(draw, o[k])
            out.append(question(id=f"q{n}-{copy}", stem=s, options=tuple(o), answer=(0,)))
    return out


@settings(max_examples=200, deadline=None)
@given(bank=_banks())
def test_the_indexed_search_finds_exactly_the_groups_that_comparing_every_pair_finds(bank):
    assert {frozenset(g) for g in duplicate_groups(bank)} == _brute_force(bank)
