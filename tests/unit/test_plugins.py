import contextlib
import dataclasses
import importlib.metadata
import json
import os
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

from quizbank import plugins
from quizbank.plugins import discover, registry_of
from tests.builders import bank, question, question_set, write_set_folder

GROUP = "quizbank.question_sets"


def general_set(n=2):
    qs = [dataclasses.replace(q, section="gen-a") for q in bank(n, parts=("general",), prefix="gen")]
    return question_set(qs, id="general", post=None)


def welding_set(n=2, id="welding", post="welding", prefix="weld"):
    qs = [
        dataclasses.replace(q, section=f"{prefix}-a") for q in bank(n, parts=("professional",), prefix=prefix)
    ]
    return question_set(qs, id=id, post=post)


def fake_entry_points(monkeypatch, *pairs):
    """Make discover() see these (name, value) entry points instead of the installed ones."""
    eps = [importlib.metadata.EntryPoint(name, value, GROUP) for name, value in pairs]
    monkeypatch.setattr(
        plugins.importlib.metadata, "entry_points", lambda group: eps if group == GROUP else []
    )


def test_a_folder_that_is_a_set_is_loaded(tmp_path):
    write_set_folder(tmp_path / "welding", welding_set())
    registry = discover([tmp_path / "welding"], entry_points=False)
    assert registry.problems == ()
    assert [s.id for s in registry.sets] == ["welding"]
    assert registry.sets[0].source == f"folder {tmp_path / 'welding'}"


def test_a_folder_of_sets_loads_each_and_folder_names_become_kebab_ids(tmp_path):
    write_set_folder(tmp_path / "general", general_set())
    write_set_folder(tmp_path / "work_at_height", welding_set(id="x", post="work-at-height", prefix="height"))
    registry = discover([tmp_path], entry_points=False)
    assert registry.problems == ()
    assert sorted(s.id for s in registry.sets) == ["general", "work-at-height"]


def test_questions_take_their_part_from_their_section(tmp_path):
    write_set_folder(tmp_path / "general", general_set())
    write_set_folder(tmp_path / "welding", welding_set())
    registry = discover([tmp_path], entry_points=False)
    assert {q.part for q in registry.set("general").questions} == {"general"}
    assert {q.part for q in registry.set("welding").questions} == {"professional"}


def test_bank_holds_general_questions_and_the_posts_professional_questions(tmp_path):
    write_set_folder(tmp_path / "general", general_set(2))
    write_set_folder(tmp_path / "welding", welding_set(2))
    write_set_folder(tmp_path / "forklift", welding_set(2, id="forklift", post="forklift", prefix="fork"))
    registry = discover([tmp_path], entry_points=False)
    ids = {q.id for q in registry.bank("welding")}
    assert ids == {q.id for q in registry.set("general").questions} | {
        q.id for q in registry.set("welding").questions
    }
    assert [p.code for p in registry.posts()] == ["forklift", "welding"]
    assert registry.post("welding").name == "焊接与热切割作业"
    assert registry.post("nobody") is None
    assert registry.bank("nobody") == tuple(registry.set("general").questions)


def test_a_section_links_back_to_its_set_and_text(tmp_path):
    write_set_folder(tmp_path / "welding", welding_set())
    registry = discover([tmp_path], entry_points=False)
    found_set, section = registry.section("weld-a")
    assert found_set.id == "welding" and section.id == "weld-a"
    assert registry.section("nowhere") is None
    assert [s.id for s in registry.handbook_for("welding")] == ["welding"]


def test_an_invalid_set_is_refused_with_its_reasons_and_the_others_still_load(tmp_path):
    write_set_folder(tmp_path / "general", general_set())
    broken = welding_set()
    broken = dataclasses.replace(
        broken, questions=(*broken.questions, question(id="weld-x", section="nowhere"))
    )
    write_set_folder(tmp_path / "welding", broken)
    registry = discover([tmp_path], entry_points=False)
    assert [s.id for s in registry.sets] == ["general"]
    messages = [str(p) for p in registry.problems]
    assert any("unknown section 'nowhere'" in m and "welding/questions.yaml:" in m for m in messages)
    assert any("question set 'welding' not loaded" in m for m in messages)


