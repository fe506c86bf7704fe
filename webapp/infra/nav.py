"""The navigation built from blueprints' NAV lists, and the per-role sections of the home page.

A blueprint module may define ``NAV = [NavItem("bank.index", "题库", ("trainer", "admin")), …]``; the base
layout shows each item to users holding one of its roles, and the staff home page shows them as tiles.
A feature adds a section to the home page by appending a function (user) -> dict to HOME_SECTIONS.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_login import current_user

# Per-role home sections: functions (user) -> dict of template context, registered by feature modules.
HOME_SECTIONS: list = []


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
