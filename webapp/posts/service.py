"""An enterprise's posts (岗位管理): create, rename, merge, retire, copy a built-in one. Codes are unique within
the enterprise and may not shadow a built-in code (built-in posts are usable by every enterprise as they
are). A post in use (people, exams, certificates) is retired, never deleted. No commit here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizbank import rules
from webapp.bank.models import Blueprint as BlueprintRow
from webapp.certs.models import Certificate
from webapp.exams.models import Exam
from webapp.handbooks.models import Handbook
from webapp.infra.errors import ApiError
from webapp.org.models import Department, PersonPost, Post
from webapp.posts.models import PostDepartment

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
RISKS = {"normal": "一般", "high": "高危"}
CATEGORIES = {"": "否", **rules.DOCUMENTS}  # "" none; else the external certificate the post needs


@dataclass(frozen=True)
class PostInput:
    code: str
    name: str
    risk: str = "normal"
    certificate: str = ""  # "" | special_operation | special_equipment
    certificate_kind: str = ""  # 作业类别/项目
    department_ids: tuple[int, ...] = field(default_factory=tuple)


def _bad(field_name: str, message: str, status: int = 400, code: str = "bad_post") -> ApiError:
    return ApiError(status, code, f"{field_name}：{message}")


def usable_posts(s: Session, organisation_id: int, *, include_retired: bool = False) -> list[Post]:
    """The built-in posts and the enterprise's own (own first), by code."""
    query = select(Post).where(Post.usable_by(organisation_id))
    if not include_retired:
        query = query.where(Post.retired_at.is_(None))
    rows = s.scalars(query).all()
    return sorted(rows, key=lambda p: (p.organisation_id is None, p.code))


def own_post(s: Session, organisation_id: int, code: str) -> Post:
    row = s.scalar(select(Post).where(Post.organisation_id == organisation_id, Post.code == code))
    if row is None:
        raise ApiError(404, "post_not_found", f"本单位没有代码为 {code} 的岗位")
    return row


def usable_post(s: Session, organisation_id: int, code: str) -> Post:
    """A post the enterprise may use (own or built-in, not retired); 404 names the code."""
    row = s.scalar(
        select(Post).where(Post.code == code, Post.usable_by(organisation_id), Post.retired_at.is_(None))
    )
    if row is None:
        raise ApiError(404, "post_not_found", f"岗位代码 {code} 不存在或已停用")
    return row


def _checked(s: Session, organisation_id: int, data: PostInput, *, current: Post | None = None) -> PostInput:
    code, name = data.code.strip(), " ".join(data.name.split())
    if not CODE.match(code):
        raise _bad("岗位代码", "只能用字母、数字、连字符和下划线，不超过 40 个字符，如 pressure-vessel")
    if not name:
        raise _bad("岗位名称", "请填写")
    if len(name) > 100:
        raise _bad("岗位名称", "不超过 100 字")
    if data.risk not in RISKS:
        raise _bad("风险等级", f"只能是 {'、'.join(RISKS.values())}")
    if data.certificate not in CATEGORIES:
        raise _bad("特种作业类别", f"只能是 {'、'.join(CATEGORIES.values())}")
    if len(data.certificate_kind) > 100:
        raise _bad("作业类别（项目）", "不超过 100 字")
    if current is None or current.code != code:
        taken = s.scalar(
            select(Post).where(
                Post.code == code, (Post.organisation_id == organisation_id) | Post.organisation_id.is_(None)
            )
        )
        if taken is not None:
            whose = "内置岗位" if taken.organisation_id is None else f"本单位岗位“{taken.name}”"
            raise _bad("岗位代码", f"{code} 已被{whose}使用，请换一个", 409, "post_code_taken")
    ids = tuple(dict.fromkeys(data.department_ids))
    if ids:
        found = set(
            s.scalars(
                select(Department.id).where(
                    Department.id.in_(ids), Department.organisation_id == organisation_id
                )
            )
        )
        missing = [i for i in ids if i not in found]
        if missing:
            raise _bad("所在部门", f"本单位没有编号为 {missing[0]} 的部门")
    return PostInput(code, name, data.risk, data.certificate, data.certificate_kind.strip(), ids)


def _apply(post: Post, data: PostInput) -> None:
    post.code, post.name, post.risk = data.code, data.name, data.risk
    post.certificate = data.certificate or None
    post.special_operation = bool(data.certificate)
    post.certificate_kind = data.certificate_kind or None


def _set_departments(s: Session, post: Post, ids: tuple[int, ...]) -> None:
    current = {
        r.department_id: r for r in s.scalars(select(PostDepartment).where(PostDepartment.post_id == post.id))
    }
    for dep_id, row in current.items():
        if dep_id not in ids:
            s.delete(row)
    for dep_id in ids:
        if dep_id not in current:
            s.add(PostDepartment(post_id=post.id, department_id=dep_id))


def create_post(s: Session, organisation_id: int, data: PostInput) -> Post:
    data = _checked(s, organisation_id, data)
    post = Post(organisation_id=organisation_id)
    _apply(post, data)
    s.add(post)
    s.flush()
    _set_departments(s, post, data.department_ids)
    s.flush()
    return post


