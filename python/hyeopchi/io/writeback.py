"""Write result sheets into an existing workbook without losing anything in it.

The specs are rendered by XlsxWriter into a throwaway workbook; its sheets are then
grafted into the original package part by part. Every part we do not have to change
is copied with the same bytes: VBA projects, buttons, VML, ActiveX, customUI, pivot
caches, tables, comments and parts we have never heard of all survive. The parts that
change are [Content_Types].xml, the workbook part and its relationships, styles.xml
(entries appended only), and the new sheets with their drawings and charts. Replacing a
sheet also drops the parts only that sheet used, and calcChain.xml if it names the
sheet. Edited XML parts are spliced at byte offsets, so prefixes stay as written.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

from hyeopchi.core.issues import BookError
from hyeopchi.core.sheetspec import SheetSpec

from ._atomic import write_atomically
from ._opc import (
    CONTENT_TYPES,
    DOC_REL_NS,
    MAIN_NS,
    RT_CALC_CHAIN,
    RT_OFFICE_DOCUMENT,
    RT_SHARED_STRINGS,
    RT_STYLES,
    RT_WORKSHEET,
    STRICT_MAIN_NS,
    ContentTypes,
    Rel,
    fresh_id,
    numbered_name,
    override_xml,
    parse_content_types,
    parse_rels,
    reachable,
    rel_xml,
    relative,
    rels_document,
    rels_part,
    resolve,
)
from ._stylegraft import StyleMaps, adapt_sheet, merge_styles, shared_strings
from ._xmlsplice import (
    Edit,
    Node,
    XmlError,
    append_children,
    element,
    insert_after,
    remove,
    scan,
    serialize,
    splice,
)
from .render_xlsx import render_bytes, safe_sheet_name, with_safe_names

__all__ = ["backup_path", "safe_sheet_name", "write_sheets"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# workbook.xml children that come before <definedNames>, in schema order.
_BEFORE_DEFINED_NAMES = ("sheets", "functionGroups", "externalReferences")


def write_sheets(src: Path, specs: Sequence[SheetSpec], *, dest: Path | None = None,
                 backup: bool = True) -> Path:
    """Add or replace result sheets in the workbook at src; returns the path written.

    With dest, a copy is written there and src is not touched. Without it, src is
    replaced atomically, keeping a copy of the old file as `<src>.bak` when backup is
    true. A sheet whose (sanitized) name exists is replaced at its position; others are
    appended. Failures raise BookError with a one-line Korean message.
    """
    src = Path(src)
    target = src if dest is None else Path(dest)
    in_place = dest is None or _same_file(src, target)
    named = with_safe_names(specs)
    original = _read_book(src)  # held in memory: Windows cannot replace an open file
    try:
        book = _open_book(src, original)
        change = graft(book, _Parts.of_bytes(render_bytes(named))) if named else Graft()
        write_atomically(target, lambda fh: write_package(fh, book, change),
                         backup=(backup_path(src), original) if in_place and backup else None)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BookError(f"'{src.name}' 파일이 손상되어 읽을 수 없습니다.") from exc
    return target


def backup_path(src: Path) -> Path:
    """Where an in-place write keeps the previous file: `<name>.bak` beside it."""
    return src.with_name(src.name + ".bak")


# --- reading the package -----------------------------------------------------------------


class _Parts:
    """A zip's parts, looked up case-insensitively (OPC part names are)."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.infos = zf.infolist()
        self.by_lower = {i.filename.lower(): i for i in self.infos}

    @classmethod
    def of_bytes(cls, data: bytes) -> _Parts:
        return cls(zipfile.ZipFile(io.BytesIO(data)))

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    def has(self, name: str) -> bool:
        return name.lower() in self.by_lower

    def read(self, name: str) -> bytes:
        return self.zf.read(self.by_lower[name.lower()])

    def xml(self, name: str) -> tuple[bytes, Node]:
        """A part's bytes and parsed root; a missing or broken part is a BookError."""
        if not self.has(name):
            raise BookError(f"통합 문서에 '{name}' 부분이 없습니다. 파일이 손상되었을 수 있습니다.")
        data = self.read(name)
        return data, _scan(data, name)


