"""The 法规标准库 forms: an entry (add or change) and re-confirming a 待复核 question."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from quizbank.register import STATUSES


class EntryForm(FlaskForm):
    key = HiddenField()  # set: change this entry
    number = StringField("文号/标准号", validators=[Optional(), Length(max=120)])
    title = StringField("名称", validators=[Optional(), Length(max=300)])
    issuer = StringField("发布机关", validators=[Optional(), Length(max=200)])
    status = SelectField("状态", choices=[SelectChoice(s, s) for s in STATUSES])
    effective = DateField("施行日期", validators=[Optional()])
    withdrawn = DateField("废止日期", validators=[Optional()])
    replaced_by = StringField("被替代为（文号或名称）", validators=[Optional(), Length(max=200)])


class ConfirmForm(FlaskForm):
    subject = HiddenField(validators=[DataRequired()])
    reason = TextAreaField("复核结论", validators=[DataRequired(message="请写明复核结论"), Length(max=2000)])
