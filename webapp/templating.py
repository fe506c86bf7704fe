"""Jinja setup: time filters (China time), Markdown, and the navigation built from blueprints' NAV lists.

A blueprint module may define ``NAV = [NavItem("bank.index", "题库", ("trainer", "admin")), …]``; the base
layout shows each item to users holding one of its roles, and the staff home page shows them as tiles.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown as md
from flask import Flask, current_app, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp import clock
from webapp.models import ROLE_NAMES

_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...]
    description: str = ""


def nav_items() -> list[NavItem]:
    items: list[NavItem] = []
    for module in current_app.extensions.get("quizbank_modules", []):
        items.extend(getattr(module, "NAV", ()))
    return items


def visible_nav() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    return [i for i in nav_items() if current_user.has_role(*i.roles)]


NAV_GROUPS = {  # endpoint → menu it goes under when a user sees more items than fit on a tablet's bar
    "exams.schedule": "考试与题库",
    "bank.index": "考试与题库",
    "training.queue": "培训",
    "training.sessions": "培训",
    "certs.index": "证书",
    "certs.special_due": "证书",
    "roster.index": "人员与报表",
    "reports.index": "人员与报表",
    "records.index": "人员与报表",
    "records.coverage_page": "人员与报表",
    "reminders.log": "人员与报表",
    "reminders.channels": "人员与报表",
}
NAV_FLAT_MAX = 6  # up to this many items the bar lists them all


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]


def grouped_nav(items: list[NavItem]) -> list[NavItem | NavGroup]:
    """The bar's entries: every item when they fit, else items gathered into menus (NAV_GROUPS), in the
    order of each menu's first item; a menu left with one item is shown as that item."""
    if len(items) <= NAV_FLAT_MAX:
        return list(items)
    order: list[str | NavItem] = []
    members: dict[str, list[NavItem]] = {}
    for item in items:
        group = NAV_GROUPS.get(item.endpoint)
        if group is None:
            order.append(item)
            continue
        if group not in members:
            members[group] = []
            order.append(group)
        members[group].append(item)
    out: list[NavItem | NavGroup] = []
    for entry in order:
        if isinstance(entry, NavItem):
            out.append(entry)
        elif len(members[entry]) == 1:
            out.append(members[entry][0])
        else:
            out.append(NavGroup(entry, tuple(members[entry])))
    return out


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
