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
    document = SelectField(
        "证件种类",
        choices=[
            SelectChoice("special_operation", "特种作业操作证（应急管理部门）"),
            SelectChoice("special_equipment", "特种设备作业人员证（市场监管部门）"),
        ],
        default="special_operation",
        validate_choice=False,  # checked by the service, which names the allowed documents
    )
    number = StringField("证号", validators=[DataRequired("请填写操作证号"), Length(max=60)])
    kind = StringField("作业类别（操作项目）", validators=[DataRequired("请填写作业类别"), Length(max=100)])
    post = SelectField("对应岗位", validators=[Optional()])
    issued = DateField("初次领证日期", validators=[DataRequired("请填写发证日期")])
    review_due = DateField("应复审日期（不填：按发证时规定）", validators=[Optional()])
    expires = DateField(
        "有效期至（不填：原30号令发证 6 年，特种设备证 4 年；2026-06-01 后发的操作证须填证书所载日期）",
        validators=[Optional()],
    )
