"""The package's shape: imports run shells -> jobs -> core, with no cycle, and one job registry
that every shell reads (issue 10)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import hyeopchi
from hyeopchi.cli import build_parser
from hyeopchi.excel import control as ctl
from hyeopchi.excel import layout
from hyeopchi.jobs import JOBS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "python" / "hyeopchi"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every hyeopchi module `path` imports, at module level or inside a function."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("hyeopchi")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("hyeopchi"):
                continue
            for alias in node.names:  # `from . import x` may name a submodule
                sub = f"{target}.{alias.name}"
                found.add(sub if (PACKAGE.parent / Path(*sub.split("."))).with_suffix(".py")
                          .exists() or (PACKAGE.parent / Path(*sub.split("."))).is_dir()
                          else target)
    return found - {name}


GRAPH = {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "hyeopchi"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of imports (depth-first search), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if dep in graph and not state.get(dep) and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if not state.get(module) and (cycle := visit(module)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_graph_has_no_cycle() -> None:
    # every import counts, lazy ones inside functions included
    assert find_cycle(GRAPH) is None


# which layers each layer may import (its own included)
ALLOWED = {
    "core": {"core"},
    "jobs": {"jobs", "core"},
    "io": {"io", "core"},
    # the buttons render through io/render_xlsx, the CLI's one renderer (issue 11)
    "excel": {"excel", "jobs", "core", "io", "hyeopchi"},
    "batch": {"batch", "jobs", "core", "io"},
    "cli": {"jobs", "core", "io", "batch", "hyeopchi"},
    "__main__": {"cli"},
    "hyeopchi": set(),
}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_from_the_shells_to_the_jobs_to_the_core(module: str) -> None:
    allowed = ALLOWED[_layer(module)]
    wrong = sorted(d for d in GRAPH[module] if _layer(d) not in allowed)
    assert not wrong, f"{module} imports {wrong}"


def test_only_the_cli_uses_argparse() -> None:
    users = sorted(_module_name(p) for p in PACKAGE.rglob("*.py")
                   if any(isinstance(n, (ast.Import, ast.ImportFrom)) and "argparse" in
                          ([a.name for a in n.names] if isinstance(n, ast.Import)
                           else [n.module or ""])
                          for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))))
    assert users == ["hyeopchi.cli"]


def test_importing_the_cli_loads_no_shell_and_no_pandas_until_used() -> None:
    code = ("import sys, json, hyeopchi.cli; hyeopchi.cli.build_parser(); "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT / "python")}).stdout
    loaded = json.loads(out)
    assert not [m for m in loaded if m.startswith(("hyeopchi.excel", "hyeopchi.batch"))]
    assert "pandas" not in loaded and "xlwings" not in loaded


def test_version_loads_nothing_of_the_package_but_the_cli() -> None:
    # issue 14: `hyeopchi --version` (a button's interpreter start) imports no job, no core
    code = ("import sys, json, hyeopchi.cli; code = hyeopchi.cli.main(['--version']); "
            "print(json.dumps([code, sorted(m for m in sys.modules if 'hyeopchi' in m)]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT / "python")}).stdout
    first, last = out.strip().splitlines()[0], out.strip().splitlines()[-1]
    assert first == f"hyeopchi {hyeopchi.__version__}"
    assert json.loads(last) == [0, ["hyeopchi", "hyeopchi.cli"]]


@pytest.mark.parametrize("name", sorted(JOBS))
def test_every_option_of_a_job_is_a_cli_flag(name: str) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices[name]  # type: ignore[attr-defined]
    flags = {o for a in parser._actions for o in a.option_strings}
    assert {f.flag for f in JOBS[name].fields()} <= flags


def test_every_label_a_job_reads_is_on_the_control_sheet() -> None:
    shown = {row[0] for row in layout.control_rows()}
    labels = {f.spec.label for job in JOBS.values() for f in job.fields() if f.spec.label}
    assert labels == set(ctl.LABELS) and labels <= shown


def test_every_button_runs_a_job_of_the_catalog() -> None:
    from hyeopchi.excel import handlers

    not_jobs = {"doctor": "설치 확인"}  # checks this PC (hyeopchi doctor), not the book's tables
    for _macro, caption, handler in layout.BUTTONS:
        assert ((handler in JOBS and JOBS[handler].label == caption)
                or not_jobs.get(handler) == caption), handler
        assert callable(getattr(handlers, handler))
