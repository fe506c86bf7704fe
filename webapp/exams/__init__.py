"""Workers' exams: assigned exams, the timed exam page, results, practice, 错题本, handbook sections;
and the trainers' simple exam scheduling page."""

from webapp.exams.routes import NAV, bp

__all__ = ["NAV", "bp"]
