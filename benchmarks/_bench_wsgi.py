"""The benchmark app as a WSGI module for servers that import their app (gunicorn, granian): built from the
JSON in $QUIZBANK_BENCH_APP (the arguments of `benchmarks._server.bench_app`)."""

from __future__ import annotations

import json
import os

from benchmarks._server import bench_app

app = bench_app(**json.loads(os.environ["QUIZBANK_BENCH_APP"]))
