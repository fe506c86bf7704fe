"""Review before live: imported and edited questions are drafts until a reviewer publishes them; the review
shows item-check findings and near-duplicates with their place; the near-duplicate choice (skip / keep /
replace) is applied; papers never hold two questions of one near-duplicate group."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from quizbank.assembly import assemble_seeded
from quizbank.blueprints import default_blueprint
from quizbank.duplicates import duplicate_ids
from tests.webapp.bank_builders import TEMPLATE_HEADER, xlsx
from tests.webapp.base_builders import form_token, make_org, make_person, make_question_sets, make_user
from tests.webapp.builders import fresh
from webapp.admin.models import AuditEntry
from webapp.bank.models import Question
from webapp.bank.sets import bank_rows
from webapp.exams import service as exams
from webapp.org.models import Post

CORPUS = Path("/work/shared/corpus/excel/省级叉车司机.xlsx")


@pytest.fixture
def org(db):
    org = make_org(db, "甲企业")
    make_question_sets(db, "forklift", "叉车司机", per_type=30)
    make_user(db, org, "trainer", ("trainer",))
    make_user(db, org, "reviewer", ("trainer", "reviewer"))
    db.commit()
    return org


def row(
    kind: str,
    stem: str,
    options=("甲", "乙", "丙", "丁"),
    answer="B",
    explanation="依据《安全生产法》第二十八条",
):
    return [kind, stem, *options, answer, explanation, 2, None, None]


def blanks_bank() -> bytes:
    """Ten single-choice rows: two pairs that differ only by "（ ）", one pair that differs by numbering and
    width, four distinct rows; and a row whose options include 以上都对 (an item-check error)."""
    rows = [TEMPLATE_HEADER]
    rows.append(row("单选题", "叉车制动时应使用：（ ）", ("脚制动", "手制动", "发动机制动", "挂空挡滑行")))
    rows.append(
        row("单选题", "叉车起步前应当首先检查：（ ）", ("制动和转向", "座椅颜色", "收音机", "车身贴纸"))
    )
    rows.append(row("单选题", "叉车制动时应使用：", ("脚制动", "手制动", "发动机制动", "挂空挡滑行")))
    rows.append(
        row("单选题", "叉车起步前应当首先检查（）：", ("制动和转向", "座椅颜色", "收音机", "车身贴纸"))
    )
    rows.append(row("单选题", "1. 叉车载货行驶时货叉离地高度宜为", ("300～400mm", "1m", "2m", "贴地")))
    rows.append(row("单选题", "２．叉车载货行驶时货叉离地高度宜为", ("300～400mm", "1m", "2m", "贴地")))
    for i, stem in enumerate(["叉车倒车时应当", "叉车装卸货物时应当", "叉车在坡道上应当", "叉车停放时应当"]):
        rows.append(row("单选题", stem, (f"正确做法{i}", f"错误做法{i}甲", f"错误做法{i}乙", "以上都对")))
    return xlsx(rows)


def import_file(client, data: bytes, name: str = "bank.xlsx", post: str = "forklift") -> str:
    """Upload and commit through the pages; the review page it lands on."""
    r = client.post(
        "/bank/import",
        data={"file": (io.BytesIO(data), name), "part": "professional", "post": post, "format": "auto"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    r = client.post(f"/bank/import/{r.location.rsplit('/', 1)[1]}/commit")
    assert r.status_code == 302 and "/bank/review/" in r.location
    return r.location


def publish(client, review_url: str, *, choice: str = "skip", untick: set[str] = frozenset(), choices=None):
    html = client.get(review_url).get_data(as_text=True)
    shown = re.findall(r'name="draft" value="(\d+)"', html)
    data = {"csrf_token": form_token(html), "draft": shown, "publish": [d for d in shown if d not in untick]}
    for pk in re.findall(r'name="dup-(\d+)"', html):
        data[f"dup-{pk}"] = (choices or {}).get(pk, choice)
    return client.post(review_url.rstrip("/") + "/publish", data=data)


def live_bank(db, org):
    return bank_rows(db, "forklift", org.id)


def test_imported_questions_are_drafts_never_drawn_until_published(client, db, org):
    client.sign_in("trainer")
    import_file(client, blanks_bank())
    drafts = db.scalars(select(Question).where(Question.organisation_id == org.id)).all()
    assert len(drafts) == 10 and {q.status for q in drafts} == {"draft"}
    assert not {q.id for q in drafts} & {q.id for q in live_bank(db, org)}


def test_only_a_reviewer_may_publish(client, db, org):
    client.sign_in("trainer")
    url = import_file(client, blanks_bank())
    html = client.get(url).get_data(as_text=True)
    assert "只有题库审核员可以发布" in html and 'id="publish"' not in html
    assert publish(client, url).status_code == 403
    assert {q.status for q in db.scalars(select(Question).where(Question.organisation_id == org.id))} == {
        "draft"
    }


def test_review_shows_every_item_check_finding_and_near_duplicate_with_its_place(client, db, org):
    client.sign_in("trainer")
    url = import_file(client, blanks_bank())
    html = client.get(url).get_data(as_text=True)
    # The four 以上都对 rows (R8–R11), each named by its place with the check's plain message.
    for r in ("题库!R8", "题库!R9", "题库!R10", "题库!R11"):
        assert re.search(rf"{r}</span></span>\s*<div class=\"stem\">[^<]*</div>.*?以上", html, re.S), r
    assert html.count("选项含“以上都对/都不对”") == 4
    # Three near-duplicate pairs, each new row beside the row it repeats, with both places.
    pairs = re.findall(r'<section class="dup" id="dup-(\d+)">(.*?)</section>', html, re.S)
    assert len(pairs) == 3
    places = sorted(tuple(re.findall(r'<span class="where">([^<]+)</span>', body)) for _, body in pairs)
    assert places == [("题库!R4", "题库!R2"), ("题库!R5", "题库!R3"), ("题库!R7", "题库!R6")]


def test_skip_retires_the_new_copy_and_unticked_rows_stay_drafts(client, db, org):
    client.sign_in("reviewer")
    url = import_file(client, blanks_bank())
    rows = {q.source: q for q in db.scalars(select(Question).where(Question.organisation_id == org.id))}
    r = publish(client, url, choice="skip", untick={str(rows["题库!R11"].id)})
    assert r.status_code == 302
    fresh(db)
    status = {src: (q.status, q.retired_at is not None) for src, q in rows.items()}
    assert sorted(src for src, (_, retired) in status.items() if retired) == ["题库!R4", "题库!R5", "题库!R7"]
    assert status["题库!R11"] == ("draft", False)
    live = {q.source for q in live_bank(db, org) if q.organisation_id == org.id}
    assert live == {"题库!R2", "题库!R3", "题库!R6", "题库!R8", "题库!R9", "题库!R10"}
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "questions_published"))
    assert audit.data == {"published": 6, "skipped": 3, "replaced": 0, "held": 1}


def test_replace_retires_the_older_question_and_publishes_the_new_one(client, db, org):
    client.sign_in("reviewer")
    first = import_file(client, xlsx([TEMPLATE_HEADER, row("单选题", "叉车制动时应使用：（ ）")]))
    publish(client, first)
    second = import_file(client, xlsx([TEMPLATE_HEADER, row("单选题", "叉车制动时应使用")]), name="v2.xlsx")
    assert publish(client, second, choice="replace").status_code == 302
    fresh(db)
    mine = {
        q.stem: (q.status, q.retired_at is None) for q in live_bank(db, org) if q.organisation_id == org.id
    }
    assert mine == {"叉车制动时应使用": ("live", True)}


def test_an_edit_is_a_draft_until_published(client, db, org):
    client.sign_in("reviewer")
    publish(client, import_file(client, xlsx([TEMPLATE_HEADER, row("单选题", "叉车倒车时应当")])))
    q = db.scalar(select(Question).where(Question.organisation_id == org.id))
    html = client.get(f"/bank/questions/{q.id}").get_data(as_text=True)
    r = client.post(
        f"/bank/questions/{q.id}",
        data={
            "csrf_token": form_token(html),
            "type": "single",
            "stem": "叉车倒车时必须",
            "options": "鸣笛并确认后方无人\n加速\n闭眼\n以上都对",
            "answer": "A",
            "difficulty": "2",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    page = client.get(r.location).get_data(as_text=True)
    assert "已保存为待审核草稿" in page and "体检：选项D“以上都对”" in page  # checked on edit
    fresh(db)
    assert {x.stem for x in live_bank(db, org) if x.organisation_id == org.id} == set()
    new = db.scalar(select(Question).where(Question.organisation_id == org.id, Question.status == "draft"))
    assert new.stem == "叉车倒车时必须"


def _no_paper_holds_two_of_a_group(db, app, org, seeds: int = 1000) -> int:
    """Draw `seeds` papers of the post's full (qualification) blueprint from the drawable bank as the exam
    service does; the groups are recomputed here from the live bank. Returns how many papers held a
    kept group's member (so the check is not vacuous)."""
    live = [q for q in live_bank(db, org)]
    from webapp.bank.sets import to_core

    groups = [set(g) for g in duplicate_ids([to_core(q) for q in live])]
    assert groups, "the bank must still hold a near-duplicate group for this check to mean anything"
    with app.app_context():
        bank = exams.drawable_bank(db, "forklift", org.id)
    blueprint = default_blueprint("qualification")
    touched = 0
    for seed in range(seeds):
        ids = {
            pq.question.id
            for pq in assemble_seeded(bank.index, blueprint, seed, groups=bank.groups).questions
        }
        for g in groups:
            assert len(ids & g) <= 1, f"seed {seed}: {sorted(ids & g)}"
            touched += bool(ids & g)
    return touched


