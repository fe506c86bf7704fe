"""Records: a person's archive (一人一档) and the hours each year asked of them, from their events."""

from quizbank.records.archive import (
    THREE_LEVELS,
    Archive,
    CertificateLine,
    ExamInfo,
    ExamLine,
    Facts,
    Identity,
    PostRef,
    Recorded,
    SessionInfo,
    TrainingLine,
    YearHours,
    assemble,
    hours_by_year,
)
from quizbank.records.hours import HOURS_KIND_NAMES, CoverageRow, HoursLine, HoursOwed, coverage, hours_owed

__all__ = [
    "HOURS_KIND_NAMES",
    "THREE_LEVELS",
    "Archive",
    "CertificateLine",
    "CoverageRow",
    "ExamInfo",
    "ExamLine",
    "Facts",
    "HoursLine",
    "HoursOwed",
    "Identity",
    "PostRef",
    "Recorded",
    "SessionInfo",
    "TrainingLine",
    "YearHours",
    "assemble",
    "coverage",
    "hours_by_year",
    "hours_owed",
]