def test_a_folder_missing_its_files_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "handbook.md").write_text(
        "---\ntitle: x\nversion: '1'\n---\n# 通用知识\n## a {#a}\n"
    )
    registry = discover([tmp_path / "empty"], entry_points=False)
    assert registry.sets == ()
    assert "missing" in registry.problems[0].message and registry.problems[0].where.endswith("questions.yaml")


def test_a_second_set_with_a_taken_set_id_is_refused(tmp_path):
    write_set_folder(tmp_path / "a" / "welding", welding_set(prefix="weld"))
    write_set_folder(tmp_path / "b" / "welding", welding_set(prefix="other"))
    registry = discover([tmp_path / "a", tmp_path / "b"], entry_points=False)
    assert len(registry.sets) == 1
    assert "set id already taken" in registry.problems[0].message


def test_a_set_reusing_another_sets_question_id_is_refused(tmp_path):
    write_set_folder(tmp_path / "welding", welding_set(prefix="weld"))
    write_set_folder(tmp_path / "forklift", welding_set(id="forklift", post="forklift", prefix="weld"))
    registry = discover([tmp_path], entry_points=False)
    assert [s.id for s in registry.sets] == ["forklift"]
    assert "duplicate question ids weld-" in registry.problems[0].message


def test_an_uncited_section_is_a_warning_and_the_set_still_loads(tmp_path):
    qs = welding_set()
    hb = dataclasses.replace(
        qs.handbook,
        sections=(*qs.handbook.sections, dataclasses.replace(qs.handbook.sections[0], id="weld-lonely")),
    )
    write_set_folder(tmp_path / "welding", dataclasses.replace(qs, handbook=hb))
    registry = discover([tmp_path], entry_points=False)
    assert [s.id for s in registry.sets] == ["welding"]
    assert [(p.warning, p.message) for p in registry.problems] == [
        (True, "no question cites section 'weld-lonely'")
    ]


def test_entry_point_naming_a_package_reads_its_files(tmp_path, monkeypatch):
    write_set_folder(tmp_path / "qb_pkg_weld", welding_set())
    monkeypatch.syspath_prepend(str(tmp_path))
    fake_entry_points(monkeypatch, ("welding", "qb_pkg_weld"))
    registry = discover()
    assert registry.problems == ()
    assert registry.sets[0].id == "welding"
    assert registry.sets[0].source == "entry point welding = qb_pkg_weld"


def test_entry_point_naming_a_question_set_or_a_factory_is_used(tmp_path, monkeypatch):
    module = tmp_path / "qb_factories.py"
    module.write_text(
        "from tests.builders import question_set, question\n"
        "SET = question_set([question(id='v-1', section='v-a')], id='value-set', post='v')\n"
        "def make():\n    return question_set([question(id='f-1', section='f-a')], id='factory-set', post='f')\n"
        "def wrong():\n    return 42\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    fake_entry_points(
        monkeypatch,
        ("value-set", "qb_factories:SET"),
        ("factory-set", "qb_factories:make"),
        ("wrong", "qb_factories:wrong"),
    )
    registry = discover()
    assert sorted(s.id for s in registry.sets) == ["factory-set", "value-set"]
    assert [p.message for p in registry.problems] == ["qb_factories:wrong() returned int, not a QuestionSet"]


def test_a_plugin_that_fails_to_import_is_reported_and_the_others_still_load(tmp_path, monkeypatch):
    write_set_folder(tmp_path / "qb_pkg_ok", welding_set())
    (tmp_path / "qb_pkg_boom").mkdir()
    (tmp_path / "qb_pkg_boom" / "__init__.py").write_text("raise RuntimeError('no database here')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fake_entry_points(
        monkeypatch, ("boom", "qb_pkg_boom"), ("welding", "qb_pkg_ok"), ("gone", "qb_pkg_missing")
    )
    registry = discover()
    assert [s.id for s in registry.sets] == ["welding"]
    messages = {p.where: p.message for p in registry.problems}
    assert messages["entry point boom = qb_pkg_boom"] == "cannot import: RuntimeError: no database here"
    assert messages["entry point gone = qb_pkg_missing"].startswith("cannot import: ModuleNotFoundError")


