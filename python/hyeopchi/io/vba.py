"""Read a module's source out of a workbook's VBA project (MS-OVBA), without running it.

Used by `hyeopchi doctor` to compare the embedded xlwings module's version with the installed
xlwings. The project is an OLE compound file (olefile); module text is compressed with
MS-OVBA 2.4.1, decompressed here.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import olefile

MAX_PROJECT = 64 * 1024 * 1024  # a vbaProject.bin larger than this is not read
MAX_MODULE = 16 * 1024 * 1024  # decompressed module text
# Korean messages (shown by doctor after the book's name)
NOT_COMPRESSED = "VBA 압축 형식이 아닙니다"
TRUNCATED = "VBA 압축 데이터가 잘렸습니다"
CORRUPT = "VBA 압축 데이터가 손상되었습니다"
TOO_LARGE_MODULE = "VBA 모듈이 너무 큽니다"
TOO_LARGE_PROJECT = "VBA 프로젝트가 너무 큽니다"
UNREADABLE = "VBA 프로젝트를 열 수 없습니다"
BAD_STREAM = "VBA 프로젝트의 스트림을 읽을 수 없습니다"


class VbaError(ValueError):
    """The VBA project could not be read (the message is Korean)."""


def decompress(data: bytes, limit: int = MAX_MODULE) -> bytes:
    """MS-OVBA 2.4.1.3.1: a CompressedContainer to its bytes."""
    if not data or data[0] != 1:
        raise VbaError(NOT_COMPRESSED)
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise VbaError(TRUNCATED)
        header = int.from_bytes(data[pos:pos + 2], "little")
        pos += 2
        end = min(pos + (header & 0x0FFF) + 1, len(data))
        chunk_start = len(out)
        if not header & 0x8000:  # stored: 4096 raw bytes
            out += data[pos:pos + 4096]
            pos += 4096
        while header & 0x8000 and pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
                bit_count = max((len(out) - chunk_start - 1).bit_length(), 4)
                offset = (token >> (16 - bit_count)) + 1
                length = (token & (0xFFFF >> bit_count)) + 3
                if offset > len(out) - chunk_start:
                    raise VbaError(CORRUPT)
                for _ in range(length):
                    out.append(out[-offset])
        if len(out) > limit:
            raise VbaError(TOO_LARGE_MODULE)
    return bytes(out)


def _records(data: bytes) -> list[tuple[int, bytes]]:
    """The dir stream's records: id (2 bytes), size (4), data (PROJECTVERSION: 6 bytes)."""
    out, pos = [], 0
    while pos + 6 <= len(data):
        rid = int.from_bytes(data[pos:pos + 2], "little")
        size = 6 if rid == 0x0009 else int.from_bytes(data[pos + 2:pos + 6], "little")
        out.append((rid, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return out


def module_source(book: Path, module: str) -> str | None:
    """The text of `module` in the book's VBA project; None when the book has no project or
    no such module. VbaError when the project is there but unreadable."""
    with zipfile.ZipFile(book) as zf:
        info = next((i for i in zf.infolist() if i.filename.lower() == "xl/vbaproject.bin"), None)
        if info is None:
            return None
        if info.file_size > MAX_PROJECT:
            raise VbaError(TOO_LARGE_PROJECT)
        raw = zf.read(info)
    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
    except OSError as exc:
        raise VbaError(UNREADABLE) from exc
    try:
        records = _records(decompress(ole.openstream("VBA/dir").read()))
        stream = offset = None
        current = None
        for rid, value in records:
            if rid == 0x0019:  # MODULENAME
                current = value.decode("cp1252", "replace")
            elif rid == 0x001A and current == module:  # MODULESTREAMNAME
                stream = value.decode("cp1252", "replace")
            elif rid == 0x0031 and current == module:  # MODULEOFFSET
                offset = int.from_bytes(value, "little")
        if stream is None or offset is None:
            return None
        data = ole.openstream("VBA/" + stream).read()
        return decompress(data[offset:]).decode("cp1252", "replace")
    except OSError as exc:
        raise VbaError(BAD_STREAM) from exc
    finally:
        ole.close()
