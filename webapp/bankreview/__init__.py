"""Review before live, near-duplicate choices and 题目体检 (issue 11): pages in routes.py, use cases in service.py."""

from webapp.bankreview.routes import NAV, bp

__all__ = ["NAV", "bp"]
