"""The written report checked by independent readers: the zip parts, openpyxl, LibreOffice.

The page image is left in tests/artifacts/report-2021-03.png for a person to look at.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from books import small_book
from test_report_sample import march_events
from test_writeback import MUST_CHANGE, add_custom_ui, parts, tiny_png, vba_project

from hyeopchi.cli import main
from hyeopchi.io.writeback import backup_path

ARTIFACTS = Path(__file__).parent / "artifacts"


def build_office_book(tmp_path: Path) -> Path:
    """small_book() as an .xlsm holding VBA and a button, a chart, an image, DV, CF, names."""
    path = tmp_path / "협치.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    for name, rows in small_book().items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if hasattr(v, "year") and not hasattr(v, "hour"):
                    ws.write_datetime(r, c, v, date)
                elif hasattr(v, "hour"):
                    ws.write_datetime(r, c, v, wb.add_format({"num_format": "hh:mm"}))
                elif v is not None:
                    ws.write(r, c, v)
    members = wb.get_worksheet_by_name("위원")
    members.data_validation("C2:C20", {"validate": "list", "source": ["당연직", "위촉직"]})
    members.conditional_format("G2:G20", {"type": "no_blanks", "format": red})
    members.insert_image("K2", "dot.png", {"image_data": io.BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=조직!$E$2:$E$4", "categories": "=조직!$B$2:$B$4"})
    wb.get_worksheet_by_name("조직").insert_chart("H2", chart)
    wb.define_name("기관명", '="서대문구"')
    wb.define_name("위원!명단", "=위원!$A$1:$I$5")
    wb.add_vba_project(str(vba_project(tmp_path)))
    members.insert_button("M2", {"macro": "say_hello", "caption": "보고서"})
    wb.close()
    add_custom_ui(path)
    return path


def report_parts(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Parts in `after` that are new (the report sheet, its drawing and chart)."""
    new = set(after) - set(before)
    assert {n.split("/")[1] for n in new} <= {"worksheets", "drawings", "charts"}, new
    return new


def assert_only_must_change_changed(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for name, data in before.items():
        assert name in after, f"{name} was lost"
        if name not in MUST_CHANGE:
            assert after[name] == data, f"{name} changed"


def test_in_place_keeps_every_part_and_a_backup(tmp_path: Path, capsys: Any) -> None:
    book = build_office_book(tmp_path)
    original, before = book.read_bytes(), parts(book)
    assert main(["report", str(book), "--month", "2021-03", "--in-place"]) == 0
    after = parts(book)
    assert_only_must_change_changed(before, after)
    assert report_parts(before, after)
    assert backup_path(book).read_bytes() == original
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb.sheetnames[-1] == "위해촉_2021-03"
    assert set(wb.defined_names) >= {"기관명"}
    assert [str(r) for r in wb["위원"].data_validations.dataValidation[0].sqref.ranges] == ["C2:C20"]


def test_rerun_replaces_only_that_months_sheet(tmp_path: Path, capsys: Any) -> None:
    book = build_office_book(tmp_path)
    assert main(["report", str(book), "--month", "2021-02", "--in-place"]) == 0
    assert main(["report", str(book), "--month", "2021-03", "--in-place"]) == 0
    first = parts(book)
    feb = openpyxl.load_workbook(book)["위해촉_2021-02"]
    feb_cells = [c.value for row in feb.iter_rows() for c in row]
    assert main(["report", str(book), "--month", "2021-03", "--in-place"]) == 0
    second = parts(book)
    names = openpyxl.load_workbook(book).sheetnames
    assert names.count("위해촉_2021-03") == 1 and names.count("위해촉_2021-02") == 1
    feb = openpyxl.load_workbook(book)["위해촉_2021-02"]
    assert [c.value for row in feb.iter_rows() for c in row] == feb_cells
    # Apart from the package's index parts, only the March sheet and its chart may differ.
    changed = {n for n in first if first[n] != second.get(n)} - MUST_CHANGE
    assert all(n.split("/")[1] in {"worksheets", "drawings", "charts"} for n in changed), changed


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("HYEOPCHI_NO_LIBREOFFICE") == "1":
            pytest.skip("HYEOPCHI_NO_LIBREOFFICE=1")
        pytest.fail("soffice is not on PATH: install LibreOffice or set HYEOPCHI_NO_LIBREOFFICE=1")
    return found


def to_pdf(xlsx: Path, out_dir: Path) -> Path:
    profile = (out_dir / "lo-profile").resolve().as_uri()
    proc = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)],
        capture_output=True, text=True, timeout=240, check=False)
    pdf = out_dir / (xlsx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    return pdf


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.libreoffice
def test_report_page_renders_in_libreoffice(tmp_path: Path, capsys: Any) -> None:
    book = march_events(tmp_path / "book.xlsx")
    dest = tmp_path / "report.xlsx"
    assert main(["report", str(book), "--month", "2021-03", "--out", str(dest)]) == 0
    assert "위해촉_2021-03" in openpyxl.load_workbook(dest).sheetnames
    pdf = to_pdf(dest, tmp_path)  # the whole book, as the office would print it
    pages = int(next(line.split()[1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    first = next(p for p in range(1, pages + 1) if "위·해촉 현황" in page_text(pdf, p))
    text = page_text(pdf, first)
    for word in ("2021년 3월 협치 민관위원 위·해촉 현황", "결재", "담당", "팀장", "과장",
                 "1. 유형별 현황", "전월말", "당월말", "2021-03-31"):
        assert word in text, word
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "report-2021-03"
    for old in ARTIFACTS.glob("report-2021-03*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-f", str(first), "-l", str(first + 1), "-r", "80", "-png",
                    str(pdf), str(png)], check=True)
    images = sorted(ARTIFACTS.glob("report-2021-03*.png"))
    assert images and all(p.stat().st_size > 10_000 for p in images)
