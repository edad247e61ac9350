"""The facts `hyeopchi doctor` judges (core/doctor.py): this Python, the workbook file, and on
Windows the registry, read through ONE seam (`Registry`) so the Windows branch is tested with
a fake registry on any machine.
"""

from __future__ import annotations

import ntpath
import os
import platform
import re
import struct
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook

from ..core.doctor import BookFacts, ExcelFacts, Facts, TrustedLocation, expand
from .vba import VbaError, module_source

CONF_SHEET = "xlwings.conf"
OFFICE = r"HKCU\Software\Microsoft\Office"
POLICIES = r"HKCU\Software\Policies\Microsoft\Office"
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


class Registry(Protocol):
    """Read-only registry access: keys are written 'HKCU\\Software\\...' or 'HKLM\\...'."""

    def value(self, key: str, name: str) -> str | int | None: ...

    def subkeys(self, key: str) -> list[str]: ...


class WindowsRegistry:
    """The real registry (64-bit view), through winreg. Windows only."""

    def value(self, key: str, name: str) -> str | int | None:
        if sys.platform != "win32":
            return None
        import winreg

        try:
            with _open_key(key) as handle:
                found = winreg.QueryValueEx(handle, name)[0]
        except OSError:
            return None
        return found if isinstance(found, (str, int)) else None

    def subkeys(self, key: str) -> list[str]:
        if sys.platform != "win32":
            return []
        import winreg

        names: list[str] = []
        try:
            with _open_key(key) as handle:
                while True:
                    names.append(winreg.EnumKey(handle, len(names)))
        except OSError:  # no such key, or no more subkeys
            return names


def _open_key(key: str) -> Any:
    if sys.platform != "win32":
        raise OSError(key)
    import winreg

    root, _, sub = key.partition("\\")
    hive = {"HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}[root]
    return winreg.OpenKey(hive, sub, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)


def excel_facts(registry: Registry) -> ExcelFacts:
    """Excel's trust settings and bitness, from the newest Office version that has run Excel."""
    versions = [v for v in registry.subkeys(OFFICE)
                if re.fullmatch(r"\d+\.\d", v)
                and "excel" in {k.lower() for k in registry.subkeys(rf"{OFFICE}\{v}")}]
    if not versions:
        return ExcelFacts(version=None)
    version = max(versions, key=lambda v: tuple(map(int, v.split("."))))
    user = rf"{OFFICE}\{version}\Excel\Security"
    policy = rf"{POLICIES}\{version}\Excel\Security"
    trusted: list[TrustedLocation] = []
    for base, by_policy in ((user, False), (policy, True)):
        root = base + r"\Trusted Locations"
        for sub in registry.subkeys(root):
            path = registry.value(rf"{root}\{sub}", "Path")
            if isinstance(path, str) and path.strip():
                trusted.append(TrustedLocation(
                    path, registry.value(rf"{root}\{sub}", "AllowSubfolders") == 1, by_policy))
    disabled = any(registry.value(b + r"\Trusted Locations", "AllLocationsDisabled") == 1
                   for b in (user, policy))
    vbom = registry.value(policy, "AccessVBOM")  # a policy wins over the user's choice
    if not isinstance(vbom, int):
        vbom = registry.value(user, "AccessVBOM")
    return ExcelFacts(version=version, trusted=tuple(trusted), trusted_disabled=disabled,
                      access_vbom=vbom if isinstance(vbom, int) else None,
                      bits=_excel_bits(registry, version))


def _excel_bits(registry: Registry, version: str) -> int | None:
    for key, name in ((r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform"),
                      (rf"HKLM\SOFTWARE\Microsoft\Office\{version}\Outlook", "Bitness")):
        found = registry.value(key, name)
        if found in ("x64", "x86"):
            return 64 if found == "x64" else 32
    if registry.value(rf"HKLM\SOFTWARE\Microsoft\Office\{version}\Excel\InstallRoot", "Path"):
        return 64
    wow = rf"HKLM\SOFTWARE\WOW6432Node\Microsoft\Office\{version}\Excel\InstallRoot"
    if registry.value(wow, "Path"):
        return 32
    return None


def _custom_property(zf: zipfile.ZipFile, name: str) -> str | None:
    if "docProps/custom.xml" not in zf.namelist():
        return None
    root = ElementTree.fromstring(zf.read("docProps/custom.xml"))
    for prop in root.iter(CUSTOM_NS + "property"):
        if prop.get("name") == name:
            return "".join(prop.itertext()).strip() or None
    return None


def _conf(book: Path) -> tuple[str | None, str | None]:
    """Interpreter_Win and its cell in the book's xlwings.conf sheet."""
    wb = CalamineWorkbook.from_path(str(book))
    if CONF_SHEET not in wb.sheet_names:
        return None, None
    for r, row in enumerate(wb.get_sheet_by_name(CONF_SHEET).to_python(skip_empty_area=False)):
        if row and str(row[0]).strip().lower() == "interpreter_win":
            value = str(row[1]).strip() if len(row) > 1 and row[1] not in (None, "") else None
            return value, f"{CONF_SHEET}!B{r + 1}"
    return None, None


def book_facts(book: Path, windows: bool, env: Mapping[str, str]) -> BookFacts:
    path = str(book.resolve())
    try:
        with zipfile.ZipFile(book) as zf:
            hyeopchi = _custom_property(zf, "hyeopchi")
        xlwings_bas = module_source(book, "xlwings")
        interpreter, cell = _conf(book)
    except VbaError as exc:
        return BookFacts(path, problem=str(exc))
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, CalamineError):
        return BookFacts(path, problem="통합문서 파일이 아니거나 손상되었습니다")
    found = re.search(r"^'Version: *(\S+)", xlwings_bas or "", re.MULTILINE)
    exists, dlls = None, frozenset[str]()
    if windows and interpreter:
        interp = expand(interpreter, env)
        exists = os.path.isfile(interp)
        folders = {ntpath.dirname(interp), ntpath.dirname(ntpath.dirname(interp))}
        dlls = frozenset(name for folder in folders if os.path.isdir(folder)
                         for name in os.listdir(folder)
                         if name.lower().startswith("xlwings") and name.lower().endswith(".dll"))
    return BookFacts(path, hyeopchi_version=hyeopchi, xlwings_version=found[1] if found else None,
                     interpreter=interpreter, interpreter_cell=cell, interpreter_exists=exists,
                     dlls=dlls)


def gather(book: Path | None, hyeopchi_version: str, *, registry: Registry | None = None,
           windows: bool | None = None, env: Mapping[str, str] | None = None) -> Facts:
    """Everything doctor checks (the shell passes hyeopchi's version: io/ sits below the
    package). On Windows the registry is read unless one is given (tests)."""
    import xlwings

    windows = sys.platform == "win32" if windows is None else windows
    env = dict(os.environ) if env is None else env
    if windows and registry is None:
        registry = WindowsRegistry()
    info = sys.version_info
    return Facts(
        python_version=(info.major, info.minor, info.micro),
        python_bits=struct.calcsize("P") * 8,
        python_executable=sys.executable,
        hyeopchi_version=hyeopchi_version,
        xlwings_version=xlwings.__version__,
        windows=windows,
        env=env,
        book=book_facts(book, windows, env) if book is not None else None,
        excel=excel_facts(registry) if windows and registry is not None else None,
    )


def machine() -> str:
    return f"{platform.system()} {platform.release()} {platform.machine()}"
