"""The workbook file as an OPC package (a zip): open it safely and find its parts.

Everything here runs before any XML is parsed, so a hostile file is refused cheaply.
"""

from __future__ import annotations

import copy
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from ..core.issues import BookError
from ._opc import ROOT_RELS, RT_OFFICE_DOCUMENT, rels_part, resolve

# Limits on what a workbook may inflate to before we read it (documented in the README).
MAX_PART_BYTES = 512 * 1024 * 1024  # one part, uncompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all parts, uncompressed
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024  # calamine holds this part's strings in memory
MAX_RATIO = 200  # uncompressed / compressed, for parts larger than 1 MiB
MAX_PARTS = 10_000
# Limits on one input sheet, checked by io/reader.py before python-calamine allocates it.
MAX_ROWS = 1_048_576  # Excel's own limit: a row number past it is no Excel file
MAX_CELLS = 6_000_000  # cells in the rectangle from A1 to the last row and column with a value
CHUNK = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted (password) .xlsx

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def open_package(path: Path) -> zipfile.ZipFile:
    """Open `path` as a zip, or raise BookError saying in Korean why it is not a workbook."""
    name = path.name
    if not path.exists():
        raise BookError(f"{name}: 파일이 없습니다.")
    if path.is_dir():
        raise BookError(f"{name}: 파일이 아니라 폴더입니다.")
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except PermissionError:
        raise BookError(f"{name}: 파일을 열 권한이 없습니다 (다른 프로그램이 사용 중일 수 있습니다).") from None
    except OSError as exc:
        raise BookError(f"{name}: 파일을 열 수 없습니다 ({exc.strerror}).") from None
    if head.startswith(OLE_MAGIC):
        raise BookError(f"{name}: 암호로 보호된 통합문서이거나 이전 형식(.xls)입니다. "
                        "Excel에서 암호를 해제하고 .xlsx로 저장한 뒤 다시 실행하세요.")
    if not head.startswith(b"PK"):
        raise BookError(f"{name}: Excel 통합문서(.xlsx/.xlsm)가 아닙니다.")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BookError(f"{name}: 파일이 손상되었습니다 (zip 구조를 읽을 수 없음).") from None


