"""Every command's --json output against its published JSON Schema (schemas/output/*.json).

The schemas are the machine interface of the contract (workbook-contract.md section 3): the
keys it lists are required, more are allowed. Each command runs through the CLI, as a user or
script would, on the bundled sample and on books that make it refuse (exit 1) or warn.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from books import D, small_book, write_book

from hyeopchi.cli import main
from hyeopchi.jobs import JOBS

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "schemas" / "output"
SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"
# The contract's commands (section 3): each has a schema, published before its job may land.
CONTRACT_COMMANDS = {"validate", "overlap", "attendance", "allowance", "report", "screen",
                     "review", "batch"}
# The options each job runs with here (a new job: add its options, and its schema).
ARGS: dict[str, list[str]] = {
    "validate": [],
    "overlap": ["--date", "2021-03-01"],
    "attendance": ["--from", "2021-01-01", "--to", "2021-03-31"],
    "allowance": ["--month", "2021-03"],
    "report": ["--month", "2021-03"],
    "screen": [],
    "review": ["--date", "2021-03-01"],
}


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((OUTPUT / f"{name}.json").read_text(encoding="utf-8"))
    return data


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, Any]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def argv_for(name: str, book: Path, tmp_path: Path) -> list[str]:
    argv = [name, str(book), *ARGS[name]]
    if JOBS[name].needs_output:
        argv += ["--out", str(tmp_path / "out.xlsx")]
    return argv


def conforms(name: str, payload: Any) -> None:
    validator = jsonschema.Draft202012Validator(schema(name))
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    assert not errors, "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_every_command_has_a_valid_draft_2020_12_schema() -> None:
    published = {p.stem for p in OUTPUT.glob("*.json")}
    assert published == CONTRACT_COMMANDS
    assert set(JOBS) | {"batch"} <= published
    assert set(JOBS) <= set(ARGS)
    for name in published:
        jsonschema.Draft202012Validator.check_schema(schema(name))
        assert schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_schema_rejects_output_missing_a_contract_key() -> None:
    # The check has teeth: allowance without "total", a row without "amount".
    good = {"month": "2021-03", "rows": [{"member_id": "P1", "meeting_id": "M1",
                                          "date": "2021-03-10", "mode": "온라인", "base": 1,
                                          "extra": 0, "amount": 1}],
            "by_member": {"P1": 1}, "total": 1}
    conforms("allowance", good)
    validator = jsonschema.Draft202012Validator(schema("allowance"))
    assert not validator.is_valid({k: v for k, v in good.items() if k != "total"})
    assert not validator.is_valid({**good, "rows": [{**good["rows"][0], "amount": None}]})
    assert not validator.is_valid({**good, "rows": [{**good["rows"][0], "date": "2021.3.10"}]})


# Every job of the catalog on the sample; screen also with --seats once it has that option.
SAMPLE_RUNS = [pytest.param(name, [], id=name) for name in sorted(JOBS)]
if any(f.name == "seats" for f in JOBS["screen"].fields()):
    SAMPLE_RUNS.append(pytest.param("screen", ["--seats", "3"], id="screen-seats"))


@pytest.mark.parametrize(("name", "extra"), SAMPLE_RUNS)
def test_command_output_on_the_sample_conforms(name: str, extra: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, [*argv_for(name, SAMPLE, tmp_path), *extra])
    assert code == 0
    conforms(name, payload)
    if extra:  # --seats: every applicant says whether selected, and why not
        assert all("selected" in a and "reason" in a for a in payload["applicants"])


def _validation_errors(sheets: dict[str, list[list[Any]]]) -> None:
    sheets["활동"].append(["P9", "C01", "위원", D(2020, 1, 1), None])  # no P9 on 위원


def _overlapping_rates(sheets: dict[str, list[list[Any]]]) -> None:
    sheets["수당기준"].append([D(2020, 1, 1), None, "협치회의", None, "오프라인", 1, 0, None])


def _missing_rate(sheets: dict[str, list[list[Any]]]) -> None:
    sheets["수당기준"] = sheets["수당기준"][:1]  # no rate at all: 0원 rows and warnings


def _bad_score(sheets: dict[str, list[list[Any]]]) -> None:
    sheets["심사"] = [["신청자ID", "성명", "심사위원", "대표성", "전문성", "자발성"],
                     ["A1", "가나다", "J1", 31, 20, 30]]  # 대표성 max 30


@pytest.mark.parametrize(("name", "edit", "exit_code"), [
    pytest.param("validate", _validation_errors, 1, id="validate-with-errors"),
    pytest.param("allowance", _overlapping_rates, 1, id="allowance-refused"),
    pytest.param("allowance", _missing_rate, 0, id="allowance-with-warnings"),
    pytest.param("screen", _bad_score, 1, id="screen-refused"),
])
def test_refusing_or_warning_output_conforms(name: str, edit: Callable[..., None],
                                             exit_code: int, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    sheets = small_book()
    edit(sheets)
    book = write_book(tmp_path / "book.xlsx", sheets)
    code, payload = run_json(capsys, argv_for(name, book, tmp_path))
    assert code == exit_code
    conforms(name, payload)


def test_batch_output_conforms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "in" / "broken.xlsx"
    broken.parent.mkdir()
    broken.write_bytes(b"not a workbook")
    good = write_book(tmp_path / "in" / "small.xlsx", small_book())
    code, payload = run_json(capsys, ["batch", str(good), str(broken), "--month", "2021-03",
                                      "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert code == 2  # one book could not be read
    conforms("batch", payload)
    assert sorted(b["status"] for b in payload["books"]) == ["failed", "ok"]
