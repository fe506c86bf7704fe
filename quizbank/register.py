"""The law and standard register (法规标准库): which texts a bank rests on, and whether they still hold.

A register is a tuple of `LawEntry`. A question set may ship one as ``laws.yaml`` beside handbook.md
and questions.yaml; `read_register` parses that file into entries and problems (``laws.yaml:12: …``):
known status values, real dates, a withdrawal date only for a text no longer in force and not before
it took effect, and `replaced_by` naming another entry of the register.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import yaml

from quizbank.model import Problem

REGISTER_FILE = "laws.yaml"

Status = Literal["现行", "已废止", "被替代"]
STATUSES: tuple[Status, ...] = ("现行", "已废止", "被替代")
FIELDS = ("number", "title", "issuer", "status", "effective", "withdrawn", "replaced_by")


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so "2021-13-01" is reported rather than raised."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class LawEntry:
    """A law, regulation or standard. `number` is the standard or order number with its year
    ("GB/T 3608-2008", "应急管理部令第19号"); a law may have none and is known by `title`.
    `replaced_by` is the key (number, else title) of the entry that replaced it."""

    title: str
    number: str = ""
    issuer: str = ""
    status: Status = "现行"
    effective: dt.date | None = None
    withdrawn: dt.date | None = None
    replaced_by: str = ""

    @property
    def key(self) -> str:
        return self.number or self.title

    @property
    def in_force(self) -> bool:
        return self.status == "现行"

    @property
    def label(self) -> str:
        """How a trainer reads it: "GB/T 3608-2008《高处作业分级》" or "《安全生产法》"."""
        return f"{self.number}《{self.title}》" if self.number else f"《{self.title}》"


@dataclass(frozen=True)
class RegisterRead:
    entries: tuple[LawEntry, ...]
    problems: tuple[Problem, ...] = ()


def read_register(text: bytes | str, *, name: str = REGISTER_FILE) -> RegisterRead:
    """Parse a laws.yaml: a list of mappings with the keys in `FIELDS` (title required)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            return RegisterRead((), (Problem(name, f"不是 UTF-8 文本（第 {e.start} 字节）"),))
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        return RegisterRead((), (Problem(where, f"YAML 格式错误：{getattr(e, 'problem', e)}"),))
    if root is None:
        return RegisterRead(())
    if not isinstance(root, yaml.SequenceNode):
        return RegisterRead((), (Problem(f"{name}:1", "法规标准库应是一个列表（每项以 “- title: …” 开头）"),))
    entries: list[tuple[LawEntry, str]] = []
    problems: list[Problem] = []
    for node in root.value:
        where = f"{name}:{node.start_mark.line + 1}"
        entry = _entry(yaml.load(yaml.serialize(node), Loader=_Loader), where, problems)
        if entry is not None:
            entries.append((entry, where))
    problems += register_problems(entries)
    return RegisterRead(tuple(e for e, _ in entries), tuple(problems))


def _entry(item: object, where: str, problems: list[Problem]) -> LawEntry | None:
    if not isinstance(item, dict):
        problems.append(Problem(where, "每一项应是 title/number/status… 的映射"))
        return None
    unknown = sorted(str(k) for k in item if k not in FIELDS)
    if unknown:
        problems.append(Problem(where, f"未知字段 {', '.join(unknown)}（可用：{', '.join(FIELDS)}）"))
    title = str(item.get("title") or "").strip().strip("《》")
    if not title:
        problems.append(Problem(where, "缺少 title（法规或标准名称）"))
        return None
    status = str(item.get("status") or "现行").strip()
    if status not in STATUSES:
        problems.append(Problem(where, f"status “{status}” 无效：应为 {'、'.join(STATUSES)} 之一"))
        return None
    dates = {}
    for key in ("effective", "withdrawn"):
        value = item.get(key)
        if value in (None, ""):
            dates[key] = None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            dates[key] = value
        else:
            try:
                dates[key] = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                problems.append(Problem(where, f"{key} “{value}” 不是日期（写成 2021-09-01）"))
                dates[key] = None
    return LawEntry(
        title=title,
        number=_text(item.get("number")),
        issuer=_text(item.get("issuer")),
        status=status,  # type: ignore[arg-type]
        effective=dates["effective"],
        withdrawn=dates["withdrawn"],
        replaced_by=_text(item.get("replaced_by")),
    )


def _text(value: object) -> str:
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


def register_problems(entries: Sequence[tuple[LawEntry, str]]) -> list[Problem]:
    """The rules a register keeps, for entries with where they stand."""
    problems: list[Problem] = []
    keys: dict[str, str] = {}
    for entry, where in entries:
        key = entry_key(entry.key)
        if key in keys:
            problems.append(Problem(where, f"“{entry.key}” 重复（已在 {keys[key]}）"))
        keys.setdefault(key, where)
    for entry, where in entries:
        if entry.withdrawn and entry.in_force:
            problems.append(Problem(where, f"{entry.label} 状态为现行，却写了废止日期 withdrawn"))
        if entry.withdrawn and entry.effective and entry.withdrawn < entry.effective:
            problems.append(Problem(where, f"{entry.label} 的废止日期早于施行日期"))
        if entry.replaced_by:
            if entry.status != "被替代":
                problems.append(
                    Problem(where, f"{entry.label} 写了 replaced_by，状态应为“被替代”而不是“{entry.status}”")
                )
            target = keys.get(entry_key(entry.replaced_by))
            if target is None:
                problems.append(
                    Problem(
                        where, f"replaced_by “{entry.replaced_by}” 不在本法规标准库中（请先登记替代它的文本）"
                    )
                )
            elif entry_key(entry.replaced_by) == entry_key(entry.key):
                problems.append(Problem(where, f"{entry.label} 不能被自己替代"))
        elif entry.status == "被替代":
            problems.append(Problem(where, f"{entry.label} 状态为被替代，请用 replaced_by 写明被什么替代"))
    return problems


_DASHES = re.compile(r"\s*[-—–－‐]\s*")
_SPACES = re.compile(r"\s+")


def entry_key(text: str) -> str:
    """A number or title as compared: width, case, spaces, dashes and 《》 unified."""
    text = unicodedata.normalize("NFKC", text).strip().strip("《》").upper()
    text = _DASHES.sub("-", text)
    return _SPACES.sub("", text).removeprefix("中华人民共和国")


def replacement(entry: LawEntry, register: Sequence[LawEntry]) -> LawEntry | None:
    if not entry.replaced_by:
        return None
    wanted = entry_key(entry.replaced_by)
    return next((e for e in register if entry_key(e.key) == wanted), None)


__all__ = [
    "FIELDS",
    "REGISTER_FILE",
    "STATUSES",
    "LawEntry",
    "RegisterRead",
    "Status",
    "entry_key",
    "read_register",
    "register_problems",
    "replacement",
]
