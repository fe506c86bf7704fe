"""岗位管理: an enterprise's posts are its own (codes unique within it), built-in ones are adopted or copied,
a post in use is retired never deleted, a merge moves its people."""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.base_builders import make_question_sets
from tests.webapp.handbook_builders import enterprise, worker_of
from webapp.org.models import PersonPost, Post
from webapp.posts.models import PostDepartment


def _trainer(app, username):
    c = app.test_client()
    c.sign_in(username)
    return c


PV = {
    "code": "pressure-vessel",
    "name": "压力容器操作",
    "risk": "high",
    "certificate": "special_equipment",
    "certificate_kind": "R1 快开门式压力容器操作",
}


def test_two_enterprises_each_create_the_same_post_and_neither_sees_the_others(app, db):
    a, b = enterprise(db, "甲企业", "a"), enterprise(db, "乙企业", "b")
    ta, tb = _trainer(app, "a-trainer"), _trainer(app, "b-trainer")
    assert ta.post("/api/v1/posts", json={**PV, "departments": [a["dept"].id]}).status_code == 201
    assert tb.post("/api/v1/posts", json=PV).status_code == 201
    rows = db.scalars(select(Post).where(Post.code == "pressure-vessel")).all()
    assert sorted(r.organisation_id for r in rows) == sorted([a["org"].id, b["org"].id])
    for client, own in ((ta, a), (tb, b)):
        listed = [p for p in client.get("/api/v1/posts").get_json() if p["code"] == "pressure-vessel"]
        assert len(listed) == 1
        one = client.get("/api/v1/posts/pressure-vessel").get_json()
        assert one["departments"] == (["一车间"] if own is a else [])
        assert one["certificate_name"] == "特种设备作业人员证"
    # b's trainer cannot reach a's department through the post either
    r = tb.patch("/api/v1/posts/pressure-vessel", json={"departments": [a["dept"].id]})
    assert r.status_code == 400 and "所在部门" in r.get_json()["error"]["message"]


def test_a_post_code_taken_in_the_enterprise_is_refused_naming_the_field(app, db):
    enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    t.post("/api/v1/posts", json=PV)
    r = t.post("/api/v1/posts", json={**PV, "name": "另一个岗位"})
    assert r.status_code == 409
    assert r.get_json()["error"]["message"].startswith(
        "岗位代码：pressure-vessel 已被本单位岗位“压力容器操作”使用"
    )
    assert db.scalar(select(Post).where(Post.name == "另一个岗位")) is None


def test_a_built_in_code_cannot_be_shadowed_but_the_post_can_be_copied(app, db):
    make_question_sets(db, per_type=3)
    enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    r = t.post("/api/v1/posts", json={"code": "welding", "name": "焊工"})
    assert r.status_code == 409 and "内置岗位" in r.get_json()["error"]["message"]
    page = t.post("/posts/copy/welding", data={"code": "welding-2", "name": "二车间焊工"})
    assert page.status_code == 302
    copied = db.scalar(select(Post).where(Post.code == "welding-2"))
    assert copied.name == "二车间焊工" and copied.organisation_id is not None


def test_bad_post_input_names_the_field_and_creates_nothing(app, db):
    enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    for body, field in (
        ({**PV, "code": "压力容器"}, "岗位代码"),
        ({**PV, "name": " "}, "岗位名称"),
        ({**PV, "certificate": "driving"}, "特种作业类别"),
        ({**PV, "risk": "extreme"}, "风险等级"),
    ):
        r = t.post("/api/v1/posts", json=body)
        assert r.status_code == 400 and r.get_json()["error"]["message"].startswith(field), body
    page = t.post("/posts", data={**PV, "code": "bad code"})
    assert page.status_code == 400 and "岗位代码：只能用字母" in page.get_data(True)
    assert db.scalar(select(Post).where(Post.organisation_id.is_not(None))) is None


def test_a_post_in_use_is_retired_never_deleted(app, db):
    e = enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    t.post("/api/v1/posts", json=PV)
    post = db.scalar(select(Post).where(Post.code == "pressure-vessel"))
    worker_of(db, e["org"], post, "w1", "E001")
    r = t.post("/posts/pressure-vessel/delete")
    assert r.status_code == 409 and "只能停用" in r.get_data(True)
    db.commit()
    assert db.get(Post, post.id) is not None
    assert t.post("/api/v1/posts/pressure-vessel/retire").get_json()["retired"] is True
    assert "pressure-vessel" not in [p["code"] for p in t.get("/api/v1/posts").get_json()]
    db.commit()
    db.refresh(post)
    assert post.retired_at is not None


def test_an_unused_post_can_be_deleted(app, db):
    e = enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    t.post("/api/v1/posts", json={**PV, "departments": [e["dept"].id]})
    assert t.post("/posts/pressure-vessel/delete").status_code == 302
    db.commit()
    assert db.scalar(select(Post).where(Post.code == "pressure-vessel")) is None
    assert db.scalar(select(PostDepartment)) is None


def test_merging_moves_the_people_and_retires_the_merged_post(app, db):
    e = enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    t.post("/api/v1/posts", json=PV)
    t.post("/api/v1/posts", json={"code": "pv-2", "name": "压力容器操作（二）"})
    old = db.scalar(select(Post).where(Post.code == "pv-2"))
    w = worker_of(db, e["org"], old, "w1", "E001")
    assert t.post("/posts/pv-2/merge", data={"into": "pressure-vessel"}).status_code == 302
    db.commit()
    db.expire_all()
    pp = db.scalar(select(PersonPost).where(PersonPost.person_id == w.person_id))
    target = db.scalar(select(Post).where(Post.code == "pressure-vessel"))
    assert pp.post_id == target.id
    db.refresh(old)
    merged = old
    assert merged.retired_at is not None and merged.merged_into_id == target.id


def test_only_trainers_and_admins_manage_posts(app, db):
    e = enterprise(db, "甲企业", "a")
    hr = app.test_client()
    hr.sign_in("a-hr")
    assert hr.post("/api/v1/posts", json=PV).status_code == 403
    assert hr.get("/posts").status_code == 403
    assert e  # the enterprise exists; HR simply may not manage its posts


def test_a_post_something_was_merged_into_is_not_deleted(app, db):
    enterprise(db, "甲企业", "a")
    t = _trainer(app, "a-trainer")
    t.post("/api/v1/posts", json=PV)
    t.post("/api/v1/posts", json={"code": "pv-2", "name": "压力容器操作（二）"})
    t.post("/posts/pv-2/merge", data={"into": "pressure-vessel"})
    r = t.post("/posts/pressure-vessel/delete")
    assert r.status_code == 409 and "已有岗位并入" in r.get_data(True)
