"""The enterprise's handbooks: drafts (drafts), publishing, diffs and questions to review (publishing),
reading and 已阅读确认 (reading), the coverage matrix (coverage), files in and out (files). No commit here."""

from webapp.handbooks.service.coverage import TYPE_NAMES, TYPES, Coverage, coverage
from webapp.handbooks.service.drafts import (
    MAX_FILE_BYTES,
    add_section,
    cited_sections,
    copy_builtin,
    draft_of,
    handbook_of,
    move_section,
    part_name,
    read_file,
    remove_section,
    replace_draft,
    save_section,
)
from webapp.handbooks.service.files import booklet_pdf, copy_builtin_handbook, export_docx, export_markdown
from webapp.handbooks.service.publishing import (
    current_version,
    diff,
    mark_reviewed,
    publish,
    questions_to_review,
    sections_of,
)
from webapp.handbooks.service.reading import (
    acknowledge,
    readable_version,
    readers,
    readings_of,
    record_opened,
)

__all__ = [
    "MAX_FILE_BYTES",
    "TYPES",
    "TYPE_NAMES",
    "Coverage",
    "acknowledge",
    "add_section",
    "booklet_pdf",
    "cited_sections",
    "copy_builtin",
    "copy_builtin_handbook",
    "coverage",
    "current_version",
    "diff",
    "draft_of",
    "export_docx",
    "export_markdown",
    "handbook_of",
    "mark_reviewed",
    "move_section",
    "part_name",
    "publish",
    "questions_to_review",
    "read_file",
    "readable_version",
    "readers",
    "readings_of",
    "record_opened",
    "remove_section",
    "replace_draft",
    "save_section",
    "sections_of",
]
