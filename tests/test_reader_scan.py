"""The reader's pre-calamine scan: the last column is found with few whole-block searches."""

from __future__ import annotations

import pytest

from hyeopchi.io.reader import _last_column

ROW = b'<row r="7"><c r="A7"><v>1</v></c><c r="C7" s="2"/><c r="E7"><v>2</v></c></row>'


@pytest.mark.parametrize(("block", "known", "expected"), [
    pytest.param(ROW, 0, 5, id="first-block-finds-E"),
    pytest.param(ROW, 3, 5, id="later-column-than-known"),
    pytest.param(ROW, 5, 5, id="nothing-later-than-known"),
    pytest.param(ROW, 9, 9, id="known-is-already-later"),
    pytest.param(ROW + b'<c r="Z9"><v>1</v></c>', 5, 26, id="up-to-Z"),
    pytest.param(ROW + b'<c r="AB9"><v>1</v></c>', 5, 28, id="two-letter-column"),
    pytest.param(b"<row/>", 0, 0, id="no-cells"),
])
def test_last_column(block: bytes, known: int, expected: int) -> None:
    assert _last_column(block, known) == expected
