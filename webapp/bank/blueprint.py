from flask import Blueprint

from quizbank.model import EXAM_KIND_NAMES, PART_NAMES, QUESTION_TYPE_NAMES

bp = Blueprint("bank", __name__, url_prefix="/bank")


@bp.app_context_processor
def _names() -> dict:
    return {"exam_kind_names": EXAM_KIND_NAMES, "type_names": QUESTION_TYPE_NAMES, "part_names": PART_NAMES}
