"""Near-duplicate questions (重复题): groups of questions whose stems and options say the same thing.

Texts are normalised first (full/half width, case, blanks such as "（ ）" and "____", punctuation,
leading numbering and option labels; option order ignored), equal normalised questions group at once,
and the rest are compared with rapidfuzz's Indel ratio, but only pairs that share a rare character
bigram (prefix filtering), so 100,000 questions are not compared all against all. Groups come back
sorted, as tuples of positions in the input, so the same bank always gives the same groups.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz.distance import Indel

from quizbank.model import Question

SIMILARITY = 0.9  # Indel ratio of the normalised texts from which two questions are near-duplicates

_NUMBERING = re.compile(
    r"^\s*(?:第\s*\d+\s*题\s*[.、．:：]?|[（(]\s*\d+\s*[)）]|\d+\s*[.、．:：)）](?!\d))\s*"
)
_OPTION_LABEL = re.compile(r"^\s*[A-Ha-h]\s*[.、．:：)）]\s*")
_KEPT_PUNCTUATION = frozenset("%‰")  # "50%" and "50‰" are different answers
_NUMERIC_JOINERS = frozenset(".:/-")  # "1.5 m", "1:2", "3/4", "GB 3608-2008" keep their meaning


def normalise_text(text: str, *, numbered: bool = True) -> str:
    """Text without blanks, punctuation, whitespace, width or case differences, and (when `numbered`)
    without leading numbering ("12." "12、" "（3）" "第3题")."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if numbered:
        text = _NUMBERING.sub("", text)
    kept: list[str] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        category = unicodedata.category(ch)
        if category[0] == "Z":
            continue
        if category[0] == "P" and ch not in _KEPT_PUNCTUATION:
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not (ch in _NUMERIC_JOINERS and between_digits):
                continue
        kept.append(ch)
    return "".join(kept)


def normalise_option(text: str) -> str:
    return normalise_text(_OPTION_LABEL.sub("", unicodedata.normalize("NFKC", text or "")), numbered=False)


def comparable_parts(q: Question) -> tuple[str, str]:
    """What two questions are compared on: the normalised stem, and the normalised options sorted
    (empty for true/false: those options are the same for every such question)."""
    stem = normalise_text(q.stem)
    if q.type == "truefalse":
        return stem, ""
    return stem, "|".join(sorted(normalise_option(o) for o in q.options))


def _similar(a: tuple[str, str], b: tuple[str, str], similarity: float) -> bool:
    """Stems and options each near-identical: "总质量是指" and "装载质量是指" with the same options
    are different questions, though the texts as a whole are 90 % alike."""
    return all(
        Indel.normalized_similarity(x, y, score_cutoff=similarity) >= similarity
        for x, y in zip(a, b, strict=True)
    )


def duplicate_groups(
    questions: Sequence[Question], similarity: float = SIMILARITY
) -> tuple[tuple[int, ...], ...]:
    """Groups (two or more) of near-identical questions, as ascending positions in `questions`,
    ordered by their first position. Near-identity is transitive here: a≈b and b≈c put a, b, c together."""
    parts = [comparable_parts(q) for q in questions]
    texts = [f"{stem}|{options}" if stem else "" for stem, options in parts]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_of: dict[str, int] = {}
    distinct: list[int] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        if text in first_of:
            join(first_of[text], i)
        else:
            first_of[text] = i
            distinct.append(i)
    for i, j in _candidate_pairs([texts[i] for i in distinct], similarity):
        if _similar(parts[distinct[i]], parts[distinct[j]], similarity):
            join(distinct[i], distinct[j])

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        if texts[i]:
            members[root(i)].append(i)
    return tuple(sorted(tuple(m) for m in members.values() if len(m) > 1))


def duplicate_ids(
    questions: Sequence[Question], similarity: float = SIMILARITY
) -> tuple[tuple[str, ...], ...]:
    """`duplicate_groups` as question ids."""
    return tuple(tuple(questions[i].id for i in group) for group in duplicate_groups(questions, similarity))


def group_of(groups: Iterable[Iterable[str]]) -> Mapping[str, int]:
    """Question id → group number, the mapping `assembly.assemble` takes to draw at most one per group."""
    return {question_id: n for n, group in enumerate(groups) for question_id in group}


def _tokens(text: str) -> list[tuple[str, int]]:
    """Character bigrams, each numbered by its occurrence, so set overlap counts repeated bigrams."""
    seen: Counter[str] = Counter()
    out = []
    for k in range(len(text) - 1):
        gram = text[k : k + 2]
        out.append((gram, seen[gram]))
        seen[gram] += 1
    return out


def _candidate_pairs(texts: Sequence[str], similarity: float) -> list[tuple[int, int]]:
    """Pairs (i < j) of texts whose Indel ratio reaches `similarity` (stem and options each alike make
    the whole text alike, so this is every pair `_similar` can accept).

    Why prefix filtering finds every such pair: if ratio(a, b) ≥ r, the longest common subsequence has
    L = r(|a|+|b|)/2 characters in at most d+1 runs (d = (1-r)(|a|+|b|) edits), so the texts share at
    least L-d-1 bigrams; the ratio also bounds |b| ≥ |a|·r/(2-r). So each text must share at least
    `need` bigrams with any partner, and two such texts share one of their |tokens|-need+1 rarest
    bigrams. Only those are indexed; only texts meeting in the index are compared."""
    token_lists = [_tokens(t) for t in texts]
    frequency: Counter[tuple[str, int]] = Counter(tok for toks in token_lists for tok in set(toks))
    index: dict[tuple[str, int], list[int]] = defaultdict(list)
    shortest = similarity / (2 - similarity)
    found: list[tuple[int, int]] = []
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    for i in order:
        a = texts[i]
        toks = sorted(set(token_lists[i]), key=lambda t: (frequency[t], t))
        n = len(a)
        need = int((1.5 * similarity - 1) * (n + n * shortest) - 1)
        prefix = toks if need <= 0 else toks[: max(len(toks) - need + 1, 1)]
        candidates: set[int] = set()
        for tok in prefix:
            candidates.update(index[tok])
            index[tok].append(i)
        for j in candidates:
            b = texts[j]  # processed earlier, so not longer than a
            if len(b) < n * shortest:
                continue
            if Indel.normalized_similarity(a, b, score_cutoff=similarity) >= similarity:
                found.append((min(i, j), max(i, j)))
    return found


__all__ = [
    "SIMILARITY",
    "comparable_parts",
    "duplicate_groups",
    "duplicate_ids",
    "group_of",
    "normalise_option",
    "normalise_text",
]
