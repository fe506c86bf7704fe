"""Certificate rows for lookup and listing. The facts are `certificate_*` / `special_certificate_recorded`
events; these tables index them (serial → token, person, post, dates) and never hold a status."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.infra.db import Base, UTCDateTime
from webapp.org.models import Person, Post


class Certificate(Base):
    """One issued certificate (合格证). `token` is what its QR carries (signed, holder masked)."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    token: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # qualification | retraining
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    post: Mapped[Post] = relationship()


class SerialCounter(Base):
    """The last serial number given out per year: `QB-<year>-<number>`. Incremented in the issuing
    transaction with UPDATE … RETURNING, so concurrent issuers (processes, databases) never share one."""

    __tablename__ = "certificate_serials"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class SpecialCertificate(Base):
    """An external certificate on file (特种作业操作证 or 特种设备作业人员证) (latest record per person and number; the events keep history)."""

    __tablename__ = "special_certificates"
    __table_args__ = (UniqueConstraint("person_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    # special_operation (特种作业操作证) | special_equipment (特种设备作业人员证); regime: the rule it was
    # issued under (quizbank.rules.external_certs.REGIMES), which decides its terms
    document: Mapped[str] = mapped_column(
        String(30), default="special_operation", server_default="special_operation"
    )
    regime: Mapped[str] = mapped_column(String(20), default="mem30", server_default="mem30")
    kind: Mapped[str] = mapped_column(String(100))  # 作业类别/操作项目, e.g. 低压电工作业
    post_code: Mapped[str | None] = mapped_column(String(80))
    issued_on: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date, index=True)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    person: Mapped[Person] = relationship()
