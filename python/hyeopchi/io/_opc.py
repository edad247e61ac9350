"""The OPC package under an .xlsx/.xlsm: part names, relationships and content types."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from ._xmlsplice import Node, element, scan

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"

RT_OFFICE_DOCUMENT = DOC_REL_NS + "/officeDocument"
RT_WORKSHEET = DOC_REL_NS + "/worksheet"
RT_STYLES = DOC_REL_NS + "/styles"
RT_SHARED_STRINGS = DOC_REL_NS + "/sharedStrings"
RT_CALC_CHAIN = DOC_REL_NS + "/calcChain"

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"


def rels_part(part: str) -> str:
    """The relationships part of a part ("" is the package itself)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source: str, target: str) -> str:
    """The part name a relationship target points to, relative to its source part."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, target: str) -> str:
    """A relationship target for `target` written in `source`'s relationships part."""
    return quote(posixpath.relpath(target, posixpath.dirname(source) or "."), safe="/._-~")


def numbered_name(template_from: str, taken: set[str], folder: str) -> str:
    """A free part name in `folder` patterned on `template_from` ("chart1.xml" -> "chartN.xml").

    `taken` holds lower-cased names (OPC part names are case-insensitive); the result is added.
    """
    base = posixpath.basename(template_from)
    m = re.fullmatch(r"(.*?)(\d*)(\.[^.]*)?", base)
    assert m is not None
    stem, ext = m.group(1), m.group(3) or ""
    n = 1
    while True:
        name = posixpath.join(folder, f"{stem}{n}{ext}")
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
        n += 1


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool
    node: Node


def parse_rels(data: bytes) -> tuple[Node, list[Rel]]:
    root = scan(data)
    rels = [
        Rel(n.get("Id", "") or "", n.get("Type", "") or "", n.get("Target", "") or "",
            (n.get("TargetMode") or "").lower() == "external", n)
        for n in root.findall("Relationship")
    ]
    return root, rels


def rel_xml(prefix: str, rel_id: str, rel_type: str, target: str) -> bytes:
    name = f"{prefix}:Relationship" if prefix else "Relationship"
    return element(name, [("Id", rel_id), ("Type", rel_type), ("Target", target)])


def rels_document(rels: Iterable[tuple[str, str, str, bool]]) -> bytes:
    """A new relationships part from (id, type, target, external) tuples."""
    body = b"".join(
        element("Relationship", [("Id", i), ("Type", t), ("Target", target)]
                + ([("TargetMode", "External")] if external else []))
        for i, t, target, external in rels)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + element("Relationships", [("xmlns", PKG_REL_NS)], body))


def fresh_id(taken: set[str], prefix: str = "rId") -> str:
    """An unused id like rId7; it is added to `taken`."""
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    taken.add(f"{prefix}{n}")
    return f"{prefix}{n}"


@dataclass
class ContentTypes:
    root: Node
    defaults: dict[str, str]  # extension (lower) -> content type
    overrides: dict[str, tuple[str, Node]]  # part name (lower, no "/") -> (type, node)

    def of(self, part: str) -> str | None:
        hit = self.overrides.get(part.lower())
        if hit is not None:
            return hit[0]
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        return self.defaults.get(ext)


def parse_content_types(data: bytes) -> ContentTypes:
    root = scan(data)
    defaults = {(n.get("Extension") or "").lower(): n.get("ContentType") or ""
                for n in root.findall("Default")}
    overrides = {(n.get("PartName") or "").lstrip("/").lower(): (n.get("ContentType") or "", n)
                 for n in root.findall("Override")}
    return ContentTypes(root, defaults, overrides)


def override_xml(prefix: str, part: str, content_type: str) -> bytes:
    name = f"{prefix}:Override" if prefix else "Override"
    return element(name, [("PartName", "/" + part), ("ContentType", content_type)])


def reachable(starts: Iterable[str], targets_of: Callable[[str], Iterable[str]]) -> set[str]:
    """Every part reachable from `starts` through internal relationships."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        part = todo.pop()
        if part.lower() in seen:
            continue
        seen.add(part.lower())
        todo.extend(targets_of(part))
    return seen
