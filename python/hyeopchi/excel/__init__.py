"""The Excel shell: button handlers and UDFs over xlwings. Thin: read tables, call core, write.

Only this package imports xlwings. `handlers` holds one function per 실행-sheet button,
`udfs` the worksheet functions (desktop xlwings), `udfs_server` the same functions bound
for xlwings.server / Office.js.
"""

from __future__ import annotations
