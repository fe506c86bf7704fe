"""No built-in or installed set teaches a withdrawn or replaced text as current.

WITHDRAWN is the one list of replacements confirmed for issue 14, each with the text that replaced it and
where that was confirmed. A withdrawn number may still be mentioned to say that it was replaced
("原30号令已被19号令代替"), so the check, over every discovered set, is:
- a question's `basis` never names a withdrawn text (a basis is what the answer rests on today);
- in an explanation or a handbook section every mention has a replacement marker (已废止、被…代替、
  原、不再 …) in the same sentence and within a few characters of it;
- a stem or option may name one (to ask about the replacement, or as the false claim of a true/false
  question) only when the explanation names it as replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from quizbank.plugins import discover
from tests.builders import question, question_set, section


@dataclass(frozen=True)
class Withdrawn:
    name: str  # how the withdrawn text is usually cited
    pattern: str  # regular expression matching the ways it is written
    replaced_by: str
    source: str  # where the replacement was confirmed, and when


WITHDRAWN: tuple[Withdrawn, ...] = (
    # Replaced by 应急管理部令第19号 (公布 2025-12-19, 施行 2026-06-01). Confirmed 2026-12-06: 阿拉善左旗
    # 应急管理局 reprint of the full text (yuchehui.cn/art/2025/12/22/art_2092_523453.html) and a public
    # regulation register citing mem.gov.cn/gk/zfxxgkpt/fdzdgknr/202512/t20251219_589179.shtml
    # ("2026版取代原第30号令"); see question_sets/SPECIAL_OPERATIONS_RULES.md.
    Withdrawn(
        name="原国家安全监管总局令第30号《特种作业人员安全技术培训考核管理规定》",
        pattern=r"(?:总局令|局令)\s*第\s*30\s*号|(?<!\d)30\s*号令",
        replaced_by="应急管理部令第19号",
        source="yuchehui.cn 阿拉善左旗应急管理局转载全文; mem.gov.cn t20251219_589179; 查于 2026-12-06",
    ),
    # GB 2894-2025《安全色和安全标志》 (发布 2025-05-30, 实施 2026-03-01) merges and replaces GB 2893-2008,
    # GB 2894-2008 and GB 7231-2003. Confirmed 2026-12-06: 460.net.cn/news/show-292902.html and a
    # book118 interpretation (max.book118.com/html/2025/1022/8112044121010001.shtm).
    Withdrawn(
        name="GB 2893《安全色》",
        pattern=r"GB\s*(?:/\s*T\s*)?2893(?!\d)",
        replaced_by="GB 2894-2025",
        source="460.net.cn show-292902; book118 GB2894-2025 修改解读; 查于 2026-12-06",
    ),
    Withdrawn(
        name="GB 2894-2008《安全标志及其使用导则》",
        pattern=r"GB\s*2894\s*[-—–]\s*(?:2008|1996)",
        replaced_by="GB 2894-2025",
        source="460.net.cn show-292902; book118 GB2894-2025 修改解读; 查于 2026-12-06",
    ),
    Withdrawn(
        name="GB 7231-2003《工业管道的基本识别色、识别符号和安全标识》",
        pattern=r"GB\s*(?:/\s*T\s*)?7231(?!\d)",
        replaced_by="GB 2894-2025",
        source="460.net.cn show-292902; book118 GB2894-2025 修改解读; 查于 2026-12-06",
    ),
    # GB 15577-2018《粉尘防爆安全规程》 is the current edition and replaces GB 15577-2007. Confirmed 2026-12-06:
    # public regulation knowledge bases dated 2026 cite "GB 15577-2018 第9.5条"/"6.3.2" as the current text,
    # and the 2013 official letter 安监总厅管四函〔2013〕117号 (m.jxly88.cn/Laws/Notice/201308/320971.shtml)
    # shows 2007 as the edition then in force.
    Withdrawn(
        name="GB 15577-2007《粉尘防爆安全规程》",
        pattern=r"GB\s*15577\s*[-—–]\s*2007",
        replaced_by="GB 15577-2018",
        source="code search: two 2026 regulation knowledge bases citing GB 15577-2018; jxly88.cn 320971; 查于 2026-12-06",
    ),
    # JJG 693-2011《可燃气体检测报警器检定规程》 (施行 2011-12-14) replaces JJG 693-2004 and JJG 940-1998.
    # Confirmed 2026-12-06: 360doc.com/content/23/0821/16/1433386_1093334866.shtml and dqzhy.cn/detail-140.html
    # (both reproduce the title page "代替 JJG 693-2004、JJG 940-1998").
    Withdrawn(
        name="JJG 693-2004《可燃气体检测报警器检定规程》",
        pattern=r"JJG\s*693\s*[-—–]\s*2004",
        replaced_by="JJG 693-2011",
        source="360doc 1093334866; dqzhy.cn detail-140; 查于 2026-12-06",
    ),
    Withdrawn(
        name="JJG 940-1998《催化燃烧氢气检测仪》",
        pattern=r"JJG\s*940\s*[-—–]\s*1998",
        replaced_by="JJG 693-2011",
        source="360doc 1093334866; dqzhy.cn detail-140; 查于 2026-12-06",
    ),
    # JGJ/T 46-2024《建筑与市政工程施工现场临时用电安全技术标准》 replaces JGJ 46-2005. Confirmed 2026-12-06
    # (low_voltage_electrician/REVIEW.md): construction-plan generators' current/abolished standard lists and a
    # photo-inspection tool mapping JGJ 46-2005 → JGJ/T 46-2024. A bare "JGJ 46" means the old edition.
    Withdrawn(
        name="JGJ 46-2005《施工现场临时用电安全技术规范》",
        pattern=r"JGJ\s*46(?:\s*[-—–]\s*2005)?(?![\d/])",
        replaced_by="JGJ/T 46-2024",
        source="construction-tool standard lists (JGJ 46-2005 abolished); inspection tool mapping; 查于 2026-12-06",
    ),
    # GB 3608-2025《高处作业分级》 (发布 2025-10-05, 实施 2026-05-01) replaces GB/T 3608-2008. Confirmed
    # 2026-12-06: 360book.cn/books/29/1380946.html (title page "代替GB/T3608—2008", 2026-05-01实施) and a
    # training-matrix catalogue with the SAMR link (work_at_height/REVIEW.md).
    Withdrawn(
        name="GB/T 3608-2008《高处作业分级》",
        pattern=r"GB\s*/\s*T\s*3608",
        replaced_by="GB 3608-2025",
        source="360book.cn 1380946 (title page); training-matrix catalogue; 查于 2026-12-06",
    ),
    # GB 9448-2025《焊接与切割安全》 (实施 2026-08-01) replaces GB 9448-1999. Confirmed 2026-12-06
    # (welding/REVIEW.md): a training-matrix catalogue with the SAMR link and a safety-law register citing a
    # county government notice.
    Withdrawn(
        name="GB 9448-1999《焊接与切割安全》",
        pattern=r"GB\s*9448\s*[-—–]\s*1999",
        replaced_by="GB 9448-2025",
        source="training-matrix catalogue; safety-law register (county notice); 查于 2026-12-06",
    ),
    # GB 12158-2024《防止静电事故通用要求》 (实施 2026-01-01) replaces GB 12158-2006. Confirmed 2026-12-06
    # (low_voltage_electrician/REVIEW.md): a safety-law knowledge base register with a news source.
    Withdrawn(
        name="GB 12158-2006《防止静电事故通用要求》",
        pattern=r"GB\s*12158\s*[-—–]\s*2006",
        replaced_by="GB 12158-2024",
        source="safety-law knowledge base phase-10 register with a news source; 查于 2026-12-06",
    ),
    # GB 24544-2023《坠落防护 速差自控器》 (发布 2023-12-28, 实施 2025-01-01) replaces GB 24544-2009.
    # Confirmed 2026-12-06 by the independent review: guifanku.com/810116.html (title page "代替GB24544—2009")
    # and chinesestandard.net GB24544-2023 (status valid; GB 24544-2009 obsolete).
    Withdrawn(
        name="GB 24544-2009《坠落防护 速差自控器》",
        pattern=r"GB\s*24544\s*[-—–]\s*2009",
        replaced_by="GB 24544-2023",
        source="guifanku.com 810116 (title page); chinesestandard.net GB24544-2023; 查于 2026-12-06",
    ),
    # AQ 3067-2026《化工和危险化学品生产经营企业重大生产安全事故隐患判定准则》 (发布 2026-03-09, 施行
    # 2026-09-30) is the criterion in force; the 2017 试行 standard is no longer taught as current. A formal
    # repeal notice of the 2017 document was not found, so a set says "不再作为依据", not "已废止".
    # Confirmed 2026-12-06 (hazardous_chemicals/REVIEW.md): a regulation knowledge base's AQ 3067 metadata
    # with mem.gov.cn/fw/flfgbz/bz/bzwb/202603/t20260325_598035.shtml, and a training-matrix catalogue.
    Withdrawn(
        name="化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）（2017）",
        pattern=r"化工和危险化学品生产经营单位重大生产安全事故隐患判定标准",
        replaced_by="AQ 3067-2026",
        source="safety-basis AQ 3067 metadata (mem.gov.cn t20260325_598035); training-matrix catalogue; 查于 2026-12-06",
    ),
)

# Words saying a text is no longer current. A bare "原" counts, except the "原国家…" of an old agency's name
# (原国家安全监管总局令第3号 is still in force).
REPLACED_MARKER = re.compile(
    r"已废止|废止|代替|取代|替代|已被|被.{0,30}?(?:代替|取代|替代)|不再|不能再|旧|原(?!国家)"
)
NEAR = 40  # characters either side of a mention searched for a marker, within the same sentence
SENTENCE_END = re.compile(r"[。；;！？!?\n]")


@dataclass(frozen=True)
class Citation:
    where: str
    withdrawn: str
    excerpt: str


def _compiled():
    return [(w, re.compile(w.pattern)) for w in WITHDRAWN]


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    ends_before = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    after = SENTENCE_END.search(text, end)
    return (ends_before[-1] if ends_before else 0), (after.start() if after else len(text))


def current_citations(text: str, where: str, *, in_basis: bool = False) -> list[Citation]:
    """Mentions of a withdrawn text that present it as current (any mention at all, in a basis)."""
    found = []
    for w, rx in _compiled():
        for m in rx.finditer(text):
            first, last = _sentence_around(text, m.start(), m.end())
            before = text[max(first, m.start() - NEAR) : m.start()]
            after = text[m.end() : min(last, m.end() + NEAR)]
            if in_basis or not (REPLACED_MARKER.search(before) or REPLACED_MARKER.search(after)):
                excerpt = text[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ")
                found.append(Citation(where, w.name, excerpt))
    return found


def _explained_as_replaced(explanation: str) -> set[str]:
    """Withdrawn texts the explanation names, every time next to a replacement marker."""
    named = {w.name for w, rx in _compiled() if rx.search(explanation)}
    unmarked = {c.withdrawn for c in current_citations(explanation, "")}
    return named - unmarked


def set_citations(qs) -> list[Citation]:
    """A question may put a withdrawn text in its stem or options (e.g. "which standards did GB 2894-2025
    replace?", or a true/false claim that the old text is still current) only when its explanation names that
    text as replaced; the explanation itself and the handbook must mark every mention; a basis may not name
    one at all."""
    found = []
    for q in qs.questions:
        found += current_citations(q.basis, f"{q.id} basis", in_basis=True)
        found += current_citations(q.explanation, f"{q.id} explanation")
        taught = _explained_as_replaced(q.explanation)
        asked = current_citations(q.stem, f"{q.id} stem")
        for i, option in enumerate(q.options):
            asked += current_citations(option, f"{q.id} option {i + 1}")
        found += [c for c in asked if c.withdrawn not in taught]
    for s in qs.handbook.sections:
        found += current_citations(f"{s.title}\n{s.body}", f"handbook #{s.id}")
    return found


REGISTRY = discover()


@pytest.mark.parametrize("set_id", sorted(s.id for s in REGISTRY.sets))
def test_no_set_cites_a_withdrawn_text_as_current(set_id):
    assert set_citations(REGISTRY.set(set_id)) == []


def _name(prefix: str) -> str:
    """The entry whose name starts with `prefix` (tests do not depend on the order of WITHDRAWN)."""
    (name,) = [w.name for w in WITHDRAWN if w.name.startswith(prefix)]
    return name


def test_each_withdrawn_entry_names_its_replacement_and_source():
    assert [w.name for w in WITHDRAWN if not (w.replaced_by and w.source)] == []
    # each pattern recognises the way its own entry is written, and not its replacement
    assert [w.name for w, rx in _compiled() if not rx.search(w.name)] == []
    assert [w.name for w, rx in _compiled() if rx.search(w.replaced_by)] == []


def test_a_withdrawn_text_in_a_basis_is_reported_even_when_marked_as_replaced():
    found = current_citations("GB 2893-2008 第4条（已被 GB 2894-2025 代替）", "q basis", in_basis=True)
    assert [c.withdrawn for c in found] == ["GB 2893《安全色》"]


def test_a_mention_saying_the_text_was_replaced_is_allowed():
    text = (
        "GB 2894-2025 自2026年3月1日起实施，代替了 GB 2893-2008 和 GB 2894-2008。原30号令已被19号令代替。"
        "JGJ/T 46-2024 代替了 JGJ 46-2005。"
    )
    assert current_citations(text, "explanation") == []


def test_a_marker_in_the_next_sentence_does_not_excuse_a_current_citation():
    found = current_citations("开关箱按 JGJ 46 设置。旧做法要改。", "handbook")
    assert [c.withdrawn for c in found] == [_name("JGJ 46-2005")]


def test_a_mention_teaching_the_old_text_as_current_is_reported():
    q = question(
        stem="按30号令，特种作业操作证每3年复审1次。",
        explanation="依据 GB 2894-2008 设置安全标志；报警器按 JJG 693-2004 检定。",
        basis="《安全生产法》第三十条",
    )
    qs = question_set(
        [q], sections=[section(id="sec-a", body="安全色按 GB 2893 执行。速差自控器按 GB 24544-2009 选用。")]
    )
    found = [(c.where, c.withdrawn) for c in set_citations(qs)]
    assert found == [
        (f"{q.id} explanation", _name("GB 2894-2008")),
        (f"{q.id} explanation", _name("JJG 693-2004")),
        (f"{q.id} stem", _name("原国家安全监管总局令第30号")),
        ("handbook #sec-a", _name("GB 2893")),
        ("handbook #sec-a", _name("GB 24544-2009")),
    ]


def test_a_stem_may_ask_about_a_withdrawn_text_when_the_explanation_teaches_its_replacement():
    asked = question(
        stem="30号令在2026年6月1日以后仍是现行依据。",
        options=("GB 2893-2008", "GB 2894-2025", "GB 50016-2014", "GB/T 4968-2008"),
        explanation="应急管理部令第19号代替了30号令；GB 2894-2025 代替了 GB 2893-2008。",
        basis="应急管理部令第19号",
    )
    unexplained = question(stem="30号令在2026年6月1日以后仍是现行依据。", explanation="说法错误。")
    found = [(c.where, c.withdrawn) for c in set_citations(question_set([asked, unexplained]))]
    assert found == [(f"{unexplained.id} stem", _name("原国家安全监管总局令第30号"))]


def test_the_agency_prefix_of_a_current_rule_is_not_a_replacement_marker():
    # "原国家安全监管总局令第30号" alone does not say the rule was replaced: 原 belongs to the agency's name.
    found = current_citations("特种作业按原国家安全监管总局令第30号执行。", "stem")
    assert [c.withdrawn for c in found] == [_name("原国家安全监管总局令第30号")]


def test_the_current_edition_of_a_replaced_standard_is_not_reported():
    text = "临时用电按 JGJ/T 46-2024 执行；高处作业分级按 GB 3608-2025；速差自控器按 GB 24544-2023。"
    assert current_citations(text, "handbook") == []
