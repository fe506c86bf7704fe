import json

import pytest

from quizbank.blueprints import blueprint_from_dict, blueprint_to_dict, default_blueprint, shortfalls
from quizbank.model import EXAM_KINDS, Cell
from tests.builders import bank, blueprint, cell


def counts(bp):
    return {(c.part, c.type): c.count for c in bp.cells}


def test_qualification_default_is_55_questions_worth_100_with_two_major_hazard_questions():
    bp = default_blueprint("qualification")
    assert counts(bp) == {
        ("general", "truefalse"): 8,
        ("general", "single"): 10,
        ("general", "multiple"): 4,
        ("professional", "truefalse"): 12,
        ("professional", "single"): 15,
        ("professional", "multiple"): 6,
    }
    assert (bp.title, bp.time_limit_minutes, bp.pass_percent, bp.max_score) == ("上岗考试", 60, 80.0, 100.0)
    assert [(r.tag, r.at_least) for r in bp.required_tags] == [("重大事故隐患", 2)]


def test_spot_test_is_ten_questions_in_ten_minutes_worth_100():
    bp = default_blueprint("spot")
    assert (bp.question_count, bp.time_limit_minutes, bp.max_score, bp.title) == (10, 10, 100.0, "逢查必考")


def test_makeup_is_drawn_as_periodic_and_retraining_as_qualification():
    assert default_blueprint("makeup").cells == default_blueprint("periodic").cells
    assert default_blueprint("makeup").title == "补考"
    assert default_blueprint("retraining").cells == default_blueprint("qualification").cells
    assert default_blueprint("retraining").required_tags == default_blueprint("qualification").required_tags


def test_practice_is_twenty_untimed_questions():
    bp = default_blueprint("practice")
    assert (bp.question_count, bp.time_limit_minutes) == (20, 0)


@pytest.mark.parametrize("kind", EXAM_KINDS)
def test_every_default_survives_a_json_round_trip(kind):
    bp = default_blueprint(kind)
    assert bp.kind == kind
    assert blueprint_from_dict(json.loads(json.dumps(blueprint_to_dict(bp)))) == bp


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        default_blueprint("olympiad")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "nope"}, "kind"),
        ({"cells": []}, "cells"),
        ({"cells": [{"type": "essay", "part": "general", "count": 1}]}, "cells[0].type"),
        ({"cells": [{"type": "single", "part": "general", "count": -1}]}, "cells[0].count"),
        (
            {"cells": [{"type": "single", "part": "general", "count": 1, "difficulties": [9]}]},
            "cells[0].difficulties",
        ),
        ({"points": {"single": 0}}, "points.single"),
        ({"required_tags": [{"tag": "", "at_least": 1}]}, "required_tags[0].tag"),
        ({"required_tags": [{"tag": "x", "at_least": 999}]}, "required_tags[0].at_least"),
        ({"pass_percent": 120}, "pass_percent"),
        ({"time_limit_minutes": "soon"}, "time_limit_minutes"),
        ({"multiple_scoring": "generous"}, "multiple_scoring"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_field_is_named_in_the_error(change, field):
    d = {**blueprint_to_dict(default_blueprint("spot")), **change}
    with pytest.raises(ValueError) as raised:
        blueprint_from_dict(d)
    assert str(raised.value).startswith(field)


def test_missing_optional_fields_take_defaults():
    bp = blueprint_from_dict(
        {"kind": "spot", "cells": [{"type": "single", "part": "professional", "count": 3}]}
    )
    assert (bp.title, bp.pass_percent, bp.multiple_scoring) == ("逢查必考", 80.0, "all_or_nothing")


def test_a_bank_that_fills_the_blueprint_has_no_shortfalls():
    assert shortfalls(bank(20, tagged_per_cell=1), default_blueprint("qualification")) == ()


def test_shortfalls_name_each_short_cell_and_tag():
    found = shortfalls(
        bank(5), blueprint([cell("single", "general", 7)], required_tags=[("重大事故隐患", 1)])
    )
    assert [(s.cell, s.tag, s.needed, s.available, s.short) for s in found] == [
        (Cell("single", "general", 7), None, 7, 5, 2),
        (None, "重大事故隐患", 1, 0, 1),
    ]


def test_overlapping_cells_are_short_when_together_they_need_more_than_the_bank_holds():
    found = shortfalls(
        bank(5), blueprint([cell("single", "general", 4), cell("single", "general", 3, (1, 2, 3))])
    )
    assert [(s.needed, s.available) for s in found] == [(7, 5)]
    assert "通用知识 单选题 + 通用知识 单选题 难度 1,2,3" in str(found[0])


def test_tagged_questions_beyond_their_cells_count_do_not_help():
    tagged_only_in_one_cell = bank(5, tagged_per_cell=5, types=("single",), parts=("general",)) + bank(
        5, types=("truefalse",), prefix="x"
    )
    bp = blueprint(
        [cell("single", "general", 1), cell("truefalse", "general", 3)], required_tags=[("重大事故隐患", 2)]
    )
    assert [(s.tag, s.available) for s in shortfalls(tagged_only_in_one_cell, bp)] == [("重大事故隐患", 1)]
