"""Every book of the corpus (tests/corpus.py) gets its outcome, and is never changed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from corpus import CASES, Case, Clean, Refused, Reported

from hyeopchi.cli import main


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _korean(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_corpus_book_gets_its_outcome(case: Case, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = case.build(tmp_path)
    before = _sha(path)
    code = main(["validate", str(path), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    expect = case.expect
    if isinstance(expect, Refused):
        assert (code, out) == (2, "")
        line = err.strip()
        assert "\n" not in line and _korean(line) and expect.fragment in line, line
        assert len(line) < 400
    else:
        report = json.loads(out)
        if isinstance(expect, Clean):
            assert (code, report) == (0, {"ok": True, "errors": [], "warnings": []})
        else:
            assert isinstance(expect, Reported)
            found = {(i["code"], i["sheet"], i["cell"]) for i in report[expect.kind]}
            assert (expect.code, expect.sheet, expect.cell) in found, report
            assert code == (1 if expect.kind == "errors" else 0)
            for issue in report[expect.kind]:
                assert _korean(issue["message"]) and len(issue["message"]) < 400
    assert _sha(path) == before
