"""Notification channels: the one contract every channel implements, and the built-in ones.

A channel is an object registered under the entry-point group ``quizbank.notification_channels``
(the built-ins are registered in quizbank's own pyproject.toml exactly as a third party would):

    [project.entry-points."quizbank.notification_channels"]
    sms = "acme_sms:SmsChannel"       # a class or an instance

It has

- ``kind`` (str, unique) and ``label`` (Chinese, shown in the admin page);
- ``fields``: a tuple of `Field` — what the admin fills in; ``secret=True`` fields (passwords, webhook
  secrets) are stored apart, sealed under the app's SECRET_KEY, and never shown back in full;
- ``send(message, config)``: deliver one `Message` with the channel's settings (a dict of field values).
  Return normally when the receiver accepted it (optionally a Chinese note for the delivery log, e.g. the
  recipients a mail server refused); raise `DeliveryFailed` (with a Chinese reason) when it did not — the
  outbox retries later with back-off — or `NoRecipients` when there was nobody to send it to (the delivery
  is then skipped, not retried). ``message.idempotency_key`` is the same on every retry of one delivery:
  pass it on where the protocol has a place for it (e-mail's Message-ID);
- optionally ``personal_address = "email"``: the channel also reaches people at their own address. For
  the audiences that are people (本人, 部门负责人) which the channel and the reminder share, the outbox then
  puts each one found with an address in ``message.addressees``; those without one (or without an
  account, or a department without a head) are named in the delivery log, never dropped silently;
- optionally ``check(config, audience)``: raise ValueError (Chinese, saying which field) when the admin's
  settings cannot work;
- optionally ``in_database = True`` with ``deliver(session, message, config, recipients)`` instead of
  send: the channel writes rows in the outbox's own transaction (the in-app inbox), so it is delivered
  exactly once.

Delivery is at least once: a process that dies after a receiver accepted a message and before the
outbox recorded it sends that message again on the next run. E-mail keeps it exactly once for the
reader (the same Message-ID; mail stores and clients drop the copy); 企业微信 and 钉钉 robots have no
idempotency key, so such a message (at most one per crashed process) can show twice in the group,
with the same 提醒编号.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from importlib.metadata import entry_points
from typing import Any, Protocol

GROUP = "quizbank.notification_channels"
TIMEOUT = 10


class DeliveryFailed(Exception):
    """The receiver did not take the message; str(e) says why (in Chinese)."""


class NoRecipients(DeliveryFailed):
    """Nobody to send the message to: the delivery is skipped (trying again would change nothing)."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    secret: bool = False
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class Addressee:
    """A person the reminder is for, at their own address (for channels with `personal_address`)."""

    audience: str  # worker | dept_head
    name: str
    address: str


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    idempotency_key: str  # stable per delivery: retries carry the same one
    reference: str  # 提醒编号 shown to readers, e.g. "R42"
    addressees: tuple[Addressee, ...] = ()


def split_addresses(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,，;；\s]+", str(text or "")) if a.strip()]


class Channel(Protocol):
    kind: str
    label: str
    fields: tuple[Field, ...]

    def send(self, message: Message, config: dict[str, Any]) -> str | None: ...


def _text(message: Message) -> str:
    return f"【安全培训提醒】{message.subject}\n{message.body}\n（提醒编号 {message.reference}）"


class InboxChannel:
    kind = "inbox"
    label = "站内消息（铃铛）"
    fields: tuple[Field, ...] = ()
    in_database = True

    def deliver(self, session, message: Message, config: dict[str, Any], recipients) -> None:
        from webapp.reminders.inbox import put

        put(session, message, recipients)


