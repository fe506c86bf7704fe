"""Text clean-up shared by every exchange format: stem numbering, option labels, answers, types.

Question banks written by hand number their stems (``12.`` ``12、`` ``12．`` ``(12)``), label their
options (``A.`` ``A、`` ``A．`` ``A)`` ``(A)`` or a bare ``A``) and write answers many ways (``ACD``,
``A,C``, ``A、C``, ``对``/``错``, ``√``/``×``, ``正确``/``错误``, ``T``/``F``). These functions turn
them into the model's values, or say plainly why they cannot.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from quizbank.model import OPTION_LABELS, QuestionType

# "12." "12、" "12．" "12，" "(12)" "（12）" "第12题"; not "1.5米" (a decimal) nor "2，4-二硝基" (a name).
# "325、16MnDR…" is numbered: 、 never stands inside a number or a chemical name.
_STEM_NUMBER = re.compile(
    r"""^\s*(?:
        第\s*\d+\s*题\s*[.．、:：]?
      | [(（]\s*\d+\s*[)）]\s*[.．、]?
      | \d+\s*、
      | \d+\s*[.．，](?![\d])
      | [.．、](?=\S)
    )\s*""",
    re.VERBOSE,
)
_LEADING_NUMBER = re.compile(r"^\s*(?:第\s*)?[(（]?\s*(\d+)")

LABEL_PUNCT = r"[.．、:：)）]"
_OPTION_LABEL = re.compile(rf"^\s*(?:[(（]\s*([A-Ha-h])\s*[)）]|([A-Ha-h])\s*{LABEL_PUNCT})\s*")

TRUE_WORDS = frozenset({"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y", "YES", "RIGHT", "V"})
FALSE_WORDS = frozenset({"错", "错误", "×", "✗", "✘", "X", "F", "FALSE", "否", "N", "NO", "WRONG"})

TYPE_NAMES: dict[str, QuestionType] = {
    "判断": "truefalse",
    "判断题": "truefalse",
    "是非题": "truefalse",
    "对错题": "truefalse",
    "truefalse": "truefalse",
    "true/false": "truefalse",
    "单选": "single",
    "单选题": "single",
    "单项选择": "single",
    "单项选择题": "single",
    "单择题": "single",
    "single": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "多项选择": "multiple",
    "多项选择题": "multiple",
    "不定项选择题": "multiple",
    "multiple": "multiple",
}


class AnswerError(ValueError):
    """An answer cell that cannot be read as option letters or true/false."""


def clean(value: object) -> str:
    """A cell's text: numbers without a spurious ``.0``, whitespace trimmed, NFC normalised."""
    if value.__class__ is str:
        text = value
    elif value is None:
        return ""
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool):
            value = "TRUE" if value else "FALSE"
        text = str(value)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if "\u3000" in text:
            text = text.strip().replace("\u3000", " ")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def stem_number(stem: str) -> int | None:
    """The number a stem starts with (``12．…`` → 12), or None."""
    m = _LEADING_NUMBER.match(stem)
    return int(m.group(1)) if m else None


# A number and what follows it: the separator run, then the next character (to tell "1.5米" from "1.甲").
_NUMBER_THEN = re.compile(r"^\s*(\d+)([ \t]*[.．、,，:：]*[ \t]*)(.?)", re.S)
_REPEATED_NUMBER = re.compile(r"(\d+)\s*[.．、，]\s*(\S)")
# The usual numbering, told in one match: digits, one mark, then text (not a digit, space or another mark).
_PLAIN_NUMBER = re.compile(r"(\d+)[.．、,，:：]([^\d\s.．、,，:：])")


def number_stem(
    stem: str, expected: int | None = None, following: int | None = None
) -> tuple[str, int | None]:
    """A stem without its numbering, and the number taken as numbering (None when it kept its number).

    Numbering that cannot be text is always removed: ``12、`` ``12．甲`` ``263<TAB>`` ``155,、`` ``(12)``
    ``第12题``. A number that may be text (``79 车辆``, ``78车辆``, ``1.15cm``, ``600兆瓦``) is numbering
    only when the row sequence says so: it is `expected` (the number after the previous row's
    numbering), or the next row's numbering (`following`, numbering that cannot be text) is the number
    after it, as where numbering restarts at 1 in a new block. Neither says so in an unnumbered bank.
    """
    m = _PLAIN_NUMBER.match(stem)
    if m is not None and not m.group(2).isdigit():  # "12．焊工…": numbering, whatever the sequence says
        return stem[m.end(1) + 1 :].strip(), int(m.group(1))
    m = _NUMBER_THEN.match(stem)
    if m is None:  # "(12)…", "第12题…", "．集油器…", or no number at all
        stripped = _STEM_NUMBER.sub("", stem, count=1).strip()
        if not stripped or stripped == stem.strip():
            return stem.strip(), None
        return stripped, stem_number(stem)
    digits, separator, after = m.groups()
    number = int(digits)
    rest = stem[m.end(2) :].strip()
    if not rest:
        return stem.strip(), None
    marks = separator.strip()
    certain = "\t" in separator or "、" in marks or (marks and not after.isdigit())
    in_sequence = number == expected or (following is not None and following == number + 1)
    if not (certain or in_sequence):
        return stem.strip(), None
    again = _REPEATED_NUMBER.match(rest) if marks and rest[0].isdigit() else None  # every \d isdigit()
    if again and int(again.group(1)) == number and again.group(2) not in "0123456789":
        rest = rest[again.end(1) :].lstrip(" \t.．、，")  # "536、536.焊接…", but not "12、12.5米…"
    return rest, number


