"""schemas/: valid JSON Schemas, inside the subset the validator interprets, and the
validator's row verdicts agree with jsonschema's own on good and bad rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from books import write_book

from hyeopchi.core.schema import SHEET_FILES, load_raw, schemas_dir, sheet_schema
from hyeopchi.core.validate import validate
from hyeopchi.io.reader import read_book

SUPPORTED_PROPERTY_KEYS = {"type", "format", "enum", "minimum", "maximum", "pattern",
                           "x-column", "x-kind", "x-references", "x-maximum", "x-hint", "x-contact"}


@pytest.mark.parametrize("sheet", list(SHEET_FILES))
def test_schema_is_valid_draft_2020_12(sheet: str) -> None:
    raw = load_raw(sheet)
    jsonschema.Draft202012Validator.check_schema(raw)
    assert raw["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert raw["title"] == sheet


@pytest.mark.parametrize("sheet", list(SHEET_FILES))
def test_schema_stays_in_the_interpreted_subset(sheet: str) -> None:
    raw = load_raw(sheet)
    assert set(raw) <= {"$schema", "$id", "title", "description", "type", "properties",
                        "required", "allOf"}
    for prop in raw["properties"].values():
        assert set(prop) <= SUPPORTED_PROPERTY_KEYS
        assert prop["x-column"] in ("required", "optional")
    assert set(raw["required"]) <= set(raw["properties"])
    sheet_schema.cache_clear()
    compiled = sheet_schema(sheet)  # raises on an allOf rule it cannot interpret
    assert len(compiled.conditionals) == len(raw.get("allOf", []))


def test_every_sheet_of_the_contract_has_a_schema_file() -> None:
    files = {p.name.removesuffix(".json") for p in schemas_dir().iterdir()
             if p.name.endswith(".json")}
    assert files == set(SHEET_FILES.values())


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row as jsonschema sees it: blanks omitted, dates/times as ISO text."""
    out = {}
    for k, v in row.items():
        if v is None:
            continue
        out[k] = v.isoformat() if isinstance(v, (dt.date, dt.time)) else v
    return out


MEMBER_HEADER = ["위원ID", "성명", "구분", "신분", "위촉일", "해촉일", "해촉사유", "연락처", "출생연도"]
MEMBER_ROWS = [
    pytest.param(["P1", "김가람", "당연직", "공무원", None, None, None, "02-330-1234", 1970], True,
                 id="ex-officio-official"),
    pytest.param(["P2", "이나래", "위촉직", "민간", dt.date(2019, 10, 11), None, None, None, None], True,
                 id="appointed-civilian"),
    pytest.param(["P3", "박다온", "위촉직", "민간", None, None, None, None, None], False,
                 id="appointed-without-date"),
    pytest.param(["P4", "최라온", "당연직", "민간", None, None, None, None, None], False,
                 id="ex-officio-civilian"),
    pytest.param(["P5", "정마루", "위촉직", "민간", dt.date(2020, 1, 1), dt.date(2020, 5, 1), None,
                  None, None], False, id="dismissed-without-reason"),
    pytest.param(["P6", "한바다", "위촉직", "시의원", dt.date(2020, 1, 1), None, None, "0101234", None],
                 False, id="bad-phone"),
    pytest.param(["P7", "윤사랑", "위촉직", "구의원", dt.date(2020, 1, 1), None, None, None, 1899],
                 False, id="born-before-1900"),
    pytest.param(["P8", "장아라", "임시직", "민간", dt.date(2020, 1, 1), None, None, None, None], False,
                 id="unknown-kind"),
]


@pytest.mark.parametrize(("row", "valid"), MEMBER_ROWS)
def test_member_row_verdict_agrees_with_jsonschema(tmp_path: Path, row: list[Any],
                                                   valid: bool) -> None:
    schema = load_raw("위원")
    js_valid = jsonschema.Draft202012Validator(schema).is_valid(
        _json_row(dict(zip(MEMBER_HEADER, row, strict=True))))
    book = {"위원": [MEMBER_HEADER, row], "조직": [["조직ID", "조직명", "유형"]],
            "활동": [["위원ID", "조직ID", "역할", "시작일"]]}
    ours = validate(read_book(write_book(tmp_path / "b.xlsx", book)), dt.date(2026, 12, 2)).ok
    assert js_valid is valid
    assert ours is valid


def test_attendance_proxy_rule_agrees_with_jsonschema() -> None:
    v = jsonschema.Draft202012Validator(load_raw("출석"))
    assert not v.is_valid({"회의ID": "M1", "위원ID": "P1", "출석": "대리출석"})
    assert v.is_valid({"회의ID": "M1", "위원ID": "P1", "출석": "대리출석", "대리인": "정대리"})
    compiled = sheet_schema("출석").conditionals[0]
    assert (compiled.if_column, compiled.if_value, compiled.then_required) == (
        "출석", "대리출석", "대리인")


def test_schema_files_are_utf8_json_with_korean_titles() -> None:
    for path in (p for p in schemas_dir().iterdir() if p.name.endswith(".json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert any("\uac00" <= ch <= "\ud7a3" for ch in data["title"])
