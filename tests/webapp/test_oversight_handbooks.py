"""The overview reads a post's handbook from one place: the enterprise's own published 专业知识 part wins
over the question set that covers the post, and its latest version is the one shown."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.webapp.base_builders import make_org
from webapp.handbooks.models import Handbook, HandbookVersion
from webapp.org.models import Post
from webapp.oversight.handbooks import handbook_status


def _publish(db, handbook: Handbook, number: int, title: str, on: datetime) -> None:
    db.add(HandbookVersion(handbook_id=handbook.id, number=number, title=title, sections=[], published_at=on))


def test_an_enterprises_own_published_handbook_is_the_one_the_overview_shows(db):
    org = make_org(db, "压力容器企业")
    post = Post(code="pv-op", name="压力容器操作", organisation_id=org.id)
    db.add(post)
    db.flush()
    handbook = Handbook(organisation_id=org.id, post_id=post.id, title="压力容器操作应知应会手册", draft=[])
    db.add(handbook)
    db.flush()
    _publish(db, handbook, 1, "初版", datetime(2026, 3, 1, 2, tzinfo=UTC))
    _publish(db, handbook, 2, "第二版", datetime(2026, 9, 1, 2, tzinfo=UTC))
    db.flush()

    status = handbook_status(db, [org.id], ["pv-op", "no-such-post"])

    assert status[(org.id, "pv-op")].version == "v2"
    assert status[(org.id, "pv-op")].title == "第二版"
    assert str(status[(org.id, "pv-op")].published_on) == "2026-09-01"
    assert (org.id, "no-such-post") not in status


def test_a_draft_with_no_published_version_is_no_handbook(db):
    org = make_org(db, "草稿企业")
    post = Post(code="draft-op", name="草稿岗位", organisation_id=org.id)
    db.add(post)
    db.flush()
    db.add(Handbook(organisation_id=org.id, post_id=post.id, title="未发布", draft=[{"id": "a"}]))
    db.flush()

    assert (org.id, "draft-op") not in handbook_status(db, [org.id], ["draft-op"])
