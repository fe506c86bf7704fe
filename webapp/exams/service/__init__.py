"""Exams: scheduling, attempts (draw → save answers one by one → submit → grade), practice, 错题本.

The paper is frozen at start: `Attempt.layout` holds, per position, the question's ext id, its row id
(the exact text asked, even after the set changes), its option order, type and option count — enough to
validate a save without loading questions, and to rebuild the paper for grading and audit.
Submitting appends an `exam_taken` event in the same transaction (practice attempts record none).
Nothing here commits.

scheduling (who sits what, when), saving (the answer path: one guarded statement), bank_cache (the indexed bank per process), papers (the frozen paper and
its answers), starting, fresh_start (a first start in two statements), answering (saving one answer, practice checks), grading (submit), results (the JSON
the browser gets), wrong_book (错题本).
"""

from __future__ import annotations

from webapp.exams.service.answering import (
    ANSWERS_HIDDEN,
    check_practice,
    open_exam_attempt,
    refuse_during_exam,
    save_response,
)
from webapp.exams.service.bank_cache import DrawableBank, drawable_bank
from webapp.exams.service.fresh_start import (
    FreshAttempt,
    start_fresh_exam_attempt,
    start_fresh_exam_attempt_signed_in,
)
from webapp.exams.service.grading import finalize_if_expired, result_of, submit
from webapp.exams.service.papers import AttemptClosed, is_open, paper_of, question_rows, responses_of
from webapp.exams.service.results import attempt_json, result_json, score_json, section_url
from webapp.exams.service.saving import PaperFacts, paper_facts, store_answer, valid_choices
from webapp.exams.service.scheduling import (
    SCHEDULABLE_KINDS,
    assigned_exams,
    attempts_by_exam,
    exams_for,
    person_post_ids,
    schedule_exam,
)
from webapp.exams.service.starting import (
    PRACTICE_SIZE,
    _new_attempt,
    start_exam_attempt,
    start_practice_attempt,
    start_spot_attempt,
)
from webapp.exams.service.wrong_book import wrong_book

__all__ = [
    "ANSWERS_HIDDEN",
    "PaperFacts",
    "paper_facts",
    "store_answer",
    "valid_choices",
    "AttemptClosed",
    "DrawableBank",
    "FreshAttempt",
    "PRACTICE_SIZE",
    "SCHEDULABLE_KINDS",
    "_new_attempt",
    "assigned_exams",
    "attempt_json",
    "attempts_by_exam",
    "check_practice",
    "drawable_bank",
    "exams_for",
    "finalize_if_expired",
    "is_open",
    "open_exam_attempt",
    "paper_of",
    "person_post_ids",
    "question_rows",
    "refuse_during_exam",
    "responses_of",
    "result_json",
    "result_of",
    "score_json",
    "save_response",
    "schedule_exam",
    "section_url",
    "start_exam_attempt",
    "start_fresh_exam_attempt",
    "start_fresh_exam_attempt_signed_in",
    "start_practice_attempt",
    "start_spot_attempt",
    "submit",
    "wrong_book",
]
