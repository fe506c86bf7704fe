"""An outside inspector on a tablet (768×1024) and a phone (390×844): the home board of the enterprise that
granted them access — 今日不得上岗 with its click-through, their open inspection with the spot tests' pass
counts — laid out without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.helpers import SCREENSHOTS, WORKERS, fresh_app, make_demo_site, served, sign_in


@pytest.fixture
def inspector_server(app_config):
    from tests.webapp.base_builders import make_department, make_org, make_person, make_user
    from tests.webapp.builders import make_attempt, make_grant
    from tests.webapp.platform_builders import make_regulator
    from tests.webapp.standing_builders import qualify
    from webapp.infra import clock
    from webapp.infra.db import database
    from webapp.inspections.models import Inspection

    app = fresh_app(app_config)
    with app.app_context(), database(app).sessionmaker() as s:
        org, dept, post = make_demo_site(s, per_type=12)
        today, now = clock.today(), clock.now()
        people = [make_person(s, org, n, no, department=dept, posts=[post]) for n, no in WORKERS]
        for p in people[:3]:
            qualify(s, p, "welding", on=today - timedelta(days=60))
        regulator = make_regulator(s, "市应急管理局")
        inspector = make_user(s, regulator, "insp", ("inspector",), display_name="检查员 周明")
        make_grant(s, inspector, org)
        second = make_org(s, "东方机械厂")
        make_person(
            s, second, "赵六", "D001", department=make_department(s, second, "装配车间"), posts=[post]
        )
        make_grant(s, inspector, second)
        inspection = Inspection(organisation_id=org.id, department_id=dept.id, inspector_id=inspector.id,
                                opened_at=now - timedelta(hours=1))  # fmt: skip
        s.add(inspection)
        s.flush()
        on = clock.local(now).date().isoformat()
        for p, passed in ((people[0], True), (people[1], True), (people[2], False)):
            make_attempt(s, p, post, on=on, passed=passed, kind="spot", inspection_id=inspection.id)
        s.commit()
        org_id = org.id
    with served(app) as url:
        yield url, org_id


@pytest.mark.e2e
@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_the_inspector_reads_the_board_and_follows_the_barred_figure(inspector_server, page, size):
    base, org_id = inspector_server
    tag = f"{size[0]}x{size[1]}"
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, base, "insp")
    board = page.locator(f"#board-{org_id}")
    assert board.locator(f"#fig-barred-{org_id} strong").inner_text() == "2"  # 刘洋 and 陈杰: never trained
    table = board.locator(f"#inspections-{org_id}").inner_text()
    assert "进行中" in table
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = board.locator(f"#inspections-{org_id}").evaluate_handle("t => t.parentElement")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")  # every column in view, no sideways scroll
    page.screenshot(path=str(SCREENSHOTS / f"inspector-home-{tag}.png"), full_page=True)

    page.click(f"#fig-barred-{org_id}")
    page.wait_for_url(f"{base}/dashboard/people?list=barred&org={org_id}")
    lines = page.locator("#lines").inner_text()
    assert "刘洋" in lines and "陈杰" in lines and "张伟" not in lines
    page.screenshot(path=str(SCREENSHOTS / f"inspector-barred-{tag}.png"), full_page=True)
