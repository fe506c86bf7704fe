"""The conclusion drawn from a replay on a date: may the person work the post, why not, what they owe, and
the live state of their certificates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from quizbank.rules.events import (
    TRAINING_LEVEL_NAMES,
)
from quizbank.rules.external_certs import CATEGORY_NAMES, DOCUMENTS, apply_by, due_dates, terms_for
from quizbank.rules.policy import Policy
from quizbank.rules.replay import CaseInProgress, CertificateInProgress, Replay
from quizbank.rules.standing_values import (
    PREJOB_LEVELS,
    REFRESHER_LEVELS,
    STATUS_NAMES,
    CertificateState,
    CertificateStatus,
    Owed,
    OwedKind,
    SpecialCertificateState,
    Standing,
    Status,
    hours_text,
    zh_date,
)


def conclude(r: Replay, today: date, certificate: str | None) -> Standing:
    policy = r.policy
    blocks: list[tuple[Status, str]] = []  # (status, reason): each keeps the person off the post
    notes: list[tuple[Status, str]] = []  # reasons that do not
    owed: list[Owed] = []

    case = r.onboarding
    if case is not None and case.kind == "prejob":
        need = case.hours_required or 0.0
        missing_levels = [lv for lv in PREJOB_LEVELS if case.sessions.get(lv, 0) == 0]
        if case.hours_done == 0 and not r.exam_taken:
            blocks.append((Status.UNTRAINED, "未参加岗前安全培训"))
        else:
            blocks.append((Status.PRE_JOB_TRAINING, "岗前安全培训未完成或上岗考试未通过"))
        if not r.onboarding_trained():
            remaining = max(0.0, need - case.hours_done)
            text = f"岗前三级安全培训不少于 {hours_text(need)} 学时，还差 {hours_text(remaining)} 学时"
            if missing_levels:
                text += "（尚缺" + "、".join(TRAINING_LEVEL_NAMES[lv] for lv in missing_levels) + "培训）"
            owed.append(Owed("prejob_training", text, None, remaining))
        owed.append(Owed("qualification_exam", "岗前培训完成后参加上岗考试，合格后方可上岗"))
    elif case is not None:  # transfer
        blocks.append(
            (Status.NEEDS_REFRESHER, f"{case.reason}，需重新接受车间级、班组级安全培训并通过上岗考试")
        )
        if not r.refresher_trained(case):
            owed.append(_refresher_owed(r, case))
        owed.append(Owed("qualification_exam", "车间级、班组级培训完成后参加本岗位上岗考试"))

    violations = [c for c in r.retraining if c.kind == "violation"]
    failures = [c for c in r.retraining if c.kind == "offduty"]
    for c in violations:
        blocks.append(
            (
                Status.SUSPENDED_VIOLATION,
                f"{c.reason}，停岗脱产培训 {hours_text(c.hours_required or 0)} 学时并考试合格后方可返岗",
            )
        )
    for c in failures:
        blocks.append(
            (
                Status.OFFDUTY_RETRAINING,
                f"{c.reason}，须离岗脱产培训 {hours_text(c.hours_required or 0)} 学时并通过复训考试",
            )
        )
    if r.retraining:
        remaining = sum(c.hours_remaining() for c in r.retraining)
        if remaining > 0:
            owed.append(
                Owed("offduty_training", f"脱产培训还差 {hours_text(remaining)} 学时", None, remaining)
            )
        owed.append(Owed("retraining_exam", "脱产培训学时完成后参加复训考试，合格后方可返岗"))

    current = _current_certificate(r)
    if current is not None and current.revoked:
        blocks.append((Status.CERTIFICATE_REVOKED, f"合格证 {current.serial} 已吊销（{current.revoked}）"))
        owed.append(Owed("qualification_exam", "合格证已吊销，须重新参加上岗考试取得合格证"))
    elif current is not None and current.suspended:
        blocks.append(
            (Status.CERTIFICATE_SUSPENDED, f"合格证 {current.serial} 已暂停（{current.suspended}）")
        )

    if r.refresher is not None:
        blocks.append(
            (Status.NEEDS_REFRESHER, f"{r.refresher.reason}，需重新接受车间级、班组级安全培训后方可上岗")
        )
        owed.append(_refresher_owed(r, r.refresher))

    special_state = None
    if certificate:
        special_state = _special_state(r, policy, today, certificate)
        _special_blocks(special_state, certificate, policy, blocks, owed)

    if current is not None and not current.revoked and current.expires < today:
        blocks.append(
            (Status.CERTIFICATE_EXPIRED, f"合格证 {current.serial} 已于 {zh_date(current.expires)} 过期")
        )
        owed.append(Owed("certificate_renewal", "合格证已过期，须参加复训考试换发合格证", current.expires))
    elif (
        current is not None
        and not current.revoked
        and (current.expires - today).days <= policy.expiring_soon_days
    ):
        owed.append(
            Owed(
                "certificate_renewal",
                f"合格证将于 {zh_date(current.expires)} 到期，请及时复训换证",
                current.expires,
            )
        )

    if r.onboarding is None:
        need = policy.annual_retraining_hours(r.high_risk)
        for year, missing in r.annual_shortfalls(today):
            deadline = date(year, 12, 31)
            if year < today.year:
                blocks.append(
                    (
                        Status.ANNUAL_TRAINING_OVERDUE,
                        f"{year} 年度再培训不足 {hours_text(need)} 学时（差 {hours_text(missing)} 学时）",
                    )
                )
                owed.append(Owed("annual_training", f"补足 {year} 年度再培训学时", deadline, missing))
            else:
                owed.append(
                    Owed(
                        "annual_training",
                        f"{year} 年度再培训不少于 {hours_text(need)} 学时，还差 {hours_text(missing)} 学时",
                        deadline,
                        missing,
                    )
                )

    if r.makeup is not None:
        text = f"{r.makeup.reason}，须在 {zh_date(r.makeup.deadline)} 前参加补考"  # type: ignore[arg-type]
        (notes if policy.makeup_may_work else blocks).append((Status.MAKEUP_DUE, text))
        owed.append(Owed("makeup_exam", text, r.makeup.deadline))

    may_work = not blocks
    if blocks:
        status = blocks[0][0]
    elif notes:
        status = notes[0][0]
    else:
        status = Status.QUALIFIED
    reasons = tuple(text for _, text in blocks + notes)
    block_reason = next((text for s, text in blocks if not s.startswith("certificate_")), None)
    note = next((f"{STATUS_NAMES[s]}：{text}" for s, text in notes), None)

    certificates = tuple(
        _certificate_state(c, block_reason, note, policy, today)
        for c in sorted(r.certificates.values(), key=lambda c: c.issued)
    )
    current_state = next(
        (c for c in certificates if current is not None and c.serial == current.serial), None
    )
    return Standing(
        post=r.post,
        on=today,
        may_work=may_work,
        status=status,
        reasons=reasons,
        owed=tuple(sorted(_dedupe(owed), key=lambda o: (o.deadline is None, o.deadline or today))),
        certificate_serial=current_state.serial if current_state else None,
        certificate_status=current_state.status if current_state else None,
        certificate_reason=current_state.reason if current_state else None,
        certificate_expires=current_state.expires if current_state else None,
        certificates=certificates,
        special_certificate=special_state,
        qualified_on=r.qualified_on,
        cases=tuple(c.frozen() for c in r.cases),
    )


def _current_certificate(r: Replay) -> CertificateInProgress | None:
    if not r.certificates:
        return None
    return max(r.certificates.values(), key=lambda c: c.issued)  # latest issued; ties: the later event


def _certificate_state(
    cert: CertificateInProgress, block_reason: str | None, note: str | None, policy: Policy, today: date
) -> CertificateState:
    """Suspended while anything keeps the holder off the post; a valid certificate carries `note` (e.g. a
    make-up owed under a policy that lets the holder keep working) as its reason."""

    def state(status: CertificateStatus, reason: str | None = None) -> CertificateState:
        return CertificateState(cert.serial, cert.post, cert.kind, cert.issued, cert.expires, status, reason)

    if cert.revoked:
        return state("revoked", cert.revoked)
    if cert.expires < today:
        return state("expired", f"已于 {zh_date(cert.expires)} 过期")
    if cert.suspended:
        return state("suspended", cert.suspended)
    if block_reason:
        return state("suspended", block_reason)
    if (cert.expires - today).days <= policy.expiring_soon_days:
        expiring = f"将于 {zh_date(cert.expires)} 到期"
        return state("expiring", f"{expiring}；{note}" if note else expiring)
    return state("valid", note)


def _special_state(r: Replay, policy: Policy, today: date, document: str) -> SpecialCertificateState | None:
    # The record kept longest of the document the post needs: a renewed certificate supersedes the old one.
    best: SpecialCertificateState | None = None
    for rec in r.special.values():
        if rec.document != document:
            continue
        terms = terms_for(rec.document, rec.issued, policy, rec.regime)
        try:
            dates = due_dates(terms, rec.issued, review_due=rec.review_due, expires=rec.expires)
        except ValueError:  # no expiry on file and no term to compute it: not a usable record
            continue
        candidate = SpecialCertificateState(
            rec.number, rec.kind, rec.issued, dates.review_due, dates.expires, "valid", document, dates.regime
        )
        if best is None or (candidate.expires, candidate.review_due) > (best.expires, best.review_due):
            best = candidate
    return _with_status(best, today) if best else None


def _with_status(s: SpecialCertificateState, today: date) -> SpecialCertificateState:
    if s.expires < today:
        status = "expired"
    elif s.review_due < today:
        status = "review_overdue"
    else:
        status = "valid"
    return replace(s, status=status)  # type: ignore[arg-type]


def _special_blocks(
    state: SpecialCertificateState | None,
    document: str,
    policy: Policy,
    blocks: list[tuple[Status, str]],
    owed: list[Owed],
) -> None:
    name = DOCUMENTS[document]
    if state is None:
        blocks.append((Status.SPECIAL_CERT_MISSING, f"{CATEGORY_NAMES[document]}岗位未登记有效的{name}"))
        owed.append(Owed("special_cert", f"取得{name}并登记备案"))
        return
    terms = terms_for(document, state.issued, policy, state.regime)
    if state.status == "expired":
        blocks.append(
            (Status.SPECIAL_CERT_EXPIRED, f"{name} {state.number} 已于 {zh_date(state.expires)} 过期")
        )
        owed.append(Owed("special_cert", f"{name}已过期，须重新取证并登记", state.expires))
    elif state.status == "review_overdue":
        blocks.append(
            (
                Status.SPECIAL_CERT_REVIEW_OVERDUE,
                f"{name} {state.number} 应于 {zh_date(state.review_due)} 前复审，已逾期",
            )
        )
        owed.append(Owed("special_cert_review", f"{name}逾期未复审，须复审后登记", state.review_due))
    else:
        review_first = state.review_due < state.expires
        upcoming = state.review_due if review_first else state.expires
        what = "复审" if review_first or document == "special_equipment" else "换证"
        kind: OwedKind = "special_cert_review" if review_first else "special_cert"
        text = f"{name} {state.number} 应于 {zh_date(upcoming)} 前{what}"
        start = apply_by(terms, upcoming)
        if terms.apply_before_months:
            text += f"（须于 {zh_date(start)} 前提出申请，{terms.basis}）"
        elif terms.apply_before_days:
            text += f"（{zh_date(start)} 起可申请，{terms.basis}）"
        else:
            text += f"（{terms.note}）"
        owed.append(Owed(kind, text, upcoming))


def _refresher_owed(r: Replay, case: CaseInProgress) -> Owed:
    need = r.policy.refresher_hours_per_level
    missing = [
        lv for lv in REFRESHER_LEVELS if case.sessions.get(lv, 0) == 0 or case.hours.get(lv, 0.0) < need
    ]
    remaining = sum(max(0.0, need - case.hours.get(lv, 0.0)) for lv in REFRESHER_LEVELS) if need > 0 else None
    names = "、".join(TRAINING_LEVEL_NAMES[lv] for lv in missing)
    return Owed("workshop_team_training", f"重新接受{names}安全培训", None, remaining)


def _dedupe(owed: list[Owed]) -> list[Owed]:
    seen: set[tuple[str, date | None]] = set()
    out = []
    for o in owed:
        if (o.kind, o.deadline) not in seen:
            seen.add((o.kind, o.deadline))
            out.append(o)
    return out