def _scan(data: bytes, name: str) -> Node:
    try:
        return scan(data)
    except XmlError as exc:
        raise BookError(f"'{name}'의 XML을 읽을 수 없습니다 ({exc}). 파일이 손상되었을 수 있습니다.") \
            from exc


def _read_book(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise BookError(f"'{path.name}' 파일을 찾을 수 없습니다.") from exc
    except OSError as exc:
        raise BookError(f"'{path.name}' 파일을 열 수 없습니다: {exc.strerror or exc}") from exc


def _open_book(path: Path, data: bytes) -> _Parts:
    try:
        return _Parts.of_bytes(data)
    except zipfile.BadZipFile as exc:
        if data.startswith(_OLE_MAGIC):
            raise BookError(f"'{path.name}'은(는) 암호가 걸린 파일이거나 예전 형식(.xls)입니다. "
                            "암호를 풀고 .xlsx/.xlsm으로 저장한 뒤 다시 실행하세요.") from exc
        raise BookError(f"'{path.name}'은(는) 엑셀 통합 문서(.xlsx/.xlsm)가 아닙니다.") from exc


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _rels_of(parts: _Parts, part: str) -> list[Rel]:
    name = rels_part(part)
    if not parts.has(name):
        return []
    data = parts.read(name)
    try:
        return parse_rels(data)[1]
    except XmlError as exc:
        raise BookError(f"'{name}'의 XML을 읽을 수 없습니다 ({exc}).") from exc


def _target(parts: _Parts, source: str, rel_type: str) -> str | None:
    """The part a relationship of this type points to, if any."""
    for rel in _rels_of(parts, source):
        if rel.type == rel_type and not rel.external:
            return resolve(source, rel.target)
    return None


def _workbook_part(parts: _Parts) -> str:
    part = _target(parts, "", RT_OFFICE_DOCUMENT)
    if part is None or not parts.has(part):
        raise BookError("통합 문서(workbook.xml)를 찾을 수 없습니다. 엑셀 파일이 아니거나 손상되었습니다.")
    return part


# --- the rendered workbook -----------------------------------------------------------------


@dataclass
class _Rendered:
    """What we take from XlsxWriter's output."""

    parts: _Parts
    workbook: str
    sheets: list[tuple[str, str]]  # (name, part) in order
    names: dict[int, list[Node]]  # localSheetId -> <definedName> nodes
    content_types: ContentTypes
    styles: bytes
    shared: list[bytes]


def _read_rendered(parts: _Parts) -> _Rendered:
    wb_part = _workbook_part(parts)
    _, wb = parts.xml(wb_part)
    targets = {r.id: resolve(wb_part, r.target) for r in _rels_of(parts, wb_part)}
    sheets_node = wb.find("sheets")
    assert sheets_node is not None
    sheets = [(s.get("name") or "", targets[s.attrs[f"{{{DOC_REL_NS}}}id"]])
              for s in sheets_node.findall("sheet")]
    names: dict[int, list[Node]] = {}
    defined = wb.find("definedNames")
    for dn in defined.children if defined is not None else []:
        if dn.get("localSheetId") is not None:
            names.setdefault(int(dn.attrs["localSheetId"]), []).append(dn)
    styles = _target(parts, wb_part, RT_STYLES)
    strings = _target(parts, wb_part, RT_SHARED_STRINGS)
    assert styles is not None
    return _Rendered(
        parts, wb_part, sheets, names, parse_content_types(parts.read(CONTENT_TYPES)),
        parts.read(styles), shared_strings(parts.read(strings)) if strings else [],
    )


# --- the graft -----------------------------------------------------------------------------


@dataclass
class Graft:
    """How the package changes: edited parts, new parts (in order) and dropped parts."""

    changed: dict[str, bytes] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)  # lower-cased part names


@dataclass
class _Sheet:
    """One rendered sheet's place in the original book."""

    name: str
    rendered: str  # part name in the rendered book
    part: str  # new part name in the original
    rel_id: str
    sheet_id: str
    index: int  # position among the book's sheets (localSheetId)
    old: Node | None  # the <sheet> it replaces


