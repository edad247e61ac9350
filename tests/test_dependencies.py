"""Dependencies as used (issue 10): pyproject's runtime list is exactly what the package imports.

The package's third-party imports (every `import` in python/hyeopchi, lazy ones included,
standard library left out) mapped to their distributions, against [project] dependencies.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python" / "hyeopchi"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "hyeopchi"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normal(re.split(r"[<>=!~; \[]", d, maxsplit=1)[0]) for d in project["dependencies"]}


def test_runtime_dependencies_are_what_the_package_imports() -> None:
    dists = packages_distributions()
    used = {_normal(dists[m][0]) for m in imported_modules()}
    assert used == declared()


def test_numpy_is_declared_because_it_is_imported() -> None:
    # The case: numpy imported directly but only pulled in through pandas.
    assert "numpy" in imported_modules() and "numpy" in declared()
    assert "openpyxl" not in declared() and "jsonschema" not in declared()
