import ast
import subprocess
import sys
from pathlib import Path

import quizbank

CORE = Path(quizbank.__file__).parent
SHELL_MODULES = ("flask", "sqlalchemy", "wtforms", "flask_login", "pandas")
SPREADSHEET_MODULES = {"pandas", "openpyxl", "python_calamine"}


def test_importing_the_core_loads_no_web_database_or_dataframe_library():
    modules = sorted(
        f"quizbank.{p.stem}" for p in CORE.glob("*.py") if p.stem not in ("__init__", "__main__")
    ) + ["quizbank.formats.native", "quizbank.commands.sets", "quizbank.commands.paper"]
    code = (
        f"import sys, quizbank, {', '.join(modules)}; "
        f"print(sorted(m for m in {SHELL_MODULES!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_formats_package_imports_spreadsheet_libraries():
    offenders = {
        str(p.relative_to(CORE)): sorted(imported_modules(p) & SPREADSHEET_MODULES)
        for p in CORE.rglob("*.py")
        if "formats" not in p.relative_to(CORE).parts and imported_modules(p) & SPREADSHEET_MODULES
    }
    assert offenders == {}
