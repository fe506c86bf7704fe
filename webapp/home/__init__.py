"""The home page: what each role does here, as big tiles plus the worker's exams."""

from webapp.home.routes import bp

__all__ = ["bp"]
