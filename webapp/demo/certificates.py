"""The demo's certificates: a passed qualification per demo worker and a special certificate on file."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.certs.models import Certificate, SpecialCertificate
from webapp.certs.service.issuing import issue
from webapp.certs.service.keys import url_of
from webapp.certs.service.special import add_years, record_special
from webapp.infra import clock
from webapp.org.models import Organisation, Person, Post
from webapp.standing.service import record_event

DEMO_SPECIAL_KINDS = {
    "welding": "熔化焊接与热切割作业",
    "low-voltage-electrician": "低压电工作业",
    "work-at-height": "高处安装、维护、拆除作业",
    "hazardous-chemicals": "危险化学品安全作业",
    "forklift": "场（厂）内专用机动车辆作业（叉车）",
    "confined-space": "有限空间作业",
}


def seed_demo_certificates(s: Session, workers: list[dict], now: datetime, base: str | None = None) -> None:
    """Give every demo worker a valid certificate, issued through `issue` as after a passed qualification
    exam (pre-job training and the exam recorded as events first); special-operation posts get a
    特种作业操作证 on file, the first one due for review within 30 days. Adds `certificate_url` to each
    worker dict. Idempotent: a worker who already holds a certificate for the post keeps it."""
    today = clock.local(now).date()  # type: ignore[union-attr]
    qualified_on = today - timedelta(days=60)
    first_special = True
    for w in workers:
        person = s.get(Person, w["person_id"])
        post = s.scalar(select(Post).where(Post.code == w["post"]))
        cert = s.scalar(
            select(Certificate)
            .where(Certificate.person_id == person.id, Certificate.post_id == post.id)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        )
        org = s.get(Organisation, person.organisation_id)
        if cert is None:
            hours = 72.0 if org.high_risk or post.risk == "high" else 24.0
            for i, level in enumerate(("factory", "workshop", "team")):
                record_event(
                    s,
                    person,
                    rules.TrainingCompleted(
                        on=qualified_on - timedelta(days=10 - 3 * i),
                        level=level,  # type: ignore[arg-type]
                        hours=hours / 3,
                        session_id=f"demo-{person.id}-{level}",
                        post=None if level == "factory" else post.code,
                    ),
                    recorded_by=None,
                )
            record_event(
                s,
                person,
                rules.ExamTaken(
                    on=qualified_on, kind="qualification", passed=True, score=92.0, post=post.code
                ),
                recorded_by=None,
            )
            cert = issue(s, person, post, kind="qualification", on=qualified_on)
        if post.special_operation and not s.scalar(
            select(SpecialCertificate.id).where(SpecialCertificate.person_id == person.id)
        ):
            # The first one was issued almost three years ago: its review is due within a month.
            issued = (
                add_years(today + timedelta(days=20), -3) if first_special else today - timedelta(days=400)
            )
            record_special(
                s,
                person,
                number=f"T{person.id:04d}{issued:%Y%m%d}",
                kind=DEMO_SPECIAL_KINDS.get(post.code, post.name + "作业"),
                issued=issued,
                review_due=None,
                expires=None,
                post_code=post.code,
                recorded_by=None,
                on=qualified_on,
            )
        if post.special_operation:
            first_special = False
        w["certificate_url"] = url_of(cert, base)
    s.flush()
