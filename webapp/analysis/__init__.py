"""试题分析 (issue 11): what the answers say about each question, and the 班前会 list."""

from webapp.analysis.routes import NAV, OPENAPI, bp

__all__ = ["NAV", "OPENAPI", "bp"]
