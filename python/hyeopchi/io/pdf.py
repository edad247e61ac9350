"""Result sheets as a PDF for 전자결재, through LibreOffice (soffice) when it is installed.

The sheets are rendered by the one renderer (render_xlsx.render_bytes, the bytes the CLI
grafts into the book) into a private workbook that LibreOffice prints with the sheets' own
page setup. On the desktop the buttons use Excel's own export instead (excel/desktop.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..core.issues import BookError
from ..core.sheetspec import SheetSpec
from ._atomic import save_atomically
from .render_xlsx import render_bytes, with_safe_names

TIMEOUT = 300  # seconds: a first LibreOffice start on a slow PC takes a while
NO_SOFFICE = ("PDF를 만들려면 LibreOffice가 필요합니다. 설치한 뒤 다시 실행하세요 "
              "(Debian/Ubuntu: sudo apt-get install libreoffice-calc-nogui, Windows: LibreOffice "
              "설치 파일, 또는 Excel 통합문서의 단추를 쓰면 Excel이 PDF를 만듭니다).")
FAILED = "LibreOffice가 PDF를 만들지 못했습니다"


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.name == "nt":
        for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
            exe = Path(base or "") / "LibreOffice" / "program" / "soffice.exe"
            if base and exe.is_file():
                return str(exe)
    return found


def write_pdf(specs: Sequence[SheetSpec], target: Path) -> Path:
    """Print the sheets to `target` (atomically). BookError with a Korean line when
    LibreOffice is missing or fails."""
    soffice = find_soffice()
    if soffice is None:
        raise BookError(NO_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="hyeopchi-pdf-") as tmp:
        work = Path(tmp)
        xlsx = work / "sheets.xlsx"
        xlsx.write_bytes(render_bytes(with_safe_names(specs)))
        try:
            done = subprocess.run(
                [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                 "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(xlsx)],
                capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BookError(f"{FAILED} ({type(exc).__name__}).") from exc
        made = work / "sheets.pdf"
        if done.returncode != 0 or not made.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["원인 불명"]
            raise BookError(f"{FAILED} ({detail[0][:200]}).")
        save_atomically(target, made.read_bytes())
    return target
