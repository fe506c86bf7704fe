"""The platform operator's forms (each carries the CSRF token); the service checks every value again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webapp.org.models import ORG_KINDS


class OrganisationNewForm(FlaskForm):
    kind = SelectField(
        "单位类型", choices=[SelectChoice(k, ORG_KINDS[k]) for k in ("enterprise", "regulator")]
    )
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"), Length(max=200)])
    high_risk = BooleanField("高危行业企业")


class RenameForm(FlaskForm):
    name = StringField("新名称", validators=[DataRequired("请填写单位名称"), Length(max=200)])


class FirstAdminForm(FlaskForm):
    username = StringField("管理员登录名", validators=[DataRequired("请填写登录名"), Length(max=80)])
    display_name = StringField("管理员姓名", validators=[DataRequired("请填写姓名"), Length(max=100)])


class JurisdictionForm(FlaskForm):
    enterprise = SelectField("企业", coerce=str, validate_choice=False)
    starts_on = DateField("开始日期", validators=[DataRequired("请填写开始日期（年-月-日）")])
    ends_on = DateField("结束日期（可不填）", validators=[Optional()])


class EndForm(FlaskForm):
    ends_on = DateField("结束日期", validators=[DataRequired("请填写结束日期（年-月-日）")])


class ActionForm(FlaskForm):
    """CSRF only (buttons)."""
