"""Rewrite imports and dotted module paths by a layout map (LAYOUT_MAP.txt, issue 9).

    python tools/remap_imports.py LAYOUT_MAP.txt FILE_OR_DIR...

Handles `from OLD import a, b as c` (module moved, or its names split over several modules by the
[names] section), `from PARENT import leaf as x` where PARENT.leaf moved (`from webapp import clock`,
`from webapp.services import exams as service`), `import OLD`, and any other dotted mention of an old
module path (strings such as BLUEPRINTS entries, docstrings). Run `ruff check --fix --select I` after.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path


def read_map(path: Path) -> tuple[dict[str, str], dict[str, dict[str, tuple[str, str]]]]:
    """[modules]: old module -> new module; [names]: old module -> {name: (new module, new name)}."""
    modules: dict[str, str] = {}
    names: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    section = "modules"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        old, new = (part.strip() for part in line.split("->"))
        if section == "modules":
            modules[old] = new
        elif section == "names":
            old_module, name = old.rsplit(".", 1)
            new_module, new_name = new.rsplit(".", 1)
            names[old_module][name] = (new_module, new_name)
    return modules, dict(names)


FROM_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+"
    r"(?:\((?P<paren>[^)]*)\)|(?P<plain>[^\n#]*?))(?P<comment>[ \t]*#[^\n]*)?$",
    re.MULTILINE,
)


def split_names(text: str) -> list[tuple[str, str | None]]:
    out = []
    for part in re.sub(r"#[^\n]*", "", text).replace("\n", " ").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        out.append((bits[0], bits[2] if len(bits) == 3 else None))
    return out


def render(indent: str, module: str, items: list[tuple[str, str | None]], comment: str) -> str:
    body = ", ".join(f"{n} as {a}" if a else n for n, a in items)
    return f"{indent}from {module} import {body}{comment}"


def rewrite_from(m: re.Match, modules: dict[str, str], names: dict[str, dict[str, tuple[str, str]]]) -> str:
    indent, module = m["indent"], m["module"]
    comment = m["comment"] or ""
    items = split_names(m["paren"] if m["paren"] is not None else m["plain"])
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for name, alias in items:
        if module in names and name in names[module]:
            target, new_name = names[module][name]
            item = (new_name, alias or (name if new_name != name else None))
        elif f"{module}.{name}" in modules:  # `from parent import moved_module [as x]`
            new = modules[f"{module}.{name}"]
            parent, _, leaf = new.rpartition(".")
            bound = alias or name
            target, item = parent, (leaf, None if leaf == bound else bound)
        elif module in modules:
            target, item = modules[module], (name, alias)
        else:
            target, item = module, (name, alias)
        groups.setdefault(target, []).append(item)
    if list(groups) == [module]:
        return m.group(0)
    return "\n".join(
        render(indent, target, its, comment if i == 0 else "")
        for i, (target, its) in enumerate(groups.items())
    )


def rewrite(text: str, modules: dict[str, str], names: dict[str, dict[str, tuple[str, str]]]) -> str:
    text = FROM_IMPORT.sub(lambda m: rewrite_from(m, modules, names), text)
    for old in sorted(modules, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", modules[old], text)
    return text


def main(argv: list[str]) -> int:
    modules, names = read_map(Path(argv[1]))
    for arg in argv[2:]:
        root = Path(arg)
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            if ".venv" in path.parts:
                continue
            before = path.read_text(encoding="utf-8")
            after = rewrite(before, modules, names)
            if after != before:
                path.write_text(after, encoding="utf-8")
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
