"""Personal data in outputs: names masked on request (--mask), contact details always.

Which columns hold contact data is said by the schemas (x-contact, core.schema.contact_columns).
"""

from __future__ import annotations

import re
from typing import Any


def mask_name(name: str) -> str:
    """홍길동 -> 홍*동, 남궁민수 -> 남**수, 홍길 -> 홍*: first and last syllable kept."""
    text = name.strip()
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


_SEPARATORS = re.compile(r"([\s\-./()~@]+)")


def mask_contact(value: Any) -> str:
    """A contact detail as a message may show it: 010-4821-593 -> 010-****-593. Kept: a
    leading group of up to 3 digits (the area code; else its first character) and, of three
    or more groups, a last group of up to 4 digits. Every other letter or digit is '*'."""
    text = " ".join(_text(value).split())[:50]
    parts = _SEPARATORS.split(text)  # groups at even positions, separators between
    if len(parts) == 1:  # no separators: 01048215930 -> 010********
        return text[:3] + _stars(text[3:])
    first, last = parts[0], parts[-1]
    out = [first if first.isdigit() and len(first) <= 3 else first[:1] + _stars(first[1:])]
    out += [p if i % 2 else _stars(p) for i, p in enumerate(parts[1:-1], start=1)]
    keep_last = len(parts) >= 5 and last.isdigit() and len(last) <= 4
    out.append(last if keep_last else _stars(last))
    return "".join(out)


def _stars(text: str) -> str:
    return "".join("*" if ch.isalnum() else ch for ch in text)


def _text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
