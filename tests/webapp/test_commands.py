"""`quizbank demo`, `quizbank serve`'s preparation and `quizbank backup`."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from quizbank.plugins import discover
from tests.builders import bank, question_set, write_set_folder
from webapp.bank.sets import sync_registry
from webapp.demo.service import seed_demo
from webapp.exams.models import Exam
from webapp.infra.db import database
from webapp.org.models import Jurisdiction, Person, User


@pytest.mark.slow
def test_demo_is_idempotent_and_prints_the_design_shape(app, clock):
    sessionmaker = database(app).sessionmaker
    with app.app_context():
        with sessionmaker() as s:
            sync_registry(s, discover().sets)
            first = seed_demo(s, clock())
            s.commit()
            exams = s.scalar(select(func.count(Exam.id)))
        with sessionmaker() as s:
            second = seed_demo(s, clock())
            s.commit()
            assert s.scalar(select(func.count(Exam.id))) == exams
            assert s.scalar(select(func.count(Exam.id)).where(Exam.closes_at > clock())) == 1
            org_id = s.scalar(
                select(Person.organisation_id).where(Person.id == first["users"]["workers"][0]["person_id"])
            )
            assert s.scalar(select(func.count(Person.id)).where(Person.organisation_id == org_id)) == 12
            assert s.scalar(select(func.count(User.id)).where(User.organisation_id == org_id)) == 16
            # the platform: an operator, a regulator (staff, inspector, admin) over three enterprises
            assert s.scalar(select(func.count(Jurisdiction.id))) == 3
            assert (
                s.scalar(select(func.count(User.id))) == 16 + 1 + 3 + 2
            )  # + operator, regulator staff, two admins
    assert first == second
    users = first["users"]
    assert set(users) == {"admin", "trainer", "inspector", "hr", "workers"}
    assert all(set(users[r]) == {"username", "password"} for r in ("admin", "trainer", "inspector", "hr"))
    assert len(users["workers"]) == 12
    assert set(users["workers"][0]) == {
        "person_id",
        "username",
        "password",
        "employee_no",
        "pin",
        "post",
        "department_id",
        "certificate_url",
    }
    assert len(first["department_ids"]) == 2
    assert len(first["platform"]["enterprises"]) == 3 and first["platform"]["regulator"]["username"]


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("QUIZBANK_TEST_DATABASE_URL")), reason="SQLite file backup")
def test_demo_command_then_backup_gives_a_consistent_copy(tmp_path):
    """Also: the folders in QUIZBANK_SETS_PATH are loaded into the database like the entry points."""
    extra = [
        dataclasses.replace(q, section="boiler-a") for q in bank(2, parts=("professional",), prefix="boiler")
    ]
    write_set_folder(tmp_path / "sets" / "boiler", question_set(extra, id="boiler-operator", post="boiler"))
    env = {
        **os.environ,
        "QUIZBANK_HOME": str(tmp_path / "home"),
        "QUIZBANK_SETS_PATH": str(tmp_path / "sets"),
    }
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "quizbank"]
    done = subprocess.run([*cli, "demo", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    demo = json.loads(done.stdout)
    assert demo["users"]["admin"]["username"]
    done = subprocess.run(
        [*cli, "backup", str(tmp_path / "copy.sqlite")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "copy.sqlite") as c:
        assert (
            c.execute("select count(*) from people").fetchone()[0] == 12 + 6
        )  # + the two neighbours' people
        assert c.execute("select count(*) from question_sets where key = 'boiler'").fetchone()[0] == 1
        assert c.execute("pragma integrity_check").fetchone()[0] == "ok"
