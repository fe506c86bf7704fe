"""Forms of the question bank pages (WTForms; every form carries the CSRF token)."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizbank import model
from quizbank.formats.text import AnswerError, answer_letters, letters, true_false_answer
from quizbank.questionsets import question_problems

TYPE_CHOICES = [SelectChoice(t, model.QUESTION_TYPE_NAMES[t]) for t in model.QUESTION_TYPES]
PART_CHOICES = [SelectChoice(p, model.PART_NAMES[p]) for p in model.PARTS]
FORMAT_CHOICES = [
    SelectChoice("auto", "自动判断"),
    SelectChoice("excel", "Excel（.xlsx）"),
    SelectChoice("csv", "CSV"),
    SelectChoice("gift", "GIFT"),
    SelectChoice("aiken", "Aiken"),
]


class UploadForm(FlaskForm):
    file = FileField("题库文件（Excel / CSV / GIFT / Aiken）", validators=[FileRequired("请选择文件")])
    format = SelectField("文件格式", choices=FORMAT_CHOICES, default="auto")
    part = RadioField("导入到", choices=PART_CHOICES, default="professional")
    post = SelectField("岗位", coerce=str)
    title = StringField("题集名称", validators=[Optional(), Length(max=200)])
    replaces = SelectField("作为新版本替换", coerce=str, validators=[Optional()])

    def validate_post(self, field):
        if self.part.data == "professional" and not field.data:
            raise ValidationError("导入专业知识题时请选择岗位")


class ConfirmForm(FlaskForm):
    """Only the CSRF token: what is imported is the stored preview, never fields sent back."""


class QuestionForm(FlaskForm):
    type = SelectField("题型", choices=TYPE_CHOICES)
    stem = TextAreaField("题干", validators=[DataRequired("请填写题干"), Length(max=4000)])
    options = TextAreaField("选项（每行一个；判断题不填）", validators=[Optional()])
    answer = StringField(
        "答案（单选如 B，多选如 ACD，判断题填 对/错）", validators=[DataRequired("请填写答案")]
    )
    explanation = TextAreaField("解析", validators=[Optional(), Length(max=4000)])
    difficulty = IntegerField(
        "难度（1–5）", validators=[InputRequired("请填写难度"), NumberRange(1, 5, "难度应为 1 到 5")]
    )
    tags = StringField("知识点（逗号分隔）", validators=[Optional(), Length(max=500)])
    section = StringField("章节编号", validators=[Optional(), Length(max=120)])

    problems: list[str] = []

    def fill_from(self, row) -> None:
        self.type.data = row.type
        self.stem.data = row.stem
        self.options.data = "" if row.type == "truefalse" else "\n".join(row.options)
        self.answer.data = (
            row.options[row.answer[0]]
            if row.type == "truefalse" and row.answer
            else letters(tuple(row.answer))
        )
        self.explanation.data = row.explanation
        self.difficulty.data = row.difficulty
        self.tags.data = "，".join(row.tags or ())
        self.section.data = row.section or ""

    def to_question(self, ext_id: str, part: str) -> model.Question | None:
        """The edited question, or None with the reasons put on the fields (as the core validates)."""
        qtype = self.type.data
        if qtype == "truefalse":
            options: tuple[str, ...] = model.TRUE_FALSE_OPTIONS
        else:
            options = tuple(o.strip() for o in (self.options.data or "").splitlines() if o.strip())
        try:
            if qtype == "truefalse":
                answer: tuple[int, ...] = (true_false_answer(self.answer.data),)
            else:
                answer = answer_letters(self.answer.data)
        except AnswerError as e:
            self.answer.errors = [*self.answer.errors, str(e)]
            self.problems = [str(e)]
            return None
        tags = tuple(t for t in (x.strip() for x in re.split(r"[,，、;；]", self.tags.data or "")) if t)
        q = model.Question(
            id=ext_id,
            type=qtype,  # type: ignore[arg-type]
            stem=self.stem.data.strip(),
            options=options,
            answer=answer,
            explanation=(self.explanation.data or "").strip(),
            difficulty=int(self.difficulty.data),
            tags=tags,
            section=(self.section.data or "").strip() or None,
            part=part,  # type: ignore[arg-type]
        )
        self.problems = _chinese(question_problems(q), q)
        return None if self.problems else q


def _chinese(found: list[str], q: model.Question) -> list[str]:
    """The core's reasons, said in Chinese for the page."""
    out = []
    for message in found:
        if "options: a question has" in message:
            out.append(f"选择题要有 2 到 {model.MAX_OPTIONS} 个选项，现在有 {len(q.options)} 个")
        elif "option is empty" in message:
            out.append("有空的选项")
        elif "two options are the same" in message:
            out.append("有两个选项相同")
        elif "outside the" in message:
            out.append(f"答案 {letters(q.answer)} 超出了选项范围（共 {len(q.options)} 个选项）")
        elif "exactly one answer" in message:
            out.append("单选题只能有一个答案")
        elif "at least two answers" in message:
            out.append("多选题至少要有两个答案")
        elif "empty stem" in message:
            out.append("请填写题干")
        else:
            out.append(message)
    return out


class BlueprintForm(FlaskForm):
    """Counts per type × part and difficulty limits are read from request.form by the view (a grid)."""

    title = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=200)])
    time_limit_minutes = IntegerField(
        "考试时间（分钟，0 = 不限时）", validators=[InputRequired("请填写考试时间"), NumberRange(0, 600)]
    )
    pass_percent = DecimalField(
        "及格线（占满分的百分比）", places=1, validators=[InputRequired("请填写及格线"), NumberRange(0, 100)]
    )
    multiple_scoring = SelectField(
        "多选题计分",
        choices=[
            SelectChoice("all_or_nothing", "全对才得分"),
            SelectChoice("partial", "少选按比例得分，错选不得分"),
        ],
    )
    shuffle_options = BooleanField("打乱选项顺序")
    required_tags = TextAreaField(
        "必考知识点（每行一个：知识点 至少题数，如“重大事故隐患 2”）", validators=[Optional()]
    )


class ScheduleForm(FlaskForm):
    title = StringField("考试名称", validators=[DataRequired("请填写考试名称"), Length(max=200)])
    post = SelectField("岗位", coerce=str, validators=[DataRequired("请选择岗位")])
    kind = SelectField("考试类型")
    department = SelectField("部门", coerce=str, validators=[Optional()])
    opens_at = StringField("开始时间", validators=[DataRequired("请填写开始时间")])
    closes_at = StringField("结束时间", validators=[DataRequired("请填写结束时间")])
