from quizbank.handbook import parse_handbook, read_handbook, write_handbook
from tests.builders import handbook, section

WELDING = """---
post: welding
name: 焊接与热切割作业
title: 焊接与热切割作业应知应会手册
version: "2026.1"
risk: normal
special_operation: true
---

# 专业知识

## 焊接作业前的检查 {#weld-prep}

检查作业点周围 10 米内的可燃物。

### 小标题

- 一
- 二

```
## 代码块里的标题不是章节 {#not-a-section}
```

## 动火作业 {#weld-fire}

动火作业需要审批。
"""


def test_sections_are_read_with_ids_titles_parts_and_lines():
    result = parse_handbook(WELDING)
    assert result.problems == ()
    hb = result.handbook
    assert (hb.post, hb.name, hb.title, hb.version, hb.risk, hb.special_operation) == (
        "welding",
        "焊接与热切割作业",
        "焊接与热切割作业应知应会手册",
        "2026.1",
        "normal",
        True,
    )
    assert [(s.id, s.title, s.part, s.line) for s in hb.sections] == [
        ("weld-prep", "焊接作业前的检查", "professional", 12),
        ("weld-fire", "动火作业", "professional", 25),
    ]


def test_section_body_keeps_sub_headings_and_code_blocks():
    body = parse_handbook(WELDING).handbook.section("weld-prep").body
    assert "### 小标题" in body
    assert "## 代码块里的标题不是章节" in body
    assert body.startswith("检查作业点")


def test_general_handbook_has_no_post():
    text = '---\ntitle: 通用安全知识\nversion: "1"\n---\n# 通用知识\n## 安全生产法 {#gen-law}\n正文\n'
    hb = read_handbook(text)
    assert hb.post is None and hb.name is None
    assert hb.sections[0].part == "general"


def test_every_problem_is_reported_with_its_line():
    text = (
        "---\npost: welding\nname: 焊接\ntitle: 焊接\nversion: '1'\n---\n"  # lines 1-6
        "# 专业知识\n"  # 7
        "## 没有编号的章节\n"  # 8
        "## 重复 {#weld-a}\n"  # 9
        "## 重复 {#weld-a}\n"  # 10
        "## 大写 {#Weld_B}\n"  # 11
        "# 其他部分\n"  # 12
    )
    problems = parse_handbook(text, name="hb.md").problems
    assert [p.where for p in problems] == ["hb.md:8", "hb.md:10", "hb.md:11", "hb.md:12"]
    assert "has no id" in problems[0].message
    assert "duplicate section id 'weld-a' (first at line 9)" in problems[1].message
    assert "lowercase" in problems[2].message
    assert "unknown part heading" in problems[3].message


def test_missing_front_matter_makes_the_handbook_unusable():
    result = parse_handbook("# 专业知识\n## 章节 {#a}\n", name="hb.md")
    assert result.handbook is None
    assert result.problems[0].where == "hb.md:1"
    assert "front matter missing" in result.problems[0].message


def test_post_handbook_with_a_general_part_is_refused():
    text = "---\npost: welding\nname: 焊接\ntitle: 焊接\nversion: '1'\n---\n# 通用知识\n## 法规 {#weld-law}\n"
    problems = parse_handbook(text).problems
    assert any(
        "a post handbook has only # 专业知识" in p.message and p.where.endswith(":8") for p in problems
    )


def test_version_written_as_a_number_is_kept_as_text():
    hb = read_handbook("---\ntitle: 通用\nversion: 2026\n---\n# 通用知识\n## 法规 {#gen-law}\n")
    assert hb.version == "2026"


def test_bad_front_matter_values_are_named():
    text = "---\npost: welding\ntitle: t\nversion: '1'\nrisk: extreme\nspecial_operation: maybe\ncolour: red\n---\n# 专业知识\n## a {#a}\n"
    messages = [p.message for p in parse_handbook(text).problems]
    assert any("risk must be high or normal" in m for m in messages)
    assert any("special_operation must be true or false" in m for m in messages)
    assert any("unknown key 'colour'" in m for m in messages)
    assert any("name (the post's display name) is missing" in m for m in messages)


def test_written_handbook_reads_back_the_same():
    hb = handbook(
        [
            section("weld-a", "第一节", body="段落一。\n\n- 列表\n\n### 小标题\n\n正文"),
            section("weld-b", "第二节"),
        ],
        risk="high",
    )
    back = read_handbook(write_handbook(hb))
    assert [(s.id, s.title, s.part, s.body) for s in back.sections] == [
        (s.id, s.title, s.part, s.body) for s in hb.sections
    ]
    assert (back.title, back.version, back.post, back.name, back.risk, back.special_operation) == (
        hb.title,
        hb.version,
        hb.post,
        hb.name,
        hb.risk,
        hb.special_operation,
    )
