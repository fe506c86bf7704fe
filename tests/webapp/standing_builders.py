"""Builders for the standing, inspection and training tests: events written straight into the `events`
table (as the services would), a qualified worker, and answering a paper right or wrong by option text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from quizbank import rules
from webapp.org.models import Person
from webapp.standing.models import Event

# tests.webapp.base_builders.core_questions: single → 乙, multiple → 甲+丙, true/false → 正确
RIGHT = {"single": {"乙"}, "multiple": {"甲", "丙"}, "truefalse": {"正确"}}


def add_event(s, person: Person, event: rules.Event) -> Event:
    row = Event(
        organisation_id=person.organisation_id,
        person_id=person.id,
        post_code=getattr(event, "post", None),
        kind=rules.event_kind(event),
        occurred_on=event.on,
        data=rules.event_to_dict(event),
        recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    s.add(row)
    s.flush()
    return row


def qualify(
    s, person: Person, post_code: str, on: date = date(2024, 3, 1), hours_per_level: float = 24
) -> None:
    """Hired on the post, 厂级/车间级/班组级 training, then a passed qualification exam."""
    add_event(s, person, rules.Hired(on=on, post=post_code))
    for i, level in enumerate(("factory", "workshop", "team")):
        add_event(
            s,
            person,
            rules.TrainingCompleted(
                on=on, level=level, hours=hours_per_level, session_id=f"q{person.id}-{i}"
            ),
        )
    add_event(s, person, rules.ExamTaken(on=on, kind="qualification", passed=True, score=95, post=post_code))


def answer_all(client, attempt: dict, *, right: bool) -> None:
    """Answer every question of an attempt (as returned by the API) right, or wrong, through the attempt API."""
    for q in attempt["questions"]:
        good = [i for i, text in enumerate(q["options"]) if text in RIGHT[q["type"]]]
        bad = [i for i in range(len(q["options"])) if i not in good][:1]
        r = client.put(
            f"/api/v1/attempts/{attempt['id']}/responses/{q['id']}", json={"choices": good if right else bad}
        )
        assert r.status_code == 204, r.get_data(as_text=True)
