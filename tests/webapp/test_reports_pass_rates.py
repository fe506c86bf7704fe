"""The pass-rate report (DESIGN §5) on a hand-built data set: page, API, exports and the CLI."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_attempt


@pytest.fixture
def data(db):
    """甲企业: 一车间 (张三, 李四), 二车间 (王五); 电焊工 and 叉车司机.

    张三 电焊: fails 2025-01-10, passes the make-up 2025-01-15 → first attempt failed, passed later.
    李四 电焊: passes 2025-01-20. 王五 叉车: fails 2025-02-03 (spot test of inspection 7), practice pass
    (not counted), an unsubmitted attempt (not counted). 乙企业's attempt must never show.
    """
    org = make_org(db, "甲企业")
    weld, fork = make_post(db, "welding", "电焊工"), make_post(db, "forklift", "叉车司机")
    one, two = make_department(db, org, "一车间"), make_department(db, org, "=二车间")
    zhang = make_person(db, org, "张三", "E1", department=one, posts=[weld])
    li = make_person(db, org, "李四", "E2", department=one, posts=[weld])
    wang = make_person(db, org, "王五", "E3", department=two, posts=[fork])
    make_attempt(db, zhang, weld, on="2025-01-10", passed=False)
    make_attempt(db, zhang, weld, on="2025-01-15", passed=True, kind="makeup")
    make_attempt(db, li, weld, on="2025-01-20", passed=True)
    make_attempt(db, wang, fork, on="2025-02-03", passed=False, kind="spot", inspection_id=7)
    make_attempt(db, wang, fork, on="2025-02-04", passed=True, kind="practice")
    make_attempt(db, wang, fork, on="2025-02-05", passed=None, submitted=False)
    other = make_org(db, "乙企业")
    stranger = make_person(db, other, "外人", "X1", posts=[weld])
    make_attempt(db, stranger, weld, on="2025-01-12", passed=True)
    make_user(db, org, "hr", ("hr",))
    make_user(db, org, "trainer", ("trainer",))
    make_user(db, org, "worker", ("worker",))
    db.commit()
    return {"org": org}


def api(client, **params):
    r = client.get("/api/v1/reports/pass-rates", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return {row["label"]: row for row in r.get_json()["rows"]}


def test_by_post_counts_attempts_people_and_first_attempts_and_leaves_out_practice(client, data):
    client.sign_in("hr")
    rows = api(client, by="post")
    assert set(rows) == {"电焊工", "叉车司机"}
    weld = rows["电焊工"]
    assert (weld["attempts"], weld["attempts_passed"], weld["attempt_rate"]) == (3, 2, 66.7)
    assert (weld["people"], weld["latest_passed"], weld["latest_rate"]) == (2, 2, 100.0)
    assert (weld["first_passed"], weld["first_rate"]) == (1, 50.0)
    fork = rows["叉车司机"]
    assert (fork["attempts"], fork["people"], fork["latest_passed"], fork["first_passed"]) == (1, 1, 0, 0)


def test_attempts_are_counted_per_department_month_and_inspection(client, data):
    client.sign_in("hr")
    assert {k: v["attempts"] for k, v in api(client, by="department").items()} == {"一车间": 3, "=二车间": 1}
    months = api(client, by="month")
    assert {k: (v["attempts"], v["people"]) for k, v in months.items()} == {
        "2025-01": (3, 2),
        "2025-02": (1, 1),
    }
    inspections = api(client, by="inspection")
    assert [(v["key"], v["attempts"]) for v in inspections.values()] == [("7", 1)]


def test_date_range_is_inclusive_in_china_time(client, data):
    client.sign_in("hr")
    rows = api(client, by="post", **{"from": "2025-01-15", "to": "2025-01-20"})
    weld = rows["电焊工"]
    assert (weld["attempts"], weld["people"], weld["first_passed"]) == (2, 2, 2)
    assert "叉车司机" not in rows


def test_bad_grouping_or_date_is_a_json_400(client, data):
    client.sign_in("hr")
    r = client.get("/api/v1/reports/pass-rates?by=colour")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_by"
    r = client.get("/api/v1/reports/pass-rates?by=post&from=2025-13-01")
    assert r.status_code == 400 and "YYYY-MM-DD" in r.get_json()["error"]["message"]


@pytest.mark.parametrize("user", ["trainer", "worker"])
def test_only_hr_and_admin_read_reports(app, data, user):
    client = app.test_client()
    client.sign_in(user)
    assert client.get("/api/v1/reports/pass-rates?by=post").status_code == 403
    assert client.get("/reports/").status_code == 403


def test_page_shows_table_and_inline_svg_chart(client, data):
    client.sign_in("hr")
    html = client.get("/reports/?by=post&from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    assert "<svg" in html and "电焊工" in html and "66.7%" in html
    assert "<script" not in html.split("<main", 1)[1]


def test_excel_export_neutralises_formulas_and_explains_columns(client, data):
    client.sign_in("hr")
    r = client.get("/reports/pass-rates.xlsx?by=department")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    sheet = wb["通过率"]
    labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=二车间" in labels and "一车间" in labels
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    notes = [row[1] for row in wb["说明"].iter_rows(min_row=2, values_only=True)]
    assert any("不代表今天可以上岗" in (n or "") for n in notes)


def test_csv_export_neutralises_formulas(client, data):
    client.sign_in("hr")
    r = client.get("/reports/pass-rates.csv?by=department")
    text = r.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "部门"
    assert rows[[r[0] for r in rows].index("'=二车间")][:4] == ["'=二车间", "1", "0", "0.0"]


def test_openapi_describes_the_report(client, data):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/reports/pass-rates" in doc["paths"]
    assert "PassRateRow" in doc["components"]["schemas"]


def test_cli_writes_the_same_report(app, data, tmp_path):
    from webapp.reports.cli import export_pass_rates

    out = tmp_path / "rates.xlsx"
    assert export_pass_rates(by="post", start=None, end=None, out=out, organisation="甲企业", app=app) == 2
    sheet = load_workbook(out)["通过率"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["电焊工"][1:4] == (3, 2, 0.667) and sheet["D2"].number_format == "0.0%"
    with pytest.raises(ValueError, match="不存在"):
        export_pass_rates(by="post", start=None, end=None, out=out, organisation="丙企业", app=app)


def test_report_command_usage_errors_exit_2(tmp_path, capsys):
    from quizbank.cli import main

    assert main(["report", "pass-rates", "--by", "post", "--out", str(tmp_path / "r.pdf")]) == 2
    assert ".xlsx 或 .csv" in capsys.readouterr().err
    args = ["report", "pass-rates", "--by", "post", "--from", "2025-02-01", "--to", "2025-01-01"]
    assert main([*args, "--out", str(tmp_path / "r.csv")]) == 2
    assert main(["report", "pass-rates", "--by", "colour", "--out", str(tmp_path / "r.csv")]) == 2
    assert not list(tmp_path.iterdir())


# --- rates that cannot be read as current fitness ----------------------------------------------------------


@pytest.fixture
def barred_post(db, data):
    """Three 高处作业 workers who all passed their exam, then each committed a 三违: 100 % by any exam
    rate, and nobody may work today (2025-03-03)."""
    from quizbank import rules
    from tests.webapp.standing_builders import add_event, qualify

    org = data["org"]
    height = make_post(db, "height", "高处作业")
    three = make_department(db, org, "三车间")
    for i in range(3):
        p = make_person(db, org, f"高{i}", f"H{i}", department=three, posts=[height])
        qualify(db, p, "height", on=date(2024, 6, 1))
        make_attempt(db, p, height, on="2025-02-10", passed=True)
        add_event(
            db,
            p,
            rules.ViolationRecorded(on=date(2025, 2, 20), category="违章作业", post="height"),
        )
    db.commit()
    return height


def test_a_post_whose_workers_all_passed_but_are_barred_shows_none_may_work_today(client, barred_post):
    client.sign_in("hr")
    row = api(client, by="post")["高处作业"]
    assert (row["attempt_rate"], row["first_rate"], row["latest_rate"]) == (100.0, 100.0, 100.0)
    assert (row["people"], row["may_work_today"]) == (3, 0)
    html = client.get("/reports/?by=post&from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    assert "今日可上岗 0）" in html


def test_the_latest_result_counts_not_whether_one_ever_passed(client, db, data):
    from sqlalchemy import select

    from tests.webapp.builders import make_attempt as attempt
    from webapp.org.models import Person, Post

    li = db.scalar(select(Person).where(Person.name == "李四"))
    weld = db.scalar(select(Post).where(Post.code == "welding"))
    attempt(db, li, weld, on="2025-02-20", passed=False, kind="spot")  # passed in January, fails in February
    db.commit()
    client.sign_in("hr")
    weld_row = api(client, by="post")["电焊工"]
    assert (weld_row["people"], weld_row["latest_passed"]) == (2, 1)  # "ever passed" would say 2


def test_filters_by_exam_kind_and_post_and_department_together(client, data):
    client.sign_in("hr")
    assert set(api(client, by="post", kind="makeup")) == {"电焊工"}
    assert api(client, by="post", kind="makeup")["电焊工"]["attempts"] == 1
    r = client.get("/api/v1/reports/pass-rates", query_string={"by": "department", "post_id": "x"})
    assert r.status_code == 400 and "post_id" in r.get_json()["error"]["message"]
    from sqlalchemy import select

    from webapp.infra.db import database
    from webapp.org.models import Department, Post

    with database(client.application).sessionmaker() as s:
        weld = s.scalar(select(Post.id).where(Post.code == "welding"))
        one = s.scalar(select(Department.id).where(Department.name == "一车间"))
        two = s.scalar(select(Department.id).where(Department.name == "=二车间"))
    assert api(client, by="month", post_id=weld, department_id=one)["2025-01"]["attempts"] == 3
    assert api(client, by="month", post_id=weld, department_id=two) == {}


def test_the_total_row_is_complete_and_counts_each_person_once(client, data):
    client.sign_in("hr")
    body = client.get("/api/v1/reports/pass-rates?by=month").get_json()
    t = body["total"]
    # 张三 (2 attempts), 李四, 王五: 4 attempts, 2 passed; 3 people; first passes: 李四 only; latest: 张三, 李四
    assert (t["attempts"], t["attempts_passed"], t["people"], t["first_passed"], t["latest_passed"]) == (
        4,
        2,
        3,
        1,
        2,
    )
    assert (t["attempt_rate"], t["first_rate"], t["latest_rate"]) == (50.0, 33.3, 66.7)
    assert [m["month"] for m in body["trend"]] == ["2025-01", "2025-02"]
    html = client.get("/reports/?by=month&from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    assert '<tr id="total"><th>合计</th><td class="num">4</td>' in html and "<polyline" in html


def test_excel_has_percent_formats_frozen_headers_widths_and_a_sheet_per_table(client, data):
    client.sign_in("hr")
    wb = load_workbook(io.BytesIO(client.get("/reports/pass-rates.xlsx?by=post").data))
    assert wb.sheetnames == ["通过率", "月度趋势", "说明"]
    sheet = wb["通过率"]
    assert sheet.freeze_panes == "B2" and sheet.column_dimensions["A"].width == 28
    header = [c.value for c in sheet[1]]
    rate_cols = [i for i, h in enumerate(header) if h.endswith("率")]
    assert len(rate_cols) == 3
    last = list(sheet.iter_rows(min_row=sheet.max_row, values_only=False))[0]
    assert last[0].value == "合计" and all(last[i].number_format == "0.0%" for i in rate_cols)
    assert [r[0] for r in wb["月度趋势"].iter_rows(min_row=2, values_only=True)] == ["2025-01", "2025-02"]


def test_first_and_latest_go_by_submission_time_then_attempt_id(client, db, data):
    """Two sittings submitted at the same moment: the later attempt (higher id) is the latest; a sitting
    submitted earlier but recorded later (higher id) is still the first."""
    from datetime import timedelta

    org = data["org"]
    crane = make_post(db, "crane", "起重工")
    zhao = make_person(db, org, "赵六", "E4", posts=[crane])
    earlier = make_attempt(db, zhao, crane, on="2025-03-02", passed=True)
    make_attempt(db, zhao, crane, on="2025-03-03", passed=False)
    make_attempt(db, zhao, crane, on="2025-03-03", passed=True)  # same moment, recorded after: latest
    late_record = make_attempt(db, zhao, crane, on="2025-03-02", passed=False)
    late_record.submitted_at = earlier.submitted_at - timedelta(seconds=1)  # sat first, recorded last
    db.commit()
    client.sign_in("hr")
    row = api(client, by="post")["起重工"]
    assert (row["attempts"], row["people"], row["first_passed"], row["latest_passed"]) == (4, 1, 0, 1)