class EmailChannel:
    """To the addresses configured (the safety office), plus the worker's and the department head's own
    when the channel's audience includes them: one mail per reminder, every recipient in To."""

    kind = "email"
    label = "电子邮件（SMTP）"
    personal_address = "email"
    fields = (
        Field("host", "SMTP 服务器"),
        Field("port", "端口", hint="465 为 SSL，587 为 STARTTLS，25 为明文"),
        Field("security", "加密方式", required=False, hint="ssl / starttls / none（默认按端口）"),
        Field("username", "用户名", required=False),
        Field("password", "密码/授权码", secret=True, required=False),
        Field("sender", "发件人地址"),
        Field(
            "to",
            "收件人",
            required=False,
            hint="安全科等固定邮箱，多个用逗号分隔；本人、部门负责人的邮件发到其账号登记的邮箱",
        ),
    )

    def check(self, config: dict[str, Any], audience: list[str]) -> None:
        from webapp.org.service import clean_email

        for name, label in (("sender", "发件人地址"), ("to", "收件人")):
            for address in split_addresses(config.get(name, "")):
                try:
                    clean_email(address)
                except ValueError as e:
                    raise ValueError(f"{label}：{e}") from None
        if not split_addresses(config.get("to", "")) and not {"worker", "dept_head"} & set(audience):
            raise ValueError("收件人：请填写（或在接收对象中选择“本人”或“部门负责人”，发到其本人邮箱）")

    def send(self, message: Message, config: dict[str, Any]) -> str | None:
        to: list[str] = []
        for address in split_addresses(config.get("to", "")) + [a.address for a in message.addressees]:
            if address.lower() not in {t.lower() for t in to}:
                to.append(address)
        if not to:
            raise NoRecipients("没有收件人")
        mail = EmailMessage()
        mail["Subject"] = f"【安全培训提醒】{message.subject}"
        mail["From"] = config["sender"]
        mail["To"] = ", ".join(to)
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = f"<{message.idempotency_key}@quizbank>"
        mail.set_content(f"{message.body}\n\n提醒编号 {message.reference}\n")
        port = int(config.get("port") or 25)
        security = (
            config.get("security") or ("ssl" if port == 465 else "starttls" if port == 587 else "none")
        ).lower()
        try:
            if security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    config["host"], port, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(config["host"], port, timeout=TIMEOUT)
            with smtp:
                if security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if config.get("username"):
                    smtp.login(config["username"], config.get("password") or "")
                refused = smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryFailed(f"SMTP 发送失败：{e}") from e
        if refused:
            return "邮件服务器拒收：" + "；".join(
                f"{address}（{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}）"
                for address, (code, reason) in refused.items()
            )
        return None


def _post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as e:
        raise DeliveryFailed(f"机器人接口返回 HTTP {e.code}") from e
    except (OSError, ValueError) as e:
        raise DeliveryFailed(f"无法连接机器人接口：{e}") from e
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        raise DeliveryFailed("机器人接口返回的不是 JSON") from None
    if answer.get("errcode", 0) != 0:
        raise DeliveryFailed(f"机器人接口拒绝：{answer.get('errcode')} {answer.get('errmsg', '')}")
    return answer


class WeComChannel:
    kind = "wecom"
    label = "企业微信群机器人"
    fields = (
        Field(
            "webhook",
            "Webhook 地址",
            secret=True,
            hint="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
        ),
    )

    def send(self, message: Message, config: dict[str, Any]) -> None:
        _post_json(config["webhook"], {"msgtype": "text", "text": {"content": _text(message)}})


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


class DingTalkChannel:
    kind = "dingtalk"
    label = "钉钉群机器人"
    fields = (
        Field(
            "webhook", "Webhook 地址", secret=True, hint="https://oapi.dingtalk.com/robot/send?access_token=…"
        ),
        Field(
            "secret", "加签密钥", secret=True, required=False, hint="SEC 开头；机器人安全设置选“加签”时填写"
        ),
    )

    def send(self, message: Message, config: dict[str, Any]) -> None:
        url = config["webhook"]
        if config.get("secret"):
            ts = int(time.time() * 1000)
            url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={dingtalk_sign(config['secret'], ts)}"
        _post_json(url, {"msgtype": "text", "text": {"content": _text(message)}})


_REGISTRY: dict[str, Any] | None = None


def registry() -> dict[str, Any]:
    """Every channel by kind, from the entry points (a broken plugin is skipped, the others load)."""
    global _REGISTRY
    if _REGISTRY is None:
        found: dict[str, Any] = {}
        for ep in entry_points(group=GROUP):
            try:
                obj = ep.load()
            except Exception:  # noqa: BLE001  a third party's import error must not stop reminders
                continue
            channel = obj() if isinstance(obj, type) else obj
            found.setdefault(channel.kind, channel)
        for builtin in (InboxChannel(), EmailChannel(), WeComChannel(), DingTalkChannel()):
            found.setdefault(builtin.kind, builtin)  # also when the package metadata is stale
        _REGISTRY = found
    return _REGISTRY


def mask(value: str) -> str:
    """A secret as the admin page shows it: its last 4 characters at most."""
    value = value or ""
    if not value:
        return ""
    return "••••" + (value[-4:] if len(value) >= 12 else "")


def unreadable_secrets(kind: str, names) -> str:
    """What the channel page and the delivery log say when stored secrets do not open under the app's key."""
    plugin = registry().get(kind)
    labels = {f.name: f.label for f in getattr(plugin, "fields", ())}
    return (
        f"已保存的{'、'.join(labels.get(n, n) for n in names)}无法解密（应用的 SECRET_KEY 可能已更换），"
        "请管理员在“提醒渠道”页重新填写后保存"
    )
