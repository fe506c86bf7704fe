"""Jinja setup: time filters (China time), Markdown, and the navigation built from blueprints' NAV lists.

A blueprint module may define ``NAV = [NavItem("bank.index", "题库", ("trainer", "admin")), …]``; the base
layout shows each item to users holding one of its roles, and the staff home page shows them as tiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown as md
from flask import Flask, current_app, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp import clock
from webapp.models import ROLE_NAMES

_SCRIPT_LINK = re.compile(r'href="\s*(?:javascript|data|vbscript):[^"]*"', re.I)


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


def render_markdown(text: str) -> Markup:
    # Raw HTML in a handbook is shown as text, and script links are dropped: trainers' imports are not trusted.
    html = md.markdown(
        (text or "").replace("<", "&lt;"), extensions=["tables", "sane_lists"], output_format="html"
    )
    return Markup(_SCRIPT_LINK.sub('href="#"', html))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local"] = clock.format_local
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["role_names"] = ROLE_NAMES

    @app.context_processor
    def _globals():
        return {"nav": visible_nav(), "url_for": url_for}
