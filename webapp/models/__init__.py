"""The tables, split by area. Import from here: ``from webapp.models import Person, Attempt``.

Standing is never stored: the `events` table holds facts (exam taken, training completed, violation…)
and `quizbank.rules.standing` derives status from them.
"""

from webapp.db import Base
from webapp.models.content import Blueprint, HandbookSection, Question, QuestionSet
from webapp.models.events import Event
from webapp.models.exams import Attempt, Exam, Response
from webapp.models.org import Department, Organisation, Person, PersonPost, Post
from webapp.models.security import ApiToken, InspectorGrant, LoginThrottle, User, UserRole
from webapp.models.uploads import UploadPreview

EMPLOYMENT_TYPES = ("正式", "劳务派遣", "外包", "灵活用工")
ROLES = ("worker", "trainer", "inspector", "hr", "admin")
ROLE_NAMES = {
    "worker": "作业人员",
    "trainer": "培训管理员",
    "inspector": "检查人员",
    "hr": "人事/安全科",
    "admin": "系统管理员",
}

__all__ = [
    "EMPLOYMENT_TYPES",
    "ROLES",
    "ROLE_NAMES",
    "ApiToken",
    "Attempt",
    "Base",
    "Blueprint",
    "Department",
    "Event",
    "Exam",
    "HandbookSection",
    "InspectorGrant",
    "LoginThrottle",
    "Organisation",
    "Person",
    "PersonPost",
    "Post",
    "Question",
    "QuestionSet",
    "Response",
    "User",
    "UserRole",
    "UploadPreview",
]


def import_all_models() -> None:
    """Import every area's `models` module (webapp/<area>/models.py or models/ package), so the metadata
    holds every table (Alembic autogenerate, create_all in tests) even before the area's blueprint loads."""
    import importlib
    import pkgutil

    import webapp

    for info in pkgutil.iter_modules(webapp.__path__):
        if info.ispkg and info.name != "models":
            try:
                importlib.import_module(f"webapp.{info.name}.models")
            except ModuleNotFoundError as e:
                if e.name != f"webapp.{info.name}.models":
                    raise