def graft(book: _Parts, rendered_parts: _Parts) -> Graft:
    """The changes that put every sheet of `rendered_parts` into `book`."""
    rendered = _read_rendered(rendered_parts)
    wb_part = _workbook_part(book)
    wb_xml, wb = book.xml(wb_part)
    if wb.uri == STRICT_MAIN_NS:
        raise BookError("Strict Open XML 형식의 통합 문서는 지원하지 않습니다. "
                        "Excel에서 'Excel 통합 문서'로 다시 저장하세요.")
    if wb.uri != MAIN_NS or wb.find("sheets") is None:
        raise BookError(f"'{wb_part}'이(가) 엑셀 통합 문서가 아닙니다.")
    wb_rels_part = rels_part(wb_part)
    rels_xml, rels_root = book.xml(wb_rels_part)
    wb_rels = parse_rels(rels_xml)[1]
    ct_xml, _ = book.xml(CONTENT_TYPES)
    types = parse_content_types(ct_xml)

    out = Graft()
    taken = {n.lower() for n in book.names}
    sheets = _place_sheets(wb, wb_part, rendered, wb_rels, taken)
    maps = _merge_styles(book, wb_part, rendered, out)
    new_types: list[tuple[str, str]] = []
    copied: dict[str, str] = {}
    for sheet in sheets:
        xml = adapt_sheet(rendered.parts.read(sheet.rendered), maps, rendered.shared)
        _add_part(out, new_types, rendered, sheet.rendered, sheet.part, xml)
        _copy_related(rendered, sheet.rendered, sheet.part, _folder_map(rendered, wb_part),
                      taken, copied, out, new_types)

    old_rels = {_old_rel_id(s.old) for s in sheets if s.old is not None}
    dropped = _orphans(book, wb_part, old_rels)
    calc_rel = _stale_calc_chain(book, wb_part, wb_rels, [s.sheet_id for s in sheets if s.old])
    if calc_rel is not None:
        old_rels.add(calc_rel.id)
        dropped.add(resolve(wb_part, calc_rel.target).lower())
    out.removed |= dropped | {rels_part(p) for p in dropped if book.has(rels_part(p))}

    out.changed[wb_part] = splice(wb_xml, _workbook_edits(wb_xml, wb, sheets, rendered))
    out.changed[wb_rels_part] = splice(rels_xml, _rels_edits(rels_xml, rels_root, wb_rels,
                                                             old_rels, sheets, wb_part))
    out.changed[CONTENT_TYPES] = splice(ct_xml, _type_edits(ct_xml, types, new_types,
                                                            out.removed))
    return out


def _place_sheets(wb: Node, wb_part: str, rendered: _Rendered, wb_rels: list[Rel],
                  taken: set[str]) -> list[_Sheet]:
    """Decide part name, relationship id, sheetId and position of every rendered sheet."""
    sheets_node = wb.find("sheets")
    assert sheets_node is not None
    existing = sheets_node.findall("sheet")
    by_name = {(s.get("name") or "").casefold(): (i, s) for i, s in enumerate(existing)}
    ids = {r.id for r in wb_rels}
    next_id = max((int(s.get("sheetId") or 0) for s in existing), default=0) + 1
    folder = posixpath.join(posixpath.dirname(wb_part), "worksheets")
    placed: list[_Sheet] = []
    appended = len(existing)
    for name, part in rendered.sheets:
        hit = by_name.get(name.casefold())
        if hit is not None:  # replaced in place: same position and sheetId
            index, old = hit
            sheet_id = old.get("sheetId") or ""
        else:
            index, old, sheet_id = appended, None, ""
            appended += 1
        if not sheet_id:
            sheet_id, next_id = str(next_id), next_id + 1
        new_part = numbered_name(part, taken, folder)
        placed.append(_Sheet(name, part, new_part, fresh_id(ids), sheet_id, index, old))
    return placed


def _merge_styles(book: _Parts, wb_part: str, rendered: _Rendered, out: Graft) -> StyleMaps:
    styles_part = _target(book, wb_part, RT_STYLES)
    if styles_part is None or not book.has(styles_part):
        raise BookError("통합 문서에 스타일(styles.xml)이 없습니다. Excel에서 다시 저장한 뒤 실행하세요.")
    try:
        merged, maps = merge_styles(book.read(styles_part), rendered.styles)
    except XmlError as exc:
        raise BookError(f"'{styles_part}'의 XML을 읽을 수 없습니다 ({exc}).") from exc
    out.changed[styles_part] = merged
    return maps


