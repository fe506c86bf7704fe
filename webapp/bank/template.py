"""The Excel template trainers download: a 说明 sheet (how to fill it in) and a 题库 sheet with the
Chinese columns of DESIGN §5 and one example row per question type. The rows come from the formats'
own `template_rows`, so what the template says is what the reader takes."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from quizbank.formats.table import template_rows
from quizbank.model import TRUE_FALSE_OPTIONS, Question
from webapp.bank.service import TEMPLATE_NOTES_SHEET

EXAMPLES = (
    Question(
        id="example-1",
        type="single",
        stem="动火作业前，应清除动火点周围多大范围内的可燃物？",
        options=("5米", "10米", "15米", "20米"),
        answer=(1,),
        explanation="动火点周围 10 米范围内的可燃物应清除干净。",
        basis="GB 30871-2022《危险化学品企业特殊作业安全规范》",
        difficulty=2,
        tags=("动火作业",),
        section="",
    ),
    Question(
        id="example-2",
        type="multiple",
        stem="下列哪些属于“三违”？",
        options=("违章指挥", "违章作业", "违反劳动纪律", "按时交接班"),
        answer=(0, 1, 2),
        explanation="三违：违章指挥、违章作业、违反劳动纪律。",
        difficulty=3,
        tags=("三违", "重大事故隐患"),
    ),
    Question(
        id="example-3",
        type="truefalse",
        stem="进入有限空间作业前，必须先通风、再检测、后作业。",
        options=TRUE_FALSE_OPTIONS,
        answer=(0,),
        explanation="先通风、再检测、后作业。",
        difficulty=1,
        tags=("有限空间",),
    ),
)

NOTES = (
    "题库导入模板 填写说明",
    "",
    "1. 在“题库”工作表中每行填写一道题；第一行是表头，请不要修改列名。示例的三行可以删除或覆盖。",
    "2. 题型：单选题、多选题、判断题。",
    "3. 题干：题目内容；前面的题号（如“12.”“12、”）导入时会自动去掉。",
    "4. 选项A…选项F：单选、多选题至少两个选项，按顺序填写、中间不要空列；选项前的“A.”“A、”会自动去掉。判断题不填选项。",
    "5. 答案：单选填一个字母（如 B）；多选填多个字母（如 ACD 或 A,C,D）；判断题填 对/错、√/× 或 正确/错误。",
    "6. 解析：答错后给作业人员看的说明，可不填。",
    "7. 依据：答案依据的法规、标准及条款，如“《安全生产法》第二十八条”，多个用分号分隔；可不填。",
    "8. 难度：1（容易）到 5（很难），也可写 容易/中等/较难；不填按 3。",
    "9. 知识点：标签，多个用逗号分隔，如“重大事故隐患，动火作业”。",
    "10. 章节：应知应会手册的章节编号（可不填），答错时可据此回到手册原文。",
    "11. 上传后会先显示预览：每类题多少道、每道题的选项和答案，以及每一行有问题的原因和位置（如 题库!R12）。确认后才整体导入；有问题的行不会导入。",
)


def template_workbook() -> bytes:
    workbook = Workbook()
    notes = workbook.active
    notes.title = TEMPLATE_NOTES_SHEET
    for line in NOTES:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 120
    for row in notes.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    sheet = workbook.create_sheet("题库")
    for values in template_rows(EXAMPLES):
        sheet.append(values)
        for c in sheet[sheet.max_row]:
            if isinstance(c.value, str):
                c.data_type = "s"  # text stays text, never a formula
    header_fill = PatternFill("solid", fgColor="DCE6F5")
    for c in sheet[1]:
        c.font = Font(bold=True)
        c.fill = header_fill
    widths = {"A": 10, "B": 50}
    for col in sheet.iter_cols(min_row=1, max_row=1):
        letter = col[0].column_letter
        sheet.column_dimensions[letter].width = widths.get(letter, 14)
    sheet.freeze_panes = "A2"
    workbook.active = 1  # open on the 题库 sheet
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
