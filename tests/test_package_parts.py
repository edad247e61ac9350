"""Where the reader finds the sheets: the workbook part the package relationships name (as
writeback does), targets resolved by io/_opc.resolve; a package that names none is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from corpus import raw_small_book

from hyeopchi.cli import main
from hyeopchi.io.package import sheet_parts

PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def rels(*items: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{DOC}/{t}" Target="{target}"/>'
                   for i, t, target in items)
    return f'<Relationships xmlns="{PKG}">{body}</Relationships>'


def test_the_workbook_part_is_the_one_the_package_names(tmp_path: Path) -> None:
    # By hand: _rels/.rels names book/main.xml; its sheet rId1 targets "../sheets/a%20b.xml"
    # relative to book/, i.e. the part "sheets/a b.xml" (percent-decoded).
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("_rels/.rels", rels(("r1", "officeDocument", "/book/main.xml")))
        zf.writestr("book/main.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
                                     '<sheet name="위원" sheetId="1" r:id="rId1"/>'
                                     '<sheet name="조직" sheetId="2" r:id="rId9"/></sheets></workbook>')
        zf.writestr("book/_rels/main.xml.rels", rels(("rId1", "worksheet", "../sheets/a%20b.xml")))
        zf.writestr("xl/workbook.xml", "<not-this-one/>")
    with zipfile.ZipFile(path) as zf:
        assert sheet_parts(zf) == {"위원": "sheets/a b.xml", "조직": ""}


def _without_workbook_relationship(src: Path, dest: Path, root_rels: str | None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "_rels/.rels":
                if root_rels is not None:
                    zout.writestr(info.filename, root_rels)
            else:
                zout.writestr(info, zin.read(info.filename))
    return dest


@pytest.mark.parametrize(("root_rels", "fragment"), [
    pytest.param(None, "'_rels/.rels' 항목이 없어", id="package-relationships-missing"),
    pytest.param(rels(("r1", "extended-properties", "docProps/app.xml")),
                 "통합 문서 항목이 없어", id="no-workbook-relationship"),
])
def test_a_package_naming_no_workbook_is_refused(root_rels: str | None, fragment: str,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = _without_workbook_relationship(raw_small_book(tmp_path / "src.xlsx"),
                                          tmp_path / "book.xlsx", root_rels)
    before = path.read_bytes()
    assert main(["validate", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and fragment in err and "\n" not in err.strip(), err
    assert path.read_bytes() == before
