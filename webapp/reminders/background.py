"""`quizbank serve --remind-every MINUTES`: the reminder run in a daemon thread of the web process, the
same `run` as `quizbank remind`. Several serve processes may all do it: deliveries are claimed one at a
time, so each goes out once; a run that fails is logged and the next one tries again."""

from __future__ import annotations

import logging
import threading

from flask import Flask

log = logging.getLogger("quizbank.remind")


def start(app: Flask, minutes: float) -> threading.Thread:
    from webapp.reminders.service import run

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(minutes * 60):
            try:
                report = run(app)
                log.info(
                    "reminders: %d sent, %d to retry, %d failed", report.sent, report.retried, report.failed
                )
            except Exception:  # noqa: BLE001  the web process keeps serving; the next run tries again
                log.exception("reminder run failed")

    thread = threading.Thread(target=loop, name="quizbank-remind", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
