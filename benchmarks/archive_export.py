"""A department's 一人一档 as one zip (PDF + Excel per person, streamed person by person) for 500 people,
against the floor: the bare queries the archives rest on (each person's events, sessions, attempts and
posts, one person at a time as the export loads them).

Figures: median seconds and per-person milliseconds of the zip and of the floor, their ratio, the zip's
size, and the peak Python memory (tracemalloc) of each — the zip's peak must stay near one person's
files, not grow with the department. Prints ONE JSON line.

    .venv/bin/python benchmarks/archive_export.py [--people 500] [--runs 1]

Last measured (2-core machine shared with other jobs, SQLite): 500 people in 65.9 s (132 ms a person:
reportlab ~50 %, openpyxl ~40 %), zip 27.4 MB, peak Python memory 19.7 MiB (14.4 MiB at 50 people,
18.0 at 100: what grows is the zip's central directory, ~0.4 KiB a person); the bare queries 0.42 s
(peak 0.2 MiB) — ratio 159×, the rendering of two documents per person.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _people import NOW, TODAY, measure, seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    from sqlalchemy import select

    from webapp import create_app
    from webapp.exams.models import Attempt
    from webapp.infra.db import database
    from webapp.org.models import PersonPost, Post
    from webapp.records import files
    from webapp.records.service import department_people, iter_archives
    from webapp.standing.models import Event
    from webapp.training.models import TrainingSession

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "INSTANCE_PATH": tmp, "CLOCK": lambda: NOW,
                          "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}"})  # fmt: skip
        seed(app, args.people, random.Random(7))
        db = database(app)
        with app.app_context(), db.sessionmaker() as s:
            ids = department_people(s, 1, 1)

            def bare() -> None:
                for pid in ids:
                    rows = s.scalars(
                        select(Event).where(Event.person_id == pid).order_by(Event.occurred_on, Event.id)
                    ).all()
                    s.execute(
                        select(Post, PersonPost.since).join(PersonPost).where(PersonPost.person_id == pid)
                    ).all()
                    s.scalars(select(TrainingSession).where(TrainingSession.id.in_([1, 2, 3, 4]))).all()
                    s.scalars(select(Attempt).where(Attempt.person_id == pid)).all()
                    del rows
                s.expunge_all()

            size = 0

            def export() -> None:
                nonlocal size
                size = sum(len(chunk) for chunk in files.zip_stream(iter_archives(s, ids, TODAY)))

            floor_s, floor_kib = measure(bare, args.runs)
            zip_s, zip_kib = measure(export, args.runs)
        db.dispose()
    print(json.dumps({
        "benchmark": "archive_export", "database": "sqlite", "people": len(ids), "runs": args.runs,
        "median_s_zip_pdf_xlsx": round(zip_s, 2), "ms_per_person": round(1000 * zip_s / len(ids), 1),
        "zip_bytes": size, "peak_kib_zip": round(zip_kib, 1),
        "anchor": "bare queries per person (events, posts, sessions, attempts)",
        "anchor_median_s": round(floor_s, 3), "anchor_peak_kib": round(floor_kib, 1),
        "ratio_zip_to_anchor": round(zip_s / floor_s, 1) if floor_s else None,
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
