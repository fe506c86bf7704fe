"""The pass-rate page's 合计 row is complete: people columns count each person once over every group, and 首考
is each person's first sitting in the range."""

from __future__ import annotations

import re

from tests.webapp.base_builders import make_department, make_org, make_person, make_post, make_user
from tests.webapp.builders import make_attempt


def test_the_total_row_counts_people_once_over_all_posts(client, db):
    org = make_org(db, "甲企业")
    weld, fork = make_post(db, "welding", "电焊工"), make_post(db, "forklift", "叉车司机")
    dept = make_department(db, org, "一车间")
    zhang = make_person(db, org, "张三", "E1", department=dept, posts=[weld, fork])
    li = make_person(db, org, "李四", "E2", department=dept, posts=[weld])
    make_attempt(db, zhang, weld, on="2025-01-10", passed=False)  # 张三's first sitting: failed
    make_attempt(db, zhang, fork, on="2025-01-12", passed=True)
    make_attempt(db, li, weld, on="2025-01-20", passed=True)
    make_attempt(db, li, weld, on="2025-01-21", passed=True, kind="practice")  # not counted
    make_user(db, org, "hr", ("hr",))
    db.commit()
    client.sign_in("hr")
    page = client.get("/reports/?by=post&from=2025-01-01&to=2025-01-31").get_data(as_text=True)
    foot = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', foot)
    # 考试人次 通过人次 人次通过率 参考人数 通过人数 人员通过率 首考通过人数 首考通过率
    assert cells == ["3", "2", "66.7%", "2", "2", "100.0%", "1", "50.0%"]


def test_the_favicon_is_an_icon_not_a_404(client):
    r = client.get("/favicon.ico")
    assert (
        r.status_code == 200
        and r.mimetype == "image/vnd.microsoft.icon"
        and r.data[:4] == b"\x00\x00\x01\x00"
    )
