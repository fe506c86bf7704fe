"""Options written in one cell (``**A、…**B、…``, ``A.… B.…``, ``|``- or line-separated) split into a tuple.

The usual delimiters are tried first; when they find fewer options than a reading by the label sequence
A, B, C… (any case, full or half width, any of the usual separators, some missing), that reading wins.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from quizbank.formats.text import LABEL_PUNCT, strip_option_label
from quizbank.model import OPTION_LABELS

_SEPARATORS = ("**", "##", "|", "\n")
_INLINE_LABEL = re.compile(r"(?:^|(?<=\s))([A-H])\s*[.．、)）]")
# What a mistyped label looks like: "**A四次结晶8三次结晶**C…" lost its B to an 8.
_LOOKALIKE = {"B": "8"}


@functools.lru_cache(maxsize=4096)  # option cells repeat: 判断题 "A.正确**B.错误", the same four choices
def split_options(cell: str) -> tuple[str, ...]:
    """One 选项 cell → option texts without labels.

    Options are joined by ``**``, ``##``, ``|`` or new lines (the first of those present wins), or
    written inline as ``A.… B.… C.…``. Empty pieces (``**A…**B…**``) are dropped. When the pieces are
    labelled (the first starts with A), labels decide where an option starts: a piece that does not
    start with the next letter belongs to the option before it (a separator typed inside an option),
    and a label typed as its look-alike (``8`` for B) is recovered.
    """
    text = cell.replace("\r\n", "\n").strip()
    if not text:
        return ()
    for sep in _SEPARATORS:
        if sep in text:
            parts = [p for p in map(str.strip, text.split(sep)) if p]
            break
    else:
        parts = [p for p in _split_inline(text) if p]
    if 1 < len(parts) <= len(OPTION_LABELS) and [p[0] for p in parts] == _LABEL_RUNS[len(parts)]:
        # The usual case: every piece starts with its own label, which goes with the punctuation after it
        # (`strip_option_label(part, part[0], bare=True)`, without a call per piece; the names the walrus
        # binds are the function's, so they must not be `text`).
        options = tuple(
            [
                after_label
                if (behind := part[1:].lstrip())
                and behind[0] in LABEL_PUNCT_CHARS
                and (after_label := behind[1:].strip())
                else part[1:].strip()
                if len(part) > 1
                else part
                for part in parts
            ]
        )
    else:
        options = _labelled_options([_fold_label(p) for p in parts])
    n = len(options)
    if n < len(OPTION_LABELS) and not _NEXT_LETTERS[n].isdisjoint(text) and _NEXT_LABEL[n].search(text):
        sequence = _by_label_sequence(text)  # a label after the last option read: another reading?
        if len(sequence) > len(options):
            return sequence
    return options


def _labelled_options(parts: list[str]) -> tuple[str, ...]:
    bare = False
    if len(parts) > 1 and parts[0][0] == "A":
        labelled = _by_labels(parts)
        if len(labelled) > 1:  # otherwise the A was text ("ABS系统|EBD系统")
            parts, bare = labelled, True
    return tuple(
        strip_option_label(p, OPTION_LABELS[i] if i < len(OPTION_LABELS) else None, bare=bare)
        for i, p in enumerate(parts)
    )


LABEL_PUNCT_CHARS = frozenset(".．、:：)）")
_LABEL_RUNS = [list(OPTION_LABELS[:n]) for n in range(len(OPTION_LABELS) + 1)]

# A label of the sequence A, B, C… in any case and width, with the punctuation after it if any.
_SEQUENCE_LABEL = re.compile(r"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])([A-Ha-hＡ-Ｈａ-ｈ])[ \t]*([.．、,，:：)）]?)")
_DELIMITERS = " \t\n*#|"


def _full_width(letter: str) -> str:
    return chr(ord(letter) + 0xFEE0)


# For each count of options read, the label that would come next, as `_SEQUENCE_LABEL` finds it.
_NEXT_LABEL = [
    re.compile(rf"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])[{x}{x.lower()}{_full_width(x)}{_full_width(x.lower())}]")
    for x in OPTION_LABELS
]
_NEXT_LETTERS = [frozenset((x, x.lower(), _full_width(x), _full_width(x.lower()))) for x in OPTION_LABELS]


def _by_label_sequence(text: str) -> tuple[str, ...]:
    """The options a reader sees by following the labels A, B, C… in order, whatever separates them.

    ``**A、甲**B、乙 C、丙D、丁`` and ``**a、甲b、乙c,丙`` hold four and three options. A label is a
    letter followed by punctuation, or an upper-case letter standing after a delimiter (``**B乙``).
    Where both a delimited and a glued label could be the next one, the delimited one wins
    (``A.维生素B、C B.钙``). Empty tuple when no such reading of two or more options exists.
    """
    labels = []
    for m in _SEQUENCE_LABEL.finditer(text):
        letter = unicodedata.normalize("NFKC", m.group(1))
        start = m.start(1)
        delimited = start == 0 or text[start - 1] in _DELIMITERS
        if m.group(2) or (delimited and letter.isupper() and not text[m.end() : m.end() + 1].isascii()):
            labels.append((OPTION_LABELS.index(letter.upper()), start, m.end(), delimited))
    if not labels or labels[0][0] != 0 or text[: labels[0][1]].strip(_DELIMITERS):
        return ()
    chain = [labels[0]]
    for index in range(1, len(OPTION_LABELS)):
        after = chain[-1][2] + 1  # an option holds at least one character
        candidates = [x for x in labels if x[0] == index and x[1] >= after]
        if not candidates:
            break
        chain.append(next((x for x in candidates if x[3]), candidates[0]))
    ends = [x[1] for x in chain[1:]] + [len(text)]
    pieces = (
        text[x[2] : end].strip(_DELIMITERS + "；;").rstrip("(（") for x, end in zip(chain, ends, strict=True)
    )
    options = tuple(p.strip() for p in pieces)
    return options if len(options) > 1 and all(options) else ()


def _label_quality(part: str) -> int:
    """2 when a label is followed by its text (``C丁烷``, ``C.2``), 1 when it may be text (``C3H3``)."""
    rest = part[1:2]
    return 1 if rest.isascii() and rest.isalnum() else 2


def _by_labels(parts: list[str]) -> list[str]:
    options = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        expected = OPTION_LABELS[len(options)] if len(options) < len(OPTION_LABELS) else None
        if expected and part[0] == expected:
            # A later piece with the same label that reads more like one wins ("C3H3）" vs "C丁烷").
            later = next((p for p in parts[i + 1 :] if p[0] in (expected, _next(expected))), None)
            if not (later and later[0] == expected and _label_quality(later) > _label_quality(part)):
                options.append(part)
                continue
        elif expected and part[0] == _next(expected):
            # The label before this piece lost its separator ("A.运行时B．停机时") or was mistyped.
            at = _missing_label(options[-1], expected)
            if at:
                options[-1:] = [options[-1][:at], expected + options[-1][at + 1 :]]
                options.append(part)
                continue
        options[-1] += part
    return options


def _missing_label(option: str, label: str) -> int:
    """Where `label` (or its look-alike) starts an option inside `option`; 0 when it does not."""
    m = _GLUED_LABEL[label].search(option[2:])
    if m:
        return m.start(1) + 2
    lookalike = _LOOKALIKE.get(label)
    if lookalike and lookalike in option[2:]:
        return option.rindex(lookalike)
    return 0


_GLUED_LABEL = {x: re.compile(rf"(?<=\S)\s*({x}\s*{LABEL_PUNCT})") for x in OPTION_LABELS}


def _fold_label(part: str) -> str:
    """Ｂ．表压力 → B．表压力: a full-width label letter read as its ASCII letter."""
    first = unicodedata.normalize("NFKC", part[0])
    return first + part[1:] if len(first) == 1 and first in OPTION_LABELS else part


def _next(letter: str) -> str:
    index = OPTION_LABELS.index(letter) + 1
    return OPTION_LABELS[index] if index < len(OPTION_LABELS) else ""


def _split_inline(text: str) -> list[str]:
    """``A.对 B.错`` → [``A.对``, ``B.错``]: split where the next expected label stands."""
    starts = []
    expected = 0
    for m in _INLINE_LABEL.finditer(text):
        if expected < len(OPTION_LABELS) and m.group(1) == OPTION_LABELS[expected]:
            if expected == 0 and m.start() != 0:
                break
            starts.append(m.start())
            expected += 1
    if len(starts) < 2:
        return [text]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