def update_post(s: Session, post: Post, data: PostInput) -> Post:
    """Rename, change risk, category or departments. The code may change only while the post is unused
    (events and exams name posts by code)."""
    if post.organisation_id is None:
        raise ApiError(403, "builtin_post", "内置岗位不能修改：可复制为本单位岗位后修改")
    data = _checked(s, post.organisation_id, data, current=post)
    if data.code != post.code and any(usage(s, post).values()):
        raise _bad("岗位代码", "岗位已有人员、考试或证书，代码不能再改（名称可改）", 409, "post_in_use")
    _apply(post, data)
    _set_departments(s, post, data.department_ids)
    s.flush()
    return post


def usage(s: Session, post: Post) -> dict[str, int]:
    """What uses the post: people holding it, exams for it, certificates issued for it."""
    return {
        "people": s.scalar(select(func.count()).select_from(PersonPost).where(PersonPost.post_id == post.id))
        or 0,
        "exams": s.scalar(select(func.count()).select_from(Exam).where(Exam.post_id == post.id)) or 0,
        "certificates": s.scalar(
            select(func.count()).select_from(Certificate).where(Certificate.post_id == post.id)
        )
        or 0,
    }


def retire_post(s: Session, post: Post, at: datetime) -> Post:
    """Retire: kept with its history, no longer offered for new people, imports or exams."""
    if post.organisation_id is None:
        raise ApiError(403, "builtin_post", "内置岗位不能停用")
    if post.retired_at is None:
        post.retired_at = at
    s.flush()
    return post


def reinstate_post(s: Session, post: Post) -> Post:
    if post.merged_into_id is not None:
        raise ApiError(409, "post_merged", "岗位已并入其他岗位，不能恢复")
    post.retired_at = None
    s.flush()
    return post


def delete_post(s: Session, post: Post) -> None:
    """Delete an unused post of the enterprise; a post in use is refused (retire it instead)."""
    if post.organisation_id is None:
        raise ApiError(403, "builtin_post", "内置岗位不能删除")
    used = usage(s, post)
    if any(used.values()):
        what = "、".join(
            f"{n} {k}" for k, n in zip(("名人员", "场考试", "张证书"), used.values(), strict=True) if n
        )
        raise ApiError(409, "post_in_use", f"岗位“{post.name}”已有 {what}，不能删除，只能停用")
    handbooks = s.scalars(select(Handbook).where(Handbook.post_id == post.id)).all()
    if any(hb.versions for hb in handbooks):
        raise ApiError(409, "post_in_use", f"岗位“{post.name}”已发布手册，不能删除，只能停用")
    if s.scalar(select(Post.id).where(Post.merged_into_id == post.id).limit(1)) is not None:
        raise ApiError(409, "post_in_use", f"已有岗位并入“{post.name}”，不能删除，只能停用")
    blueprints = s.scalars(select(BlueprintRow).where(BlueprintRow.post_id == post.id)).all()
    for row in [
        *s.scalars(select(PostDepartment).where(PostDepartment.post_id == post.id)),
        *handbooks,
        *blueprints,
    ]:
        s.delete(row)
    s.flush()  # the rows pointing at the post go first
    s.delete(post)
    s.flush()


def merge_posts(s: Session, source: Post, target: Post, at: datetime) -> int:
    """Merge `source` into `target` (both the enterprise's): its people now hold `target`, `source` is
    retired and points at `target`. Exams, certificates and events stay with `source` as history.
    Returns how many people moved."""
    if source.organisation_id is None or source.id == target.id:
        raise ApiError(400, "bad_merge", "只能把本单位的一个岗位并入另一个岗位")
    if target.organisation_id not in (None, source.organisation_id) or target.retired_at is not None:
        raise ApiError(400, "bad_merge", "并入的目标岗位须是本单位在用的岗位或内置岗位")
    moved = 0
    holders = {pp.person_id for pp in s.scalars(select(PersonPost).where(PersonPost.post_id == target.id))}
    for pp in s.scalars(select(PersonPost).where(PersonPost.post_id == source.id)).all():
        if pp.person_id in holders:
            s.delete(pp)
        else:
            pp.post_id = target.id
            moved += 1
    source.merged_into_id = target.id
    source.retired_at = source.retired_at or at
    s.flush()
    return moved


def copy_post(s: Session, organisation_id: int, source: Post, data: PostInput) -> Post:
    """A new post of the enterprise starting from `source` (a built-in one, usually): its risk and category
    unless `data` says otherwise. The handbook is copied by webapp.handbooks.service.copy_builtin."""
    data = PostInput(
        data.code,
        data.name or source.name,
        data.risk or source.risk,
        data.certificate if data.certificate else (source.certificate_document or ""),
        data.certificate_kind or (source.certificate_kind or ""),
        data.department_ids,
    )
    return create_post(s, organisation_id, data)


def departments_of(s: Session, post: Post) -> list[Department]:
    return list(
        s.scalars(
            select(Department)
            .join(PostDepartment, PostDepartment.department_id == Department.id)
            .where(PostDepartment.post_id == post.id)
            .order_by(Department.name)
        )
    )


def post_json(s: Session, post: Post) -> dict[str, object]:
    return {
        "code": post.code,
        "name": post.name,
        "risk": post.risk,
        "special_operation": bool(post.certificate_document),
        "certificate": post.certificate_document,
        "certificate_name": rules.DOCUMENTS.get(post.certificate_document or "", None),
        "certificate_kind": post.certificate_kind,
        "builtin": post.organisation_id is None,
        "retired": post.retired_at is not None,
        "merged_into": s.get(Post, post.merged_into_id).code if post.merged_into_id else None,
        "departments": [d.name for d in departments_of(s, post)],
    }
