"""The office workbook's VBA project against a known-good writer's, record by record.

Reference: `xlwings/quickstart_standalone.xlsm` in the installed xlwings package (written with
Aspose; every `xlwings quickstart --standalone` user runs it in Excel). Both projects are
parsed here straight from MS-OVBA (section numbers below), not with the builder's code: the
compound file's streams, `_VBA_PROJECT`, every `dir` record, the `PROJECT` and `PROJECTwm`
streams. What may differ is listed in ALLOWED (module names, module sources, IDs and
stamps); any other difference fails. olevba and LibreOffice reading every module and binding
every button are checked in test_excel_workbook.py.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import olefile
import pytest
import xlwings

with warnings.catch_warnings():  # oletools calls a pyparsing API that now warns
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import decompress_stream

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "workbook" / "hyeopchi.xlsm"
REFERENCE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"

# Differences that are allowed, with the reason. Anything else fails.
ALLOWED = {
    "module names": "each project has its own modules (ours: ThisWorkbook, Sheet1..N, Hyeopchi, "
                    "xlwings; the reference: ThisWorkbook, Sheet1-2, Module1, xlwings, "
                    "Dictionary)",
    "module sources": "the VBA text and the MODULEDOCSTRING (VB_Description) of each module",
    "IDs": "the PROJECT ID GUID, the CMG/DPB/GC encryption seeds (their decrypted values must "
           "match), the project and module cookies (MS-OVBA 2.3.4.2.3.1: ignored on read), the "
           "VERSION record's per-save stamp",
    "references": "which type libraries a project uses: ours has the two every new Excel "
                  "project has (stdole, Office); the reference has MSForms for its Mac "
                  "Dictionary class instead of stdole. The Office reference both have must "
                  "match byte for byte",
    "performance cache": "MODULEOFFSET > 0 where a module stream starts with compiled code; "
                         "optional, and the reference's own xlwings module has none (offset "
                         "0), like all of ours",
    "window positions": "[Workspace] values are each module's editor window: ours all closed",
}

# MS-OVBA 2.3.4.2 record ids
SYSKIND, VERSION, REFERENCENAME, PROJECTMODULES, PROJECTCOOKIE = 0x01, 0x09, 0x16, 0x0F, 0x13
REF_REGISTERED, REF_NAME_UNICODE = 0x0D, 0x3E
MODULENAME, MODULENAMEUNICODE, MODULESTREAMNAME, MODULESTREAMNAMEUNICODE = 0x19, 0x47, 0x1A, 0x32
MODULEDOCSTRING, MODULEDOCSTRINGUNICODE, MODULEOFFSET, MODULEHELPCONTEXT = 0x1C, 0x48, 0x31, 0x1E
MODULECOOKIE, MODULETYPE_STD, MODULETYPE_DOC, MODULE_END, DIR_END = 0x2C, 0x21, 0x22, 0x2B, 0x10


@dataclass
class Module:
    records: list[tuple[int, bytes]]

    def value(self, rid: int) -> bytes:
        return next(v for r, v in self.records if r == rid)

    @property
    def name(self) -> str:
        return self.value(MODULENAME).decode("cp1252")

    @property
    def kind(self) -> int:
        return next(r for r, _ in self.records if r in (MODULETYPE_STD, MODULETYPE_DOC))


@dataclass
class Project:
    streams: dict[str, int]  # path -> olefile entry type
    header: dict[str, int]
    vba_project: bytes
    info: list[tuple[int, bytes]]
    references: list[list[tuple[int, bytes]]]
    module_count: int
    modules: list[Module]
    sources: dict[str, str]
    project: list[tuple[str, list[tuple[str, str]]]]  # (section, [(key, value)])
    projectwm: list[tuple[str, str]] | None


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """id (2 bytes), size (4), data; PROJECTVERSION's size field says 4 but 6 bytes follow."""
    pos = 0
    while pos < len(data):
        rid = int.from_bytes(data[pos:pos + 2], "little")
        size = 6 if rid == VERSION else int.from_bytes(data[pos + 2:pos + 6], "little")
        yield rid, data[pos + 6:pos + 6 + size]
        pos += 6 + size


