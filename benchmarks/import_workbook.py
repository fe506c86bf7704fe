"""Import of a 100,000-question workbook through `quizbank.formats.read`, against the bare reader.

Writes a synthetic workbook in the Chinese template (openpyxl write-only, in a temp dir), then times
`quizbank.formats.read(path)` with its peak Python memory (tracemalloc), and the floor: the same file
read by calamine alone (iterating the rows, nothing else). `--compare` also times openpyxl read-only.

Measured on the 2-core development machine (100,000 rows, 3.7 MB xlsx, `--compare`):
    bare row iteration    calamine 1.05 s            openpyxl read_only 8.49 s     -> calamine kept
    formats.read          5.29 s, peak 118 MB Python heap (tracemalloc; calamine's own Rust-side
                          buffers are not traced, so floor_peak_mb reads ~0)
Run: .venv/bin/python benchmarks/import_workbook.py [--rows N] [--compare]
Prints ONE JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from quizbank import formats

HEADER = ["题型", "题干", "选项", "答案", "解析", "难度", "知识点", "章节"]


def make_workbook(path: Path, rows: int) -> None:
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


def measure(fn) -> tuple[float, float, object]:
    """Seconds of an untraced run, then peak Python heap (MB) of a second run under tracemalloc.

    Tracing every allocation slows a run several times, so time and memory come from separate runs.
    """
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024, value


def calamine_rows(path: Path) -> int:
    wb = CalamineWorkbook.from_path(str(path))
    n = 0
    for name in wb.sheet_names:
        for _row in wb.get_sheet_by_name(name).iter_rows():
            n += 1
    return n


def openpyxl_rows(path: Path) -> int:
    wb = load_workbook(path, read_only=True)
    n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    wb.close()
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--compare", action="store_true", help="also time openpyxl read-only (the reader not chosen)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.xlsx"
        make_workbook(path, args.rows)
        floor_seconds, floor_peak, n = measure(lambda: calamine_rows(path))
        seconds, peak, result = measure(lambda: formats.read(path, max_bytes=200 * 1024 * 1024))
        assert len(result.questions) == args.rows, result.problems[:3]
        figures = {
            "benchmark": "import_workbook",
            "rows": args.rows,
            "seconds": round(seconds, 3),
            "peak_mb": round(peak, 1),
            "floor_seconds": round(floor_seconds, 3),
            "floor_peak_mb": round(floor_peak, 1),
            "reader": "calamine",
            "file_mb": round(os.path.getsize(path) / 1024 / 1024, 2),
        }
        if args.compare:
            start = time.perf_counter()
            openpyxl_rows(path)
            figures["openpyxl_read_only_seconds"] = round(time.perf_counter() - start, 3)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
