import textwrap

import pytest

from quizbank.formats import native
from tests.builders import multiple, question, truefalse


def read(text: str, name: str = "qs/questions.yaml"):
    return native.read(textwrap.dedent(text).encode(), name=name)


def test_letters_become_sorted_zero_based_indices_and_source_keeps_the_line():
    result = read(
        """\
        - id: weld-1
          type: multiple
          section: weld-prep
          difficulty: 2
          tags: [重大事故隐患]
          stem: 哪些？
          options: [甲, 乙, 丙, 丁]
          answer: DA
          explanation: 因为
        - id: weld-2
          type: single
          section: weld-prep
          stem: 哪个？
          options: [甲, 乙]
          answer: B
        """
    )
    assert result.problems == ()
    first, second = result.questions
    assert first.answer == (0, 3) and first.tags == ("重大事故隐患",) and first.difficulty == 2
    assert first.source == "questions.yaml:1"
    assert second.source == "questions.yaml:10"
    assert second.answer == (1,) and second.difficulty == 3


@pytest.mark.parametrize(
    "answer, expected", [("正确", (0,)), ("错误", (1,)), ("对", (0,)), ("×", (1,)), ("B", (1,))]
)
def test_truefalse_answers_are_words_and_options_are_implied(answer, expected):
    result = read(f"- {{id: t-1, type: truefalse, section: s, stem: 可以吗, answer: {answer}}}\n")
    assert result.problems == ()
    assert result.questions[0].options == ("正确", "错误")
    assert result.questions[0].answer == expected


@pytest.mark.parametrize("answer", ["AC", "ca", "'A,C'", "A、C", "ＡＣ", "'答案：AC'", "[A, C]", "[0, 2]"])
def test_multiple_answers_are_read_as_every_importer_reads_them(answer):
    result = read(
        f"- {{id: m-1, type: multiple, section: s, stem: x, options: [a, b, c], answer: {answer}}}\n"
    )
    assert result.problems == ()
    assert result.questions[0].answer == (0, 2)


def test_a_truefalse_answer_given_as_a_list_of_two_positions_is_refused():
    result = read("- {id: t-1, type: truefalse, section: s, stem: x, answer: [0, 1]}\n")
    assert result.questions == ()
    assert "exactly one answer" in result.problems[0].message


def test_zero_based_index_lists_are_accepted():
    result = read("- {id: m-1, type: multiple, section: s, stem: x, options: [a, b, c], answer: [2, 0]}\n")
    assert result.questions[0].answer == (0, 2)


@pytest.mark.parametrize(
    "item, message",
    [
        (
            "{id: a, type: single, section: s, stem: x, options: [a, b], answer: C}",
            "option C is outside the 2 options",
        ),
        ("{id: a, type: single, section: s, stem: x, options: [a, b], answer: AB}", "exactly one answer"),
        ("{id: a, type: multiple, section: s, stem: x, options: [a, b], answer: A}", "at least two answers"),
        ("{id: a, type: single, section: s, stem: x, options: [a, ''], answer: A}", "option B is empty"),
        ("{id: a, type: single, section: s, stem: x, options: [a, a], answer: A}", "are the same"),
        ("{id: a, type: single, section: s, stem: '', options: [a, b], answer: A}", "empty stem"),
        ("{id: a, type: essay, section: s, stem: x, options: [a, b], answer: A}", "unknown type 'essay'"),
        (
            "{id: a, type: single, section: s, stem: x, options: [a, b], answer: A, difficulty: 6}",
            "outside 1–5",
        ),
        (
            "{id: a, type: truefalse, section: s, stem: x, options: [是, 否], answer: 正确}",
            "options [正确, 错误]",
        ),
        ("{id: a, type: truefalse, section: s, stem: x, answer: 也许}", "正确 or 错误"),
        ("{type: single, section: s, stem: x, options: [a, b], answer: A}", "id is missing"),
        (
            "{id: a, type: single, section: s, stem: x, options: [a, b], answer: A, colour: red}",
            "unknown field",
        ),
    ],
)
def test_a_bad_question_is_skipped_with_a_message_at_its_line(item, message):
    result = read(
        f"- id: ok-1\n  type: single\n  section: s\n  stem: ok\n  options: [a, b]\n  answer: A\n- {item}\n"
    )
    assert [q.id for q in result.questions] == ["ok-1"]
    assert len(result.problems) >= 1
    assert any(message in p.message for p in result.problems), result.problems
    assert all(p.where == "qs/questions.yaml:7" for p in result.problems)


def test_message_points_at_the_line_of_the_bad_field():
    result = read(
        """\
        - id: a
          type: single
          section: s
          stem: x
          options: [a, b]
          answer: Z
        """
    )
    assert [str(p) for p in result.problems] == [
        "qs/questions.yaml:6: answer 'Z': 'Z' is not an option letter (A–B)"
    ]


def test_every_bad_question_is_reported_at_once():
    result = read(
        "- {id: a, type: single, section: s, stem: x, options: [a, b], answer: C}\n"
        "- {id: b, type: single, section: s, stem: x, options: [a, b], answer: A}\n"
        "- {id: c, type: single, section: s, stem: '', options: [a, b], answer: A}\n"
    )
    assert [q.id for q in result.questions] == ["b"]
    assert [p.where for p in result.problems] == ["qs/questions.yaml:1", "qs/questions.yaml:3"]


def test_invalid_yaml_is_reported_with_its_line():
    result = read("- id: a\n  type: single\n   stem: [unclosed\n")
    assert result.questions == ()
    assert result.problems[0].where.startswith("qs/questions.yaml:")
    assert "not valid YAML" in result.problems[0].message


def test_a_mapping_instead_of_a_list_is_refused():
    result = read("id: a\n")
    assert "must be a YAML list" in result.problems[0].message


def test_a_path_is_read_and_named(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text("- {id: a, type: truefalse, section: s, stem: x, answer: 正确}\n", encoding="utf-8")
    result = native.read(path)
    assert result.questions[0].id == "a"
    assert native.read(tmp_path / "questions.yaml").format == "native"


def test_written_questions_read_back_equal():
    questions = (
        question(id="s-1", stem="多行\n题干？", explanation="第一行\n\n第二行", tags=("重大事故隐患",)),
        truefalse(id="t-1", answer=False),
        multiple(id="m-1", options=("a: b", "- c", "'d'", "#e", "f"), answer=(1, 4), difficulty=5),
    )
    text = native.write(questions)
    back = native.read(text)
    assert back.problems == ()
    assert tuple(q.__class__(**{**q.__dict__, "source": None}) for q in back.questions) == tuple(
        q.__class__(**{**q.__dict__, "source": None}) for q in questions
    )


def test_written_truefalse_has_no_options_and_a_word_answer():
    text = native.write([truefalse(id="t-1", answer=False)]).decode()
    assert "options" not in text
    assert "answer: 错误" in text


def test_written_answers_are_letters():
    text = native.write([multiple(id="m-1", answer=(0, 2, 3))]).decode()
    assert "answer: ACD" in text
