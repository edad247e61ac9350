"""Byte-exact XML edits: find elements with expat, then splice bytes at their offsets.

Editing a part this way changes only the bytes we mean to change: namespace prefixes,
attribute quoting, declarations and whitespace elsewhere in the part stay as they were.
ElementTree would rewrite prefixes; lxml is not a dependency. Any DOCTYPE is refused
(no OOXML part has one), which rules out entity expansion and external entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from xml.parsers import expat

XML_NS = "http://www.w3.org/XML/1998/namespace"


class XmlError(ValueError):
    """The bytes are not well-formed XML we are willing to edit."""


@dataclass(eq=False)
class Node:
    """One element: its names, attributes, children and byte offsets in the document."""

    uri: str
    local: str
    prefix: str  # "" for the default namespace or no namespace
    attrs: dict[str, str]  # "local" or "{uri}local" -> value
    attr_qnames: dict[str, str]  # same keys -> the name as written ("r:id")
    start: int  # offset of "<"
    start_end: int  # offset just after the start tag's ">"
    inner_end: int = -1  # offset of "</" (== start_end for "<x/>")
    end: int = -1  # offset just after the element
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.inner_end == self.start_end and self.end == self.start_end

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)

    def iter(self, local: str | None = None) -> Iterator[Node]:
        """This node and all descendants (document order), optionally by local name."""
        if local is None or self.local == local:
            yield self
        for child in self.children:
            yield from child.iter(local)

    def findall(self, local: str) -> list[Node]:
        return [c for c in self.children if c.local == local]

    def find(self, local: str) -> Node | None:
        return next((c for c in self.children if c.local == local), None)


def _split_name(name: str) -> tuple[str, str, str]:
    """expat's "uri local prefix" (namespace_prefixes=True) -> (uri, local, prefix)."""
    parts = name.split(" ")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], parts[1], ""
    return "", parts[0], ""


