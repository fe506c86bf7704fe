"""Trainers' question bank: upload → preview (nothing written) → commit all or nothing, the template round
trip, the CLI hand-over, and who may use it."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from quizbank.model import ImportResult
from tests.webapp.bank_builders import bank_rows, bank_world, xlsx
from tests.webapp.base_builders import make_org, make_post, make_user, make_worker
from tests.webapp.builders import fresh
from webapp.bank.cli import import_questions
from webapp.bank.models import Question, QuestionSet
from webapp.uploads.models import UploadPreview


@pytest.fixture
def org(db):
    return bank_world(db)


def imported(db) -> list[Question]:
    fresh(db)
    return list(db.scalars(select(Question).where(Question.organisation_id.is_not(None))))


def upload(client, data: bytes, name: str = "bank.xlsx", **fields):
    form = {"file": (io.BytesIO(data), name), "part": "professional", "post": "welding", "format": "auto"}
    form.update(fields)
    return client.post("/bank/import", data=form, content_type="multipart/form-data")


def test_preview_shows_counts_questions_with_answers_and_problem_rows_and_writes_nothing(client, db, org):
    client.sign_in("trainer")
    r = upload(client, xlsx(bank_rows(2)))
    assert r.status_code == 302
    html = client.get(r.location).get_data(as_text=True)
    counts = dict(re.findall(r"<span>(单选题|判断题|可导入)</span><strong>(\d+)</strong>", html))
    assert counts == {"可导入": "3", "单选题": "2", "判断题": "1"}
    assert re.search(r"题库!R5</td><td>答案“D”中的 D 超出了选项", html)
    assert '<li class="answer">乙</li>' in html  # the answer is marked
    assert "单选题干 1" in html and "1. 单选题干" not in html  # numbering stripped
    assert imported(db) == []


def test_commit_writes_every_question_as_one_set_and_cannot_run_twice(client, db, org):
    client.sign_in("trainer")
    r = upload(client, xlsx(bank_rows(2)), title="电焊补充题")
    token = r.location.rsplit("/", 1)[1]
    r = client.post(f"/bank/import/{token}/commit")
    assert r.status_code == 302
    rows = imported(db)
    assert len(rows) == 3 and {q.part for q in rows} == {"professional"}
    qset = db.get(QuestionSet, rows[0].set_id)
    assert (qset.title, qset.version, qset.origin, qset.post_codes) == (
        "电焊补充题",
        "1",
        "import",
        ["welding"],
    )
    assert client.post(f"/bank/import/{token}/commit").status_code == 409
    assert len(imported(db)) == 3


def test_commit_is_all_or_nothing_when_a_stored_question_is_bad(client, db, org):
    client.sign_in("trainer")
    token = upload(client, xlsx(bank_rows(3, bad=False))).location.rsplit("/", 1)[1]
    fresh(db)
    row = db.get(UploadPreview, token)
    payload = dict(row.payload)
    payload["questions"] = [*payload["questions"][:-1], {**payload["questions"][-1], "answer": [0, 1]}]
    row.payload = payload
    db.commit()
    r = client.post(f"/bank/import/{token}/commit")
    assert r.status_code == 400
    assert imported(db) == []
    fresh(db)
    assert db.get(UploadPreview, token).committed_at is None


def test_the_preview_belongs_to_its_uploader(app, client, db, org):
    make_user(db, org, "trainer2", ("trainer",))
    db.commit()
    client.sign_in("trainer")
    token = upload(client, xlsx(bank_rows(1))).location.rsplit("/", 1)[1]
    other = app.test_client()
    other.sign_in("trainer2")
    assert other.get(f"/bank/import/{token}").status_code == 404
    assert other.post(f"/bank/import/{token}/commit").status_code == 404
    assert imported(db) == []


def test_a_preview_expires(client, db, org, clock):
    client.sign_in("trainer")
    token = upload(client, xlsx(bank_rows(1))).location.rsplit("/", 1)[1]
    clock.advance(hours=3)
    client.sign_in("trainer")
    assert client.post(f"/bank/import/{token}/commit").status_code == 410
    assert imported(db) == []


def test_a_file_with_nothing_importable_says_why(client, db, org):
    client.sign_in("trainer")
    r = upload(client, b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")
    assert r.status_code == 400 and "加密" in r.get_data(as_text=True)
    r = upload(client, xlsx([["题型", "题干", "选项A", "选项B", "答案"], ["单选题", "题", "甲", "乙", "Z"]]))
    assert r.status_code == 400 and "没有可导入的题目" in r.get_data(as_text=True)
    assert imported(db) == []


def test_an_upload_over_the_size_cap_is_refused(app, client, org):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    client.sign_in("trainer")
    assert upload(client, b"x" * 60_000, "big.csv").status_code == 413


def test_professional_questions_need_a_post_general_ones_do_not(client, db, org):
    client.sign_in("trainer")
    r = upload(client, xlsx(bank_rows(1)), post="")
    assert r.status_code == 400 and "请选择岗位" in r.get_data(as_text=True)
    token = upload(client, xlsx(bank_rows(1)), post="", part="general").location.rsplit("/", 1)[1]
    client.post(f"/bank/import/{token}/commit")
    rows = imported(db)
    assert {q.part for q in rows} == {"general"}
    assert db.get(QuestionSet, rows[0].set_id).post_codes == []


def test_template_round_trip_shows_the_example_rows(client, db, org):
    client.sign_in("trainer")
    r = client.get("/bank/template.xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["说明", "题库"]
    sheet = wb["题库"]
    assert [c.value for c in sheet[1]][:3] == ["题型", "题干", "选项A"]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"单选题", "多选题", "判断题"}
    sheet.append(["单选题", "培训管理员新加的题？", "对的", "错的", None, None, None, None, "A"])
    out = io.BytesIO()
    wb.save(out)
    html = client.get(upload(client, out.getvalue()).location).get_data(as_text=True)
    counts = dict(re.findall(r"<span>(单选题|多选题|判断题|未导入的行)</span><strong>(\d+)</strong>", html))
    assert counts == {"单选题": "2", "多选题": "1", "判断题": "1", "未导入的行": "0"}
    assert "下列哪些属于“三违”？" in html and "培训管理员新加的题？" in html
    assert "说明!" not in html


def test_a_new_version_replaces_the_earlier_one(client, db, org):
    client.sign_in("trainer")
    token = upload(client, xlsx(bank_rows(2)), title="补充题").location.rsplit("/", 1)[1]
    client.post(f"/bank/import/{token}/commit")
    key = db.get(QuestionSet, imported(db)[0].set_id).key
    token = upload(client, xlsx(bank_rows(4)), replaces=key).location.rsplit("/", 1)[1]
    client.post(f"/bank/import/{token}/commit")
    fresh(db)
    sets = db.scalars(select(QuestionSet).where(QuestionSet.key == key).order_by(QuestionSet.version)).all()
    assert [(s.version, s.retired_at is None) for s in sets] == [("1", False), ("2", True)]


@pytest.mark.parametrize("role", ["hr", "worker", "inspector"])
def test_only_trainers_and_admins_use_the_bank(app, db, org, role):
    if role == "worker":
        make_worker(db, org, "w", make_post(db))
    else:
        make_user(db, org, "w", (role,))
    db.commit()
    client = app.test_client()
    client.sign_in("w")
    for url in (
        "/bank/",
        "/bank/import",
        "/bank/questions",
        "/bank/template.xlsx",
        "/bank/blueprints",
        "/bank/exams",
    ):
        assert client.get(url).status_code == 403, url
    assert upload(client, xlsx(bank_rows(1))).status_code == 403


def test_cli_import_goes_in_one_transaction_and_names_the_organisation(app, db, org):
    result = ImportResult(
        tuple(_questions(db, app)),
        (),
        "excel",
    )
    assert import_questions(result, post="welding", organisation="甲企业", app=app) == len(result.questions)
    assert len(imported(db)) == len(result.questions)
    with pytest.raises(ValueError, match="岗位“nowhere”不存在"):
        import_questions(result, post="nowhere", organisation=str(org.id), app=app)
    with pytest.raises(ValueError, match="不存在"):
        import_questions(result, post="welding", organisation="丙企业", app=app)
    assert len(imported(db)) == len(result.questions)


def _questions(db, app):
    from webapp.bank.service import read_upload

    return read_upload(xlsx(bank_rows(3, bad=False)), "b.xlsx", max_bytes=10**6).questions


def test_cli_without_organisation_needs_exactly_one(app, db, org):
    make_org(db, "乙企业")
    db.commit()
    result = ImportResult(tuple(_questions(db, app)), (), "excel")
    with pytest.raises(ValueError, match="多个单位"):
        import_questions(result, post="welding", organisation=None, app=app)
    fresh(db)
    assert (
        db.scalar(select(func.count()).select_from(Question).where(Question.organisation_id.is_not(None)))
        == 0
    )


def test_cli_import_stores_rows_as_the_bank_reads_them_drafts_of_the_part_with_searchable_tags(app, db, org):
    from webapp.bank.browsing import Filters, browse_query

    result = ImportResult(tuple(_questions(db, app)), (), "excel")
    assert import_questions(result, post="welding", organisation="甲企业", app=app) == len(result.questions)
    rows = sorted(imported(db), key=lambda r: r.source)
    assert len(rows) == len(result.questions)
    by_source = {q.source: q for q in result.questions}
    for row in rows:
        q = by_source[row.source]
        assert (row.ext_id, row.type, row.stem, row.options, row.answer) == (
            q.id,
            q.type,
            q.stem,
            list(q.options),
            list(q.answer),
        )
        assert (row.status, row.part, row.organisation_id, row.retired_at) == (
            "draft",
            "professional",
            org.id,
            None,
        )
    found = db.scalars(browse_query(db, org.id, Filters(tag="动火", status="all"))).all()
    assert {r.source for r in found} >= {r.source for r in rows if "动火" in r.tags} != set()


@pytest.mark.slow
def test_cli_import_writes_without_the_web_app_into_the_database_it_migrates_first(tmp_path):
    """`quizbank import FILE` (no app given): the environment's database, brought to the latest schema when
    behind, one transaction, and none of the pages loaded (they would import every feature)."""
    import os
    import subprocess
    import sys

    from webapp.infra.db import open_database, transaction
    from webapp.infra.migrate import at_head

    home = tmp_path / "home"
    bank = tmp_path / "bank.xlsx"
    bank.write_bytes(xlsx(bank_rows(2)))  # 3 importable rows, one refused (its answer is not an option)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"QUIZBANK_HOME": str(home)}
    run = """if True:
        import sys
        from quizbank.cli import main
        code = main(["import", sys.argv[1], "--post", sys.argv[2]])
        print("pages loaded:", sorted(m for m in sys.modules if m.endswith((".routes", "_routes"))))
        sys.exit(code)
    """

    def cli(post: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", run, str(bank), post], env=env, capture_output=True, text=True, timeout=120
        )

    def written(s) -> list[tuple[str, str, str]]:
        rows = s.scalars(select(Question).where(Question.organisation_id.is_not(None))).all()
        return sorted((r.type, r.status, r.part) for r in rows)

    empty = cli("welding")  # a home without a database: created and migrated, but it holds no organisation
    assert empty.returncode == 1 and "还没有单位" in empty.stderr, empty.stderr
    db = open_database(f"sqlite:///{home / 'quizbank.sqlite'}")
    try:
        assert at_head(db)
        with transaction(db) as s:
            make_org(s, "甲企业")
            make_post(s, "welding")
        done = cli("welding")
        assert done.returncode == 0, done.stderr
        assert "已写入数据库：3 题" in done.stdout and "pages loaded: []" in done.stdout
        refused = cli("nowhere")
        assert refused.returncode == 1 and "岗位“nowhere”不存在" in refused.stderr, refused.stderr
        with transaction(db, write=False) as s:
            assert written(s) == [
                ("single", "draft", "professional"),
                ("single", "draft", "professional"),
                ("truefalse", "draft", "professional"),
            ]
            imports = select(func.count()).select_from(QuestionSet).where(QuestionSet.origin == "import")
            assert s.scalar(imports) == 1
        assert "alembic" not in cli_modules(env, bank), (
            "quizbank import asks at_head without importing alembic"
        )
    finally:
        db.dispose()


def cli_modules(env: dict[str, str], bank) -> set[str]:
    """The top-level modules a `quizbank import --dry-run` of `bank` and an `at_head` check load."""
    import subprocess
    import sys

    run = """if True:
        import sys
        from quizbank.cli import main
        from webapp.infra.db import default_database_url, open_database
        from webapp.infra.migrate import at_head
        main(["import", sys.argv[1], "--dry-run"])
        at_head(open_database(default_database_url()))
        print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
    """
    done = subprocess.run(
        [sys.executable, "-c", run, str(bank)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.splitlines()[-1].split())


def test_the_schema_head_read_from_the_revision_files_is_the_one_alembic_reads():
    from alembic.script import ScriptDirectory

    from webapp.infra.migrate import alembic_config, head_revisions

    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config()).get_heads()) != set()


def test_a_database_is_at_head_only_when_its_alembic_version_is_every_head(tmp_path):
    from webapp.infra.db import open_database
    from webapp.infra.migrate import at_head, head_revisions

    db = open_database(f"sqlite:///{tmp_path / 'q.sqlite'}")
    try:
        assert not at_head(db)  # no alembic_version table: never migrated
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0001')")
        assert not at_head(db)  # behind
        (head,) = head_revisions()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = ?", (head,))
        assert at_head(db)
    finally:
        db.dispose()


def test_new_question_rows_hold_the_json_json_dumps_writes_whether_options_answers_and_tags_repeat_or_not():
    import json

    from quizbank.model import Question as CoreQuestion
    from webapp.bank.sets import _new_row, _new_rows

    shared_options, shared_tags = ("正确", "错误"), ("动火", "受限空间")
    questions = [
        CoreQuestion(
            id=f"q{i}",
            type="single",
            stem=f"第{i}题",
            options=shared_options if i % 2 else ("A “引号”", 'B "quote"', "C \\ 反斜杠", f"D {i}"),
            answer=(0,) if i % 3 else (1, 2),
            tags=shared_tags if i % 4 else (),
            source=f"Sheet1!R{i}",
        )
        for i in range(12)
    ]
    rows = _new_rows(questions, 7, 3, "draft", "professional")
    assert rows == [_new_row(q, 7, 3, "draft", "professional") for q in questions]
    for q, row in zip(questions, rows, strict=True):
        assert (row[4], row[5], row[8]) == (
            json.dumps(list(q.options)),
            json.dumps(list(q.answer)),
            json.dumps(list(q.tags)),
        )
