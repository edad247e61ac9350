"""`hyeopchi doctor`: is this office PC ready for the workbook? Pure over probe results.

io/probes.py gathers the facts (this Python, the workbook's embedded xlwings module and
xlwings.conf sheet, files, the Windows registry through one seam); this module turns them into
one Korean line per check: OK, or what is wrong and the exact fix.
"""

from __future__ import annotations

import ntpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .sheetspec import Block, SheetSpec, wrapped_height

OK, PROBLEM, SKIPPED = "정상", "문제", "건너뜀"
NEEDED_PYTHON = (3, 11)
WHEELHOUSE = r"E:\hyeopchi\wheelhouse"  # the USB folder of docs/office-first-run.md
TRUST_CENTER = "Excel → 파일 → 옵션 → 보안 센터 → 보안 센터 설정"


@dataclass(frozen=True)
class TrustedLocation:
    path: str  # as the registry holds it (may contain %VARIABLES%)
    subfolders: bool
    policy: bool = False  # set by a group policy, not by the user


@dataclass(frozen=True)
class ExcelFacts:
    """What the Windows registry says (None: not read, i.e. not on Windows)."""

    version: str | None  # Office version key, e.g. "16.0"; None: no Excel found
    trusted: tuple[TrustedLocation, ...] = ()
    trusted_disabled: bool = False  # "disable all trusted locations"
    access_vbom: int | None = None  # None: the value is absent (Excel's default: off)
    bits: int | None = None  # 64 or 32; None: could not tell


@dataclass(frozen=True)
class BookFacts:
    path: str  # absolute path of the workbook
    problem: str | None = None  # why it could not be read (then the rest is None)
    hyeopchi_version: str | None = None  # the hyeopchi the workbook was built for
    xlwings_version: str | None = None  # 'Version:' line of its xlwings VBA module
    interpreter: str | None = None  # Interpreter_Win in its xlwings.conf sheet
    interpreter_cell: str | None = None  # e.g. "xlwings.conf!B1"
    interpreter_exists: bool | None = None  # None: not looked for (not on Windows)
    # xlwings*.dll files in the interpreter's folder or its parent (where xlwings.bas looks)
    dlls: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Facts:
    python_version: tuple[int, int, int]
    python_bits: int
    python_executable: str
    hyeopchi_version: str
    xlwings_version: str
    windows: bool
    env: Mapping[str, str] = field(default_factory=dict)
    book: BookFacts | None = None
    excel: ExcelFacts | None = None  # None unless windows


@dataclass(frozen=True)
class Check:
    label: str
    status: str
    message: str

    @property
    def line(self) -> str:
        return f"[{self.status}] {self.label}: {self.message}"


def expand(text: str, env: Mapping[str, str]) -> str:
    """%NAME% -> env value (names case-insensitive, as Windows does); unknown names stay."""
    folded = {k.upper(): v for k, v in env.items()}
    return re.sub(r"%([^%]+)%", lambda m: folded.get(m[1].upper(), m[0]), text)


def _norm(path: str) -> str:
    return ntpath.normcase(ntpath.normpath(path)).rstrip("\\")


def _pip(facts: Facts, requirement: str) -> str:
    return (f'"{facts.python_executable}" -m pip install --no-index --find-links {WHEELHOUSE} '
            f'"{requirement}"')


def pythonw(facts: Facts) -> str:
    """The windowless interpreter beside the running one (what xlwings.conf should name)."""
    folder, name = ntpath.split(facts.python_executable)
    return ntpath.join(folder, "pythonw.exe") if name.lower() == "python.exe" else \
        facts.python_executable


def diagnose(facts: Facts) -> list[Check]:
    return [_python(facts), _hyeopchi(facts), _xlwings(facts), _interpreter(facts),
            _trusted(facts), _vbom(facts), _excel_bits(facts)]


def _python(facts: Facts) -> Check:
    version = ".".join(map(str, facts.python_version))
    shown = f"{version} ({facts.python_bits}비트)"
    fix = ("해결: USB 폴더의 Python 3.11 설치 파일(64비트)로 설치한 뒤 "
           "py -3.11 -m venv %USERPROFILE%\\hyeopchi\\venv 로 환경을 다시 만들고 hyeopchi를 "
           "설치하세요 (docs/office-first-run.md 1~2단계).")
    if facts.python_version[:2] < NEEDED_PYTHON:
        return Check("Python", PROBLEM, f"{shown}: 3.11 이상이 필요합니다. {fix}")
    if facts.python_bits != 64:
        return Check("Python", PROBLEM, f"{shown}: 64비트 Python이 필요합니다. {fix}")
    return Check("Python", OK, shown)


def _no_book(label: str) -> Check:
    return Check(label, SKIPPED, "통합문서를 지정하지 않았습니다 "
                                 "(hyeopchi doctor 통합문서경로\\hyeopchi.xlsm).")


def _book_unreadable(label: str, book: BookFacts) -> Check:
    return Check(label, PROBLEM, f"{book.path}을(를) 읽지 못했습니다: {book.problem}")


