"""`--pdf` for 전자결재 (report, allowance, review): the result sheets printed by LibreOffice with their
own page setup, checked page by page with pdftotext and rendered to PNG (tests/artifacts/) for
a person to look at. Without soffice: one Korean line saying what to install, exit 2, nothing
written. These tests need LibreOffice and poppler; they fail, never skip, without them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hyeopchi.cli import main
from hyeopchi.io.pdf import find_soffice

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"
ARTIFACTS = Path(__file__).parent / "artifacts"


def pages(pdf: Path) -> list[str]:
    assert shutil.which("pdftotext"), "pdftotext is missing: apt-get install poppler-utils"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(line.split()[1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, count + 1)]


def to_png(pdf: Path, name: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


@pytest.mark.libreoffice
def test_report_pdf_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert find_soffice(), "LibreOffice (soffice) is missing: apt-get install libreoffice-calc-nogui"
    pdf = tmp_path / "위해촉_2021-03.pdf"
    assert main(["report", str(SAMPLE), "--month", "2021-03", "--pdf", str(pdf)]) == 0
    assert f"PDF → {pdf}" in capsys.readouterr().out
    text = pages(pdf)
    # page 1: the document as the office files it (contract: title, 결재란, section 1)
    for word in ("2021년 3월 협치 민관위원 위·해촉 현황", "결재", "담당", "팀장", "과장",
                 "1. 유형별 현황", "전월말", "당월말", "2021-03-31"):
        assert word in text[0], word
    whole = "\n".join(text)
    for heading in ("2. 조직별 현황", "3. 위촉 명단", "4. 해촉 명단", "분기 활동 현황"):
        assert heading in whole, heading
    assert all(page.strip() for page in text)  # no blank page
    assert "연락처" not in whole and "010-" not in whole  # no contact detail is ever shown
    images = to_png(pdf, "report-pdf-2021-03")
    assert len(images) == len(text) and all(p.stat().st_size > 5_000 for p in images)


@pytest.mark.libreoffice
def test_allowance_pdf_pages(tmp_path: Path) -> None:
    assert find_soffice(), "LibreOffice (soffice) is missing: apt-get install libreoffice-calc-nogui"
    pdf = tmp_path / "수당.pdf"
    out = tmp_path / "수당.xlsx"
    assert main(["allowance", str(SAMPLE), "--month", "2021-03", "--out", str(out),
                 "--pdf", str(pdf)]) == 0
    assert out.exists()
    text = pages(pdf)
    assert "2021년 3월 협치위원회 참석수당 지급 명세" in text[0]
    assert all(w in text[0] for w in ("담당", "팀장", "과장"))  # the 결재란
    assert "1. 지급 명세" in text[0]
    images = to_png(pdf, "allowance-pdf-2021-03")
    assert len(images) == len(text)


def test_without_libreoffice_one_korean_line_exit_2_nothing_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    code = main(["report", str(SAMPLE), "--month", "2021-03", "--out", str(out), "--pdf",
                 str(pdf)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("hyeopchi: PDF를 만들려면 LibreOffice가 필요합니다.")
    assert "apt-get install libreoffice-calc-nogui" in err[0]
    assert not out.exists() and not pdf.exists()


def test_pdf_is_offered_only_for_documents(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["overlap", str(SAMPLE), "--date", "2021-03-01", "--pdf", "x.pdf"])
    assert stop.value.code == 2
    assert "명령 인자가 올바르지 않습니다" in capsys.readouterr().err


def test_report_needs_somewhere_to_go(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(SAMPLE), "--month", "2021-03"]) == 2
    assert "--out FILE, --in-place 또는 --pdf FILE 중 하나가 필요합니다" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_review_pdf_pages(tmp_path: Path) -> None:
    assert find_soffice(), "LibreOffice (soffice) is missing: apt-get install libreoffice-calc-nogui"
    pdf = tmp_path / "운영점검.pdf"
    assert main(["review", str(SAMPLE), "--date", "2021-03-01", "--pdf", str(pdf)]) in (0, 1)
    text = pages(pdf)
    for word in ("협치 기구 운영 점검", "결재", "담당", "팀장", "과장", "1. 점검 요약"):
        assert word in text[0], word
    assert "4. 우수 활동위원 후보" in "\n".join(text)
    images = to_png(pdf, "review-pdf-2021-03-01")
    assert len(images) == len(text)
