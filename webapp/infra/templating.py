"""Jinja setup: time filters (China time), safe Markdown, Chinese-only messages, and the navigation
(webapp.infra.nav) in every page's context."""

from __future__ import annotations

import html
import re

import markdown as md
from flask import Flask, url_for
from markupsafe import Markup

from webapp.infra import clock
from webapp.infra.nav import grouped_nav, visible_nav
from webapp.org.models import ROLE_NAMES

_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = ("http", "https", "mailto")


def render_markdown(text: str) -> Markup:
    # Raw HTML in a handbook is shown as text, and script links are dropped: trainers' imports are not trusted.
    rendered = md.markdown(
        (text or "").replace("<", "&lt;"), extensions=["tables", "sane_lists"], output_format="html"
    )
    return Markup(_URL_ATTRIBUTE.sub(_safe_url_attribute, rendered))


def _safe_url_attribute(m: re.Match) -> str:
    """Links and images keep http(s), mailto and same-site URLs; any other scheme becomes '#', however it is
    disguised: a browser decodes entities and drops tabs/new lines before it reads the scheme."""
    seen = "".join(ch for ch in html.unescape(m.group(2)) if ch > " ").lower()
    scheme = _SCHEME.match(seen)
    if scheme and scheme.group(1) not in SAFE_SCHEMES:
        return f'{m.group(1)}="#"'
    return m.group(0)


_ENGLISH_GLOSS = re.compile(r"\s*\([\x20-\x7e]*\)(?=；|$)")
_LINE_PLACE = re.compile(r"\bline (\d+)\b")


def chinese_only(text: str) -> str:
    """A core message 'Chinese (English gloss)' without its gloss: the CLI and logs keep both, pages show one."""
    return _ENGLISH_GLOSS.sub("", str(text))


def chinese_place(text: str) -> str:
    """'line 7' (a GIFT/Aiken place, also inside a message) → '第 7 行'; 'Sheet1!R12' stays as it is."""
    return _LINE_PLACE.sub(r"第 \1 行", str(text))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local"] = clock.format_local
    app.jinja_env.filters["chinese_only"] = chinese_only
    app.jinja_env.filters["place"] = chinese_place
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["role_names"] = ROLE_NAMES

    @app.context_processor
    def _globals():
        nav = visible_nav()
        return {"nav": nav, "nav_bar": grouped_nav(nav), "url_for": url_for}
