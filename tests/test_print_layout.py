"""Result sheets on paper (issue 13 item 1): the layout rules on plain specs, then each sheet
kind printed by LibreOffice and read back page by page with pdftotext.

The page checks know each table only by its header words and a pattern its body lines match
(worked out from the sheet's columns by hand), never from the paginator's own output.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from test_report_render import soffice

from hyeopchi.core.pagelayout import MIN_ROWS, fit_excel, fit_widths, paginate
from hyeopchi.core.sheetspec import Block, SheetSpec, display_width
from hyeopchi.io.reader import read_book
from hyeopchi.io.render_xlsx import write_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "sample" / "seodaemun-2021.xlsx"
ARTIFACTS = Path(__file__).parent / "artifacts"


def numbered(n: int, prefix: str) -> list[list[object]]:
    return [[f"{prefix}{i:04d}", i, "가" * (i % 5 + 1)] for i in range(n)]


def pages_of(spec: SheetSpec) -> list[list[Block]]:
    """The blocks on each printed page, by the spec's page breaks."""
    bounds = [0, *spec.page_breaks, 10**9]
    return [[b for b in spec.blocks if lo <= b.row < hi] for lo, hi in pairwise(bounds)]


# --- the rules on plain specs (no LibreOffice) ----------------------------------------------


def test_two_long_tables_each_repeat_their_own_header() -> None:
    spec = SheetSpec("표", [
        Block(0, 0, [["제목"]], style="title"),
        Block(2, 0, [["번호", "값", "이름"], *numbered(100, "A")], header_rows=1),
        Block(104, 0, [["합계표"]], style="subtitle"),
        Block(105, 0, [["코드", "수", "명칭"], *numbered(90, "B")], header_rows=1),
    ])
    out = paginate(spec, "서대문구 · 기준일")
    assert out.page_breaks and out.repeat_rows is None
    for page in pages_of(out):
        for b in page:
            if b.style == "cell" and b.header_rows == 0 and b.values:
                first = str(b.values[0][0])
                # a body piece without its own header rows: the header must sit right above it
                above = [h for h in page if h.header_rows and h.row + h.height == b.row]
                assert above, first
                assert above[0].values[0][0] == ("번호" if first.startswith("A") else "코드")
            if b.header_rows:
                body = b.height - b.header_rows
                assert body >= MIN_ROWS or body == 0


def test_no_table_leaves_fewer_than_three_rows_alone() -> None:
    for n in range(20, 80):
        spec = SheetSpec("표", [Block(0, 0, [["번호", "값", "이름"], *numbered(n, "A")],
                                      header_rows=1)])
        out = paginate(spec)
        body = {b.row + i for b in out.blocks for i in range(b.header_rows, b.height)}
        bounds = [0, *out.page_breaks, 10**9]
        for lo, hi in pairwise(bounds):
            rows = sum(lo <= r < hi for r in body)
            assert rows >= MIN_ROWS, (n, rows)


def test_single_trailing_table_uses_print_titles_and_keeps_its_filter() -> None:
    spec = SheetSpec("검증결과", [Block(0, 0, [["제목"]], style="title"),
                                 Block(2, 0, [["번호", "값", "이름"], *numbered(200, "A")],
                                       header_rows=1)],
                     autofilter=(2, 0, 202, 2))
    out = paginate(spec)
    assert out.repeat_rows == (2, 2) and out.autofilter == (2, 0, 202, 2)
    assert sum(b.header_rows for b in out.blocks) == 1  # no header copies


def test_short_table_moves_whole_to_the_next_page_and_attachment_starts_a_page() -> None:
    filler = Block(0, 0, [["번호", "값", "이름"], *numbered(24, "A")], header_rows=1)
    small = Block(27, 0, [["코드", "수", "명칭"], *numbered(8, "B")], header_rows=1)
    annex = Block(37, 0, [["붙임"]], style="subtitle", new_page=True)
    annex_table = Block(38, 0, [["성명", "수", "명칭"], *numbered(3, "C")], header_rows=1)
    out = paginate(SheetSpec("표", [filler, small, annex, annex_table]))
    pages = pages_of(out)
    where = {b.values[-1][0]: i for i, p in enumerate(pages) for b in p if b.values}
    assert where["B0007"] == next(i for i, p in enumerate(pages)
                                  for b in p if b.values[0][0] == "코드")  # not split
    assert any(p[0].values == [["붙임"]] for p in pages)


def test_widths_count_korean_double() -> None:
    # hand: "협치회의 운영" is 4*2 + 1 + 2*2 = 13 display columns, plus 3 of padding
    spec = SheetSpec("표", [Block(0, 0, [["조직", "수"], ["협치회의 운영", 12345]], header_rows=1)])
    widths = fit_widths(spec)
    assert widths[0] == 13 + 3 and display_width("협치회의 운영") == 13
    assert widths[1] == len("12,345") + 3