def check_package(zf: zipfile.ZipFile, path: Path,
                  defer: Callable[[str], object] | None = None) -> list[zipfile.ZipInfo]:
    """Refuse zip bombs and non-workbooks before any part is inflated, then inflate each part
    with every check (checked_chunks).

    Parts for which `defer(name)` is true are not inflated here but returned: the caller must
    read each through checked_chunks() or inflate_checked() (the reader scans the sheets it
    reads as they inflate, so no part is inflated twice)."""
    infos = zf.infolist()
    name = path.name
    if len(infos) > MAX_PARTS:
        raise BookError(f"{name}: 파일 안의 항목이 너무 많습니다 ({len(infos):,}개).")
    total = 0
    for info in infos:
        total += info.file_size
        limit = MAX_SHARED_STRINGS_BYTES if info.filename.endswith("sharedStrings.xml") else (
            MAX_PART_BYTES)
        if info.file_size > limit or (
            info.file_size > 1024 * 1024
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise BookError(f"{name}: '{info.filename}' 항목의 압축 해제 크기가 비정상적으로 큽니다 "
                            f"({info.file_size:,}바이트). 압축 폭탄으로 보고 읽지 않습니다.")
    if total > MAX_TOTAL_BYTES:
        raise BookError(f"{name}: 압축 해제 크기가 너무 큽니다 ({total:,}바이트).")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise BookError(f"{name}: Excel 통합문서가 아닙니다 (xl/workbook.xml 없음).")
    deferred = []
    for info in infos:
        if defer is not None and defer(info.filename):
            deferred.append(info)
        else:
            inflate_checked(zf, info, name)
    return deferred


# A DTD is never part of an Excel file; with one, a part could expand entities.
_DTD_MARKS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def inflate_checked(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    for _ in checked_chunks(zf, info, name):
        pass


def checked_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """Inflate one part in bounded chunks, trusting no size the zip declares.

    The part is read as if it could be MAX_PART_BYTES + 1 long, so a header that understates
    the size (to slip past the checks above) is caught, as is a bad CRC or a DTD in XML.
    Raises BookError (when a chunk is asked for) at the first fault.
    """
    if info.is_dir():
        return
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 1:
        raise BookError(f"{name}: '{info.filename}' 항목의 압축 방식을 지원하지 않습니다 "
                        "(Excel이 저장한 파일이 아닙니다).")
    probe = copy.copy(info)
    probe.file_size = MAX_PART_BYTES + 1
    size = 0
    broken = BookError(f"{name}: 파일이 손상되었습니다 ('{info.filename}' 항목을 풀 수 없음).")
    try:
        f = zf.open(probe)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise broken from None
    with f:
        while True:
            try:
                chunk = f.read(CHUNK)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
                raise broken from None
            if not chunk:
                break
            if size == 0 and info.filename.endswith((".xml", ".rels", ".vml")) and any(
                    m in chunk for m in _DTD_MARKS):
                raise BookError(f"{name}: '{info.filename}' 항목에 DTD(엔티티 선언)가 있어 "
                                "읽지 않습니다. Excel에서 다시 저장한 파일을 사용하세요.")
            size += len(chunk)
            if size > info.file_size:
                break
            yield chunk
    if size != info.file_size:
        raise BookError(f"{name}: '{info.filename}' 항목의 실제 크기가 기록된 크기"
                        f"({info.file_size:,}바이트)와 다릅니다. 압축 폭탄으로 보고 읽지 않습니다.")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part (e.g. 'xl/worksheets/sheet1.xml'); '' for a sheet whose
    relationship is missing. The workbook part is the one the package's relationships name
    (as io/writeback.py finds it), and targets resolve with io/_opc.resolve.

    Fails closed: a relationship or workbook part that cannot be read raises BookError, since
    without it no sheet's XML could be scanned before calamine reads it."""
    book = Path(zf.filename or "").name
    root_rels = _xml(zf, ROOT_RELS, book)
    workbook = next((resolve("", r.get("Target", "")) for r in
                     root_rels.iter(f"{NS_PKG_REL}Relationship")
                     if r.get("Type") == RT_OFFICE_DOCUMENT and r.get("TargetMode") != "External"),
                    None)
    if workbook is None:
        raise BookError(f"{book}: 패키지 관계({ROOT_RELS})에 통합 문서 항목이 없어 시트를 검사할 "
                        "수 없습니다. Excel에서 다시 저장한 파일을 사용하세요.")
    wb, rels = _xml(zf, workbook, book), _xml(zf, rels_part(workbook), book)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{NS_PKG_REL}Relationship")}
    out: dict[str, str] = {}
    for sheet in wb.iter(f"{NS_MAIN}sheet"):
        rid = sheet.get(f"{NS_REL}id")
        target = targets.get(rid) if rid is not None else None
        out[sheet.get("name", "")] = resolve(workbook, target) if target else ""
    return out


def _xml(zf: zipfile.ZipFile, part: str, book: str) -> Any:
    """A part parsed (defusedxml), or BookError saying why the sheets cannot be checked."""
    try:
        return ElementTree.fromstring(zf.read(part))
    except KeyError:
        raise BookError(f"{book}: '{part}' 항목이 없어 시트를 검사할 수 없습니다. "
                        "Excel에서 다시 저장한 파일을 사용하세요.") from None
    except (ElementTree.ParseError, ValueError) as exc:  # ValueError: defusedxml, encoding
        raise BookError(f"{book}: '{part}' 항목이 올바른 XML이 아니어서 시트를 검사할 수 "
                        f"없습니다 ({str(exc)[:80]}).") from None
