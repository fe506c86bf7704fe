"""`quizbank remind` killed (SIGKILL) in the middle of a run and run again: every due reminder reaches
the SMTP server and the 钉钉 robot, none is lost; e-mail stays exactly once (by count and by Message-ID),
and the robot gets a second copy only of the one message that was in flight when the process died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import TEST_DB_URL
from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_exam
from tests.webapp.migration_builders import scratch_schema
from tests.webapp.reminder_builders import make_channel
from tests.webapp.reminder_receivers import Robot, SmtpSink

PEOPLE = 12
SECRET = "SECkill0123456789"


@pytest.fixture
def migrated(tmp_path):
    """A database built by the migrations (as `quizbank remind` expects), and its URL."""
    from webapp import create_app
    from webapp.infra.db import database
    from webapp.infra.migrate import upgrade

    with scratch_schema("k") as schema:
        url = (
            f"{TEST_DB_URL}?options=-csearch_path%3D{schema}"
            if schema
            else f"sqlite:///{tmp_path / 'remind.sqlite'}"
        )
        app = create_app(
            {"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "k"}
        )
        upgrade(app)
        yield app, url
        database(app).dispose()


def _remind(url: str, home: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "QUIZBANK_HOME": home, "QUIZBANK_REMIND_LEASE_SECONDS": "1",
           "QUIZBANK_SECRET_KEY": "k"}  # fmt: skip  # the key the channels' secrets were sealed under
    return subprocess.Popen([sys.executable, "-m", "quizbank", "remind", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.mark.slow
def test_killing_remind_mid_run_and_running_it_again_delivers_every_reminder_once(migrated, tmp_path):
    from webapp.infra.db import database

    app, url = migrated
    now = datetime.now(UTC)
    with SmtpSink() as smtp, Robot(secret=SECRET) as robot:
        with app.app_context(), database(app).sessionmaker() as s:
            org = make_org(s, "甲企业")
            dept = make_department(s, org, "一车间")
            post = make_post(s, "welding", "电焊工")
            for i in range(PEOPLE):
                p = make_person(s, org, f"工人{i}", f"E{i:03d}", department=dept, posts=[post])
                make_user(s, org, f"w{i}", ("worker",), person=p, password=None)
            make_exam(s, org, post, now=now, title="定期考试", closes_at=now + timedelta(days=5))
            for kind, config, secrets in (
                ("email", {"host": "127.0.0.1", "port": str(smtp.port), "security": "none",
                           "sender": "qb@example.com", "to": "office@example.com"}, {}),
                ("dingtalk", {}, {"webhook": robot.url, "secret": SECRET}),
            ):  # fmt: skip
                make_channel(app, s, org, kind, config=config, secrets=secrets, audience=["worker"])
            s.commit()

        robot.hold_at = 5
        first = _remind(url, str(tmp_path / "instance"))
        assert robot.holding.wait(120), first.communicate(timeout=5)
        in_flight = robot.references()[-1]
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        robot.release.set()
        assert first.returncode == -signal.SIGKILL
        assert len(robot.requests) == 5 and len(smtp.messages) < PEOPLE  # it really stopped half-way

        time.sleep(1.5)  # the dead runner's lease on its claimed delivery runs out
        second = _remind(url, str(tmp_path / "instance"))
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err

    expected = {f"工人{i}（E{i:03d}） 已安排考试：定期考试" for i in range(PEOPLE)}
    subjects = [s.removeprefix("【安全培训提醒】") for s in smtp.subjects()]
    assert sorted(subjects) == sorted(expected)  # each e-mail exactly once
    assert len(set(smtp.message_ids())) == PEOPLE
    refs = robot.references()
    assert len(set(refs)) == PEOPLE  # every robot message arrived
    duplicates = {r for r in refs if refs.count(r) > 1}
    assert duplicates <= {in_flight} and len(refs) <= PEOPLE + 1  # only the one in flight at the kill