def test_orientation_follows_width() -> None:
    narrow = SheetSpec("표", [Block(0, 0, [["a", "b"], [1, 2]], header_rows=1)],
                       col_widths={0: 20, 1: 20})
    wide = SheetSpec("표", [Block(0, 0, [["a", "b"], [1, 2]], header_rows=1)],
                     col_widths={0: 60, 1: 60})
    assert not paginate(narrow).landscape and paginate(wide).landscape
    assert paginate(narrow).print_scale == 100


def test_excel_row_limit_cuts_the_longest_table_with_a_note() -> None:
    spec = SheetSpec("표", [Block(0, 0, [["h"], *([i] for i in range(1000))], header_rows=1),
                           Block(1002, 0, [["끝"]], style="note")])
    out = fit_excel(spec, rows_limit=500)
    rows, _ = out.extent()
    assert rows <= 500 * 0.9
    assert any("생략" in str(b.values[0][0]) for b in out.blocks if b.style == "note")
    assert any(b.values == [["끝"]] for b in out.blocks)


# --- printed by LibreOffice -----------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as a reader of the PDF sees it: header words and a body-line pattern."""

    name: str
    header: tuple[str, ...]
    body: re.Pattern[str]


def pdf_pages(specs: list[SheetSpec], tmp: Path, stem: str) -> list[str]:
    xlsx = write_workbook(tmp / f"{stem}.xlsx", specs)
    profile = (tmp / "lo-profile").resolve().as_uri()
    proc = subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(tmp), str(xlsx)],
                          capture_output=True, text=True, timeout=300, check=False)
    pdf = tmp / f"{stem}.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-l", "12", str(pdf),
                    str(ARTIFACTS / stem)], check=True)
    return pages


def assert_pages(pages: list[str], tables: list[Table], head: str) -> None:
    """Every page: the running head and '- p / N -'; every page holding a body line of a
    table also holds that table's header words, on a line above its first body line."""
    n = len(pages)
    for p, text in enumerate(pages, start=1):
        # pdftotext may drop the spaces of a page printed small
        assert re.search(rf"-\s*{p}\s*/\s*{n}\s*-", text), (p, text[-300:])
        assert head in text, p
        lines = text.splitlines()
        for t in tables:
            body = [i for i, line in enumerate(lines) if t.body.search(line)]
            if not body:
                continue
            above = "\n".join(lines[:body[0]])
            missing = [w for w in t.header if w not in above]
            assert not missing, f"page {p}: {t.name} rows without header {missing}"
            assert len(body) >= MIN_ROWS, f"page {p}: {t.name} has {len(body)} rows alone"


@pytest.fixture(scope="module")
def sample_book():  # type: ignore[no-untyped-def]
    return read_book(SAMPLE)


