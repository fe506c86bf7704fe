"""Near-duplicate questions (重复题): groups of questions whose stems and options say the same thing.

Texts are normalised first (full/half width, case, blanks such as "（ ）" and "____", punctuation,
leading numbering and option labels; option order ignored), equal normalised questions group at once,
and the rest are near-duplicates when the stems and the sorted options each reach an Indel ratio of 0.9
(rapidfuzz). Only pairs sharing a rare character bigram in their stems and in their options are compared
(prefix filtering), so 100,000 questions are not compared all against all. Groups come back sorted, as
tuples of positions in the input, so the same bank always gives the same groups."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Indel

from quizbank.model import Question

SIMILARITY = 0.9  # Indel ratio of the normalised texts from which two questions are near-duplicates

_NUMBERING = re.compile(
    r"^\s*(?:第\s*\d+\s*题\s*[.、．:：]?|[（(]\s*\d+\s*[)）]|\d+\s*[.、．:：)）](?!\d))\s*"
)
_OPTION_LABEL = re.compile(r"^\s*[A-Ha-h]\s*[.、．:：)）]\s*")
_KEPT_PUNCTUATION = "%‰"  # "50%" and "50‰" are different answers
_NUMERIC_JOINERS = ".:/-"  # "1.5 m", "1:2", "3/4", "GB 3608-2008" keep their meaning between digits
_JOINED = re.compile(r"(?<=\d)[.:/-](?=\d)")
_PROTECT = str.maketrans(_NUMERIC_JOINERS, "\ue000\ue001\ue002\ue003")
_RESTORE = str.maketrans("\ue000\ue001\ue002\ue003", _NUMERIC_JOINERS)


@functools.cache
def _dropped() -> dict[int, None]:
    """str.translate table deleting whitespace, separators and punctuation (but % and ‰)."""
    table: dict[int, None] = {}
    for cp in range(0x10000):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if ch.isspace() or category[0] == "Z" or (category[0] == "P" and ch not in _KEPT_PUNCTUATION):
            table[cp] = None
    return table


def normalise_text(text: str, *, numbered: bool = True) -> str:
    """Text without blanks, punctuation, whitespace, width or case differences, and (when `numbered`)
    without leading numbering ("12." "12、" "（3）" "第3题")."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if numbered:
        text = _NUMBERING.sub("", text)
    text = _JOINED.sub(lambda m: m.group().translate(_PROTECT), text)
    return text.translate(_dropped()).translate(_RESTORE)


def normalise_option(text: str) -> str:
    return normalise_text(_OPTION_LABEL.sub("", unicodedata.normalize("NFKC", text or "")), numbered=False)


def comparable_parts(q: Question) -> tuple[str, str]:
    """What two questions are compared on: the normalised stem, and the normalised options sorted
    (empty for true/false: those options are the same for every such question)."""
    stem = normalise_text(q.stem)
    if q.type == "truefalse":
        return stem, ""
    return stem, "|".join(sorted(normalise_option(o) for o in q.options))


def duplicate_groups(
    questions: Sequence[Question], similarity: float = SIMILARITY
) -> tuple[tuple[int, ...], ...]:
    """Groups (two or more) of near-identical questions, as ascending positions in `questions`,
    ordered by their first position. Near-identity is transitive here: a≈b and b≈c put a, b, c together."""
    parts = [comparable_parts(q) for q in questions]
    texts = [f"{stem}|{options}" if stem else "" for stem, options in parts]  # "" for an empty stem
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
    # True/false questions (no options to compare) and choice questions never match each other.
    for kind in (False, True):
        these = [i for i in distinct if bool(parts[i][1]) == kind]
        fields = [parts[i] if kind else parts[i][:1] for i in these]
        for i, j in _similar_pairs(fields, similarity):
            join(these[i], these[j])

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


