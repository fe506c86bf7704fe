"""API tokens for integrations: create (plaintext shown once; only the hash is stored, see
`webapp.infra.security.create_api_token`), list, revoke. A token acts as the user it was made for. No commit here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.admin.service import audit
from webapp.infra import clock
from webapp.infra.security import create_api_token
from webapp.org.models import ApiToken, User

NAME_MAX = 100


class TokenRefused(Exception):
    pass


def tokens_of(s: Session, organisation_id: int) -> list[ApiToken]:
    return list(
        s.scalars(
            select(ApiToken)
            .join(User, User.id == ApiToken.user_id)
            .where(User.organisation_id == organisation_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_of(s: Session, organisation_id: int, token_id: int) -> ApiToken | None:
    row = s.get(ApiToken, token_id)
    if row is None or row.user.organisation_id != organisation_id:
        return None
    return row


def create(s: Session, user: User, name: str, *, by: int) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise TokenRefused("请填写令牌名称（例如对接的系统名）。")
    if len(name) > NAME_MAX:
        raise TokenRefused(f"令牌名称不能超过 {NAME_MAX} 个字。")
    if not user.active:
        raise TokenRefused(f"用户 {user.username} 已停用，不能为其创建令牌。")
    plaintext = create_api_token(user, name)
    row = s.scalar(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    assert row is not None
    audit.record(s, user.organisation_id, by, "token_created", name, token_id=row.id, user=user.username)
    return row, plaintext


def revoke(s: Session, row: ApiToken, *, by: int) -> bool:
    if row.revoked_at is not None:
        return False
    row.revoked_at = clock.now()
    s.flush()
    audit.record(
        s, row.user.organisation_id, by, "token_revoked", row.name, token_id=row.id, user=row.user.username
    )
    return True
