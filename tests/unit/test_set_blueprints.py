"""A post set may bring its own blueprints (blueprints.yaml): they replace the default of their exam kind
for the set's posts only, and a bad one is reported with its file, line and field."""

import dataclasses

from quizbank.blueprints import default_blueprint
from quizbank.plugins import discover
from quizbank.questionsets import validate
from tests.builders import bank, question_set, write_set_folder

HUNDRED = """\
qualification: &exam
  title: 考核
  time_limit_minutes: 120
  pass_percent: 80
  points: {truefalse: 1, single: 1, multiple: 1}
  cells:
    - {type: truefalse, part: general, count: 2}
    - {type: truefalse, part: professional, count: 4}
    - {type: single, part: professional, count: 4}
retraining:
  <<: *exam
  title: 再培训考核
"""


def post_set(n=6, post="principal", prefix="pri"):
    qs = [
        dataclasses.replace(q, section=f"{prefix}-a") for q in bank(n, parts=("professional",), prefix=prefix)
    ]
    return question_set(qs, id=post, post=post)


def general_set(n=6):
    qs = [dataclasses.replace(q, section="gen-a") for q in bank(n, parts=("general",), prefix="gen")]
    return question_set(qs, id="general", post=None)


def folders(tmp_path, blueprints_text=HUNDRED, *, on="principal"):
    write_set_folder(tmp_path / "general", general_set())
    write_set_folder(tmp_path / "principal", post_set())
    write_set_folder(tmp_path / "welding", post_set(post="welding", prefix="weld"))
    (tmp_path / on / "blueprints.yaml").write_text(blueprints_text, encoding="utf-8")
    return tmp_path


def test_a_sets_blueprint_replaces_the_default_for_its_post_only(tmp_path):
    registry = discover([folders(tmp_path)], entry_points=False)
    assert registry.problems == ()
    own = registry.blueprint("principal", "qualification")
    assert (own.title, own.time_limit_minutes, own.question_count) == ("考核", 120, 10)
    assert registry.blueprint("principal", "retraining").title == "再培训考核"
    assert registry.blueprint("principal", "retraining").cells == own.cells
    assert registry.blueprint("principal", "periodic") == default_blueprint("periodic")
    assert registry.blueprint("welding", "qualification") == default_blueprint("qualification")


def test_a_bad_field_is_reported_with_file_line_and_field_and_the_set_is_refused(tmp_path):
    text = HUNDRED + "periodic:\n  cells:\n    - {type: single, part: professional, count: -1}\n"
    problems = validate([folders(tmp_path, text) / "principal"])
    assert [(p.where.rsplit("/", 1)[-1], p.message) for p in problems if not p.warning] == [
        ("blueprints.yaml:13", "periodic.cells[0].count: must be a whole number ≥ 0, not -1")
    ]
    registry = discover([tmp_path], entry_points=False)
    assert registry.set("principal") is None


def test_an_unknown_exam_kind_is_an_error(tmp_path):
    problems = validate([folders(tmp_path, "olympiad:\n  cells: []\n") / "principal"])
    assert [p.message for p in problems if not p.warning] == [
        "olympiad: unknown exam kind (known: qualification, periodic, spot, makeup, retraining, practice)"
    ]


def test_professional_cells_the_set_cannot_fill_are_an_error(tmp_path):
    text = "qualification:\n  cells:\n    - {type: single, part: professional, count: 50}\n"
    problems = validate([folders(tmp_path, text) / "principal"])
    messages = [p.message for p in problems if not p.warning]
    assert len(messages) == 1 and messages[0].startswith(
        "qualification: 专业知识 单选题 需要 50 道，本题集只有"
    )


def test_a_general_set_may_not_bring_blueprints(tmp_path):
    problems = validate([folders(tmp_path, HUNDRED, on="general") / "general"])
    assert [p.message for p in problems if not p.warning] == [
        "a general set has no blueprints of its own: blueprints belong to a post set"
    ]
