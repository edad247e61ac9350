"""The batch's results as the contract's JSON and as a summary sheet (요약)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.pagelayout import fit_widths, paginate
from ..core.sheetspec import INT, KRW, SCORE, Block, SheetSpec
from .worker import FAILED, INVALID, OK

SUMMARY_FILE = "요약.xlsx"
HEADERS = ["파일", "상태", "오류 수", "경고 수", "좌석 수", "인원", "수당 합계", "4-1 점수",
           "점검 지적", "메시지"]
STATUS_KO = {OK: "정상", INVALID: "검증 오류", FAILED: "실패"}


def counts(results: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {s: sum(r["status"] == s for r in results) for s in (OK, INVALID, FAILED)}


def exit_code(results: Sequence[dict[str, Any]]) -> int:
    """0 all ok, 1 some invalid (none failed), 2 some failed."""
    c = counts(results)
    return 2 if c[FAILED] else 1 if c[INVALID] else 0


def to_json(results: Sequence[dict[str, Any]], ignored: int = 0) -> dict[str, Any]:
    c = counts(results)
    books = [{**{k: r.get(k) for k in ("path", "status", "message", "output", "errors",
                                       "warnings", "seats", "people", "allowance", "score",
                                       "findings", "jobs")}, "skipped": bool(r.get("skipped"))}
             for r in results]
    return {"books": books, "ok": c[OK], "invalid": c[INVALID], "failed": c[FAILED],
            "ignored": ignored}


def summary_sheet(results: Sequence[dict[str, Any]], month: tuple[int, int], names: Sequence[str]
                  ) -> SheetSpec:
    c = counts(results)
    title = f"일괄 처리 요약 ({month[0]}년 {month[1]}월)"
    note = (f"통합문서 {len(results)}개: 정상 {c[OK]}, 검증 오류 {c[INVALID]}, 실패 {c[FAILED]}")
    rows = [[name, STATUS_KO[r["status"]], r["errors"], r["warnings"], r["seats"], r["people"],
             r["allowance"], r["score"], r.get("findings"), r["message"]]
            for name, r in zip(names, results, strict=True)]
    table = Block(3, 0, [HEADERS, *rows], header_rows=1, wrap=frozenset({0, 9}),
                  number_formats={2: INT, 3: INT, 4: INT, 5: INT, 6: KRW, 7: SCORE, 8: INT})
    spec = SheetSpec(
        name="요약",
        blocks=[Block(0, 0, [[title]], style="title"), Block(1, 0, [[note]], style="note"), table],
        freeze=(4, 1), autofilter=(3, 0, 3 + len(rows), len(HEADERS) - 1))
    spec.col_widths = fit_widths(spec, hi=40)
    return paginate(spec, f"일괄 처리 요약 · {month[0]}년 {month[1]}월")