def _folder_map(rendered: _Rendered, wb_part: str) -> Callable[[str], str]:
    """Rendered folder -> the same folder beside the original workbook part."""
    src, dst = posixpath.dirname(rendered.workbook), posixpath.dirname(wb_part)

    def folder(part: str) -> str:
        return posixpath.normpath(posixpath.join(dst, posixpath.relpath(
            posixpath.dirname(part), src)))

    return folder


def _add_part(out: Graft, new_types: list[tuple[str, str]], rendered: _Rendered,
              rendered_name: str, name: str, data: bytes) -> None:
    out.added[name] = data
    content_type = rendered.content_types.of(rendered_name)
    if content_type:
        new_types.append((name, content_type))


def _copy_related(rendered: _Rendered, source: str, new_source: str,
                  folder: Callable[[str], str], taken: set[str], copied: dict[str, str],
                  out: Graft, new_types: list[tuple[str, str]]) -> None:
    """Copy the parts `source` relates to (drawings, charts...) under fresh names."""
    rels = _rels_of(rendered.parts, source)
    if not rels:
        return
    written: list[tuple[str, str, str, bool]] = []
    for rel in rels:
        if rel.external:
            written.append((rel.id, rel.type, rel.target, True))
            continue
        part = resolve(source, rel.target)
        if part not in copied:
            copied[part] = numbered_name(part, taken, folder(part))
            _add_part(out, new_types, rendered, part, copied[part], rendered.parts.read(part))
            _copy_related(rendered, part, copied[part], folder, taken, copied, out, new_types)
        written.append((rel.id, rel.type, relative(new_source, copied[part]), False))
    name = rels_part(new_source)
    taken.add(name.lower())
    out.added[name] = rels_document(written)


def _old_rel_id(sheet: Node) -> str:
    return sheet.attrs.get(f"{{{DOC_REL_NS}}}id", "")


def _orphans(book: _Parts, wb_part: str, dropped_rels: set[str]) -> set[str]:
    """Parts reachable only through the dropped workbook relationships (lower-cased)."""
    if not dropped_rels:
        return set()

    @cache
    def targets(part: str) -> tuple[str, ...]:
        same = part.lower() == wb_part.lower()
        return tuple(resolve(part, r.target) for r in _rels_of(book, part)
                     if not r.external and not (same and r.id in dropped_rels))

    wb_rels = _rels_of(book, wb_part)
    old = [resolve(wb_part, r.target) for r in wb_rels if r.id in dropped_rels and not r.external]
    keep = reachable(targets(""), targets)
    return reachable(old, targets) - keep


def _stale_calc_chain(book: _Parts, wb_part: str, wb_rels: list[Rel],
                      replaced_ids: list[str]) -> Rel | None:
    """calcChain's relationship when it lists cells of a replaced sheet (it must go)."""
    rel = next((r for r in wb_rels if r.type == RT_CALC_CHAIN and not r.external), None)
    if rel is None or not replaced_ids:
        return None
    part = resolve(wb_part, rel.target)
    if not book.has(part):
        return rel
    try:
        root = scan(book.read(part))
    except XmlError:
        return rel  # a broken calcChain is better gone: Excel rebuilds it
    cells = root.findall("c")
    if cells and "i" not in cells[0].attrs:
        return rel
    listed = {c.attrs["i"] for c in cells if "i" in c.attrs}
    return rel if listed & set(replaced_ids) else None


# --- edits to the package's XML parts --------------------------------------------------------


def _tag(prefix: str, local: str) -> str:
    return f"{prefix}:{local}" if prefix else local


def _sheet_element(wb_xml: bytes, wb: Node, sheet: _Sheet) -> bytes:
    """A <sheet> entry spelled with the workbook's prefixes."""
    sheets_node = wb.find("sheets")
    assert sheets_node is not None
    key = f"{{{DOC_REL_NS}}}id"
    sample = next((s for s in sheets_node.findall("sheet") if key in s.attrs), None)
    rid = sample.attr_qnames[key] if sample is not None else "r:id"
    attrs = [("name", sheet.name), ("sheetId", sheet.sheet_id), (rid, sheet.rel_id)]
    root_tag = wb_xml[wb.start : wb.start_end]
    rid_prefix = rid.split(":")[0]
    if f"xmlns:{rid_prefix}=".encode() not in root_tag.replace(b" =", b"="):
        attrs.append((f"xmlns:{rid_prefix}", DOC_REL_NS))
    return element(_tag(wb.prefix, "sheet"), attrs)


