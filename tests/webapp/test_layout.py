"""The top bar: every entry a user may use is linked; more than fit on a tablet's bar are gathered into
menus (admin), a few stay flat (worker)."""

from __future__ import annotations

from tests.webapp.base_builders import make_org, make_user
from webapp.infra.nav import NavItem, grouped_nav


def test_a_long_bar_is_gathered_into_menus_and_a_short_one_stays_flat():
    many = [NavItem(e, e, ("admin",)) for e in ("exams.schedule", "bank.index", "reports.index", "roster.index",
                                                  "inspections.index", "training.queue", "admin.index")]  # fmt: skip
    bar = grouped_nav(many)
    assert len(bar) < len(many)
    flattened = [i for e in bar for i in getattr(e, "items", (e,))]
    assert sorted(i.endpoint for i in flattened) == sorted(i.endpoint for i in many)
    few = many[:3]
    assert grouped_nav(few) == few


def test_the_admin_bar_links_every_area_through_its_menus(client, db):
    org = make_org(db)
    make_user(db, org, "admin1", ("admin",))
    db.commit()
    client.sign_in("admin1")
    html = client.get("/admin/").get_data(as_text=True)
    header = html.split("</header>")[0]
    assert 'class="navgroup"' in header
    for path in ("/bank/", "/roster/", "/reports/", "/inspections", "/training", "/certificates", "/admin/"):
        assert f'href="{path}"' in header, path
