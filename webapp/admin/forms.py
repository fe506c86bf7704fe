"""The admin's forms (each carries the CSRF token). Choices are filled in by the views; the services
check every value again (an id from another organisation is refused there, not only by the select)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.org.models import ROLE_NAMES, ROLES


class OrganisationForm(FlaskForm):
    name = StringField("企业名称", validators=[DataRequired("请填写企业名称"), Length(max=200)])
    high_risk = BooleanField("高危行业企业（矿山、危险化学品、金属冶炼、烟花爆竹等）")


class DepartmentAddForm(FlaskForm):
    name = StringField("部门/班组名称", validators=[DataRequired("请填写部门名称"), Length(max=200)])
    parent = SelectField("上级部门", coerce=str, validate_choice=False)


class DepartmentRenameForm(FlaskForm):
    name = StringField("新名称", validators=[DataRequired("请填写部门名称"), Length(max=200)])


class DepartmentMoveForm(FlaskForm):
    parent = SelectField("移到", coerce=str, validate_choice=False)


class DepartmentHeadForm(FlaskForm):
    head = StringField("负责人（登录名或工号；留空即取消）", validators=[Length(max=80)])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    username = StringField("登录名", validators=[Length(max=80)])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=100)])
    roles = CheckboxesField(
        "角色", choices=[SelectChoice(r, ROLE_NAMES[r]) for r in ROLES], validate_choice=False
    )
    employee_no = StringField("关联花名册人员（工号，可不填）", validators=[Length(max=40)])
    email = StringField("电子邮箱（可不填；提醒邮件发到这里）", validators=[Length(max=254)])
    active = BooleanField("启用", default=True)


class OutsideInspectorForm(FlaskForm):
    username = StringField("外部检查人员的登录名", validators=[DataRequired("请填写登录名"), Length(max=80)])


class TokenForm(FlaskForm):
    name = StringField("令牌名称（对接的系统）", validators=[DataRequired("请填写令牌名称"), Length(max=100)])
    user = SelectField("代表的用户", coerce=str, validate_choice=False)


class ActionForm(FlaskForm):
    """CSRF only (buttons, and the policy form whose fields are read by webapp.admin.service.policy)."""
