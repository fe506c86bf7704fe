"""The regulator's overview (辖区总览) over a jurisdiction of 200 enterprises × 50,000 workers on PostgreSQL:
the overview's queries, the ranking, and its Excel export, against the floor — the bare aggregate SQL over
the same rows (one GROUP BY organisation per table the overview reads: people, attempts, findings, events,
special certificates; no joins, no anti-joins, no Python).

Seeds a schema of its own with the generator the tests check the figures against
(tests/webapp/jurisdiction_builders.py: people on three posts, ~1.4 exams per person over 400 days, 三违,
suspensions and reinstatements, special certificates). Figures: median time of the floor, of the overview's
queries (service.overview), of overview + ranking + xlsx, and of the page as regulator staff get it over
HTTP (test client); peak Python memory (tracemalloc) of overview + xlsx; the statements the overview sends.
Prints ONE JSON line (--explain: each statement's PostgreSQL plan to stderr).

Indexes: the overview reads most rows of a jurisdiction's attempts, events and findings, so those are
sequential scans by design (an index on organisation_id would not be used for 200 of 200 enterprises); it
uses ix_people_organisation_id, ix_special_certificates_expires_on/_review_due, ix_attempts_person_id (the
make-up anti-join) and, for the scoping itself, ix_jurisdictions_regulator and
ix_inspector_grants_organisation_id (migration 0009).

    QUIZBANK_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/jurisdiction_overview.py [--enterprises 200] [--workers 250] [--runs 5]
(without the variable it runs on a temporary SQLite file)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2025, 3, 3)


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


BARE = {  # the floor: one bare GROUP BY per table, same rows, same period
    "people": "SELECT organisation_id, count(*) FROM people WHERE active GROUP BY organisation_id",
    "attempts": "SELECT organisation_id, count(*), sum(CASE WHEN passed THEN 1 ELSE 0 END) FROM attempts "
    "WHERE submitted_at >= :start AND kind <> 'practice' GROUP BY organisation_id",
    "findings": "SELECT organisation_id, count(*) FROM inspection_findings WHERE recorded_at >= :start "
    "GROUP BY organisation_id",
    "events": "SELECT organisation_id, count(*) FROM events WHERE kind IN ('violation_recorded', "
    "'certificate_suspended', 'certificate_reinstated') GROUP BY organisation_id",
    "specials": "SELECT organisation_id, count(*) FROM special_certificates WHERE expires_on <= :horizon "
    "OR review_due <= :horizon GROUP BY organisation_id",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=200)
    ap.add_argument("--workers", type=int, default=250)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--explain", action="store_true", help="print each statement's plan to stderr")
    args = ap.parse_args()

    from tests.webapp.base_builders import Client, make_user
    from tests.webapp.jurisdiction_builders import generate
    from tests.webapp.platform_builders import make_regulator
    from webapp import create_app
    from webapp.infra.db import database, transaction
    from webapp.infra.migrate import upgrade
    from webapp.oversight import export, service
    from webapp.oversight.ranking import rank

    url = os.environ.get("QUIZBANK_BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    config = {"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": tmp.name,
              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
              "CLOCK": lambda: datetime(2025, 3, 3, 2, 0, tzinfo=UTC)}  # fmt: skip
    if url:
        admin = create_engine(url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        config |= {"DATABASE_URL": url,
                   "DATABASE_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}  # fmt: skip
    else:
        config["DATABASE_URL"] = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    try:
        app = create_app(config)
        upgrade(app)
        t0 = time.perf_counter()
        with app.app_context(), transaction(app) as s:
            regulator = make_regulator(s, "基准应急管理局")
            make_user(s, regulator, "bench-staff", ("regulator",))
            gen = generate(s, regulator, args.enterprises, args.workers, TODAY)
        seeded = time.perf_counter() - t0
        engine = database(app).engine
        with engine.begin() as c:  # this schema's tables only (other databases' catalogs are not ours)
            for table in ("people", "person_posts", "attempts", "events", "inspection_findings",
                          "special_certificates", "inspections", "jurisdictions", "question_sets"):  # fmt: skip
                c.execute(text(f"ANALYZE {table}"))
        ids = gen.enterprises
        period = service.Period(date(2025, 1, 1), TODAY)
        params = {"start": datetime(2024, 12, 31, 16, 0), "horizon": date(2025, 6, 1)}

        def bare():
            with engine.connect() as c:
                for sql in BARE.values():
                    c.execute(text(sql), params).all()

        statements = []

        def count(*_a, **_k):
            statements.append(1)

        def queries():
            with app.app_context(), transaction(app) as s:
                return service.overview(s, ids, period, TODAY)

        def with_xlsx():
            with app.app_context(), transaction(app) as s:
                figures = service.overview(s, ids, period, TODAY)
                return export.to_xlsx(figures, rank(figures), period, "基准应急管理局")

        client = app.test_client()
        client.__class__ = Client
        client.sign_in("bench-staff")

        def page():
            r = client.get("/oversight/")
            assert r.status_code == 200, r.status_code

        def each_query() -> dict[str, float]:
            """Median time of each of the overview's statements (what an index would have to speed up)."""
            with app.app_context(), transaction(app) as s:
                statements = {
                    "workers": service.workers(s, ids), "exams": service.exams(s, ids, period),
                    "violations": service.violations(s, ids, period), "barred": service.barred(s, ids, TODAY),
                    "makeups_overdue": service.makeups_overdue(s, ids, TODAY),
                    "certs_expiring": service.certs_expiring(s, ids, TODAY),
                    "open_inspections": service.open_inspections(s, ids),
                    "posts_with_people": service.posts_with_people(s, ids),
                }  # fmt: skip
                if args.explain and url:
                    for name, q in statements.items():
                        sql = str(
                            q.compile(dialect=s.get_bind().dialect, compile_kwargs={"literal_binds": True})
                        )
                        plan = s.execute(text("EXPLAIN ANALYZE " + sql)).scalars().all()
                        print(f"--- {name}", *plan, sep="\n", file=sys.stderr)
                return {
                    name: round(median_seconds(lambda q=q: s.execute(q).all(), args.runs), 4)
                    for name, q in statements.items()
                }

        bare()
        per_query = each_query()
        event.listen(engine, "before_cursor_execute", count)
        figures = queries()
        event.remove(engine, "before_cursor_execute", count)
        assert len(figures) == args.enterprises
        floor = median_seconds(bare, args.runs)
        overview_s = median_seconds(queries, args.runs)
        xlsx_s = median_seconds(with_xlsx, args.runs)
        page_s = median_seconds(page, args.runs)
        tracemalloc.start()
        data = with_xlsx()
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(json.dumps({
            "benchmark": "jurisdiction_overview",
            "database": engine.dialect.name,
            "enterprises": args.enterprises,
            "workers": len(gen.people),
            "attempts": len(gen.attempts),
            "events": len(gen.events),
            "findings": len(gen.findings),
            "seed_s": round(seeded, 1),
            "floor_bare_sql_s": round(floor, 4),
            "overview_queries_s": round(overview_s, 4),
            "overview_statements": len(statements),
            "overview_plus_xlsx_s": round(xlsx_s, 4),
            "page_http_s": round(page_s, 4),
            "xlsx_bytes": len(data),
            "xlsx_peak_mib": round(peak / 2**20, 1),
            "ratio_queries_to_floor": round(overview_s / floor, 2),
            "ratio_xlsx_to_floor": round(xlsx_s / floor, 2),
            "per_query_s": per_query,
        }, ensure_ascii=False))  # fmt: skip
    finally:
        if url:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        tmp.cleanup()


if __name__ == "__main__":
    main()
