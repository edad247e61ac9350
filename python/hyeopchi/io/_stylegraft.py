"""Move cell styles from a freshly rendered workbook into an existing styles.xml.

Existing entries are never changed or reordered: other sheets keep every style index
they use. A rendered entry equal to an existing one reuses it; any other is appended.
Re-running a write therefore does not grow styles.xml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._opc import MAIN_NS
from ._xmlsplice import (
    Edit,
    Node,
    XmlError,
    append_children,
    canonical,
    element,
    scan,
    serialize,
    set_attrs,
    splice,
)

# Children of <styleSheet>, in schema order (needed to insert a missing collection).
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")
# cellXfs attribute -> the "apply" flag telling Excel the attribute is meant.
_APPLY = {"numFmtId": "applyNumberFormat", "fontId": "applyFont", "fillId": "applyFill",
          "borderId": "applyBorder"}
_FIRST_CUSTOM_NUMFMT = 164


@dataclass
class StyleMaps:
    """Rendered index -> index in the merged styles.xml."""

    xf: dict[int, int] = field(default_factory=dict)
    dxf: dict[int, int] = field(default_factory=dict)


class _Collection:
    """One list of styles.xml (fonts, fills, ...): existing entries plus those we append."""

    def __init__(self, parent: Node | None, prefix: str) -> None:
        self.node = parent
        self.prefix = prefix
        existing = parent.children if parent is not None else []
        self.size = len(existing)
        self.index: dict[tuple[object, ...], int] = {}  # canonical key -> first index
        for i, child in enumerate(existing):
            self.index.setdefault(canonical(child), i)
        self.added: list[bytes] = []

    def place(self, entry: Node, overrides: dict[str, str] | None = None) -> int:
        """The index of an equal entry, appending one if there is none."""
        xml = serialize(entry, self.prefix, overrides)
        key = canonical(entry, overrides)
        if key not in self.index:
            self.index[key] = self.size + len(self.added)
            self.added.append(xml)
        return self.index[key]


def _children(root: Node, name: str) -> list[Node]:
    node = root.find(name)
    return node.children if node is not None else []


def merge_styles(original: bytes, rendered: bytes) -> tuple[bytes, StyleMaps]:
    """styles.xml with the rendered workbook's used styles added, and the index maps."""
    root = scan(original)
    if root.uri != MAIN_NS:
        raise XmlError("styles.xml is not SpreadsheetML (transitional)")
    new = scan(rendered)
    prefix = root.prefix
    coll = {name: _Collection(root.find(name), prefix) for name in _ORDER[:-1]}
    num_fmts = _map_num_fmts(root, new, coll["numFmts"])
    fonts = [coll["fonts"].place(n) for n in _children(new, "fonts")]
    fills = [coll["fills"].place(n) for n in _children(new, "fills")]
    borders = [coll["borders"].place(n) for n in _children(new, "borders")]
    maps = StyleMaps()
    for i, xf in enumerate(_children(new, "cellXfs")):
        overrides = _remap_xf(xf, num_fmts, fonts, fills, borders)
        maps.xf[i] = coll["cellXfs"].place(xf, overrides)
    for i, dxf in enumerate(_children(new, "dxfs")):
        maps.dxf[i] = coll["dxfs"].place(dxf)
    return splice(original, _edits(original, root, coll)), maps


def _map_num_fmts(root: Node, new: Node, coll: _Collection) -> dict[int, int]:
    """Rendered numFmtId -> id in the original; equal format codes reuse the existing id."""
    by_code = {n.get("formatCode"): int(n.get("numFmtId") or 0)
               for n in _children(root, "numFmts")}
    used = set(by_code.values()) | {_FIRST_CUSTOM_NUMFMT - 1}
    mapping: dict[int, int] = {}
    for fmt in _children(new, "numFmts"):
        old_id, code = int(fmt.get("numFmtId") or 0), fmt.get("formatCode")
        if code not in by_code:
            by_code[code] = max(used) + 1
            used.add(by_code[code])
            coll.place(fmt, {"numFmtId": str(by_code[code])})
        mapping[old_id] = by_code[code]
    return mapping


