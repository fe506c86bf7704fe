"""一人一档 on the web: who may read whose archive, the page, the PDF (Chinese text, pages), the Excel
file, a department's zip, the JSON API against its OpenAPI schema, hours coverage and `quizbank archive`."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_grant, signed_in
from tests.webapp.records_builders import make_history
from tests.webapp.test_api_contract import conforms

NOW = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # the test clock: 2025-03-03 in China


@pytest.fixture
def plant(db):
    org = make_org(db, "甲化工有限公司")
    dept = make_department(db, org, "一车间")
    post = make_post(db, "welding", "电焊工")
    zhang = make_person(db, org, "张三", "E001", department=dept, posts=[post], employment_type="劳务派遣")
    li = make_person(db, org, "李四", "E002", department=dept, posts=[post])
    make_history(db, org, zhang, post)
    make_user(db, org, "zhang", ("worker",), person=zhang)
    make_user(db, org, "li", ("worker",), person=li)
    make_user(db, org, "hr1", ("hr",))
    other = make_org(db, "乙企业")
    make_user(db, other, "hr2", ("hr",))
    regulator = make_org(db, "应急管理局")
    make_grant(db, make_user(db, regulator, "insp1", ("inspector",)), org)
    make_user(db, regulator, "insp2", ("inspector",))
    db.commit()
    return {"org": org, "dept": dept, "post": post, "zhang": zhang, "li": li}


def test_a_worker_reads_their_own_archive_and_nobody_elses(app, plant):
    zhang = signed_in(app, "zhang")
    assert zhang.get(f"/records/people/{plant['zhang'].id}").status_code == 200
    assert zhang.get(f"/records/people/{plant['li'].id}").status_code == 404
    assert zhang.get(f"/api/v1/people/{plant['li'].id}/archive").status_code == 404


@pytest.mark.parametrize(("user", "status"), [("hr1", 200), ("insp1", 200), ("hr2", 404), ("insp2", 404)])
def test_staff_read_archives_of_their_enterprise_or_one_that_granted_them(app, plant, user, status):
    client = signed_in(app, user)
    assert client.get(f"/records/people/{plant['zhang'].id}").status_code == status
    assert client.get(f"/api/v1/people/{plant['zhang'].id}/archive.pdf").status_code == status


def test_archive_page_shows_the_card_the_hours_and_today_standing(app, plant):
    html = signed_in(app, "hr1").get(f"/records/people/{plant['zhang'].id}").get_data(as_text=True)
    for text in ("三级安全教育卡", "厂级安全教育", "赵班长", "劳务派遣", "QB-2024-000001", "动火未审批",
                 "熔化焊接与热切割作业", "今日不得上岗", "三违停岗"):  # fmt: skip
        assert text in html, text
    # 8+8+8 (2024) + 5 periodic + 3 off-duty (2025) = 32
    assert "<strong>32</strong><span>累计培训学时" in html


def test_archive_json_matches_its_openapi_schema_and_counts_hours_by_year(app, client, plant):
    doc = client.get("/api/v1/openapi.json").get_json()
    r = signed_in(app, "hr1").get(f"/api/v1/people/{plant['zhang'].id}/archive")
    conforms(doc, "/api/v1/people/{person_id}/archive", "get", r)
    body = r.get_json()
    assert {y["year"]: y["hours"] for y in body["hours_by_year"]} == {
        2024: {"factory": 8, "workshop": 8, "team": 8},
        2025: {"periodic": 5, "offduty": 3},
    }
    owed_2025 = next(o for o in body["hours_owed"] if o["year"] == 2025)
    assert {ln["kind"]: ln["short"] for ln in owed_2025["lines"]} == {"annual": 3, "offduty": 5}
    assert body["may_work"] is False
    denied = signed_in(app, "hr2").get(f"/api/v1/people/{plant['zhang'].id}/archive")
    conforms(doc, "/api/v1/people/{person_id}/archive", "get", denied)


def _pdf_text(data: bytes, tmp_path) -> tuple[str, int]:
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    return text, pages


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_archive_pdf_is_chinese_paginated_and_has_signature_lines(app, plant, tmp_path):
    r = signed_in(app, "hr1").get(f"/records/people/{plant['zhang'].id}/archive.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text, pages = _pdf_text(r.data, tmp_path)
    text = text.replace(" ", "")
    for phrase in (
        "一人一档",
        "三级安全教育卡",
        "厂级安全教育",
        "受教育人签字",
        "QB-2024-000001",
        "第1页",
        "本人签字",
    ):
        assert phrase in text, phrase
    assert pages >= 2 and f"第{pages}页" in text


def test_archive_excel_has_a_sheet_per_section_with_frozen_headers(app, plant):
    r = signed_in(app, "hr1").get(f"/records/people/{plant['zhang'].id}/archive.xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames[:4] == ["基本信息", "今日上岗资格", "岗位及变动", "三级安全教育卡"]
    assert all(ws.freeze_panes == "A2" for ws in wb.worksheets)
    training = wb["培训记录"]
    assert [row[2].value for row in training.iter_rows(min_row=2)] == ["8", "8", "8", "5", "3"]


def test_department_archives_download_as_one_zip_of_every_person(app, plant):
    r = signed_in(app, "hr1").get(f"/records/departments/{plant['dept'].id}/archives.zip")
    assert r.status_code == 200 and r.is_streamed
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert sorted(names) == sorted(
        f"一人一档-{no}-{name}.{ext}"
        for no, name in (("E001", "张三"), ("E002", "李四"))
        for ext in ("pdf", "xlsx")
    )
    assert (
        signed_in(app, "hr2").get(f"/records/departments/{plant['dept'].id}/archives.zip").status_code == 404
    )
    assert (
        signed_in(app, "zhang").get(f"/records/departments/{plant['dept'].id}/archives.zip").status_code
        == 403
    )


def test_coverage_table_lists_who_is_short_by_department_and_post(app, plant):
    html = signed_in(app, "hr1").get("/records/coverage?year=2025").get_data(as_text=True)
    # 2025: 张三 owes 8 annual + 8 off-duty, has 5 + 3 → short 8; 李四, on the post with no training at
    # all, owes the 24 pre-job hours
    assert '李四（E002） 差 24</span>；<span class="short">张三（E001） 差 8' in html
    r = signed_in(app, "hr1").get("/records/coverage.xlsx?year=2025")
    ws = load_workbook(io.BytesIO(r.data))["2025年学时覆盖"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0][:5] == ["一车间", "电焊工", 2, 40, 8] and rows[0][6:] == [2, 32]
    assert rows[-1][0] == "合计" and ws["F2"].number_format == "0.0%"


def test_quizbank_archive_writes_the_same_archive_to_a_file(app, plant, tmp_path):
    from webapp.records.cli import export_archive

    out = tmp_path / "zhang.xlsx"
    assert export_archive("E001", out=out, organisation=plant["org"].id, app=app) == "张三"
    assert "三级安全教育卡" in load_workbook(out).sheetnames
    with pytest.raises(ValueError, match="没有工号为“E999”"):
        export_archive("E999", out=tmp_path / "x.pdf", organisation=plant["org"].id, app=app)
    assert not (tmp_path / "x.pdf").exists()


def test_archive_command_usage_errors_exit_2(tmp_path, capsys):
    from quizbank.cli import main

    assert main(["archive", "E001", "--out", str(tmp_path / "a.docx")]) == 2
    assert ".pdf 或 .xlsx" in capsys.readouterr().err
    assert main(["archive", "E001", "--out", str(tmp_path / "missing" / "a.pdf")]) == 2
    assert not list(tmp_path.iterdir())
