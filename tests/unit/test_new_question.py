"""new_question builds the same Question as the dataclass's own __init__, without calling it."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import sys

import pytest

from quizbank.model import Question, new_question

FIELDS = (
    "Q1",
    "multiple",
    "哪些属于三违？",
    ("违章指挥", "违章作业", "按时下班"),
    (0, 1),
    "规程",
    4,
    ("三违",),
    "s3",
    "general",
    "Sheet1!R2",
    "《安全生产法》第五十七条",
)


def test_new_question_takes_the_fields_in_the_dataclass_order():
    names = [f.name for f in dataclasses.fields(Question)]
    assert list(inspect.signature(new_question).parameters) == names


def test_new_question_equals_and_hashes_like_the_dataclass_init():
    fast, usual = new_question(*FIELDS), Question(*FIELDS)
    assert fast == usual and usual == fast
    assert hash(fast) == hash(usual)
    assert {fast: 1}[usual] == 1
    assert repr(fast) == repr(usual)
    assert dataclasses.astuple(fast) == dataclasses.astuple(usual) == FIELDS
    assert type(fast) is Question


def test_new_question_differs_where_a_field_differs():
    for i in range(len(FIELDS)):
        other = list(FIELDS)
        other[i] = ("x",) if isinstance(FIELDS[i], tuple) else 99 if isinstance(FIELDS[i], int) else "other"
        assert new_question(*other) != Question(*FIELDS)


def test_new_question_is_frozen():
    q = new_question(*FIELDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.stem = "改"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del q.id
    assert q.stem == "哪些属于三违？"


def test_new_question_replaces_and_pickles_like_the_dataclass_init():
    q = new_question(*FIELDS)
    assert dataclasses.replace(q, stem="改") == Question(*FIELDS[:2], "改", *FIELDS[3:])
    assert pickle.loads(pickle.dumps(q)) == Question(*FIELDS)


def test_new_question_keeps_the_instance_dict_shared_like_the_dataclass_init():
    # The same size as an instance built by __init__: its dict shares the class's keys (no extra bytes).
    assert sys.getsizeof(new_question(*FIELDS).__dict__) == sys.getsizeof(Question(*FIELDS).__dict__)
