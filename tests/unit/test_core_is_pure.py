import ast
import subprocess
import sys
from pathlib import Path

import quizbank

CORE = Path(quizbank.__file__).parent
SHELL_MODULES = ("flask", "sqlalchemy", "wtforms", "flask_login", "pandas", "webapp")
SPREADSHEET_MODULES = {"pandas", "openpyxl", "python_calamine"}


def core_modules() -> list[str]:
    """Every module of the package, subpackages and commands included."""
    return sorted(
        ".".join(("quizbank", *p.relative_to(CORE).with_suffix("").parts)).removesuffix(".__init__")
        for p in CORE.rglob("*.py")
        if p.stem != "__main__"
    )


def test_importing_the_core_loads_no_web_database_or_dataframe_library():
    modules = core_modules()
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


# (module, attribute) calls that read the clock; a core function takes `today` / `now` instead.
CLOCK_READS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}


def clock_and_random_calls(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = (
            owner.id
            if isinstance(owner, ast.Name)
            else owner.attr
            if isinstance(owner, ast.Attribute)
            else ""
        )
        call = (name, node.func.attr)
        unseeded = name == "random" and (node.func.attr != "Random" or not (node.args or node.keywords))
        if call in CLOCK_READS or unseeded:
            found.append(f"{where}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_the_core_reads_no_clock_and_draws_no_unseeded_random_numbers():
    # The command line is the shell's edge: it may read today's date to pass it in.
    offenders = [
        hit
        for p in CORE.rglob("*.py")
        if "commands" not in p.relative_to(CORE).parts
        for hit in clock_and_random_calls(p.read_text(encoding="utf-8"), str(p.relative_to(CORE)))
    ]
    assert offenders == []


def test_the_clock_check_sees_a_clock_read_and_an_unseeded_draw():
    source = "x = date.today()\ny = random.choice([1])\nz = random.Random()\nok = random.Random(seed)\n"
    assert clock_and_random_calls(source, "leaky.py") == [
        "leaky.py:1 date.today()",
        "leaky.py:2 random.choice()",
        "leaky.py:3 random.Random()",
    ]
