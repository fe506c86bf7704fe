"""Builders for the posts and handbooks tests: Word files made with python-docx, an enterprise with a trainer,
HR and a worker, and the questions of a post made through the bank's importer."""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx

from tests.webapp.bank_builders import publish_drafts
from tests.webapp.base_builders import core_questions, make_department, make_org, make_user, make_worker
from webapp.bank.service import import_questions_into
from webapp.org.models import Organisation, Post


def docx_bytes(title: str, sections: Sequence[tuple[str, str]], *, headings: bool = True) -> bytes:
    """A Word file: a level-1 title, then each (title, body) as a level-2 heading and a paragraph per line
    (or, with headings=False, everything as plain paragraphs)."""
    d = docx.Document()
    if headings:
        d.add_heading(title, level=1)
    else:
        d.add_paragraph(title)
    for heading, body in sections:
        if headings:
            d.add_heading(heading, level=2)
        else:
            d.add_paragraph(heading)
        for line in body.splitlines():
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


PV_SECTIONS = [
    ("压力容器的基本知识", "压力容器是盛装气体或者液化气体的密闭设备。\n最高工作压力不小于 0.1 MPa。"),
    ("安全附件", "安全阀、爆破片、压力表、液位计是常见安全附件。\n压力表应定期检定。"),
    ("操作规程", "升压、降压应缓慢进行。\n不得超温超压运行。"),
]


def enterprise(db, name: str = "甲化工有限公司", prefix: str = "a") -> dict:
    """An enterprise with a department, trainer `{prefix}-trainer`, HR `{prefix}-hr`; committed."""
    db.commit()  # no stale read snapshot
    org = make_org(db, name)
    dept = make_department(db, org, "一车间")
    trainer = make_user(db, org, f"{prefix}-trainer", ("trainer",), display_name="王培训")
    hr = make_user(db, org, f"{prefix}-hr", ("hr",))
    db.commit()
    return {"org": org, "dept": dept, "trainer": trainer, "hr": hr}


def worker_of(db, org: Organisation, post: Post, username: str, employee_no: str):
    db.commit()  # no stale read snapshot
    user = make_worker(db, org, username, post, employee_no=employee_no)
    db.commit()
    return user


def import_post_questions(db, org: Organisation, post: Post, section: str, counts: dict[str, int]):
    """Questions of `post` citing `section`, imported as the trainer would (one committed set) and published
    by a reviewer (imports are drafts until then)."""
    db.commit()  # no stale read snapshot: SQLite refuses to upgrade it to a write
    qs = core_questions(f"{post.code}-{section}", "professional", section, counts)
    row = import_questions_into(
        db, qs, organisation_id=org.id, post=post, part="professional", title="测试题库"
    )
    db.commit()
    publish_drafts(db, org.id)
    return row