def strip_stem_number(stem: str, expected: int | None = None) -> str:
    """``12．压力容器…`` → ``压力容器…``; a stem that is only a number is left as it is.

    `expected` is the number this row should carry (the previous row's + 1): a stem starting with it is
    numbered even where the text goes on with a digit (``113.1Cr18Ni9…``). See `number_stem`.
    """
    return number_stem(stem, expected)[0]


def strip_option_label(text: str, label: str | None = None, *, bare: bool = False) -> str:
    """``A．国务院`` → ``国务院``: a label is removed when it is `label` (any letter when None).

    With `bare`, a label without punctuation is removed too (``A强制性``): only ask for it when every
    option of the row starts with its own letter, or ``ABS系统`` would lose its first letter.
    """
    text = text.strip()
    m = _OPTION_LABEL.match(text)
    if m and (label is None or (m.group(1) or m.group(2)).upper() == label) and text[m.end() :].strip():
        return text[m.end() :].strip()
    if label is not None and bare and len(text) > 1 and text[0] == label:
        return text[1:].strip()
    return text


@functools.lru_cache(maxsize=256)
def question_type(name: str) -> QuestionType | None:
    """The model's type for a 题型 cell (``单选题``, ``多项选择题``, ``single``), or None."""
    key = _SPACES.sub("", clean(name)).lower()
    key = _BRACKETED.sub("", key)
    return TYPE_NAMES.get(key)


_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"[(（].*?[)）]")


@functools.lru_cache(maxsize=1024)
def truth(text: str) -> bool | None:
    """True for 对/√/正确/T/TRUE, False for 错/×/错误/F/FALSE, None otherwise."""
    key = unicodedata.normalize("NFKC", text).strip().upper().rstrip("。.")
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def answer_text(text: str) -> str:
    """What an answer cell says once written plainly: ``答案：a, c`` / ``ＡＣ`` → ``AC``.

    Upper case, full-width folded, an ``答案:`` prefix and separators removed; the characters are not
    checked (see `answer_letters`).
    """
    key = unicodedata.normalize("NFKC", text).upper()
    key = _ANSWER_PREFIX.sub("", key.strip())
    return _ANSWER_SEPARATORS.sub("", key)


_ANSWER_PREFIX = re.compile(r"^(答案|正确答案|ANSWER)\s*[:：]?")
_ANSWER_SEPARATORS = re.compile(r"[\s,，、;；/|+.。]+")


@functools.lru_cache(maxsize=1024)
def answer_letters(text: str) -> tuple[int, ...]:
    """``ACD``, ``A,C``, ``A、C``, ``a c``, full-width ``ＡＣ`` → sorted 0-based indices.

    Raises AnswerError when the cell holds anything but option letters, or a letter twice.
    """
    letters = answer_text(text)
    if not letters:
        raise AnswerError("答案为空")
    bad = [c for c in letters if c not in OPTION_LABELS]
    if bad:
        raise AnswerError(f"答案 {text.strip()!r} 不是选项字母（A–{OPTION_LABELS[-1]}）")
    if len(set(letters)) != len(letters):
        raise AnswerError(f"答案 {text.strip()!r} 重复了选项字母")
    return tuple(sorted(OPTION_LABELS.index(c) for c in letters))


def letters(answer: tuple[int, ...]) -> str:
    """0-based indices → ``ACD``; a position beyond the labels is written as its number."""
    return "".join(OPTION_LABELS[i] if 0 <= i < len(OPTION_LABELS) else str(i) for i in answer)


@functools.lru_cache(maxsize=1024)
def true_false_answer(text: str, options: tuple[str, ...] = ()) -> int:
    """The index into ``("正确", "错误")`` for a 判断题 answer.

    Letters refer to the row's own options (``A.正确 B.错误`` → A = 正确; ``A.错误 B.正确`` → A = 错误);
    without options A = 正确, B = 错误.
    """
    value = truth(text)
    if value is not None:
        return 0 if value else 1
    indices = answer_letters(text)
    if len(indices) != 1:
        raise AnswerError(f"判断题只能有一个答案，而不是 {text.strip()!r}")
    (index,) = indices
    if options:
        if index >= len(options):
            raise AnswerError(f"答案 {text.strip()!r} 超出了选项范围")
        value = truth(options[index])
        if value is None:
            raise AnswerError(f"判断题的选项 {options[index]!r} 不是 正确/错误")
        return 0 if value else 1
    if index > 1:
        raise AnswerError(f"判断题的答案只能是 A（正确）或 B（错误），而不是 {text.strip()!r}")
    return index


@functools.lru_cache(maxsize=1024)
def true_false_options(options: tuple[str, ...]) -> bool:
    """Whether a row's options are a true/false pair (正确/错误, 对/错, √/×) in either order."""
    if len(options) != 2:
        return False
    values = [truth(o) for o in options]
    return None not in values and values[0] != values[1]
