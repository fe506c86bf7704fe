"""/favicon.ico is served (browsers ask for it whatever the page links). The pass-rate 合计 row is tested with the
report (tests/webapp/test_reports_pass_rates.py)."""

from __future__ import annotations


def test_the_favicon_is_an_icon_not_a_404(client):
    r = client.get("/favicon.ico")
    assert (
        r.status_code == 200
        and r.mimetype == "image/vnd.microsoft.icon"
        and r.data[:4] == b"\x00\x00\x01\x00"
    )
