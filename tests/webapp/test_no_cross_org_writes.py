"""One organisation's action never rewrites another's rows: an import that names a post code it does not own
leaves that post as it was (issue 8.1: "every other place where one organisation's action can touch
another's rows")."""

from __future__ import annotations

from quizbank import model
from tests.webapp.base_builders import make_org, make_post
from webapp.bank.sets import upsert_post
from webapp.org.models import Post


def test_an_import_does_not_rename_a_built_in_post(db):
    builtin = make_post(db, "welding", "电焊工")
    org = make_org(db, "甲企业")
    row = upsert_post(db, model.Post("welding", "乱改的名字", "high", True), org.id)
    assert row.id == builtin.id and (row.name, row.risk, row.special_operation) == ("电焊工", "normal", False)


def test_an_import_does_not_take_over_another_organisations_post(db):
    a, b = make_org(db, "甲企业"), make_org(db, "乙企业")
    own = Post(code="a-press", name="甲冲压工", organisation_id=a.id)
    db.add(own)
    db.flush()
    theirs = upsert_post(db, model.Post("a-press", "乙改名", "high", False), b.id)
    db.flush()
    db.refresh(own)
    assert (own.name, own.organisation_id) == ("甲冲压工", a.id)
    assert theirs.id != own.id and theirs.organisation_id == b.id  # codes are unique within an enterprise
