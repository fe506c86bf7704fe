"""`quizbank serve --workers N`: several processes behind one port (granian), each building its own app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("QUIZBANK_TEST_DATABASE_URL") is not None, reason="serves its own SQLite")
def test_serve_with_several_workers_answers_from_worker_processes(tmp_path):
    port = _free_port()
    quizbank = Path(sys.executable).parent / "quizbank"
    env = {**os.environ, "QUIZBANK_HOME": str(tmp_path / "home")}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(quizbank), "serve", "--workers", "2", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                    assert r.status == 200 and "登录" in r.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()  # type: ignore[union-attr]
                assert time.time() < deadline, "not serving after 120 s"
                time.sleep(0.5)
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) >= 2, f"worker processes: {children}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
