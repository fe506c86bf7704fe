"""Handbook Markdown is rendered as HTML: raw HTML shows as text and links can only go to http(s), mailto
or this site, however the scheme is disguised (entities, tabs, case)."""

from __future__ import annotations

import re

import pytest

from webapp.infra.templating import render_markdown


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#9;script:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "[a][r]\n\n[r]: java&#10;script:alert(1)",
    ],
)
def test_a_disguised_script_link_is_dropped(text):
    html = str(render_markdown(text))
    for value in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert value == "#", html


@pytest.mark.parametrize(
    "url",
    [
        "https://www.mem.gov.cn/",
        "http://example.com/a?b=1&c=2",
        "mailto:safety@example.com",
        "/handbook/1/g-1",
        "#s2",
    ],
)
def test_ordinary_links_are_kept(url):
    html = str(render_markdown(f"[规程]({url})"))
    assert re.search(r'href="([^"]*)"', html).group(1).replace("&amp;", "&") == url


def test_raw_html_is_shown_as_text():
    html = str(render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)">'))
    assert "<script" not in html and "<img" not in html
