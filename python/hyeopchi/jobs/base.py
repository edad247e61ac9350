"""A job: one command of hyeopchi, the same for the CLI, batch and the Excel buttons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .options import Field, fields

if TYPE_CHECKING:
    from ..core.outcome import Outcome
    from ..core.tables import Book

OptionsT = TypeVar("OptionsT")


@dataclass(frozen=True)
class Job(Generic[OptionsT]):
    name: str  # the CLI command
    help: str  # one Korean line (CLI help)
    label: str  # the button's caption and the 상태 line's subject
    sheets: tuple[str, ...]  # sheets read when present (the job requires its own)
    options: type[OptionsT]  # a dataclass of option() fields
    run: Callable[[Book, OptionsT], Outcome]  # pure: no files, no Excel, no clock
    writes: bool = True  # has result sheets (--out / --in-place)
    needs_output: bool = False  # refuses to run without somewhere to write (report)
    in_batch: bool = True  # batch runs it when its options can be filled for a month
    pdf: bool = False  # a document for 전자결재: CLI --pdf; the button also saves .xlsx/.pdf files

    def fields(self) -> tuple[Field, ...]:
        return fields(self.options)

    def __call__(self, book: Book, options: OptionsT) -> Outcome:
        return self.run(book, options)


AnyJob = Job[Any]