def _remap_xf(xf: Node, num_fmts: dict[int, int], fonts: list[int], fills: list[int],
              borders: list[int]) -> dict[str, str]:
    """Attribute overrides pointing a rendered <xf> at the merged fonts, fills, borders."""
    num_fmt = int(xf.get("numFmtId") or 0)
    values = {
        "numFmtId": num_fmts.get(num_fmt, num_fmt),
        "fontId": fonts[int(xf.get("fontId") or 0)],
        "fillId": fills[int(xf.get("fillId") or 0)],
        "borderId": borders[int(xf.get("borderId") or 0)],
    }
    overrides = {"xfId": "0"}
    for attr, value in values.items():
        overrides[attr] = str(value)
        if value != 0 or attr == "fontId":  # our font is always meant, never the default
            overrides[_APPLY[attr]] = "1"
    return overrides


def _edits(data: bytes, root: Node, coll: dict[str, _Collection]) -> list[Edit]:
    edits: list[Edit] = []
    for name, c in coll.items():
        if not c.added:
            continue
        body = b"".join(c.added)
        count = str(c.size + len(c.added))
        if c.node is not None:
            edits += append_children(data, c.node, body, {"count": count})
        else:
            edits.append(_insert_collection(root, name, body, count, c.prefix))
    return edits


def _insert_collection(root: Node, name: str, body: bytes, count: str, prefix: str) -> Edit:
    """A missing collection (e.g. no <numFmts>) inserted at its place in schema order."""
    xml = element(f"{prefix}:{name}" if prefix else name, [("count", count)], body)
    later = _ORDER[_ORDER.index(name) + 1 :]
    following = next((c for c in root.children if c.local in later and c.uri == MAIN_NS), None)
    if following is not None:
        return Edit(following.start, following.start, xml)
    return Edit(root.inner_end, root.inner_end, xml)


# --- the new sheet's XML -----------------------------------------------------------------


def adapt_sheet(sheet: bytes, maps: StyleMaps, shared: list[bytes]) -> bytes:
    """A rendered worksheet made fit for the original book.

    Style indices point at the merged styles.xml, shared-string cells become inline
    strings (so the original sharedStrings.xml is untouched), and the tab is not
    selected (two selected tabs would open as a grouped selection in Excel).
    """
    root = scan(sheet)
    if root.prefix:
        raise XmlError("unexpected prefixed worksheet from the renderer")
    edits: list[Edit] = []
    for node in root.iter():
        if node.local == "c":
            edits.append(_adapt_cell(sheet, node, maps, shared))
        elif node.local == "row" and "s" in node.attrs:
            edits.append(_retag(sheet, node, {"s": str(maps.xf[int(node.attrs["s"])])}))
        elif node.local == "col" and "style" in node.attrs:
            edits.append(_retag(sheet, node, {"style": str(maps.xf[int(node.attrs["style"])])}))
        elif node.local == "sheetView" and "tabSelected" in node.attrs:
            edits.append(_retag(sheet, node, {"tabSelected": None}))
        elif node.local == "cfRule" and "dxfId" in node.attrs:
            edits.append(_retag(sheet, node, {"dxfId": str(maps.dxf[int(node.attrs["dxfId"])])}))
    return splice(sheet, edits)


def _retag(data: bytes, node: Node, changes: dict[str, str | None]) -> Edit:
    return Edit(node.start, node.start_end, set_attrs(data[node.start : node.start_end], changes))


def _adapt_cell(data: bytes, cell: Node, maps: StyleMaps, shared: list[bytes]) -> Edit:
    changes: dict[str, str | None] = {}
    if "s" in cell.attrs:
        changes["s"] = str(maps.xf[int(cell.attrs["s"])])
    if cell.attrs.get("t") != "s":
        return _retag(data, cell, changes)
    changes["t"] = "inlineStr"
    value = cell.find("v")
    if value is None:
        raise XmlError("shared-string cell without a value")
    tag = set_attrs(data[cell.start : cell.start_end], changes)
    body = b"<is>" + shared[int(value.text)] + b"</is>"
    return Edit(cell.start, cell.end, tag + body + b"</c>")


def shared_strings(data: bytes) -> list[bytes]:
    """The raw content of each <si> (rich text runs included), in index order."""
    root = scan(data)
    return [data[si.start_end : si.inner_end] for si in root.findall("si")]