def test_after_skip_and_keep_no_paper_of_the_full_blueprint_holds_two_of_one_group(app, client, db, org):
    client.sign_in("reviewer")
    url = import_file(client, blanks_bank())
    html = client.get(url).get_data(as_text=True)
    dup_ids = re.findall(r'name="dup-(\d+)"', html)
    keep_one = {dup_ids[-1]: "keep"}  # the numbering pair stays in the bank: the groups must keep them apart
    publish(client, url, choice="skip", choices=keep_one)
    fresh(db)
    assert _no_paper_holds_two_of_a_group(db, app, org) > 100


def test_a_spot_test_is_drawn_with_the_groups(app, client, db, org):
    client.sign_in("reviewer")
    url = import_file(client, blanks_bank())
    publish(client, url, choice="keep")
    fresh(db)
    post = db.scalar(select(Post).where(Post.code == "forklift"))
    person = make_person(db, org, "李四", "E9", posts=[post])
    with app.app_context():
        bank = exams.drawable_bank(db, "forklift", org.id)
        assert len(set(bank.groups.values())) == 3
        by_group: dict[int, set[str]] = {}
        for qid, g in bank.groups.items():
            by_group.setdefault(g, set()).add(qid)
        for seed in range(40):
            attempt = exams._new_attempt(
                db, person=person, post=post, kind="spot", blueprint=default_blueprint("qualification"),
                now=datetime.now(UTC), started_by=None, seed=seed, bank=bank.index, pk_of=bank.pk_of, groups=bank.groups,
            )  # fmt: skip
            ids = {e["id"] for e in attempt.layout}
            assert all(len(ids & members) <= 1 for members in by_group.values())
    db.rollback()