def _book_or_why_not(facts: Facts, label: str) -> BookFacts | Check:
    """The workbook a check reads, or the check's line when there is none to read."""
    if facts.book is None:
        return _no_book(label)
    if facts.book.problem:
        return _book_unreadable(label, facts.book)
    return facts.book


def _hyeopchi(facts: Facts) -> Check:
    label = "hyeopchi 버전"
    book = _book_or_why_not(facts, label)
    if isinstance(book, Check):
        return book
    if book.hyeopchi_version is None:
        return Check(label, PROBLEM, f"설치된 hyeopchi는 {facts.hyeopchi_version}이고, 통합문서에 "
                                     f"버전 표시가 없습니다 (예전 통합문서). 해결: USB 폴더의 "
                                     f"hyeopchi.xlsm을 새로 복사해 쓰세요.")
    if book.hyeopchi_version != facts.hyeopchi_version:
        return Check(label, PROBLEM,
                     f"설치된 hyeopchi는 {facts.hyeopchi_version}, 통합문서는 "
                     f"{book.hyeopchi_version}용입니다. 해결: 명령 프롬프트에서 "
                     f"{_pip(facts, 'hyeopchi==' + book.hyeopchi_version)} "
                     f"(또는 같은 USB 폴더의 hyeopchi.xlsm을 쓰세요).")
    return Check(label, OK, f"{facts.hyeopchi_version} (통합문서와 같음)")


def _xlwings(facts: Facts) -> Check:
    label = "xlwings 버전"
    book = _book_or_why_not(facts, label)
    if isinstance(book, Check):
        return book
    if book.xlwings_version is None:
        return Check(label, PROBLEM, "통합문서에 xlwings VBA 모듈이 없습니다. 해결: USB 폴더의 "
                                     "hyeopchi.xlsm을 새로 복사해 쓰세요.")
    if book.xlwings_version != facts.xlwings_version:
        return Check(label, PROBLEM,
                     f"설치된 xlwings는 {facts.xlwings_version}, 통합문서의 xlwings 모듈은 "
                     f"{book.xlwings_version}입니다. 해결: 명령 프롬프트에서 "
                     f"{_pip(facts, 'xlwings==' + book.xlwings_version)}")
    return Check(label, OK, f"{facts.xlwings_version} (통합문서의 xlwings 모듈과 같음)")


def _interpreter(facts: Facts) -> Check:
    label = "xlwings.conf의 Python"
    book = _book_or_why_not(facts, label)
    if isinstance(book, Check):
        return book
    want = pythonw(facts)
    if not book.interpreter:
        return Check(label, PROBLEM, f"xlwings.conf 시트에 Interpreter_Win 값이 없습니다. 해결: "
                                     f"xlwings.conf 시트 A열에 Interpreter_Win, 그 옆 B열에 "
                                     f"{want} 를 넣으세요.")
    if not facts.windows:
        return Check(label, SKIPPED, f"Windows가 아니어서 확인하지 않았습니다 "
                                     f"(설정값 {book.interpreter}).")
    path = expand(book.interpreter, facts.env)
    if book.interpreter_exists:
        return Check(label, OK, path)
    return Check(label, PROBLEM, f"{path} 파일이 없습니다. 해결: {book.interpreter_cell} 칸을 "
                                 f"{want} 로 바꾸고 통합문서를 저장하세요.")


def _skipped_not_windows(label: str) -> Check:
    return Check(label, SKIPPED, "Windows가 아니어서 확인하지 않았습니다 (레지스트리 없음).")


def _excel_or_why_not(facts: Facts, label: str) -> ExcelFacts | Check:
    """The Excel settings a registry check reads, or the check's line when there are none."""
    if not facts.windows:
        return _skipped_not_windows(label)
    if facts.excel is None or facts.excel.version is None:
        return _no_excel(label)
    return facts.excel


def _no_excel(label: str) -> Check:
    return Check(label, PROBLEM, "이 PC에서 Excel 설정을 찾지 못했습니다. 해결: Excel을 한 번 "
                                 "실행한 뒤 다시 확인하세요. 계속되면 Excel(Microsoft 365 또는 "
                                 "2016 이상)을 설치하세요.")


def trusted_match(folder: str, locations: tuple[TrustedLocation, ...],
                  env: Mapping[str, str]) -> TrustedLocation | None:
    want = _norm(folder)
    for loc in locations:
        base = _norm(expand(loc.path, env))
        if want == base or (loc.subfolders and want.startswith(base + "\\")):
            return loc
    return None


