"""Typed job options: one dataclass per job, each field described once for every shell.

A field's metadata (made by `option`) says how the CLI spells it (`--from`), which label of the
실행 sheet holds it (`평가기간 시작`) and how batch fills it for a month (`first`, `last`,
`month`). Its type says how a raw value (CLI text, an Excel cell) is parsed: `parse_value`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..core.values import Month, is_blank, month_bounds, parse_date, parse_integer, parse_month

BatchFill = Literal["first", "last", "month"]
ALL_WORDS = ("전체", "모두")  # a 실행-sheet choice that means "not given"


class OptionError(ValueError):
    """A value that does not fit its option; the message is Korean and names the value."""


@dataclass(frozen=True)
class OptionSpec:
    help: str
    flag: str | None = None  # CLI flag; default `--` + the field name with '-' for '_'
    label: str | None = None  # the 실행 sheet's label of the input cell
    batch: BatchFill | None = None  # how batch fills it for its month
    choices: tuple[str, ...] | None = None
    metavar: str | None = None


def option(help: str, *, flag: str | None = None, label: str | None = None,
           batch: BatchFill | None = None, choices: tuple[str, ...] | None = None,
           metavar: str | None = None, default: Any = dataclasses.MISSING,
           default_factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field carrying its OptionSpec; no default (or factory) means required.
    A factory runs where the options are built, i.e. in the shell (the clock: dt.date.today)."""
    spec = OptionSpec(help, flag, label, batch, choices, metavar)
    return dataclasses.field(default=default, default_factory=default_factory,
                             metadata={"option": spec})


@dataclass(frozen=True)
class Field:
    """One option as the shells see it."""

    name: str
    kind: type  # dt.date, Month, int, bool or str
    required: bool
    default: Any
    spec: OptionSpec

    @property
    def flag(self) -> str:
        return self.spec.flag or "--" + self.name.replace("_", "-")


def fields(options: type) -> tuple[Field, ...]:
    hints = typing.get_type_hints(options)
    found = []
    for f in dataclasses.fields(options):
        spec = f.metadata.get("option")
        if not isinstance(spec, OptionSpec):
            raise TypeError(f"{options.__name__}.{f.name} is not made by option()")
        kind = _base_type(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        found.append(Field(f.name, kind, required, None if required else f.default, spec))
    return tuple(found)


def _base_type(hint: Any) -> type:
    """`X | None` -> X; only the types parse_value knows."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        hint = args[0]
    if hint not in PARSERS and hint is not bool:
        raise TypeError(f"unsupported option type {hint!r}")
    return typing.cast(type, hint)


def _date(value: Any) -> dt.date:
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise OptionError(f"날짜가 아닙니다: {_shown(value)} (예: 2021-03-01)")
    return day


def _month(value: Any) -> Month:
    try:
        return parse_month(value)
    except ValueError:
        raise OptionError(f"YYYY-MM 형식의 월이 아닙니다: {_shown(value)} (예: 2021-03)") from None


def positive_int(value: Any) -> int:
    try:
        number = parse_integer(value)
    except ValueError:
        number = 0
    if number < 1:
        raise OptionError(f"1 이상의 정수가 아닙니다: {_shown(value)}")
    return number


def _text(value: Any) -> str:
    return str(value).strip()


PARSERS: Mapping[type, Callable[[Any], Any]] = {dt.date: _date, Month: _month, int: positive_int,
                                                str: _text}


def _shown(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)[:40]


def parse_value(f: Field, value: Any) -> Any:
    """A raw value (CLI text or an Excel cell) -> the field's type, or OptionError."""
    if f.kind is bool:
        if isinstance(value, bool):
            return value
        text = _text(value).upper()
        if text in ("Y", "YES", "예", "TRUE", "1"):
            return True
        if text in ("N", "NO", "아니오", "FALSE", "0", ""):
            return False
        raise OptionError(f"Y 또는 N이 아닙니다: {_shown(value)}")
    parsed = PARSERS[f.kind](value)
    choices = f.spec.choices
    if choices is not None and parsed not in choices:
        raise OptionError(f"허용된 값이 아닙니다: {_shown(value)} (허용: {', '.join(choices)})")
    return parsed


def from_values(options: type, values: Mapping[str, Any], *, where: str) -> Any:
    """Options from raw values by field name; a required one missing or blank is an error.

    `where` names the source in the message (e.g. "'실행' 시트의 '기준일'").
    """
    kwargs: dict[str, Any] = {}
    for f in fields(options):
        raw = values.get(f.name)
        if is_blank(raw) or (f.spec.choices and isinstance(raw, str) and raw.strip() in ALL_WORDS):
            if f.required:
                name = where.format(label=f.spec.label or f.name)
                raise OptionError(f"{name} 값이 비어 있습니다.")
            continue
        try:
            kwargs[f.name] = parse_value(f, raw)
        except OptionError as exc:
            raise OptionError(f"{where.format(label=f.spec.label or f.name)} 값이 {exc}"
                              ) from None
    return options(**kwargs)


def for_month(options: type, month: Month) -> Any | None:
    """Options filled for a batch month, or None when a required field has no batch fill."""
    first, last = month_bounds(*month)
    fill = {"first": first, "last": last, "month": month}
    kwargs: dict[str, Any] = {}
    for f in fields(options):
        if f.spec.batch is not None:
            kwargs[f.name] = fill[f.spec.batch]
        elif f.required:
            return None
    return options(**kwargs)
