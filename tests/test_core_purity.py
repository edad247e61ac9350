"""core/ is pure (issue 10): no files, no clock, no process-wide switches, no Excel libraries.

An AST walk of every core module: the modules it imports and the clock calls it makes. The
one read core does is its own package data (the input schemas), through importlib.resources
in core/schema.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "python" / "hyeopchi" / "core"
# files, processes, the clock, the garbage collector, Excel: the shells' business
FORBIDDEN_MODULES = {"os", "io", "pathlib", "shutil", "tempfile", "subprocess", "time", "gc",
                     "sys", "zipfile", "openpyxl", "xlwings", "python_calamine", "xlsxwriter"}
CLOCK_CALLS = {"today", "now", "utcnow", "perf_counter", "monotonic"}  # time: gone with the module
RESOURCE_LOADER = "schema.py"  # the one loader of package data


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _clock_calls(tree: ast.AST) -> list[str]:
    return [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and n.func.attr in CLOCK_CALLS]


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_touches_no_file_clock_or_process_switch(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imported(tree)
    assert not imported & FORBIDDEN_MODULES, f"{path.name} imports {imported & FORBIDDEN_MODULES}"
    assert not _clock_calls(tree), f"{path.name} reads the clock: {_clock_calls(tree)}"
    if path.name != RESOURCE_LOADER:
        assert "importlib" not in imported, f"{path.name} loads resources itself"


def test_the_checks_catch_what_they_look_for() -> None:
    tree = ast.parse("import gc\nfrom pathlib import Path\nimport datetime as dt\n"
                     "x = dt.date.today()\ny = dt.datetime.now()\n")
    assert _imported(tree) & FORBIDDEN_MODULES == {"gc", "pathlib"}
    assert _clock_calls(tree) == ["dt.date.today", "dt.datetime.now"]