def _workbook_edits(wb_xml: bytes, wb: Node, sheets: list[_Sheet],
                    rendered: _Rendered) -> list[Edit]:
    sheets_node = wb.find("sheets")
    assert sheets_node is not None
    edits: list[Edit] = []
    appended = b""
    for sheet in sheets:
        xml = _sheet_element(wb_xml, wb, sheet)
        if sheet.old is not None:
            edits.append(Edit(sheet.old.start, sheet.old.end, xml))
        else:
            appended += xml
    if appended:
        edits += append_children(wb_xml, sheets_node, appended)
    return edits + _defined_name_edits(wb_xml, wb, sheets, rendered)


def _defined_name_edits(wb_xml: bytes, wb: Node, sheets: list[_Sheet],
                        rendered: _Rendered) -> list[Edit]:
    """Print titles, print area and filter names of the new sheets; a replaced sheet's
    built-in names (_xlnm.*) go with it, its other names stay."""
    replaced = {str(s.index) for s in sheets if s.old is not None}
    body = b"".join(
        serialize(dn, wb.prefix, {"localSheetId": str(sheet.index)})
        for i, sheet in enumerate(sheets) for dn in rendered.names.get(i, []))
    node = wb.find("definedNames")
    if node is None:
        if not body:
            return []
        anchor = [c for c in wb.children if c.local in _BEFORE_DEFINED_NAMES][-1]
        return [insert_after(anchor, element(_tag(wb.prefix, "definedNames"), [], body))]
    stale = [dn for dn in node.children
             if (dn.get("name") or "").startswith("_xlnm.") and dn.get("localSheetId") in replaced]
    if len(stale) == len(node.children) and not body:
        return [remove(node)]
    edits = [remove(dn) for dn in stale]
    if body:
        edits += append_children(wb_xml, node, body)
    return edits


def _rels_edits(rels_xml: bytes, root: Node, rels: list[Rel], dropped: set[str],
                sheets: list[_Sheet], wb_part: str) -> list[Edit]:
    edits = [remove(r.node) for r in rels if r.id in dropped]
    body = b"".join(rel_xml(root.prefix, s.rel_id, RT_WORKSHEET, relative(wb_part, s.part))
                    for s in sheets)
    return edits + append_children(rels_xml, root, body)


def _type_edits(ct_xml: bytes, types: ContentTypes, new: Iterable[tuple[str, str]],
                removed: set[str]) -> list[Edit]:
    edits = [remove(node) for name, (_, node) in types.overrides.items() if name in removed]
    body = b"".join(override_xml(types.root.prefix, part, ct) for part, ct in new
                    if types.of(part) != ct)
    if body:
        edits += append_children(ct_xml, types.root, body)
    return edits


# --- writing ---------------------------------------------------------------------------------


def write_package(fh: IO[bytes], book: _Parts, change: Graft) -> None:
    """Write the changed package: original order, new parts last, dropped parts left out."""
    written: set[str] = set()
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as out:
        for info in book.infos:
            low = info.filename.lower()
            if low in change.removed or low in written:
                continue
            written.add(low)
            data = change.changed.get(info.filename)
            out.writestr(_info_like(info), data if data is not None else book.zf.read(info))
        for name, data in change.added.items():
            out.writestr(zipfile.ZipInfo(name, date_time=_newest(book.infos)), data,
                         zipfile.ZIP_DEFLATED)


def _info_like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = (info.compress_type if info.compress_type == zipfile.ZIP_STORED
                          else zipfile.ZIP_DEFLATED)
    copy.external_attr = info.external_attr
    return copy


def _newest(infos: Sequence[zipfile.ZipInfo]) -> tuple[int, int, int, int, int, int]:
    return max((i.date_time for i in infos), default=(1980, 1, 1, 0, 0, 0))
