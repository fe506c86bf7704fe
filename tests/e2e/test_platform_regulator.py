"""The platform end to end in a real browser (768×1024): the operator creates a regulator and two enterprises
with their first admins (one-time passwords read off the page); each admin sets up people (a roster
import); the regulator's admin adds staff and an inspector; the inspector runs a spot test in one enterprise
of the jurisdiction; regulator staff read 辖区总览 and download its Excel; neither enterprise sees the
other's people."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.helpers import SCREENSHOTS, fresh_app, served, sign_in


@pytest.fixture
def platform_server(app_config):
    from tests.webapp.builders import make_post_with_questions
    from tests.webapp.platform_builders import make_operator
    from webapp.infra.db import database

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        make_operator(s, "op")
        make_post_with_questions(s, "welding", "电焊工", per_type=12)
        s.commit()
    with served(app) as url:
        yield url


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"platform-{name}.png"), full_page=True)


def _login(page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _secret(page) -> str:
    return page.inner_text("#new-password code").strip()


def _create_org(page, base: str, kind: str, name: str, admin: str) -> tuple[int, str]:
    page.goto(f"{base}/platform/")
    page.select_option("#organisation-form select[name=kind]", kind)
    page.fill("#organisation-form input[name=name]", name)
    page.click("#organisation-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/platform/organisations/\d+$"))
    org_id = int(page.url.rsplit("/", 1)[1])
    page.fill("#admin-form input[name=username]", admin)
    page.fill("#admin-form input[name=display_name]", f"{name}管理员")
    page.click("#admin-form button[type=submit]")
    page.wait_for_selector("#new-password")
    return org_id, _secret(page)


def _roster(tmp: Path, rows: list[tuple[str, str, str]]) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "花名册"
    sheet.append(["工号", "姓名", "部门", "岗位", "用工形式", "入职日期", "身份证号", "手机", "PIN"])
    for no, name, dept in rows:
        sheet.append([no, name, dept, "电焊工", "正式", "2024-03-01", None, None, "2468"])
    path = tmp / f"roster-{rows[0][0]}.xlsx"
    wb.save(path)
    return path


def _import_people(page, base: str, path: Path) -> None:
    page.goto(f"{base}/roster/import")
    page.set_input_files("input[type=file]", str(path))
    page.check("input[name=create_departments]")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    _shot(page, "roster-preview")
    page.wait_for_selector("#rows")
    page.click("text=确认导入")
    page.wait_for_load_state()


def _new_user(page, base: str, username: str, name: str, role_label: str) -> str:
    page.goto(f"{base}/admin/users/new")
    page.fill("input[name=username]", username)
    page.fill("input[name=display_name]", name)
    page.get_by_label(role_label, exact=True).check()
    page.click("#user-form button[type=submit]")
    page.wait_for_selector("#new-password")
    return _secret(page)


@pytest.mark.e2e
def test_an_operator_sets_up_a_regulator_over_two_enterprises_that_never_see_each_other(
    platform_server, page, tmp_path
):
    base = platform_server
    page.on("dialog", lambda d: d.accept())

    # The operator: a regulator and two enterprises, each with its first admin; the jurisdiction.
    sign_in(page, base, "op")
    regulator, reg_admin_pw = _create_org(page, base, "regulator", "开发区应急管理局", "kfq-admin")
    _shot(page, "first-admin-password")
    jia, jia_pw = _create_org(page, base, "enterprise", "甲机械厂", "jia-admin")
    yi, yi_pw = _create_org(page, base, "enterprise", "乙化工厂", "yi-admin")
    for enterprise in ("甲机械厂", "乙化工厂"):
        page.goto(f"{base}/platform/organisations/{regulator}")
        page.select_option("#jurisdiction-form select[name=enterprise]", label=enterprise)
        page.click("#jurisdiction-form button[type=submit]")
        page.wait_for_selector("#jurisdictions")
    assert page.locator("#jurisdictions tbody tr").count() == 2
    _shot(page, "regulator-jurisdiction")
    page.goto(f"{base}/platform/")
    _shot(page, "organisations")

    # Each enterprise admin sets up people; 甲's admin sees the regulator overseeing it.
    _login(page, base, "jia-admin", jia_pw)
    _import_people(
        page, base, _roster(tmp_path, [("J001", "甲工一", "甲装配车间"), ("J002", "甲工二", "甲装配车间")])
    )
    page.goto(f"{base}/admin/")
    assert "开发区应急管理局" in page.inner_text("#overseers")
    _shot(page, "enterprise-admin-overseers")
    _login(page, base, "yi-admin", yi_pw)
    _import_people(
        page, base, _roster(tmp_path, [("Y001", "乙工一", "乙罐区"), ("Y002", "乙工二", "乙罐区")])
    )

    # Neither enterprise sees the other.
    page.goto(f"{base}/roster/")
    roster = page.inner_text("main")
    assert "乙工一" in roster and "甲工一" not in roster
    assert page.goto(f"{base}/oversight/").status == 403
    _login(page, base, "jia-admin", jia_pw)
    page.goto(f"{base}/roster/")
    roster = page.inner_text("main")
    assert "甲工一" in roster and "乙工一" not in roster
    _shot(page, "enterprise-roster")

    # The regulator's admin adds staff and an inspector.
    _login(page, base, "kfq-admin", reg_admin_pw)
    staff_pw = _new_user(page, base, "kfq-staff", "安监科 何平", "监管人员")
    insp_pw = _new_user(page, base, "kfq-insp", "执法检查员 马超", "检查人员")

    # The regulator's inspector runs a spot test in 甲 (the worker fails it on purpose).
    _login(page, base, "kfq-insp", insp_pw)
    page.goto(f"{base}/inspections")
    page.select_option("select[name=department_id]", label="甲装配车间")
    page.click("text=开始检查")
    page.wait_for_url("**/inspections/*")
    assert "乙工一" not in page.content()
    page.fill("#find-code", "J001")
    page.press("#find-code", "Enter")
    page.wait_for_url("**/people/*")
    page.locator("[id^=start-spot-]").first.click()
    page.wait_for_selector("#pin")
    for digit in "2468":
        page.click(f".keypad button[data-key='{digit}']")
    page.click("#pin-submit")
    page.wait_for_selector("#question .option")
    total = page.locator("#navigator button").count()
    for i in range(total):
        page.locator("#question .option").last.click()
        page.wait_for_function("() => document.getElementById('save-state').textContent === '已保存'")
        if i < total - 1:
            page.click("#next")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-yes")
    page.wait_for_url("**/result")
    _shot(page, "regulator-spot-test-result")

    # Regulator staff read the overview and download its Excel.
    _login(page, base, "kfq-staff", staff_pw)
    page.goto(f"{base}/oversight/")
    overview = page.inner_text("#overview")
    assert "甲机械厂" in overview and "乙化工厂" in overview
    jia_row = page.locator("#overview tbody tr", has_text="甲机械厂").inner_text()
    assert "1 /" in jia_row  # one 逢查必考
    _shot(page, "oversight")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(wb["辖区总览"].iter_rows(values_only=True))
    header = rows[0]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"甲机械厂", "乙化工厂"}
    assert by_name["甲机械厂"][header.index("逢查必考人次")] == 1
    assert by_name["乙化工厂"][header.index("逢查必考人次")] == 0
    page.goto(f"{base}/oversight/enterprises/{jia}")
    assert "甲工一" in page.inner_text("#people")
    _shot(page, "oversight-enterprise")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/oversight/")
    _shot(page, "oversight-phone")
    assert yi and regulator
