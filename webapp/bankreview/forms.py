"""The review pages' forms: CSRF only (ticks and choices are read per row), and accepting a finding."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class PublishForm(FlaskForm):
    """The CSRF token; the rows to hold back (`hold`) and the near-duplicate choices (`dup-<id>`) are
    read from the request as lists."""


class AcceptForm(FlaskForm):
    subject = HiddenField(validators=[DataRequired()])
    check = HiddenField(validators=[DataRequired()])
    next = HiddenField()
    reason = TextAreaField("接受理由", validators=[DataRequired(message="请写明理由"), Length(max=2000)])
