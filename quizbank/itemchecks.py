"""Item checks (题目体检): the item-writing habits that give an answer away or mislead, as findings.

`check_items(questions)` looks at each question and, over the single-choice keys of the whole batch
(one set, one file), at whether the keys lean on one position (a one-sided binomial test). Each finding
names its place, a check code, a severity (error: fix before use; warning: worth fixing; info: worth a
look) and a plain Chinese message. Findings a trainer accepted, given as (subject, check) pairs, are left out.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from quizbank.duplicates import normalise_option
from quizbank.model import OPTION_LABELS, Question

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

KEY_POSITION_ALPHA = 0.01  # chance of flagging a bank whose keys were placed at random
LONG_OPTION_FACTOR = 2.0  # longest option > 2 × the median of the others …
LONG_OPTION_MIN_EXTRA = 8  # … and at least 8 characters longer

CHECKS: dict[str, str] = {
    "few_distractors": "干扰项少于两个",
    "key_position": "答案集中在同一位置",
    "all_of_the_above": "选项含“以上都对/都不对”",
    "negative_stem": "否定题干未加强调",
    "long_option": "某个选项明显更长",
    "duplicate_options": "选项重复",
    "absolute_words": "判断题含绝对化用语",
    "explanation_names_letter": "解析提到选项字母",
    "no_basis": "没有依据",
    "cites_withdrawn": "依据已废止或被替代（待复核）",  # found by citations.needs_review
}


@dataclass(frozen=True)
class Finding:
    """One problem found. `subject` is the question id (the batch name for batch-wide checks): with the
    check code it is what a trainer accepts."""

    where: str
    check: str
    severity: Severity
    message: str
    subject: str = ""


_ALL_OF_THE_ABOVE = re.compile(
    r"^以上(?:各项|选项|答案|说法|几项|三项|四项)?(?:都|均|全)(?:对|不对|正确|不正确|是|不是|错|错误)"
)
_NEGATIVES = (
    "不正确",
    "不属于",
    "不应",
    "不得",
    "不宜",
    "不包括",
    "不符合",
    "严禁",
    "禁止",
    "错误的是",
    "错误的有",
)
_EMPHASIS = re.compile(r"【[^】]*】|\*\*.+?\*\*")
_ABSOLUTE_WORDS = ("所有", "一律", "绝对", "一切", "完全", "任何情况", "总是", "永远", "从不")
_LETTER = r"[A-H]+(?![A-Za-z0-9])"
_NAMES_LETTER = re.compile(
    rf"(?:选(?:项)?\s*{_LETTER}|(?<![A-Za-z0-9/])[A-H]+\s*(?:项|选项)|答案\s*(?:应?为|是|选)?\s*[:：]?\s*{_LETTER})"
)
_REFERENCE = re.compile(
    r"《[^》]+》|(?<![A-Za-z])(?:GB|GBZ|AQ|TSG|JGJ|HG|SH|SY|DL|NB|JB|YJ|WS|MT)(?:/[TZ])?\s*\d|第[一二三四五六七八九十百零〇\d]+条"
)


def check_items(
    questions: Sequence[Question],
    *,
    batch: str = "",
    accepted: Collection[tuple[str, str]] = (),
) -> tuple[Finding, ...]:
    """Every finding over `questions` (one set or file, named `batch`), in question order, the batch-wide
    findings last; those whose (subject, check) is in `accepted` are left out."""
    found: list[Finding] = []
    for q in questions:
        found += check_question(q)
    found += key_position(questions, batch=batch)
    accepted = set(accepted)
    return tuple(f for f in found if (f.subject, f.check) not in accepted)


def check_question(q: Question) -> list[Finding]:
    where = q.source or q.id

    def finding(check: str, severity: Severity, message: str) -> Finding:
        return Finding(where, check, severity, message, q.id)

    out: list[Finding] = []
    options = [unicodedata.normalize("NFKC", o).strip() for o in q.options]
    if q.type in ("single", "multiple"):
        wrong = len(options) - len(set(q.answer))
        if wrong < 2:
            out.append(
                finding(
                    "few_distractors",
                    "error",
                    f"只有 {wrong} 个错误选项：猜对太容易。{'多选' if q.type == 'multiple' else '单选'}题至少要有两个似是而非的干扰项。",
                )
            )
        for i, o in enumerate(options):
            if _ALL_OF_THE_ABOVE.match(o.replace(" ", "")):
                out.append(
                    finding(
                        "all_of_the_above",
                        "error",
                        f"选项{_label(i)}“{o}”：组卷时选项顺序会打乱，“以上……”不再指上面的选项；请改写成具体内容。",
                    )
                )
        out += [finding(*f) for f in _long_option(q, options)]
    seen: dict[str, int] = {}
    for i, o in enumerate(q.options):
        key = normalise_option(o)
        if key and key in seen:
            out.append(
                finding(
                    "duplicate_options",
                    "error",
                    f"选项{_label(i)}与选项{_label(seen[key])}内容相同（忽略标点和空格后）。",
                )
            )
        seen.setdefault(key, i)
    negative = _unemphasised_negative(q.stem)
    if negative:
        out.append(
            finding(
                "negative_stem",
                "warning",
                f"题干含否定词“{negative}”但未加强调，容易看漏；请写成【{negative}】或 **{negative}**。",
            )
        )
    if q.type == "truefalse":
        words = [w for w in _ABSOLUTE_WORDS if w in q.stem]
        if words:
            out.append(
                finding(
                    "absolute_words",
                    "warning",
                    f"判断题含绝对化用语“{'、'.join(words)}”，不看内容也容易猜出对错；请改成具体条件。",
                )
            )
    letter = _NAMES_LETTER.search(unicodedata.normalize("NFKC", q.explanation))
    if letter and q.type != "truefalse":
        out.append(
            finding(
                "explanation_names_letter",
                "error",
                f"解析写了“{letter.group(0).strip()}”：组卷时选项顺序会打乱，字母对不上；请写出选项内容。",
            )
        )
    if not q.basis.strip() and not _REFERENCE.search(q.explanation):
        out.append(
            finding(
                "no_basis",
                "warning",
                "请在“依据”中写明法规或标准及条款（如《安全生产法》第二十八条、GB 30871-2022 5.3），"
                "或在解析中引用。",
            )
        )
    return out


def _label(i: int) -> str:
    return OPTION_LABELS[i] if i < len(OPTION_LABELS) else str(i + 1)


def _unemphasised_negative(stem: str) -> str | None:
    bare = _EMPHASIS.sub("", unicodedata.normalize("NFKC", stem))
    return next((w for w in _NEGATIVES if w in bare), None)


def _long_option(q: Question, options: list[str]) -> list[tuple[str, Severity, str]]:
    if len(options) < 3:
        return []
    lengths = [len(re.sub(r"\s", "", o)) for o in options]
    longest = max(range(len(options)), key=lambda i: (lengths[i], -i))
    median = statistics.median(n for i, n in enumerate(lengths) if i != longest)
    extra = lengths[longest] - median
    if lengths[longest] <= LONG_OPTION_FACTOR * median or extra < LONG_OPTION_MIN_EXTRA:
        return []
    if longest in q.answer:
        return [
            (
                "long_option",
                "warning",
                f"正确答案{_label(longest)}有 {lengths[longest]} 字，其余选项中位 {median:g} 字：最长的就是答案，一眼可猜。",
            )
        ]
    return [
        (
            "long_option",
            "info",
            f"选项{_label(longest)}有 {lengths[longest]} 字，其余选项中位 {median:g} 字：长短悬殊，考生会据此猜题。",
        )
    ]


def key_position(questions: Sequence[Question], *, batch: str = "") -> list[Finding]:
    """Single-choice keys that lean on one position more than chance allows.

    For each position, the number of keys there is tested against a binomial whose p is the mean of
    1/options over the questions that have that position (one-sided, Bonferroni over the positions)."""
    singles = [q for q in questions if q.type == "single" and len(q.answer) == 1 and len(q.options) >= 2]
    if not singles:
        return []
    keys = Counter(q.answer[0] for q in singles)
    positions = max(len(q.options) for q in singles)
    out: list[Finding] = []
    for position in range(positions):
        having = [q for q in singles if len(q.options) > position]
        n, k = len(having), keys[position]
        p = sum(1 / len(q.options) for q in having) / n
        tail = binomial_upper_tail(k, n, p)
        if tail * positions < KEY_POSITION_ALPHA:
            out.append(
                Finding(
                    batch or "题库",
                    "key_position",
                    "error",
                    f"{n} 道单选题中有 {k} 道答案是 {_label(position)}（随机摆放约 {n * p:.0f} 道；"
                    f"这样集中的概率 p={tail:.1g}）：考生会猜 {_label(position)}。请打散答案位置。",
                    batch,
                )
            )
    return out


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), summed in log space so large n does not overflow."""
    if k <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1) + x * log_p + (n - x) * log_q
        for x in range(k, n + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


__all__ = [
    "CHECKS",
    "SEVERITIES",
    "Finding",
    "Severity",
    "binomial_upper_tail",
    "check_items",
    "check_question",
    "key_position",
]