def _project_sections(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    sections: list[tuple[str, list[tuple[str, str]]]] = [("", [])]
    for line in text.split("\r\n"):
        if line.startswith("["):
            sections.append((line, []))
        elif line:
            key, _, value = line.partition("=")
            sections[-1][1].append((key, value))
    return sections


def _projectwm(data: bytes) -> list[tuple[str, str]]:
    """MS-OVBA 2.3.3: (MBCS name NUL, UTF-16 name NUL NUL)* then NUL NUL."""
    out, pos = [], 0
    while data[pos:pos + 2] != b"\x00\x00":
        end = data.index(b"\x00", pos)
        mbcs = data[pos:end].decode("cp1252")
        pos = end + 1
        end = next(i for i in range(pos, len(data), 2) if data[i:i + 2] == b"\x00\x00")
        out.append((mbcs, data[pos:end].decode("utf-16-le")))
        pos = end + 2
    assert pos + 2 == len(data), "bytes after PROJECTwm's terminator"
    return out


def load(xlsm: Path) -> Project:
    with zipfile.ZipFile(xlsm) as zf:
        ole = olefile.OleFileIO(zf.read("xl/vbaProject.bin"))
    try:
        streams = {"/".join(e): ole.get_type("/".join(e))
                   for e in ole.listdir(streams=True, storages=True)}
        header = {"major": ole.dll_version, "sector": ole.sector_size,
                  "mini_sector": ole.mini_sector_size, "cutoff": ole.minisectorcutoff,
                  "byte_order": ole.byte_order}
        clsids = {e.name: e.clsid for e in ole.direntries if e is not None}
        assert set(clsids.values()) == {""}, clsids
        records = list(_records(bytes(decompress_stream(bytearray(
            ole.openstream("VBA/dir").read())))))
        first_ref = next(i for i, (r, _) in enumerate(records) if r in (REFERENCENAME,
                                                                           PROJECTMODULES))
        at_modules = next(i for i, (r, _) in enumerate(records) if r == PROJECTMODULES)
        references: list[list[tuple[int, bytes]]] = []
        for rid, value in records[first_ref:at_modules]:
            if rid == REFERENCENAME or not references:
                references.append([])
            references[-1].append((rid, value))
        assert records[at_modules + 1][0] == PROJECTCOOKIE
        modules: list[Module] = [Module([])]
        for rid, value in records[at_modules + 2:-1]:
            modules[-1].records.append((rid, value))
            if rid == MODULE_END:
                modules.append(Module([]))
        assert modules.pop().records == [] and records[-1] == (DIR_END, b"")
        sources = {}
        for m in modules:
            raw = ole.openstream("VBA/" + m.value(MODULESTREAMNAME).decode("cp1252")).read()
            offset = int.from_bytes(m.value(MODULEOFFSET), "little")
            sources[m.name] = bytes(decompress_stream(bytearray(raw[offset:]))).decode("cp1252")
        return Project(
            streams=streams, header=header,
            vba_project=ole.openstream("VBA/_VBA_PROJECT").read(),
            info=records[:first_ref], references=references,
            module_count=int.from_bytes(records[at_modules][1], "little"), modules=modules,
            sources=sources,
            project=_project_sections(ole.openstream("PROJECT").read().decode("cp1252")),
            projectwm=(_projectwm(ole.openstream("PROJECTwm").read())
                       if ole.exists("PROJECTwm") else None))
    finally:
        ole.close()


def decrypt(hex_text: str) -> bytes:
    """MS-OVBA 2.4.3.3 Data Decryption (the CMG, DPB and GC values of PROJECT)."""
    enc = bytes.fromhex(hex_text.strip('"'))
    seed, version_enc, key_enc = enc[0], enc[1], enc[2]
    assert seed ^ version_enc == 2
    plain_1, enc_1, enc_2 = seed ^ key_enc, key_enc, version_enc
    out = bytearray()
    for byte_enc in enc[3:]:
        byte = byte_enc ^ ((enc_2 + plain_1) & 0xFF)
        out.append(byte)
        enc_2, enc_1, plain_1 = enc_1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(out[ignored:ignored + 4], "little")
    data = bytes(out[ignored + 4:])
    assert len(data) == length, (hex_text, length, data)
    return data


@pytest.fixture(scope="module")
def ours() -> Project:
    return load(OURS)


@pytest.fixture(scope="module")
def ref() -> Project:
    assert REFERENCE.exists(), REFERENCE
    return load(REFERENCE)


def _shape(streams: dict[str, int], modules: list[Module]) -> dict[str, int]:
    names = {"VBA/" + m.value(MODULESTREAMNAME).decode("cp1252") for m in modules}
    return {("VBA/<module>" if p in names else p): t for p, t in streams.items()}


def test_compound_file_has_the_same_streams_and_layout(ours: Project, ref: Project) -> None:
    assert _shape(ours.streams, ours.modules) == _shape(ref.streams, ref.modules)
    # Written out by hand: the streams MS-OVBA 2.2 names, plus one per module
    assert set(_shape(ours.streams, ours.modules)) == {
        "PROJECT", "PROJECTwm", "VBA", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/<module>"}
    assert ours.header == ref.header


def test_vba_project_stream_is_reserved3_0001(ours: Project, ref: Project) -> None:
    # MS-OVBA 2.3.4.1: Reserved1 0x61CC, Version 0xFFFF (no performance cache), Reserved2
    # 0x00, Reserved3 0x0001 as Excel, Aspose and vbamc write it.
    assert ours.vba_project == bytes.fromhex("cc61ffff000100")
    assert ours.vba_project == ref.vba_project


def test_project_information_records_match_except_the_version_stamp(
        ours: Project, ref: Project) -> None:
    assert [r for r, _ in ours.info] == [r for r, _ in ref.info]
    differing = [r for (r, a), (_, b) in zip(ours.info, ref.info, strict=True) if a != b]
    assert differing in ([], [VERSION])  # ALLOWED["IDs"]
    assert dict(ours.info)[SYSKIND] == (3).to_bytes(4, "little")  # 64-bit Windows


def test_references_are_excels_default_and_office_matches_the_reference(
        ours: Project, ref: Project) -> None:
    def by_name(project: Project) -> dict[str, list[tuple[int, bytes]]]:
        return {dict(refs)[REFERENCENAME].decode("cp1252"): refs for refs in project.references}

    mine = by_name(ours)
    assert list(mine) == ["stdole", "Office"]  # ALLOWED["references"]
    assert mine["Office"] == by_name(ref)["Office"]
    for name, refs in mine.items():
        assert [r for r, _ in refs] == [REFERENCENAME, REF_NAME_UNICODE, REF_REGISTERED]
        assert dict(refs)[REF_NAME_UNICODE].decode("utf-16-le") == name
        libid = dict(refs)[REF_REGISTERED]
        # MS-OVBA 2.3.4.2.2.5: SizeOfLibid, Libid, Reserved1 (4 bytes 0), Reserved2 (2 bytes 0)
        size = int.from_bytes(libid[:4], "little")
        assert libid[4 + size:] == b"\x00" * 6 and len(libid) == size + 10
    # Written from the OLE Automation type library's registration, not from the builder
    assert dict(mine["stdole"])[REF_REGISTERED][4:-6].decode("cp1252") == (
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
        "#OLE Automation")


def test_module_records_have_the_references_shapes(ours: Project, ref: Project) -> None:
    assert ours.module_count == len(ours.modules) and ref.module_count == len(ref.modules)
    ref_shapes = {m.kind: [r for r, _ in m.records] for m in ref.modules}
    for m in ours.modules:
        assert [r for r, _ in m.records] == ref_shapes[m.kind], m.name
        values = dict(m.records)
        assert values[MODULESTREAMNAME] == values[MODULENAME]
        assert values[MODULENAMEUNICODE].decode("utf-16-le") == m.name
        assert values[MODULESTREAMNAMEUNICODE].decode("utf-16-le") == m.name
        assert values[MODULEDOCSTRINGUNICODE] == values[MODULEDOCSTRING] == b""
        assert values[MODULEOFFSET] == b"\x00" * 4  # ALLOWED["performance cache"]
        assert values[MODULEHELPCONTEXT] == dict(ref.modules[0].records)[MODULEHELPCONTEXT]
    kinds = {m.name: m.kind for m in ours.modules}
    sheets = {n for n in kinds if re.fullmatch(r"Sheet\d+", n)}
    assert {n for n, k in kinds.items() if k == MODULETYPE_DOC} == {"ThisWorkbook", *sheets}
    assert {n for n, k in kinds.items() if k == MODULETYPE_STD} == {"Hyeopchi", "xlwings"}
    assert kinds["xlwings"] == {m.name: m.kind for m in ref.modules}["xlwings"]


def test_document_modules_carry_the_same_attributes(ours: Project, ref: Project) -> None:
    def attributes(source: str) -> list[str]:
        return [line for line in source.splitlines()
                if line.startswith("Attribute ") and "VB_Name" not in line]

    for name in ("ThisWorkbook", "Sheet1"):
        assert attributes(ours.sources[name]) == attributes(ref.sources[name])
    for m in ours.modules:
        assert ours.sources[m.name].startswith(f'Attribute VB_Name = "{m.name}"\r\n')
        if m.kind == MODULETYPE_DOC and m.name != "ThisWorkbook":
            assert attributes(ours.sources[m.name]) == attributes(ref.sources["Sheet1"])


def test_project_stream_matches_line_for_line(ours: Project, ref: Project) -> None:
    assert [s for s, _ in ours.project] == [s for s, _ in ref.project] == [
        "", "[Host Extender Info]", "[Workspace]"]
    module_keys = {"Document", "Module", "Class", "BaseClass", "Package"}

    def props(project: Project) -> list[tuple[str, str]]:
        return [(k, v) for k, v in project.project[0][1] if k not in module_keys]

    mine, theirs = props(ours), props(ref)
    assert [k for k, _ in mine] == [k for k, _ in theirs] == [
        "ID", "Name", "HelpContextID", "VersionCompatible32", "CMG", "DPB", "GC"]
    for (key, a), (_, b) in zip(mine, theirs, strict=True):
        if key in ("CMG", "DPB", "GC"):
            assert decrypt(a) == decrypt(b), key  # ALLOWED["IDs"]: the seed differs
        elif key != "ID":
            assert a == b, key
    # Unprotected, no password, visible (MS-OVBA 2.3.1.15-17), worked out from the spec
    assert decrypt(dict(mine)["CMG"]) == b"\x00\x00\x00\x00"
    assert decrypt(dict(mine)["DPB"]) == b"\x00"
    assert decrypt(dict(mine)["GC"]) == b"\xff"
    assert ours.project[1] == ref.project[1]  # Host Extender Info

    listed = [(k, v.split("/")[0]) for k, v in ours.project[0][1] if k in module_keys]
    expected = {m.name: "Document" if m.kind == MODULETYPE_DOC else "Module"
                for m in ours.modules}
    assert dict((name, k) for k, name in listed) == expected
    assert all(v.endswith("/&H00000000") for k, v in ours.project[0][1] if k == "Document")
    workspace = dict(ours.project[2][1])
    assert list(workspace) == [m.name for m in ours.modules]  # PROJECT lists them in dir order
    assert set(workspace.values()) == {"0, 0, 0, 0, C"}  # ALLOWED["window positions"]
    for value in dict(ref.project[2][1]).values():  # the reference's are of the same form
        assert re.fullmatch(r"-?\d+, -?\d+, -?\d+, -?\d+, [CZI]?", value)


def test_projectwm_names_every_module_as_the_reference_does(ours: Project, ref: Project) -> None:
    for project in (ours, ref):
        assert project.projectwm == [(m.name, m.name) for m in project.modules]

