"""The 法规标准库 (issue 11): the enterprise's register and what cites a withdrawn or replaced text (待复核)."""

from webapp.laws.routes import NAV, OPENAPI, bp

__all__ = ["NAV", "OPENAPI", "bp"]
