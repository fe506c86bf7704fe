"""`quizbank import` of a 100,000-question workbook, dry run and commit, against the bare calamine read.

Writes a synthetic workbook in the Chinese template (openpyxl write-only, in a temp dir), then runs
`--repeat` rounds; each round runs, in its own process (interpreter start-up included on both sides) and
in an order that rotates from round to round:
- the floor: a script that opens the file with calamine and iterates every row, nothing else;
- the dry run: `python -m quizbank import FILE --dry-run --json` with its output sent to /dev/null;
- the commit: `python -m quizbank import FILE` into a fresh copy of a migrated SQLite database holding
  one organisation (QUIZBANK_HOME in the temp dir); the benchmark checks every row was written.
Each child's wall time, CPU time (user + system) and peak RSS come from `os.wait4`. `ratio` and
`commit_ratio` are the median over the rounds of wall ÷ the same round's floor (the `cpu_` ones CPU ÷
CPU); `best_ratio`/`best_commit_ratio` divide the fastest runs. The host's speed drifts by a third over a
minute (other tenants), so a round's ratio, taken within seconds, is the steadier figure. `--compare`
also times openpyxl read-only in-process. Goal (issue 13): dry run ≤ 2×, commit ≤ 4×, peak RSS < 300 MB.

Where the time goes (py-spy of the dry run, 2026-12-07, before the parts): calamine's parse ~31% and its rows
~7% (the floor); per row ~11 us of Python at idle: the row reader (building the Question, splitting options
seen once, the cells' checks) ~30%, stem numbering ~6%, the --json text ~8%, `finish`'s repeat check ~4%
(hashing every stem the first time), imports ~3%.

What was done, in order (each checked by differential runs of thousands of random tricky tables and the
corpus: old and new code give the same questions, problems, --json text and summary):
- one compiled pattern instead of one per row (28x → 3x), the --json text written 1,000 questions at a time;
- option cells split once per distinct text, repeated number cells cleaned once, the Question built
  positionally (`model.new_question`: object.__setattr__ in field order, which keeps the key-shared
  instance dict; filling __dict__ directly is quicker but costs +64 bytes a question and slower reads);
- one reader per column layout (`table_rows.row_reader`) keeping its verdict on repeated type/options/
  answer and 难度/知识点/章节 cells; the usual stem numbering told by one regex match;
- a dry run computes no content ids (nothing it prints holds one);
- the commit imports only the bank's service and tables (no Flask app, no alembic: `at_head` reads the
  revision files), in a thread that overlaps the parse (calamine releases the GIL), and SQLite's page
  cache is raised while it writes;
- a long sheet read in parts (`quizbank/formats/xlsx_parts.py`): cut at row starts into ~4 MB parts, each
  parsed by calamine in a thread while the rows of the part before are read, so the parse (0.9 s here)
  overlaps the Python instead of coming first. Wall time fell by a quarter (dry run 2.13x → 1.63x, commit
  3.57x → 3.11x on the same host the same morning); CPU rose (2.1x → 2.4x: unpacking the parts in Python,
  their workbooks, and the GIL handed to and fro), and so do the instructions callgrind counts.
Tried and not kept (2026-12-07, measured on this machine):
- a compiled row reader with mypyc (table_rows, table, text, options, columns): read_tables 1.16-1.40 →
  1.02-1.16 s for 100,000 rows, ~15%: the time is in building objects and C calls, not in the bytecode;
  not worth a C build step (and mypyc changed behaviour: a generator passed to islice was read eagerly);
- reading a long sheet in two processes (fork after the parse, the second half's questions sent back with
  marshal and rebuilt): 2.80-3.07 s against 2.62-2.86 s in one process. The child must replay the first
  half's numbering, rebuilding 45,000 questions costs ~0.2 s, and two busy cores each run ~25% slower here;
- a set instead of the dict in `finish`'s repeat check: the same 0.18 s (the cost is hashing each stem);
- parts at Python's default thread switch interval (5 ms): the worker waits up to 5 ms for the GIL each
  time it needs it and falls behind (2.1-2.3 s against 1.3-1.5 s at 0.2 ms, in a synthetic run);
- parts of a workbook whose text is in a shared-strings table: each part parses the table again, and the
  sheet itself parses quickly (its cells are numbers): 2.0 s against 1.8 s whole. Such a workbook (more
  than 1 MB of shared strings) is read whole.

Run: .venv/bin/python benchmarks/import_workbook.py [--rows N] [--repeat N] [--strings inline|shared]
     [--instructions] [--compare]
Prints ONE JSON line. `--strings shared` writes the workbook as Excel and WPS save one (each text once, in
a shared-strings table); the default writes the text in the cells, as openpyxl does (the issue's figure).

2026-12-07 06:27, main (a long sheet read in parts, after two reviews' fixes), 9 rounds, idle (load average 1.3):
    {"bare_calamine_seconds": 0.89, "ratio": 1.82, "cpu_ratio": 2.6, "dry_run_peak_rss_mb": 149.2,
     "commit_ratio": 3.46, "commit_peak_rss_mb": 217.4,
     "round_ratios": [[1.95, 3.46], [1.54, 3.58], [1.85, 3.33], [1.82, 3.74], [1.89, 3.55], [1.72, 3.54],
                      [1.84, 3.43], [1.52, 2.86], [1.71, 3.29]]}
    Goals: dry run <= 2x met (every round 1.52-1.95x), commit <= 4x met (every round 2.86-3.74x), memory met.
    Four more runs of 9 rounds between 06:00 and 06:25 gave medians 1.63, 1.85, 1.76, 1.83x (dry run) and 3.11,
    3.26, 3.26, 3.62x (commit); of their 36 rounds, 5 had the dry run just over 2x (2.02-2.14x), none the
    commit over 4x but one (4.18x).
    With --strings shared (06:28, 5 rounds): the floor is 0.54 s, not 0.89 (calamine parses a sheet of
    numbers quickly), the Python per row is the same, so the dry run is 3.09x (2.75-3.40x) and the commit
    5.58x (4.87-6.23x), 146 / 197 MB: a workbook saved by Excel reads in about the same time as the one
    above (1.7 s dry run, 3.4 s commit for 100,000 rows), but further from its quicker floor.
Before the parts, the same morning: 2.27x / 4.08x (9 rounds at 04:18, rounds 1.98-3.40x / 3.66-5.42x, a host a
third slower) and 2.13x / 3.57x (3 rounds at 05:30 on this host); by instructions (callgrind) the dry run was
1.76x and the commit 2.49x.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["题型", "题干", "选项", "答案", "解析", "难度", "知识点", "章节"]


def make_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(HEADER)
    for i in range(rows):
        kind = i % 3
        if kind == 0:
            ws.append(
                [
                    "判断题",
                    f"{i + 1}.第{i}题：作业前必须检查设备。",
                    "A.正确**B.错误",
                    "AB"[i % 2],
                    "",
                    2,
                    "",
                    "s1",
                ]
            )
        elif kind == 1:
            ws.append(
                [
                    "单选题",
                    f"{i + 1}．第{i}题：动火作业前应检查多大范围？",
                    f"**A{i}米**B{i + 1}米**C{i + 2}米**D{i + 3}米",
                    "ABCD"[i % 4],
                    "规程",
                    3,
                    "动火",
                    "s2",
                ]
            )
        else:
            ws.append(
                [
                    "多选题",
                    f"{i + 1}、第{i}题：哪些属于三违？",
                    "A.违章指挥|B.违章作业|C.违反劳动纪律|D.按时下班",
                    "ABC",
                    "",
                    4,
                    "三违,重大事故隐患",
                    "s3",
                ]
            )
    wb.save(path)


def to_shared_strings(path: Path) -> None:
    """Rewrite the workbook at `path` as Excel and WPS save one: each text once in a shared-strings table
    (``xl/sharedStrings.xml``) and the cells pointing into it, where openpyxl writes the text in the cells."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    strings: dict[str, int] = {}
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, str) and value:
                cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>')
            elif not isinstance(value, str):
                cells.append(f'<c r="{ref}"><v>{value:g}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = f'<worksheet xmlns="{main}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'
    table = f'<sst xmlns="{main}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>"
    link = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = table.encode()
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", link.encode() + b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in parts.items():
            out.writestr(name, content)


BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(1 for name in wb.sheet_names for _ in wb.get_sheet_by_name(name).iter_rows())
print(n)
"""


def run(argv: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """One child process: wall seconds, CPU seconds (user + system) and its own peak RSS (MB)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{argv[:4]} exited {child.returncode}: {child.stderr.read().decode()[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
    }


def empty_database(home: Path) -> Path:
    """A migrated SQLite database in `home` holding one organisation (what `quizbank import` writes into)."""
    from webapp import create_app
    from webapp.infra.db import database, transaction
    from webapp.infra.migrate import upgrade
    from webapp.org.models import Organisation

    app = create_app({"INSTANCE_PATH": str(home)})
    upgrade(app)
    with app.app_context(), transaction(app) as s:
        s.add(Organisation(name="基准企业", kind="enterprise", high_risk=False, policy={}))
    database(app).dispose()
    return home / "quizbank.sqlite"


def commit_once(path: Path, home: Path, template: Path) -> dict[str, float]:
    """`quizbank import FILE` into a fresh copy of the empty database."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{home / 'quizbank.sqlite'}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, home / "quizbank.sqlite")
    return run(
        [sys.executable, "-m", "quizbank", "import", str(path), "--max-mb", "200"],
        env={**os.environ, "QUIZBANK_HOME": str(home)},
    )


def instructions(argv: list[str], env: dict[str, str] | None = None) -> int:
    """The instructions one run executes, counted by valgrind's callgrind (about 50x slower than a run, and
    the same count whatever else the machine is doing)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        check=True,
    )
    found = re.search(rb"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count: {done.stderr[-500:]!r}")
    return int(found[1])