@pytest.mark.libreoffice
def test_report_prints_every_table_with_its_header(sample_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from hyeopchi.core.report_sheet import report_job
    spec = report_job(sample_book, 2021, 3).sheets[0]
    pages = pdf_pages([spec], tmp_path, "print-report-2021-03")
    # hand: 유형별 rows are a 유형 and seven counts, 조직별 rows a 유형, a name, six counts;
    # 붙임 rows end in a percentage
    types = "(협치회의|운영위원회|분과위원회|워킹그룹|TFT)"
    tables = [
        Table("유형별 현황", ("유형", "조직 수", "전월말", "당월말", "결원"),
              re.compile(rf"^\s*{types}(\s+\d+){{7}}\s*$")),
        Table("조직별 현황", ("유형", "조직명", "전월말", "당월말", "결원"),
              re.compile(rf"^\s*{types}\s+[^\d\s].*?(\s+\d+){{6}}\s*$")),
        Table("붙임", ("성명", "조직", "회의 수", "출석률"),
              re.compile(r"\s(\d+)\s+(\d+)\s+\d+\.\d%\s*$")),
    ]
    assert_pages(pages, tables, "서대문구 민관협치과 · 기준일 2021-03-31")
    annex = next(i for i, t in enumerate(pages) if "붙임. 분기 활동 현황" in t)
    content = [line for line in pages[annex].splitlines() if line.strip()]
    assert content[1].strip().startswith("붙임. 분기 활동 현황")  # first under the running head
    assert "해촉" in pages[0] or "해촉" in pages[1]


@pytest.mark.libreoffice
def test_allowance_prints_each_table_under_its_own_header(sample_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from hyeopchi.core.allowance import allowance_job
    spec = allowance_job(sample_book, 2021, 3).sheets[0]
    pages = pdf_pages([spec], tmp_path, "print-allowance-2021-03")
    # hand: a payment line has a date and ends in an amount in 원; a per-member line is
    # 번호, 성명, 위원ID, 건수, then 지급액, 소득세, 지방소득세, 실지급액 in 원
    tables = [
        Table("지급 명세", ("번호", "성명", "위원ID", "회의ID", "일자", "방식", "지급액"),
              re.compile(r"\d{4}-\d{2}-\d{2}.*원\s*$")),
        Table("위원별 합계", ("성명", "위원ID", "건수", "지급액", "실지급액"),
              re.compile(r"^\s*\d+\s+\S+\s+P\d{3}\s+\d+(\s+[\d,]+원){4}\s*$")),
    ]
    assert_pages(pages, tables, "서대문구 민관협치과 · 지급월 2021년 3월")
    # the per-member table printed, never under the detail table's header
    printed = 0
    for text in pages:
        lines = text.splitlines()
        found = [i for i, line in enumerate(lines) if tables[1].body.search(line)]
        if found:
            printed += len(found)
            above = "\n".join(lines[:found[0]])
            assert above.rfind("건수") > above.rfind("회의ID"), text[:400]
    assert printed > 0


# --- the 40-district book: every command's sheets stay inside Excel's limits -----------------


def test_forty_district_year_fits_excel_and_lists_meetings_as_rows() -> None:
    import datetime as dt
    import sys

    from test_overlap import book_of

    from hyeopchi.core.allowance import allowance_job
    from hyeopchi.core.attendance import attendance_job
    from hyeopchi.core.overlap import overlap_job
    from hyeopchi.core.report_sheet import report_job
    from hyeopchi.core.screening import screen_job
    from hyeopchi.core.validate import validate_job

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import make_books  # the benchmark's book: the sample's district 40 times, a year of meetings

    sheets = make_books.districts(make_books.sample_sheets(), 40)
    book = book_of(sheets)
    meetings = len(sheets["회의"]) - 1
    outcomes = {
        "attendance": attendance_job(book, dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        "validate": validate_job(book, dt.date(2026, 12, 2)),
        "overlap": overlap_job(book, dt.date(2021, 6, 1)),
        "allowance": allowance_job(book, 2021, 6), "report": report_job(book, 2021, 6),
        "screen": screen_job(book),
    }
    for name, outcome in outcomes.items():
        for spec in outcome.sheets:
            rows, cols = spec.extent()
            assert rows <= 1_048_576 and cols <= 16_384, (name, spec.name, rows, cols)
            assert len(spec.page_breaks) <= 1023, (name, spec.name)
    sheet = outcomes["attendance"].sheets[0]
    rows, cols = sheet.extent()
    # hand: 3 label columns + 정원/참석/참석율 for 전체, 당연직, 시·구의원, 민간 = 15 columns;
    # every meeting of the evaluated types is a row (TFT meetings are not evaluated)
    assert cols == 15
    listed = len(outcomes["attendance"].payload["meetings"])
    assert listed <= meetings and rows > listed
    # the 40 copies of a body share its name: the list tells them apart by 조직ID
    firsts = {b.values[i][0] for b in sheet.blocks if b.header_rows == 2
              for i in range(2, len(b.values))}
    assert any(str(v).startswith("서대문 협치회의 (") for v in firsts)


@pytest.mark.libreoffice
def test_attendance_year_prints_meetings_with_group_headers(tmp_path: Path) -> None:
    import datetime as dt
    import sys

    from test_overlap import book_of

    from hyeopchi.core.attendance import attendance_job
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import make_books

    book = book_of(make_books.districts(make_books.sample_sheets(), 1))  # one district, a year
    sheets = attendance_job(book, dt.date(2021, 1, 1), dt.date(2021, 12, 31)).sheets
    pages = pdf_pages(sheets, tmp_path, "print-attendance-2021")
    # hand: a meeting line is 조직, 'N차', a date, then 4 x (정원, 참석, rate or '-')
    meeting = Table("회의별 참석 현황", ("조직", "회차", "일자", "전체 위원", "위촉직 위원(민간)",
                                        "정원", "참석", "참석율"),
                    re.compile(r"\d+차\s+2021-\d{2}-\d{2}(\s+\d+\s+\d+\s+(\d+\.\d%|-)){4}"))
    assert_pages(pages, [meeting], "서대문구 민관협치과 · 기간 2021-01-01 ~ 2021-12-31")
    assert sum(bool(meeting.body.search(t)) for t in pages) >= 10
    assert any("소계" in t for t in pages) and any("평균 (회의별 참석율의 평균)" in t for t in pages)
    assert "평가지표 4-1 점수" in pages[-1]


@pytest.mark.libreoffice
def test_validation_overlap_screening_and_summary_print_with_headers(
        sample_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    import python_calamine
    from test_overlap import book_of

    from hyeopchi.batch.summary import summary_sheet
    from hyeopchi.core.overlap import overlap_job
    from hyeopchi.core.screening import screen_job
    from hyeopchi.core.validate import validate_job
    from hyeopchi.io.reader import read_book as read
    wb = python_calamine.CalamineWorkbook.from_path(str(SAMPLE))
    sheets = {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}
    wb.close()
    for r in sheets["출석"][1:151]:  # hand: 150 attendance rows naming nobody: 150 errors
        r[1] = "X" + str(r[1])
    faults = validate_job(book_of(sheets), dt.date(2026, 12, 2)).sheets[0]
    pages = pdf_pages([faults], tmp_path, "print-validate")
    issue = Table("검증결과", ("구분", "시트", "셀", "코드", "내용"),
                  re.compile(r"^\s*(오류|경고)\s+\S+\s+[A-Z]+\d+\s+\d+"))
    assert len(pages) >= 2
    assert_pages(pages, [issue], "검증 대상")

    overlap = overlap_job(sample_book, dt.date(2021, 3, 1)).sheets[0]
    pages = pdf_pages([overlap], tmp_path, "print-overlap")
    person = Table("위원별 활동 현황", ("위원ID", "성명", "구분", "신분", "활동 수", "활동 조직"),
                   re.compile(r"^\s*P\d{3}\s+\S+\s+(당연직|위촉직)"))
    assert len(pages) >= 2
    assert_pages(pages, [person], "서대문구 민관협치과 · 기준일 2021-03-01")

    screened = screen_job(read(SAMPLE)).sheets[0]
    pages = pdf_pages([screened], tmp_path, "print-screen")
    applicant = Table("심사결과", ("순위", "신청자ID", "성명", "총점"),
                      re.compile(r"^\s*\d+\s+(동점\s+)?\S+\d+\s+\S+(\s+\d+\.\d){4}"))
    assert_pages(pages, [applicant], "서대문구 민관협치과")

    results = [{"status": "ok", "errors": 0, "warnings": i % 3, "seats": 488, "people": 281,
                "allowance": 1_000_000 + i, "score": 8.5, "message": ""} for i in range(120)]
    summary = summary_sheet(results, (2021, 3), [f"2021-03-{i:03d}.xlsx" for i in range(120)])
    pages = pdf_pages([summary], tmp_path, "print-batch-summary")
    book_line = Table("요약", ("파일", "상태", "오류 수", "수당 합계"),
                      re.compile(r"^\s*2021-03-\d{3}\.xlsx\s+정상"))
    assert len(pages) >= 2
    assert_pages(pages, [book_line], "일괄 처리 요약 · 2021년 3월")


def test_overlap_with_more_counts_than_columns_lists_counts_as_rows() -> None:
    from books import D, small_book
    from test_overlap import book_of

    from hyeopchi.core.overlap import overlap_job

    sheets = small_book()
    # hand: P2 joins 20 more 워킹그룹 -> P2 is in 23 bodies, so counts run 23..1 (23 > 14)
    for i in range(20):
        sheets["조직"].append([f"X{i:02d}", f"추가조직{i}", "워킹그룹", None, None, None])
        sheets["활동"].append(["P2", f"X{i:02d}", "위원", D(2020, 1, 1), None])
    out = overlap_job(book_of(sheets), D(2021, 3, 1))
    spec = out.sheets[0]
    _, cols = spec.extent()
    assert next(iter(out.payload["distribution"])) == "23"
    assert cols <= 8
    cells = {(b.row + i, b.col + j): v for b in spec.blocks for i, r in enumerate(b.values)
             for j, v in enumerate(r)}
    row = next(r for (r, c), v in cells.items() if c == 0 and v == "23개")
    assert cells[(row, 1)] == 1  # one person in 23 bodies


def test_past_excels_last_manual_break_pages_flow_without_header_copies() -> None:
    from hyeopchi.core.pagelayout import MAX_BREAKS

    # hand: two tables (so header copies, not print titles) of 60,000 rows: well over 1,023
    # pages of about 27 rows
    spec = SheetSpec("표", [Block(0, 0, [["번호", "값", "이름"], *numbered(60_000, "A")],
                                  header_rows=1),
                           Block(60_002, 0, [["코드", "수", "명칭"], *numbered(5, "B")],
                                 header_rows=1)])
    out = paginate(spec)
    assert len(out.page_breaks) == MAX_BREAKS
    copies = [b for b in out.blocks if b.header_rows and b.values[0][0] == "번호"]
    assert len(copies) == MAX_BREAKS + 1  # the header on each page that has a break
    assert all(b.row in {0, *out.page_breaks} for b in copies)
    assert any("쪽 나눔은 1,024쪽까지" in str(b.values[0][0]) for b in out.blocks)
