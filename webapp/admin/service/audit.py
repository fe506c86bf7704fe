"""Appending to and reading the admin audit trail (table `admin_audit`). Nothing here commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.admin.models import AuditEntry
from webapp.infra import clock

ACTION_NAMES = {
    "organisation_changed": "修改企业信息",
    "department_added": "新增部门",
    "department_renamed": "部门改名",
    "department_moved": "移动部门",
    "department_deactivated": "停用部门",
    "department_reactivated": "启用部门",
    "department_deleted": "删除部门",
    "department_head_set": "设置部门负责人",
    "department_head_cleared": "取消部门负责人",
    "user_created": "新建用户",
    "user_changed": "修改用户",
    "user_deactivated": "停用用户",
    "user_reactivated": "启用用户",
    "password_reset": "重置密码",
    "grant_added": "授权外部检查人员",
    "grant_revoked": "撤销外部检查人员授权",
    "access_granted": "本单位检查人员获外单位授权",
    "access_revoked": "本单位检查人员的外单位授权被撤销",
    "outside_inspection_opened": "外单位检查人员开始检查",
    "outside_finding_recorded": "外单位检查人员记录三违",
    "organisation_created": "平台创建单位",
    "organisation_renamed": "平台修改单位名称",
    "organisation_suspended": "平台暂停单位",
    "organisation_reactivated": "平台恢复单位",
    "first_admin_created": "平台设置首个管理员",
    "jurisdiction_added": "纳入监管辖区",
    "jurisdiction_ended": "监管辖区结束",
    "policy_changed": "修改规则设置",
    "token_created": "创建访问令牌",
    "token_revoked": "吊销访问令牌",
    "spot_test_voided": "作废抽考",
    "pin_unlocked": "解锁工号登录",
    "finding_accepted": "接受题目体检提示",
    "question_reconfirmed": "复核确认题目（依据已变更）",
    "law_entry_changed": "修改法规标准库",
    "questions_published": "审核发布题目",
}


def record(
    s: Session, organisation_id: int, by: int | None, action: str, target: str = "", /, **data: Any
) -> AuditEntry:
    """Append an entry: `by` is the acting user's id, `data` what changed (JSON; never a secret)."""
    entry = AuditEntry(
        organisation_id=organisation_id,
        user_id=by,
        at=clock.now(),
        action=action,
        target=target[:200],
        data=data,
    )
    s.add(entry)
    s.flush()
    return entry


def recent(
    s: Session, organisation_id: int, *, actions: tuple[str, ...] = (), limit: int = 50
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.organisation_id == organisation_id)
    if actions:
        query = query.where(AuditEntry.action.in_(actions))
    return list(s.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))