def instruction_ratios(path: Path, home: Path, template: Path) -> dict[str, float]:
    """The dry run's and the commit's instructions ÷ the floor's: the steady figure for telling whether a
    change to the code made the import cheaper (the wall-time ratios move by a quarter between rounds here),
    not the goal's. Interpreted Python runs fewer instructions a cycle than calamine's parse, and the
    commit also waits on the disk, so the time ratios are higher."""
    floor = instructions([sys.executable, "-c", BARE_READ, str(path)])
    dry_run = instructions(
        [sys.executable, "-m", "quizbank", "import", str(path), "--dry-run", "--json", "--max-mb", "200"]
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{home / 'quizbank.sqlite'}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, home / "quizbank.sqlite")
    commit = instructions(
        [sys.executable, "-m", "quizbank", "import", str(path), "--max-mb", "200"],
        env={**os.environ, "QUIZBANK_HOME": str(home)},
    )
    return {
        "bare_calamine_instructions": floor,
        "dry_run_instruction_ratio": round(dry_run / floor, 2),
        "commit_instruction_ratio": round(commit / floor, 2),
    }


def rounds(repeat: int, path: Path, home: Path, template: Path) -> list[dict[str, dict[str, float]]]:
    """`repeat` rounds of the floor, the dry run and the commit, one after the other, the order rotating from
    round to round: the machine's speed drifts over a minute (other tenants of the host), and a ratio of two
    runs taken seconds apart is steadier than one of two taken a minute apart."""
    kinds = {
        "bare": lambda: run([sys.executable, "-c", BARE_READ, str(path)]),
        "dry_run": lambda: run(
            [sys.executable, "-m", "quizbank", "import", str(path), "--dry-run", "--json", "--max-mb", "200"]
        ),
        "commit": lambda: commit_once(path, home, template),
    }
    order = list(kinds)
    out = []
    for i in range(repeat):
        turn = order[i % 3 :] + order[: i % 3]
        out.append({kind: kinds[kind]() for kind in turn})
    return out


