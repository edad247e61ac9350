"""The jobs below every shell: `catalog.JOBS` by name, each a `Job` with typed options.

Imports run one way: shells (cli, batch, excel) -> jobs -> core.
"""

from __future__ import annotations

from .base import AnyJob, Job
from .catalog import JOBS, get
from .options import Field, OptionError, for_month, from_values, option, parse_value

__all__ = ["JOBS", "AnyJob", "Field", "Job", "OptionError", "for_month", "from_values",
           "get", "option", "parse_value"]