@pytest.mark.skipif(not CORPUS.exists(), reason=f"the corpus bank {CORPUS} is not on this machine")
def test_the_provincial_forklift_bank_shows_its_blank_only_pairs_and_after_skip_papers_hold_one_per_group(
    app, client, db, org
):
    client.sign_in("reviewer")
    url = import_file(client, CORPUS.read_bytes(), name=CORPUS.name)
    html = client.get(url).get_data(as_text=True)
    pairs = re.findall(r'<section class="dup" id="dup-(\d+)">(.*?)</section>', html, re.S)
    stems = [re.findall(r'<div class="stem">([^<]*)</div>', body) for _, body in pairs]
    blank_only = [
        (a, b)
        for a, b in stems
        if a != b and re.sub(r"[（(]\s*[)）]|[:：]", "", a) == re.sub(r"[（(]\s*[)）]|[:：]", "", b)
    ]
    assert len(blank_only) >= 2, "the pairs that differ only by “（ ）” are shown"
    assert publish(client, url, choice="skip").status_code == 302
    fresh(db)
    live = [q for q in live_bank(db, org) if q.organisation_id == org.id]
    assert len(live) == 499 - len(pairs)
    with app.app_context():
        bank = exams.drawable_bank(db, "forklift", org.id)
    for seed in range(1000):
        paper = assemble_seeded(bank.index, default_blueprint("qualification"), seed, groups=bank.groups)
        seen: dict[int, str] = {}
        for pq in paper.questions:
            g = bank.groups.get(pq.question.id)
            assert g is None or g not in seen, f"seed {seed}: {pq.question.id} and {seen.get(g)}"
            if g is not None:
                seen[g] = pq.question.id


def test_the_bank_health_page_lists_findings_by_severity_and_an_accepted_warning_is_stored_and_logged(
    client, db, org
):
    client.sign_in("reviewer")
    publish(client, import_file(client, blanks_bank()), choice="keep")
    html = client.get("/bank/health", query_string={"post": "forklift"}).get_data(as_text=True)
    counts = dict(re.findall(r"<span>(错误|警告|提示|重复题组)</span><strong>(\d+)</strong>", html))
    severities = re.findall(r'<td class="sev-(\w+)">', html)
    assert [counts[n] for n in ("错误", "警告", "提示")] == [
        str(severities.count(v)) for v in ("error", "warning", "info")
    ]
    assert html.count("<td>选项含“以上都对/都不对”</td>") == 4
    assert html.count("<td>答案集中在同一位置</td>") == 3  # every set here keys its single-choice questions B
    assert counts["重复题组"] == "3"  # the three kept pairs
    assert severities == sorted(severities, key=["error", "warning", "info"].index)  # errors first
    no_basis = int(counts["警告"])
    subject = re.search(
        r'name="subject" value="([^"]+)"><input type="hidden" name="check" value="no_basis"', html
    )
    r = client.post(
        "/bank/findings/accept",
        data={"csrf_token": form_token(html), "subject": subject.group(1), "check": "no_basis",
              "reason": "本题为企业内部规程", "next": "/bank/health?post=forklift"},
    )  # fmt: skip
    assert r.status_code == 302
    html = client.get("/bank/health", query_string={"post": "forklift"}).get_data(as_text=True)
    assert dict(re.findall(r"<span>(警告)</span><strong>(\d+)</strong>", html))["警告"] == str(no_basis - 1)
    fresh(db)
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "finding_accepted"))
    assert (audit.target, audit.data) == (
        subject.group(1),
        {"check": "no_basis", "reason": "本题为企业内部规程"},
    )
