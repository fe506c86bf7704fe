"""The regulator's overview (辖区总览) across the enterprises of its jurisdiction: aggregates, a ranking of
the enterprises that most need a visit, an Excel export and a JSON API, and people only where the rules
allow."""

from webapp.oversight import api, routes  # noqa: F401  (register views on bp)
from webapp.oversight.blueprint import NAV, bp
from webapp.oversight.openapi import OPENAPI

__all__ = ["NAV", "OPENAPI", "bp"]
