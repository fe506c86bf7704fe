"""Assembling a 100-question paper from a 100,000-question synthetic bank.

Figures: median time per paper (indexing the bank included, and with an index built once), peak memory
of one assembly (tracemalloc), against the floor: `random.sample` of 100 ids from the bank's ids.
Prints ONE JSON line.

    .venv/bin/python benchmarks/assemble_paper.py [--bank 100000] [--runs 31]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import tracemalloc

from quizbank.assembly import assemble_seeded, index_bank
from quizbank.model import TRUE_FALSE_OPTIONS, Blueprint, Cell, Question, TagRequirement

TYPES = ("truefalse", "single", "multiple")
PARTS = ("general", "professional")
TAG = "重大事故隐患"


def synthetic_bank(size: int, rng: random.Random) -> list[Question]:
    bank = []
    for n in range(size):
        qtype = TYPES[n % 3]
        part = PARTS[(n // 3) % 2]
        if qtype == "truefalse":
            options, answer = TRUE_FALSE_OPTIONS, (rng.randrange(2),)
        elif qtype == "single":
            options, answer = tuple(f"选项{n}-{i}" for i in range(4)), (rng.randrange(4),)
        else:
            options, answer = tuple(f"选项{n}-{i}" for i in range(5)), tuple(sorted(rng.sample(range(5), 3)))
        bank.append(
            Question(
                id=f"q{n:06d}",
                type=qtype,
                stem=f"第 {n} 题题干",
                options=options,
                answer=answer,
                difficulty=1 + n % 5,
                tags=(TAG,) if n % 50 == 0 else (),
                section=f"sec-{n % 40}",
                part=part,
            )
        )
    return bank


BLUEPRINT = Blueprint(
    kind="qualification",
    title="100-question benchmark paper",
    cells=(
        Cell("truefalse", "general", 15),
        Cell("single", "general", 15),
        Cell("multiple", "general", 10),
        Cell("truefalse", "professional", 20),
        Cell("single", "professional", 20, (2, 3, 4)),
        Cell("multiple", "professional", 20),
    ),
    points={"truefalse": 1.0, "single": 1.0, "multiple": 1.0},
    required_tags=(TagRequirement(TAG, 5),),
)


def median_seconds(fn, runs: int) -> float:
    times = []
    for seed in range(runs):
        start = time.perf_counter()
        fn(seed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()

    bank = synthetic_bank(args.bank, random.Random(0))
    ids = [q.id for q in bank]
    assert BLUEPRINT.question_count == 100

    floor = median_seconds(lambda seed: random.Random(seed).sample(ids, 100), args.runs)
    with_indexing = median_seconds(lambda seed: assemble_seeded(bank, BLUEPRINT, seed), args.runs)
    start = time.perf_counter()
    index = index_bank(bank)
    index_seconds = time.perf_counter() - start
    from_index = median_seconds(lambda seed: assemble_seeded(index, BLUEPRINT, seed), args.runs)

    tracemalloc.start()
    assemble_seeded(bank, BLUEPRINT, 12345)
    _, peak_with_indexing = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    assemble_seeded(index, BLUEPRINT, 12345)
    _, peak_from_index = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        json.dumps(
            {
                "benchmark": "assemble_paper",
                "bank_questions": len(bank),
                "paper_questions": BLUEPRINT.question_count,
                "runs": args.runs,
                "median_ms_per_paper_including_indexing": round(with_indexing * 1000, 3),
                "median_ms_per_paper_from_prebuilt_index": round(from_index * 1000, 3),
                "index_build_ms": round(index_seconds * 1000, 3),
                "peak_kib_including_indexing": round(peak_with_indexing / 1024, 1),
                "peak_kib_from_prebuilt_index": round(peak_from_index / 1024, 1),
                "anchor": "random.sample(ids, 100)",
                "anchor_median_ms": round(floor * 1000, 4),
                "ratio_to_anchor_from_index": round(from_index / floor, 1) if floor else None,
                "target": "well under 1000 ms per paper",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