def _tag_end(data: bytes, pos: int) -> int:
    """Offset just after the ">" closing the tag that starts at pos, skipping quoted values."""
    quote = 0
    for i in range(pos + 1, len(data)):
        ch = data[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (0x22, 0x27):  # " '
            quote = ch
        elif ch == 0x3E:  # >
            return i + 1
    raise XmlError("unterminated tag")


def scan(data: bytes) -> Node:
    """Parse a UTF-8 XML document into Nodes carrying byte offsets; return the root."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XmlError("UTF-16 parts are not supported")
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.namespace_prefixes = True
    parser.ordered_attributes = True
    stack: list[Node] = []
    root: list[Node] = []

    def refuse_doctype(*_: object) -> None:
        raise XmlError("DOCTYPE is not allowed")

    def start(name: str, attr_list: list[str]) -> None:
        pos = parser.CurrentByteIndex
        uri, local, prefix = _split_name(name)
        attrs: dict[str, str] = {}
        qnames: dict[str, str] = {}
        for i in range(0, len(attr_list), 2):
            a_uri, a_local, a_prefix = _split_name(attr_list[i])
            key = f"{{{a_uri}}}{a_local}" if a_uri else a_local
            attrs[key] = attr_list[i + 1]
            qnames[key] = f"{a_prefix}:{a_local}" if a_prefix else a_local
        node = Node(uri, local, prefix, attrs, qnames, pos, _tag_end(data, pos))
        if data[node.start_end - 2] == 0x2F:  # "/>": empty element
            node.inner_end = node.end = node.start_end
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(_name: str) -> None:
        node = stack.pop()
        if node.end < 0:
            node.inner_end = parser.CurrentByteIndex
            node.end = _tag_end(data, node.inner_end)

    def text(chars: str) -> None:
        if stack:
            stack[-1].text_parts.append(chars)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError(str(exc)) from exc
    if not root:
        raise XmlError("no root element")
    return root[0]


# --- splicing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace data[start:end] with new bytes (start == end inserts)."""

    start: int
    end: int
    data: bytes


def splice(data: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits; inserts at the same offset keep their given order."""
    ordered = sorted(enumerate(edits), key=lambda e: (e[1].start, e[1].end, e[0]))
    out: list[bytes] = []
    pos = 0
    for _, edit in ordered:
        if edit.start < pos:
            raise ValueError(f"overlapping edits at {edit.start}")
        out.append(data[pos : edit.start])
        out.append(edit.data)
        pos = edit.end
    out.append(data[pos:])
    return b"".join(out)


def remove(node: Node) -> Edit:
    return Edit(node.start, node.end, b"")


def insert_before(node: Node, xml: bytes) -> Edit:
    return Edit(node.start, node.start, xml)


def insert_after(node: Node, xml: bytes) -> Edit:
    return Edit(node.end, node.end, xml)


def append_children(data: bytes, node: Node, xml: bytes,
                    attrs: Mapping[str, str | None] | None = None) -> list[Edit]:
    """Edits that add xml at the end of node's content (and optionally change attributes)."""
    tag = data[node.start : node.start_end]
    if attrs:
        tag = set_attrs(tag, attrs)
    if node.empty:
        opened = re.sub(rb"\s*/>$", b">", tag)
        return [Edit(node.start, node.end, opened + xml + b"</" + qname(node) + b">")]
    edits = [Edit(node.inner_end, node.inner_end, xml)]
    if attrs:
        edits.append(Edit(node.start, node.start_end, tag))
    return edits


def qname(node: Node) -> bytes:
    name = f"{node.prefix}:{node.local}" if node.prefix else node.local
    return name.encode()


# --- start tags ---------------------------------------------------------------------------

_NAME = re.compile(rb"<[^\s/>]+")
_ATTR = re.compile(rb"(\s+)([^\s=/>]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")


def set_attrs(tag: bytes, changes: Mapping[str, str | None]) -> bytes:
    """Rewrite one start tag: set, add or (value None) remove attributes by written name.

    Every other attribute, namespace declaration and quote style stays as written.
    """
    head = _NAME.match(tag)
    if head is None:
        raise XmlError("not a start tag")
    out = [head.group(0)]
    pos = head.end()
    pending = dict(changes)
    while (m := _ATTR.match(tag, pos)) is not None:
        name = m.group(2).decode()
        if name in pending:
            value = pending.pop(name)
            if value is not None:
                out.append(m.group(1) + m.group(2) + b'="' + escape_attr(value) + b'"')
        else:
            out.append(m.group(0))
        pos = m.end()
    for name, value in pending.items():
        if value is not None:
            out.append(b" " + name.encode() + b'="' + escape_attr(value) + b'"')
    out.append(tag[pos:])
    return b"".join(out)


def escape_text(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


def escape_attr(text: str) -> bytes:
    escaped = escape_text(text).replace(b'"', b"&quot;")
    return escaped.replace(b"\t", b"&#9;").replace(b"\n", b"&#10;").replace(b"\r", b"&#13;")


def element(name: str, attrs: Iterable[tuple[str, str]], body: bytes | None = None) -> bytes:
    """Serialize one element from a written name, attributes in order and raw content."""
    parts = [b"<", name.encode()]
    for key, value in attrs:
        parts += [b" ", key.encode(), b'="', escape_attr(value), b'"']
    if body is None:
        parts.append(b"/>")
    else:
        parts += [b">", body, b"</", name.encode(), b">"]
    return b"".join(parts)


def serialize(node: Node, prefix: str, overrides: Mapping[str, str] | None = None) -> bytes:
    """Re-serialize node (same namespace throughout) with `prefix` for its namespace.

    Used to move elements from XlsxWriter's output (default namespace) into a part that
    may spell the same namespace with a prefix. Attributes must be unprefixed or xml:*.
    """
    name = f"{prefix}:{node.local}" if prefix else node.local
    attrs = {**node.attrs, **(overrides or {})}
    written: list[tuple[str, str]] = []
    for key, value in attrs.items():
        if key.startswith(f"{{{XML_NS}}}"):
            written.append(("xml:" + key.split("}", 1)[1], value))
        elif key.startswith("{"):
            raise XmlError(f"cannot move namespaced attribute {key}")
        else:
            written.append((key, value))
    for child in node.children:
        if child.uri != node.uri:
            raise XmlError(f"cannot move element {child.local} from another namespace")
    if node.children and node.text.strip():
        raise XmlError("mixed content is not supported")
    if node.children:
        body: bytes | None = b"".join(serialize(c, prefix) for c in node.children)
    elif node.text:
        body = escape_text(node.text)
    else:
        body = None
    return element(name, written, body)


def canonical(node: Node, overrides: Mapping[str, str] | None = None) -> tuple[object, ...]:
    """A comparable key: names, sorted attributes (with overrides), text and children."""
    attrs = {**node.attrs, **(overrides or {})}
    return (node.uri, node.local, tuple(sorted(attrs.items())), node.text.strip(),
            tuple(canonical(c) for c in node.children))
