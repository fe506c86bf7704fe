"""The certificate forms: suspend/revoke/reinstate with a reason, and a 特种作业操作证 on file."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class ChangeForm(FlaskForm):
    action = SelectField(
        "操作",
        choices=[
            SelectChoice("suspend", "暂停"),
            SelectChoice("revoke", "吊销"),
            SelectChoice("reinstate", "恢复（取消人工暂停）"),
        ],
    )
    reason = TextAreaField(
        "原因", validators=[DataRequired("请填写原因"), Length(max=200, message="原因不超过 200 字")]
    )


class SpecialForm(FlaskForm):
    person = StringField("工号", validators=[DataRequired("请填写工号")])
    number = StringField("操作证号", validators=[DataRequired("请填写操作证号"), Length(max=60)])
    kind = StringField("作业类别（操作项目）", validators=[DataRequired("请填写作业类别"), Length(max=100)])
    post = SelectField("对应岗位", validators=[Optional()])
    issued = DateField("初次领证日期", validators=[DataRequired("请填写发证日期")])
    review_due = DateField("应复审日期（不填：发证后 3 年）", validators=[Optional()])
    expires = DateField("有效期至（不填：发证后 6 年）", validators=[Optional()])
