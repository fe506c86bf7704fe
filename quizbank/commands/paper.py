"""`quizbank paper --post CODE [--blueprint KIND] --seed N [--json]`: draw a paper from the discovered
question sets, without a database. The same seed and sets give the same paper."""

from __future__ import annotations

import argparse
import json
import sys

from quizbank.assembly import BankShortfall, assemble_seeded
from quizbank.blueprints import blueprint_to_dict
from quizbank.commands._sets_path import discover_from_environment
from quizbank.formats.text import letters
from quizbank.model import EXAM_KIND_NAMES, EXAM_KINDS, OPTION_LABELS, QUESTION_TYPE_NAMES, Paper, Post


def register(subparsers: argparse._SubParsersAction) -> None:
    kinds = "，".join(f"{k} {EXAM_KIND_NAMES[k]}" for k in EXAM_KINDS)
    parser = subparsers.add_parser(
        "paper",
        help="按组卷规则抽一套试卷（不需要数据库）/ draw a paper",
        description=(
            "从找到的题集中，按岗位和组卷规则抽一套试卷，打印试题和答案。同一个 --seed 得到同一套试卷。"
            " Draw a paper for a post from the discovered question sets; the same seed gives the same paper."
        ),
    )
    parser.add_argument("--post", required=True, metavar="CODE", help="岗位编号，例如 welding / post code")
    parser.add_argument(
        "--blueprint",
        default="qualification",
        choices=EXAM_KINDS,
        metavar="KIND",
        help=f"组卷规则（默认 qualification）：{kinds}",
    )
    parser.add_argument("--seed", required=True, type=int, metavar="N", help="随机种子（整数）/ random seed")
    parser.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    parser.set_defaults(run=run)


def paper_to_dict(paper: Paper, post: Post) -> dict:
    return {
        "post": {"code": post.code, "name": post.name},
        "blueprint": blueprint_to_dict(paper.blueprint),
        "seed": paper.seed,
        "max_score": paper.max_score,
        "pass_score": paper.max_score * paper.blueprint.pass_percent / 100,
        "questions": [
            {
                "id": pq.question.id,
                "type": pq.question.type,
                "part": pq.question.part,
                "section": pq.question.section,
                "difficulty": pq.question.difficulty,
                "tags": list(pq.question.tags),
                "stem": pq.question.stem,
                "options": list(pq.options),
                "option_order": list(pq.option_order),
                "answer": list(pq.answer),
                "points": pq.points,
                "explanation": pq.question.explanation,
            }
            for pq in paper.questions
        ],
        "layout": [[qid, list(order)] for qid, order in paper.layout()],
    }


def print_paper(paper: Paper, post: Post) -> None:
    bp = paper.blueprint
    limit = f"{bp.time_limit_minutes} 分钟" if bp.time_limit_minutes else "不限时"
    print(
        f"{post.name}（{post.code}）{bp.title}  满分 {paper.max_score:g}  及格 {bp.pass_percent:g}%  {limit}"
    )
    print(f"seed {paper.seed}  共 {len(paper.questions)} 题")
    current = None
    for n, pq in enumerate(paper.questions, start=1):
        q = pq.question
        if q.type != current:
            current = q.type
            print(f"\n{QUESTION_TYPE_NAMES[q.type]}（每题 {pq.points:g} 分）")
        print(f"{n}. {q.stem}  [{q.id}]")
        if q.type != "truefalse":
            for label, option in zip(OPTION_LABELS, pq.options, strict=False):
                print(f"   {label}. {option}")
    print("\n答案 / answers:")
    print("  ".join(f"{n}.{_answer_text(pq)}" for n, pq in enumerate(paper.questions, start=1)))


def _answer_text(pq) -> str:
    if pq.question.type == "truefalse":
        return "√" if pq.options[pq.answer[0]] == "正确" else "×"
    return letters(pq.answer)


def run(args: argparse.Namespace) -> int:
    registry = discover_from_environment()
    post = registry.post(args.post)
    if post is None:
        known = (
            ", ".join(f"{p.code} {p.name}" for p in registry.posts()) or "（没有可用的题集 / no usable set）"
        )
        print(
            f"没有岗位 {args.post!r} 的题集 (no question set for post {args.post!r}). 可选 / known: {known}",
            file=sys.stderr,
        )
        return 1
    blueprint = registry.blueprint(post.code, args.blueprint)
    try:
        paper = assemble_seeded(registry.bank(post.code), blueprint, args.seed)
    except BankShortfall as e:
        print(f"{post.code}: {e}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(paper_to_dict(paper, post), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_paper(paper, post)
    return 0