def test_registry_of_values_checks_them_like_plugins():
    good = welding_set()
    bad = welding_set(id="forklift", post="forklift", prefix="fork")
    bad = dataclasses.replace(bad, questions=(dataclasses.replace(bad.questions[0], answer=(9,)),))
    registry = registry_of([good, bad])
    assert [s.id for s in registry.sets] == ["welding"]
    assert any("outside the 2 options" in p.message for p in registry.problems)


@contextlib.contextmanager
def installed_plugin(tmp_path):
    """A throwaway distribution declaring a `quizbank.question_sets` entry point, installed into this
    environment by hand (a .pth pointing at its folder plus a dist-info: pip cannot build here without
    `wheel`), and removed afterwards."""
    token = uuid.uuid4().hex[:8]
    package, set_id, dist = f"qb_test_plugin_{token}", f"test-plugin-{token}", f"qb_test_plugin_{token}"
    root = tmp_path / "dist"
    qs = welding_set(id=set_id, post=f"post-{token}", prefix=f"tp{token}")
    write_set_folder(root / package, qs)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{dist}"\nversion = "0.0.1"\n'
        f'[project.entry-points."{GROUP}"]\n"{set_id}" = "{package}"\n'
    )
    site = Path(sysconfig.get_paths()["purelib"])
    info = site / f"{dist}-0.0.1.dist-info"
    pth = site / f"{dist}.pth"
    info.mkdir()
    try:
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.0.1\n")
        (info / "entry_points.txt").write_text(f"[{GROUP}]\n{set_id} = {package}\n")
        (info / "INSTALLER").write_text("tests\n")
        (info / "RECORD").write_text(
            f"{pth.name},,\n{info.name}/METADATA,,\n{info.name}/entry_points.txt,,\n{info.name}/RECORD,,\n"
        )
        pth.write_text(str(root) + "\n")
        yield set_id
    finally:
        pth.unlink(missing_ok=True)
        for f in info.iterdir():
            f.unlink()
        info.rmdir()


def quizbank_json(*args):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("QUIZBANK_SETS_PATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "quizbank", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_installed_plugin_is_listed_by_sets_list_and_gone_once_uninstalled(tmp_path):
    with installed_plugin(tmp_path) as set_id:
        listed = quizbank_json("sets", "list", "--json")
        row = next((s for s in listed["sets"] if s["id"] == set_id), None)
        assert row is not None, listed
        assert row["source"].startswith(f"entry point {set_id} = qb_test_plugin_")
        assert row["questions"] == 6
        assert row["loaded"] is True and row["problems"] == []
    listed = quizbank_json("sets", "list", "--json")
    assert not [s for s in listed["sets"] if s["id"] == set_id]


def test_a_plugin_package_ships_its_law_register_and_a_bad_one_is_reported_at_its_line(tmp_path, monkeypatch):
    folder = write_set_folder(tmp_path / "qb_pkg_laws", welding_set())
    (folder / "laws.yaml").write_text(
        "- number: GB 9448-1999\n  title: 焊接与切割安全\n  status: 现行\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    fake_entry_points(monkeypatch, ("welding", "qb_pkg_laws"))
    registry = discover()
    assert registry.problems == ()
    assert [e.label for e in registry.sets[0].register] == ["GB 9448-1999《焊接与切割安全》"]

    (folder / "laws.yaml").write_text("- title: 焊接与切割安全\n  status: 作废\n", encoding="utf-8")
    registry = discover()
    assert registry.sets == ()
    assert any(p.where.endswith("laws.yaml:1") and "作废" in p.message for p in registry.problems)
