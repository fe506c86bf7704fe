"""Small functions that make core values for tests: override only what the test is about.

    from tests.builders import question, truefalse, multiple, question_set, blueprint, bank

Every builder returns a valid value by default; ids are unique per call unless given.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from quizbank.formats import native
from quizbank.handbook import write_handbook
from quizbank.model import (
    PARTS,
    TRUE_FALSE_OPTIONS,
    Blueprint,
    Cell,
    Handbook,
    Paper,
    PaperQuestion,
    Post,
    Question,
    QuestionSet,
    Section,
    TagRequirement,
)
from quizbank.register import LawEntry

_ids = itertools.count(1)


def _next_id(prefix: str = "q") -> str:
    return f"{prefix}-{next(_ids)}"


def question(**overrides) -> Question:
    """A single-choice professional question with four options, answer B."""
    fields = dict(
        id=_next_id(),
        type="single",
        stem="作业前应当检查什么？",
        options=("工具", "防护用品与作业环境", "天气预报", "工资条"),
        answer=(1,),
        explanation="作业前检查防护用品和作业环境。",
        difficulty=2,
        tags=(),
        section="sec-a",
        part="professional",
    )
    fields.update(overrides)
    return Question(**fields)


def single(**overrides) -> Question:
    return question(**overrides)


def truefalse(answer: bool = True, **overrides) -> Question:
    """A true/false question; `answer=True` means 正确."""
    overrides.setdefault("stem", "进入有限空间前必须先通风、检测。")
    return question(
        type="truefalse", options=TRUE_FALSE_OPTIONS, answer=(0,) if answer else (1,), **overrides
    )


def multiple(**overrides) -> Question:
    """A multiple-choice question with five options, answer A C D."""
    overrides.setdefault("stem", "下列哪些属于个人防护用品？")
    overrides.setdefault("options", ("安全帽", "手机", "防护眼镜", "安全带", "香烟"))
    overrides.setdefault("answer", (0, 2, 3))
    return question(type="multiple", **overrides)


_MAKERS = {"single": single, "truefalse": truefalse, "multiple": multiple}


def of_type(qtype: str, **overrides) -> Question:
    return _MAKERS[qtype](**overrides)


def bank(
    n_per_cell: int = 20,
    *,
    types: Sequence[str] = ("truefalse", "single", "multiple"),
    parts: Sequence[str] = PARTS,
    difficulties: Sequence[int] = (1, 2, 3, 4, 5),
    tagged_per_cell: int = 0,
    tag: str = "重大事故隐患",
    prefix: str = "b",
) -> tuple[Question, ...]:
    """`n_per_cell` questions for each type × part, cycling through `difficulties`; the first
    `tagged_per_cell` of each cell carry `tag`. Stems and options are distinct per question."""
    out = []
    for t in types:
        for p in parts:
            for n in range(n_per_cell):
                qid = f"{prefix}-{t}-{p}-{n}"
                extra = {}
                if t != "truefalse":
                    count = 5 if t == "multiple" else 4
                    extra["options"] = tuple(f"{qid} 选项{i}" for i in range(count))
                out.append(
                    of_type(
                        t,
                        id=qid,
                        stem=f"{qid} 题干",
                        part=p,
                        section=f"sec-{p}",
                        difficulty=difficulties[n % len(difficulties)],
                        tags=(tag,) if n < tagged_per_cell else (),
                        **extra,
                    )
                )
    return tuple(out)


def cell(type: str = "single", part: str = "professional", count: int = 1, difficulties=()) -> Cell:
    return Cell(type, part, count, tuple(difficulties))


def blueprint(cells: Iterable[Cell] | None = None, **overrides) -> Blueprint:
    """A small periodic blueprint: 2 of each type from each part unless `cells` are given."""
    if cells is None:
        cells = [Cell(t, p, 2) for t in ("truefalse", "single", "multiple") for p in PARTS]
    fields = dict(
        kind="periodic",
        title="定期考试",
        cells=tuple(cells),
        points={"truefalse": 1.0, "single": 2.0, "multiple": 3.0},
        required_tags=(),
        time_limit_minutes=45,
        pass_percent=80.0,
    )
    if "required_tags" in overrides:
        overrides["required_tags"] = tuple(
            r if isinstance(r, TagRequirement) else TagRequirement(*r) for r in overrides["required_tags"]
        )
    fields.update(overrides)
    return Blueprint(**fields)


def paper(questions: Iterable[Question], bp: Blueprint | None = None, *, orders=None) -> Paper:
    """A paper holding `questions` in order, options unshuffled unless `orders` (one per question) is given."""
    bp = bp or blueprint()
    questions = list(questions)
    orders = orders or [tuple(range(len(q.options))) for q in questions]
    return Paper(
        bp,
        tuple(PaperQuestion(q, tuple(o), bp.points[q.type]) for q, o in zip(questions, orders, strict=True)),
    )


def section(
    id: str = "sec-a", title: str = "作业前检查", part: str = "professional", body: str = "正文。"
) -> Section:
    return Section(id=id, title=title, part=part, body=body)


def handbook(
    sections: Iterable[Section] | None = None, *, post: str | None = "welding", **overrides
) -> Handbook:
    part = "general" if post is None else "professional"
    sections = tuple(sections) if sections is not None else (section(part=part),)
    fields = dict(
        title="焊接与热切割作业应知应会手册" if post else "通用安全知识应知应会手册",
        version="2026.1",
        post=post,
        name="焊接与热切割作业" if post else None,
        risk="normal",
        special_operation=post is not None,
        sections=sections,
    )
    fields.update(overrides)
    return Handbook(**fields)


def question_set(
    questions: Iterable[Question] | None = None,
    *,
    id: str = "welding",
    post: str | None = "welding",
    sections: Iterable[Section] | None = None,
    source: str = "",
) -> QuestionSet:
    """A set for `post` (None: a general set) whose handbook holds every section its questions cite."""
    part = "general" if post is None else "professional"
    if questions is None:
        questions = [question(id=f"{id}-{n}", section=f"{id}-sec", part=part) for n in range(3)]
    questions = tuple(questions)
    if sections is None:
        cited = dict.fromkeys(q.section for q in questions if q.section)
        sections = [section(s, f"章节 {s}", part) for s in cited] or [section(f"{id}-sec", part=part)]
    hb = handbook(sections, post=post)
    posts = () if post is None else (Post(post, hb.name or post, hb.risk, hb.special_operation),)
    return QuestionSet(
        id=id,
        title=hb.title,
        version=hb.version,
        posts=posts,
        handbook=hb,
        questions=questions,
        source=source,
    )


def write_set_folder(folder: Path, qs: QuestionSet) -> Path:
    """Write `qs` as a native set folder (handbook.md + questions.yaml + __init__.py); returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_text("")
    (folder / "handbook.md").write_text(write_handbook(qs.handbook), encoding="utf-8")
    (folder / "questions.yaml").write_bytes(native.write(qs.questions))
    return folder


def law(title: str = "高处作业分级", number: str = "GB/T 3608-2008", **overrides) -> LawEntry:
    """A register entry (法规标准库), in force unless `status` says otherwise."""
    fields = dict(title=title, number=number, issuer="", status="现行")
    fields.update(overrides)
    return LawEntry(**fields)
