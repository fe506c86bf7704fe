"""Publishing a 200-section handbook and rendering its booklet, against the floor: the same text laid out by
the bare PDF library (reportlab: one SimpleDocTemplate build, no cover, TOC, headers or extra pages).

publish  = the draft (200 sections) frozen as version 1 through webapp.handbooks.service.publish on SQLite
           (compare with the empty previous version, citation check, insert), in one transaction.
booklet  = quizbank.handbook_booklet.render_booklet: cover, TOC with page numbers (a two-pass multiBuild),
           both parts, 修订记录, 签收 page.
floor    = reportlab's SimpleDocTemplate.build of the same titles and paragraphs in the same CJK font.
Times are medians of untraced runs; peak memory is tracemalloc's peak of Python allocations during one
more run of the step. Prints ONE JSON line.

    .venv/bin/python benchmarks/handbook_booklet.py [--sections 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
import tracemalloc
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from quizbank.certificates.pdf import find_cjk_font, register_font
from quizbank.handbook_booklet import Booklet, BookletPart, Revision, render_booklet
from quizbank.handbook_files import EditableSection

SENTENCE = "作业前应检查安全阀、压力表和液位计是否完好，发现异常立即停止作业并报告班组长。"


def sections(n: int) -> list[EditableSection]:
    body = "\n".join([SENTENCE * 3, "", "- " + SENTENCE, "- " + SENTENCE[:20], "", SENTENCE * 4])
    return [EditableSection(f"s-{i + 1}", f"第{i + 1}节 压力容器安全操作要点{i + 1}", body) for i in range(n)]


def measure(fn, repeat: int) -> tuple[float, float, object]:
    """Median seconds over `repeat` untraced runs, and the tracemalloc peak (MB) of one more traced run
    (tracing slows allocation-heavy code, so it is kept out of the times); the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1048576
    tracemalloc.stop()
    return round(statistics.median(times), 3), round(peak, 1), result


def publish_once(secs: list[EditableSection]):
    """A fresh SQLite database with an enterprise and a post whose draft holds `secs`; returns a function
    publishing it (timed) — each call gets its own database so every run publishes version 1."""
    from webapp import create_app
    from webapp.handbooks import service
    from webapp.infra import clock
    from webapp.infra.db import Base, database, import_all_models, transaction
    from webapp.org.models import Organisation, Post

    home = tempfile.mkdtemp()
    app = create_app(
        {"INSTANCE_PATH": home, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{home}/b.sqlite"}
    )
    import_all_models()
    Base.metadata.create_all(database(app).engine)
    with app.app_context(), transaction(app) as s:
        org = Organisation(name="基准企业", kind="enterprise", high_risk=False, policy={})
        s.add(org)
        s.flush()
        post = Post(code="pv", name="压力容器操作", organisation_id=org.id)
        s.add(post)
        s.flush()
        hb = service.handbook_of(s, org.id, post)
        service.replace_draft(s, hb, secs, clock.now())
        hb_id = hb.id

    def publish() -> int:
        from webapp.handbooks.models import Handbook

        with app.app_context(), transaction(app) as s:
            return service.publish(s, s.get(Handbook, hb_id), None, "初版", clock.now()).number

    return publish


def floor_pdf(secs: list[EditableSection], font_path: str) -> bytes:
    font = register_font(font_path)
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    head = ParagraphStyle("h", parent=body, fontSize=14, leading=22)
    story = []
    for x in secs:
        story.append(Paragraph(x.title, head))
        story += [Paragraph(line.lstrip("- "), body) for line in x.body.splitlines() if line.strip()]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    secs = sections(args.sections)
    font = str(find_cjk_font())
    register_font(font)  # loading the font file once is not part of either figure
    floor_pdf(secs[:2], font)  # nor reportlab's first-use set-up
    half = args.sections // 5  # a 通用知识 part of a fifth, the rest 专业知识
    booklet = Booklet(
        "基准企业有限公司",
        "压力容器操作岗位应知应会手册",
        (BookletPart("通用知识", 1, tuple(secs[:half])), BookletPart("专业知识", 1, tuple(secs[half:]))),
        (Revision("专业知识", 1, date(2026, 12, 6), "培训管理员", "初版"),),
        date(2026, 12, 6),
    )
    publish_times = []
    for _ in range(args.repeat):
        publish = publish_once(secs)
        start = time.perf_counter()
        assert publish() == 1
        publish_times.append(round(time.perf_counter() - start, 3))
    publish = publish_once(secs)
    tracemalloc.start()
    publish()
    publish_peaks = [round(tracemalloc.get_traced_memory()[1] / 1048576, 1)]
    tracemalloc.stop()
    floor_t, floor_peak, floor = measure(lambda: floor_pdf(secs, font), args.repeat)
    book_t, book_peak, pdf = measure(lambda: render_booklet(booklet, font), args.repeat)
    print(
        json.dumps(
            {
                "benchmark": "handbook_booklet",
                "sections": args.sections,
                "publish_seconds": statistics.median(publish_times),
                "publish_peak_mb": max(publish_peaks),
                "booklet_seconds": book_t,
                "booklet_peak_mb": book_peak,
                "booklet_bytes": len(pdf),  # type: ignore[arg-type]
                "floor_seconds": floor_t,
                "floor_peak_mb": floor_peak,
                "floor_bytes": len(floor),  # type: ignore[arg-type]
                "booklet_vs_floor_time": round(book_t / floor_t, 2),
                "booklet_vs_floor_memory": round(book_peak / floor_peak, 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
