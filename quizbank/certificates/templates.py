"""Certificate templates (data in `certificates/*.yaml`) and the `Certificate` value."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path

import yaml

from quizbank.certificates.tokens import Claims, make_serial, mask_name

PLACEHOLDERS = ("holder", "post_name", "post_code", "organisation", "issued", "expires", "serial")
PAGES = ("A4", "A4-landscape", "A5-landscape")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Layout:
    page: str = "A4-landscape"
    title_size: float = 36.0
    body_size: float = 16.0
    qr_mm: float = 40.0
    accent: str = "#9b1c1c"


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    wording: str
    validity_months: int = 12
    subtitle: str = ""
    footer: str = ""
    layout: Layout = Layout()
    source: str = ""


@dataclass(frozen=True)
class Certificate:
    """A certificate as issued: what is printed on it."""

    serial: str
    holder: str
    post_code: str
    post_name: str
    organisation: str
    issued: date
    expires: date
    kind: str = "qualification"

    def claims(self) -> Claims:
        """What its QR token carries: the holder masked, no ID number."""
        return Claims(self.serial, self.post_code, mask_name(self.holder), self.issued, self.expires)


def default_folder() -> Path:
    """The built-in `certificates/` folder. It sits next to the `quizbank` package both in the
    repository and when installed (setuptools ships it as a data package beside quizbank); found by
    path, not by import, because a module named `certificates` elsewhere on sys.path would shadow it."""
    return Path(__file__).resolve().parents[2] / "certificates"


def load_template(kind: str = "qualification", folder: Path | str | None = None) -> Template:
    """The template `<folder>/<kind>.yaml`; ValueError says which file and field is wrong."""
    if not re.match(r"^[a-z][a-z0-9_-]*$", kind):
        raise ValueError(f"certificate kind {kind!r}: lower-case letters, digits, '-' and '_' only")
    path = Path(folder or default_folder()) / f"{kind}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.yaml"))
        raise ValueError(f"{path}: no certificate template of kind {kind!r} (known: {', '.join(known)})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ValueError(f"{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    return template_from_dict(data, source=str(path))


def template_from_dict(data: object, source: str = "template") -> Template:
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a mapping of fields")
    known = {f.name for f in fields(Template)} - {"source"}
    for name in data:
        if name not in known:
            raise ValueError(f"{source}: unknown field {name!r}")
    for name in ("kind", "title", "wording"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ValueError(f"{source}: field {name!r} is required text")
    for name in ("subtitle", "footer"):
        if not isinstance(data.get(name, ""), str):
            raise ValueError(f"{source}: field {name!r} must be text")
    months = data.get("validity_months", 12)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        raise ValueError(f"{source}: field 'validity_months' must be a whole number of months 1–120")
    for text_field in ("wording", "footer", "title"):
        for _, name, _, _ in string.Formatter().parse(data.get(text_field, "")):
            if name is not None and name not in PLACEHOLDERS:
                raise ValueError(
                    f"{source}: field {text_field!r}: unknown placeholder {{{name}}} (known: {', '.join(PLACEHOLDERS)})"
                )
    layout = data.get("layout") or {}
    if not isinstance(layout, dict):
        raise ValueError(f"{source}: field 'layout' must be a mapping")
    layout_fields = {f.name: f.default for f in fields(Layout)}
    for name, value in layout.items():
        if name not in layout_fields:
            raise ValueError(f"{source}: layout: unknown field {name!r}")
        if isinstance(layout_fields[name], float) and (
            isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
        ):
            raise ValueError(f"{source}: layout.{name}: must be a positive number")
    if layout.get("page", "A4-landscape") not in PAGES:
        raise ValueError(f"{source}: layout.page: one of {', '.join(PAGES)}")
    if not _COLOUR.match(str(layout.get("accent", "#000000"))):
        raise ValueError(f"{source}: layout.accent: a colour like #9b1c1c")
    return Template(
        kind=data["kind"],
        title=data["title"].strip(),
        wording=_join_lines(data["wording"]),
        validity_months=months,
        subtitle=data.get("subtitle", "").strip(),
        footer=data.get("footer", "").strip(),
        layout=Layout(
            **{k: float(v) if isinstance(layout_fields[k], float) else v for k, v in layout.items()}
        ),
        source=source,
    )


def _join_lines(text: str) -> str:
    """Fold whitespace to one space, none between two Chinese characters (a folded line break)."""

    def space(m: re.Match[str]) -> str:
        before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
        return "" if not before.isascii() and not after.isascii() else " "

    return re.sub(r"\s+", space, text.strip())


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def issue_certificate(
    number: int,
    *,
    holder: str,
    post_code: str,
    post_name: str,
    organisation: str,
    issued: date,
    template: Template,
    validity_months: int | None = None,
) -> Certificate:
    """A certificate numbered `number` (the caller's sequence), valid `validity_months` (the
    template's by default) up to the day before the same date."""
    months = validity_months or template.validity_months
    return Certificate(
        serial=make_serial(number, issued.year),
        holder=holder,
        post_code=post_code,
        post_name=post_name,
        organisation=organisation,
        issued=issued,
        expires=add_months(issued, months) - timedelta(days=1),
        kind=template.kind,
    )


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def render_text(text: str, certificate: Certificate) -> str:
    return text.format(
        holder=certificate.holder,
        post_name=certificate.post_name,
        post_code=certificate.post_code,
        organisation=certificate.organisation,
        issued=chinese_date(certificate.issued),
        expires=chinese_date(certificate.expires),
        serial=certificate.serial,
    )
