"""Near-duplicate grouping over a 100,000-question synthetic bank, against a bare exact-match baseline.

The bank is built from the fragments of the built-in sets' stems and options (so common bigrams are as
common as in real banks); 5 % of it are copies of other questions with a "（ ）" blank, numbering, option
order changed and sometimes one character changed or added. Figures: time and peak memory (tracemalloc,
separate run) of `duplicate_groups`, and of the baseline (a dict keyed by the normalised stem and the
sorted normalised options, which finds only exact copies); how many planted copies each finds.
Prints ONE JSON line.

    .venv/bin/python benchmarks/duplicate_groups.py [--bank 100000] [--copies 0.05]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import tracemalloc

from rapidfuzz.distance import Indel

from quizbank.duplicates import (
    SIMILARITY,
    comparable_parts,
    duplicate_groups,
    normalise_option,
    normalise_text,
)
from quizbank.model import TRUE_FALSE_OPTIONS, Question
from quizbank.plugins import discover

_SPLIT = re.compile(r"[，。、？；：,.?;:（）()\s]+")


def fragments() -> tuple[list[str], list[str]]:
    stems, options = set(), set()
    for qs in discover().sets:
        for q in qs.questions:
            stems.update(f for f in _SPLIT.split(q.stem) if len(f) >= 2)
            if q.type != "truefalse":
                options.update(o for o in q.options if 1 <= len(o) <= 30)
    return sorted(stems), sorted(options)


def synthetic_bank(
    size: int, copy_share: float, rng: random.Random
) -> tuple[list[Question], list[tuple[int, int]]]:
    stem_parts, option_pool = fragments()
    originals = int(size * (1 - copy_share))
    bank: list[Question] = []
    for n in range(originals):
        stem = "，".join(rng.sample(stem_parts, rng.randint(2, 4))) + "？"
        if n % 3 == 0:
            bank.append(Question(f"q{n}", "truefalse", stem.rstrip("？") + "。", TRUE_FALSE_OPTIONS, (0,)))
        else:
            bank.append(Question(f"q{n}", "single", stem, tuple(rng.sample(option_pool, 4)), (0,)))
    planted: list[tuple[int, int]] = []
    for n in range(originals, size):
        k = rng.randrange(originals)
        q = bank[k]
        stem = q.stem.rstrip("？。") + rng.choice(["（ ）。", "(  )", "：", "？"])
        if rng.random() < 0.5:
            stem = f"{rng.randint(1, 999)}、{stem}"
        if rng.random() < 0.3:  # one character changed or added
            chars = list(stem)
            chars.insert(rng.randrange(len(chars)), rng.choice("的是和应"))
            stem = "".join(chars)
        options = q.options if q.type == "truefalse" else tuple(rng.sample(q.options, len(q.options)))
        bank.append(Question(f"c{n}", q.type, stem, options, (options.index(q.options[0]),)))
        planted.append((k, n))
    return bank, planted


def exact_groups(bank: list[Question]) -> list[list[int]]:
    """The bare baseline: hash the normalised stem and sorted normalised options."""
    groups: dict[tuple, list[int]] = {}
    for i, q in enumerate(bank):
        key = (normalise_text(q.stem), tuple(sorted(normalise_option(o) for o in q.options)))
        groups.setdefault(key, []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def within_threshold(bank, planted) -> int:
    """Planted copies still near-identical by the rule (a character added to a short stem may not be)."""
    parts = [comparable_parts(q) for q in bank]
    return sum(
        all(Indel.normalized_similarity(x, y) >= SIMILARITY for x, y in zip(parts[a], parts[b], strict=True))
        for a, b in planted
    )


def found(groups, planted) -> int:
    where = {i: n for n, g in enumerate(groups) for i in g}
    return sum(1 for a, b in planted if a in where and where.get(a) == where.get(b))


def timed(fn, bank):
    start = time.perf_counter()
    result = fn(bank)
    return result, time.perf_counter() - start


def peak_kib(fn, bank) -> float:
    tracemalloc.start()
    fn(bank)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.05)
    args = parser.parse_args()

    bank, planted = synthetic_bank(args.bank, args.copies, random.Random(0))
    baseline, baseline_s = timed(exact_groups, bank)
    groups, groups_s = timed(duplicate_groups, bank)
    print(
        json.dumps(
            {
                "benchmark": "duplicate_groups",
                "bank_questions": len(bank),
                "planted_copies": len(planted),
                "seconds": round(groups_s, 2),
                "peak_mib": round(peak_kib(duplicate_groups, bank) / 1024, 1),
                "groups": len(groups),
                "planted_near_identical": within_threshold(bank, planted),
                "planted_found": found(groups, planted),
                "anchor": "dict of normalised stem + sorted normalised options (exact copies only)",
                "anchor_seconds": round(baseline_s, 2),
                "anchor_peak_mib": round(peak_kib(exact_groups, bank) / 1024, 1),
                "anchor_groups": len(baseline),
                "anchor_planted_found": found(baseline, planted),
                "ratio_to_anchor_time": round(groups_s / baseline_s, 1) if baseline_s else None,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
