"""CLI commands beyond `validate`. Importing this module registers them (see cli.register)."""

from __future__ import annotations