def openpyxl_rows(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    wb.close()
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (floor, dry run, commit in each)")
    parser.add_argument(
        "--compare", action="store_true", help="also time openpyxl read-only (the reader not chosen)"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each run's instructions with valgrind (minutes; steady where times are not)",
    )
    parser.add_argument(
        "--strings",
        choices=("inline", "shared"),
        default="inline",
        help="text in the cells, as openpyxl writes it (the issue's figure), or in a shared-strings table, "
        "as Excel and WPS save it",
    )
    parser.add_argument("--prepare", nargs=2, metavar=("WORKBOOK", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:  # in a child: what it imports (openpyxl, the web app) stays out of this process
        make_workbook(Path(args.prepare[0]), args.rows)
        if args.strings == "shared":
            to_shared_strings(Path(args.prepare[0]))
        empty_database(Path(args.prepare[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.xlsx"
        home = Path(tmp) / "home"
        # Every child reads and writes its compiled bytecode in the temp dir, as an installed quizbank has
        # it (pip compiles it; an editable install writes it at first import), even where the environment
        # says not to write it (PYTHONDONTWRITEBYTECODE=1 here: each run would otherwise compile quizbank's
        # and the web app's modules again, ~0.1 s of a dry run the floor does not pay). The runs below
        # before the rounds (making the workbook and database, the checking dry run, one floor) warm it.
        os.environ["PYTHONDONTWRITEBYTECODE"] = ""
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        # Made in a child process: a child's peak RSS, as wait4 reports it, is at least its parent's at the
        # fork (Linux keeps the larger of the two across exec), so this process must stay smaller than the
        # runs it measures.
        subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--strings", args.strings]
            + ["--prepare", str(path), str(home)],
            check=True,
        )
        check = subprocess.run(
            [sys.executable, "-m", "quizbank", "import", str(path), "--dry-run", "--json", "--max-mb", "200"],
            capture_output=True,
            check=True,
        )
        assert check.stdout.count(b'"source": ') == args.rows, check.stdout[-500:]  # every row imported
        run([sys.executable, "-c", BARE_READ, str(path)])  # the floor's bytecode, like the import's above
        template = Path(tmp) / "empty.sqlite"
        shutil.copyfile(home / "quizbank.sqlite", template)
        measured = rounds(args.repeat, path, home, template)
        written = (
            sqlite3.connect(home / "quizbank.sqlite").execute("SELECT count(*) FROM questions").fetchone()
        )
        assert written[0] == args.rows, written  # every row committed

        def fastest(kind: str, figure: str) -> float:
            return min(r[kind][figure] for r in measured)

        def median_ratio(kind: str, figure: str) -> float:
            return round(statistics.median(r[kind][figure] / r["bare"][figure] for r in measured), 2)

        def of(kind: str, name: str, ratio: str) -> dict[str, float]:
            """A kind's fastest run, its ratios (median of the rounds', and fastest ÷ fastest), peak RSS."""
            return {
                f"{name}_seconds": round(fastest(kind, "seconds"), 3),
                f"{name}_cpu_seconds": round(fastest(kind, "cpu_seconds"), 3),
                ratio: median_ratio(kind, "seconds"),
                ratio.replace("ratio", "cpu_ratio"): median_ratio(kind, "cpu_seconds"),
                f"best_{ratio}": round(fastest(kind, "seconds") / fastest("bare", "seconds"), 2),
                f"{name}_peak_rss_mb": round(max(r[kind]["peak_rss_mb"] for r in measured), 1),
            }

        figures = {
            "benchmark": "import_workbook",
            "rows": args.rows,
            "reader": "calamine",
            "strings": args.strings,
            "file_mb": round(os.path.getsize(path) / 1024 / 1024, 2),
            "rounds": args.repeat,
            "bare_calamine_seconds": round(fastest("bare", "seconds"), 3),
            "bare_calamine_cpu_seconds": round(fastest("bare", "cpu_seconds"), 3),
            "bare_calamine_peak_rss_mb": round(max(r["bare"]["peak_rss_mb"] for r in measured), 1),
            **of("dry_run", "dry_run", "ratio"),
            **of("commit", "commit", "commit_ratio"),
            "round_ratios": [
                [round(r[k]["seconds"] / r["bare"]["seconds"], 2) for k in ("dry_run", "commit")]
                for r in measured
            ],
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "goal": "ratio <= 2, commit_ratio <= 4, peak RSS < 300 MB",
        }
        if args.instructions:
            figures.update(instruction_ratios(path, home, template))
        if args.compare:
            start = time.perf_counter()
            openpyxl_rows(path)
            figures["openpyxl_read_only_seconds"] = round(time.perf_counter() - start, 3)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
