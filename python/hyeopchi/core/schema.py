"""The input sheets' JSON Schemas (schemas/*.json), compiled to column rules.

The schema files are the single source of each sheet's columns and row rules. The validator
checks rows column-wise (vectorised), so it interprets a documented subset of JSON Schema:
type, format (date/time), enum, minimum, maximum, pattern, required, and allOf of if/then
where `if` tests one column's const (or presence) and `then` requires a column or forbids a
const. `tests/test_schemas.py` pins that every schema stays inside that subset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

# sheet name -> schema file stem
SHEET_FILES: dict[str, str] = {
    "위원": "members",
    "조직": "bodies",
    "활동": "memberships",
    "회의": "meetings",
    "출석": "attendance",
    "수당기준": "rates",
    "설정": "settings",
    "평가입력": "evaluation",
    "심사": "screening",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text", "id", "integer", "number", "date", "time"
    required_column: bool
    required_value: bool
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    maximum_current_year: bool = False
    pattern: str | None = None
    hint: str = ""
    references: tuple[str, str] | None = None  # (sheet, column)
    contact: bool = False  # contact data (x-contact): never shown in any output


@dataclass(frozen=True)
class Conditional:
    """If `if_column` equals `if_value` (or is present, when if_value is None), then ..."""

    if_column: str
    if_value: str | None
    then_required: str | None = None
    then_forbidden: tuple[str, str] | None = None  # (column, value)
    message: str = ""


@dataclass(frozen=True)
class SheetSchema:
    sheet: str
    columns: dict[str, Column]
    conditionals: tuple[Conditional, ...]
    raw: dict[str, Any]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required_column]


def schemas_dir() -> Traversable:
    """schemas/ as package data, through importlib.resources: hyeopchi/schemas in the wheel
    (pyproject force-include), or the repository's top-level schemas/ in a source checkout.
    The one place core reads anything: read-only data shipped with the code, never a user file.
    """
    package = resources.files("hyeopchi")
    packaged = package / "schemas"
    return packaged if packaged.is_dir() else package / ".." / ".." / "schemas"


def load_raw(sheet: str) -> dict[str, Any]:
    """An input sheet's JSON Schema (schemas/<stem>.json) as a fresh dict."""
    data: dict[str, Any] = json.loads(
        (schemas_dir() / f"{SHEET_FILES[sheet]}.json").read_text(encoding="utf-8"))
    return data


@cache
def sheet_schema(sheet: str) -> SheetSchema:
    raw = load_raw(sheet)
    required = set(raw.get("required", []))
    columns = {name: _column(name, prop, name in required)
               for name, prop in raw["properties"].items()}
    conditionals = tuple(_conditional(rule) for rule in raw.get("allOf", []))
    return SheetSchema(sheet, columns, conditionals, raw)


@cache
def contact_columns(sheet: str) -> frozenset[str]:
    """The columns of `sheet` its schema marks as contact data (none for an unknown sheet)."""
    if sheet not in SHEET_FILES:
        return frozenset()
    return frozenset(c.name for c in sheet_schema(sheet).columns.values() if c.contact)


def _column(name: str, prop: dict[str, Any], required_value: bool) -> Column:
    fmt = prop.get("format")
    if fmt in ("date", "time"):
        kind = fmt
    elif prop["type"] in ("integer", "number"):
        kind = prop["type"]
    else:
        # IDs and enum values are width-folded; free text is only trimmed
        kind = "id" if prop.get("x-kind") == "id" or "enum" in prop else "text"
    refs = prop.get("x-references")
    return Column(
        name=name,
        kind=kind,
        required_column=prop.get("x-column") == "required",
        required_value=required_value,
        enum=tuple(prop["enum"]) if "enum" in prop else None,
        minimum=prop.get("minimum"),
        maximum=prop.get("maximum"),
        maximum_current_year=prop.get("x-maximum") == "current-year",
        pattern=prop.get("pattern"),
        hint=prop.get("x-hint", ""),
        references=tuple(refs.split(".", 1)) if refs else None,
        contact=bool(prop.get("x-contact", False)),
    )


def _conditional(rule: dict[str, Any]) -> Conditional:
    cond, then = rule["if"], rule["then"]
    (if_column,) = cond["required"]
    if_value = cond.get("properties", {}).get(if_column, {}).get("const")
    if "required" in then:
        (col,) = then["required"]
        return Conditional(if_column, if_value, then_required=col)
    ((col, prop),) = then["properties"].items()
    return Conditional(if_column, if_value, then_forbidden=(col, prop["not"]["const"]),
                       message=prop.get("x-message", ""))
