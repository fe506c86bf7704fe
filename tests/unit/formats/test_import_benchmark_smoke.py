"""The import benchmark still runs (tiny: 200 rows, each run once); its figures are not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.parametrize("strings", ["inline", "shared"])
def test_import_workbook_benchmark_prints_one_json_line_for_200_rows(strings):
    out = (
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "import_workbook.py"),
                "--rows",
                "200",
                "--repeat",
                "1",
                "--strings",
                strings,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        .stdout.strip()
        .splitlines()
    )
    assert len(out) == 1
    figures = json.loads(out[0])
    assert (figures["benchmark"], figures["rows"], figures["reader"]) == ("import_workbook", 200, "calamine")
    assert figures["strings"] == strings