def _tokens(text: str) -> set[str]:
    """Character bigrams, a repeated one numbered by its occurrence ("安全", "安全\x01"), so the overlap
    of two token sets counts a repeated bigram as often as both texts hold it."""
    if len(text) < 2:  # no bigram: such a text is near-identical only to itself
        return {"\x00" + text}
    grams = [text[k : k + 2] for k in range(len(text) - 1)]
    tokens = set(grams)
    if len(tokens) == len(grams):  # no bigram repeats: the usual case
        return tokens
    seen: dict[str, int] = {}
    tokens = set()
    for g in grams:
        occurrence = seen.get(g, 0)
        seen[g] = occurrence + 1
        tokens.add(g + chr(occurrence) if occurrence else g)
    return tokens


def _similar_pairs(records: Sequence[tuple[str, ...]], similarity: float) -> list[tuple[int, int]]:
    """Pairs (i < j) of records whose every field (stem, options) has an Indel ratio ≥ `similarity`.

    Why prefix filtering finds every such pair: if ratio(a, b) ≥ r, the longest common subsequence has
    L = r(|a|+|b|)/2 characters in at most d+1 runs (d = (1-r)(|a|+|b|) edits), so the texts share at
    least L-d-1 bigrams; the ratio also bounds |b| ≥ |a|·r/(2-r). So a field must share at least
    `need` bigrams with its partner's, and the two share one of their |tokens|-need+1 rarest bigrams.
    Only those are indexed, per field; only records meeting in the index of every field are compared."""
    if not records:
        return []
    width = len(records[0])
    ranks = []
    for f in range(width):
        frequency: Counter[str] = Counter()
        for r in records:
            frequency.update(_tokens(r[f]))
        # The global order: rarest first, ties by token, as one rank per token.
        ranks.append(
            {tok: n for n, tok in enumerate(sorted(frequency, key=lambda t, c=frequency: (c[t], t)))}
        )
    indexes: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(width)]
    shortest = similarity / (2 - similarity)
    found: list[tuple[int, int]] = []
    # Shortest stems first: a posting too short for this stem is too short for every later one.
    for i in sorted(range(len(records)), key=lambda i: (len(records[i][0]), i)):
        candidates: set[int] | None = None
        for f in range(width):
            text = records[i][f]
            field_candidates = _probe(text, i, indexes[f], ranks[f], shortest, similarity, records, f == 0)
            candidates = field_candidates if candidates is None else candidates & field_candidates
        if not candidates:
            continue
        others = sorted(candidates)
        stem = records[i][0]
        for _, _, k in process.extract(
            stem,
            [records[j][0] for j in others],
            scorer=Indel.normalized_similarity,
            score_cutoff=similarity,
            limit=None,
        ):
            j = others[k]
            if all(
                Indel.normalized_similarity(records[i][f], records[j][f], score_cutoff=similarity)
                >= similarity
                for f in range(1, width)
            ):
                found.append((min(i, j), max(i, j)))
    return found


def _probe(
    text: str,
    i: int,
    index: dict[str, list[int]],
    rank: dict[str, int],
    shortest: float,
    similarity: float,
    records: Sequence[tuple[str, ...]],
    prune: bool,
) -> set[int]:
    """Records already indexed that share a prefix token with `text`; then index record `i` under it."""
    tokens = sorted(_tokens(text), key=rank.__getitem__)
    n = len(text)
    need = int((1.5 * similarity - 1) * (n + n * shortest) - 1)
    prefix = tokens if need <= 0 else tokens[: max(len(tokens) - need + 1, 1)]
    too_short = n * shortest
    candidates: set[int] = set()
    for tok in prefix:
        postings = index[tok]
        if prune:
            drop = 0
            while drop < len(postings) and len(records[postings[drop]][0]) < too_short:
                drop += 1
            if drop:
                del postings[:drop]
        candidates.update(postings)
        postings.append(i)
    return candidates


__all__ = [
    "SIMILARITY",
    "comparable_parts",
    "duplicate_groups",
    "duplicate_ids",
    "group_of",
    "normalise_option",
    "normalise_text",
]
