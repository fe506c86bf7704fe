from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from webapp.org.models import EMPLOYMENT_TYPES


class RosterUploadForm(FlaskForm):
    file = FileField("花名册（Excel .xlsx）", validators=[FileRequired("请选择文件")])
    create_departments = BooleanField("自动创建不存在的部门")


class PersonForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=100)])
    department = SelectField("部门", coerce=str)
    posts = SelectMultipleField("岗位", coerce=str)
    employment_type = SelectField("用工形式", choices=[SelectChoice(t) for t in EMPLOYMENT_TYPES])
    active = BooleanField("在职")


class ActionForm(FlaskForm):
    """CSRF only."""
