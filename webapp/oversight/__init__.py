"""The regulator's overview (辖区总览) across the enterprises of its jurisdiction: aggregates, a ranking of
the enterprises that most need a visit, an Excel export, and people only where the rules allow."""

from webapp.oversight.routes import NAV, bp

__all__ = ["NAV", "bp"]