def _trusted(facts: Facts) -> Check:
    label = "신뢰할 수 있는 위치"
    if not facts.windows:
        return _skipped_not_windows(label)
    if facts.book is None:
        return _no_book(label)
    excel = _excel_or_why_not(facts, label)
    if isinstance(excel, Check):
        return excel
    folder = ntpath.dirname(facts.book.path)
    if excel.trusted_disabled:
        return Check(label, PROBLEM, "이 PC는 정책으로 신뢰할 수 있는 위치를 모두 껐습니다. 해결: "
                                     f"전산 담당자에게 {folder} 폴더의 매크로 허용을 요청하세요.")
    found = trusted_match(folder, excel.trusted, facts.env)
    if found:
        return Check(label, OK, f"{folder} (등록된 위치 {found.path})")
    return Check(label, PROBLEM,
                 f"{folder} 폴더가 신뢰할 수 있는 위치가 아니어서 단추의 매크로가 막힙니다. "
                 f"해결: {TRUST_CENTER} → 신뢰할 수 있는 위치 → 새 위치 추가 → "
                 f"{folder} 입력, '이 위치의 하위 폴더도 신뢰할 수 있음' 체크 → 확인.")


def _vbom(facts: Facts) -> Check:
    label = "VBA 프로젝트 개체 모델 액세스"
    excel = _excel_or_why_not(facts, label)
    if isinstance(excel, Check):
        return excel
    if excel.access_vbom == 1:
        return Check(label, OK, "허용됨 (함수 가져오기에 필요)")
    return Check(label, PROBLEM,
                 f"꺼져 있어 HYEOPCHI_ 함수를 가져올 수 없습니다. 해결: {TRUST_CENTER} → 매크로 "
                 f"설정 → 'VBA 프로젝트 개체 모델에 안전하게 액세스할 수 있음' 체크 → 확인, "
                 f"Excel을 다시 시작하세요.")


def _excel_bits(facts: Facts) -> Check:
    label = "Excel 비트"
    excel = _excel_or_why_not(facts, label)
    if isinstance(excel, Check):
        return excel
    if excel.bits is None:
        return Check(label, PROBLEM, "레지스트리로 알 수 없습니다. 해결: Excel → 파일 → 계정 → "
                                     "Excel 정보 첫 줄의 '64비트' 또는 '32비트'를 확인하고, "
                                     "이 결과와 함께 담당자에게 알려 주세요.")
    book = facts.book
    if book is None or book.problem or not book.interpreter or not book.xlwings_version:
        return Check(label, OK, f"{excel.bits}비트 (Office {excel.version})")
    # xlwings.bas loads xlwings{bits}-{version}.dll from the interpreter's folder or its parent
    dll = f"xlwings{excel.bits}-{book.xlwings_version}.dll"
    if dll.lower() in {d.lower() for d in book.dlls}:
        return Check(label, OK, f"{excel.bits}비트 (Office {excel.version}), {dll} 있음")
    venv = ntpath.dirname(ntpath.dirname(expand(book.interpreter, facts.env)))
    return Check(label, PROBLEM,
                 f"{excel.bits}비트 Excel에 필요한 {dll}이(가) {venv}에 없습니다. 해결: "
                 f"명령 프롬프트에서 {_pip(facts, 'xlwings==' + book.xlwings_version)} "
                 f"--force-reinstall")


def report(facts: Facts, checks: list[Check], when: str) -> list[str]:
    """The lines doctor prints and --report writes: a heading, one line per check, a total."""
    problems = sum(c.status == PROBLEM for c in checks)
    lines = [f"hyeopchi 설치 확인 ({when}, hyeopchi {facts.hyeopchi_version}, "
             f"{facts.python_executable})"]
    if facts.book is not None:
        lines.append(f"통합문서: {facts.book.path}")
    lines += [c.line for c in checks]
    skipped = sum(c.status == SKIPPED for c in checks)
    if problems:
        verdict = " (각 줄의 해결 방법을 따르세요)"
    elif skipped:  # never "ready" on checks that did not run
        verdict = f", 건너뜀 {skipped}건 (건너뛴 항목은 확인되지 않았습니다)"
    else:
        verdict = " — 이 PC에서 통합문서를 쓸 수 있습니다."
    lines.append(f"결과: 문제 {problems}건{verdict}")
    return lines


SHEET = "설치확인"
_WIDTHS = {0: 28, 1: 8, 2: 100}


def result_sheet(facts: Facts, checks: list[Check], when: str) -> SheetSpec:
    """The 설치 확인 button's sheet: the same lines as `hyeopchi doctor`, one check a row."""
    lines = report(facts, checks, when)
    rows = [["항목", "결과", "내용 (문제면 해결 방법)"], *[[c.label, c.status, c.message]
                                                       for c in checks]]
    top = 4 if facts.book is not None else 3
    blocks = [Block(0, 0, [["hyeopchi 설치 확인"]], style="title"),
              Block(1, 0, [[line] for line in lines[:top - 2]], style="note"),
              Block(top, 0, rows, style="wrap", header_rows=1),
              Block(top + len(rows) + 1, 0, [[lines[-1]]], style="label")]
    heights = {top + 1 + i: wrapped_height(c.message, _WIDTHS[2]) for i, c in enumerate(checks)}
    return SheetSpec(SHEET, blocks=blocks, col_widths=dict(_WIDTHS), row_heights=heights,
                     landscape=True, fit_width=True)
