"""Reminders: a durable outbox fed by the rules, delivered over pluggable channels (in-app inbox,
e-mail, 企业微信 and 钉钉 robots); `quizbank remind` runs it."""

from webapp.infra.nav import NavItem
from webapp.reminders.routes import bp

NAV = [
    NavItem("reminders.channels", "提醒渠道", ("admin",), "站内消息、邮件、企业微信/钉钉机器人；接收对象"),
    NavItem("reminders.log", "提醒记录", ("admin", "hr"), "每条提醒在每个渠道的发送情况、重试与失败原因"),
]

__all__ = ["NAV", "bp"]
