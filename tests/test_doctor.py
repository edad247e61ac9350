"""`hyeopchi doctor`: the checks over probe results (pure), the Windows registry branch through
a fake registry (good and bad settings), the workbook probes on real files, and the CLI here
on Linux (Windows probes say they were skipped). Expected lines are written out by hand."""

from __future__ import annotations

import random
import re
import sys
import tomllib
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hyeopchi.cli import main
from hyeopchi.core.doctor import (
    OK,
    PROBLEM,
    SKIPPED,
    BookFacts,
    ExcelFacts,
    Facts,
    TrustedLocation,
    diagnose,
    expand,
    report,
)
from hyeopchi.io.probes import book_facts, excel_facts, gather
from hyeopchi.io.vba import VbaError, decompress, module_source

with warnings.catch_warnings():  # oletools calls a pyparsing API that now warns
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import decompress_stream

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "workbook" / "hyeopchi.xlsm"
sys.path.insert(0, str(ROOT / "workbook"))

import build_xlsm  # noqa: E402

USER = r"C:\Users\kim"
ENV = {"USERPROFILE": USER, "APPDATA": USER + r"\AppData\Roaming"}
BOOK = USER + r"\Documents\협치\hyeopchi.xlsm"
PYTHON = USER + r"\hyeopchi\venv\Scripts\python.exe"

Keys = dict[str, dict[str, str | int]]


class FakeRegistry:
    """Keys (case-insensitive, like Windows) -> {value name: value}."""

    def __init__(self, values: Keys) -> None:
        self.keys = list(values)  # as spelled: subkeys come back in their own case
        self.values = {k.lower(): v for k, v in values.items()}

    def value(self, key: str, name: str) -> str | int | None:
        return self.values.get(key.lower(), {}).get(name)

    def subkeys(self, key: str) -> list[str]:
        prefix = key.lower() + "\\"
        names: list[str] = []
        for k in self.keys:
            if k.lower().startswith(prefix):
                first = k[len(prefix):].split("\\")[0]
                if first.lower() not in {n.lower() for n in names}:
                    names.append(first)
        return names


OFFICE_KEY = r"HKCU\Software\Microsoft\Office\16.0\Excel"
SECURITY = OFFICE_KEY + r"\Security"
GOOD_REGISTRY: Keys = {
    OFFICE_KEY + r"\Options": {"Font": "맑은 고딕,11"},
    SECURITY: {"AccessVBOM": 1, "VBAWarnings": 2},
    SECURITY + r"\Trusted Locations\Location0": {
        "Path": r"C:\Program Files\Microsoft Office\Root\Office16\XLSTART" "\\"},
    SECURITY + r"\Trusted Locations\Location1": {"Path": r"%USERPROFILE%\Documents" "\\",
                                                 "AllowSubfolders": 1},
    r"HKCU\Software\Microsoft\Office\15.0\Excel\Security": {"AccessVBOM": 0},
    r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration": {"Platform": "x64"},
}


def good_book(**changes: object) -> BookFacts:
    fields: dict[str, object] = {
        "path": BOOK, "hyeopchi_version": "0.1.0", "xlwings_version": "0.37.8",
        "interpreter": r"%USERPROFILE%\hyeopchi\venv\Scripts\pythonw.exe",
        "interpreter_cell": "xlwings.conf!B1", "interpreter_exists": True,
        "dlls": frozenset({"xlwings64-0.37.8.dll", "xlwings32-0.37.8.dll"})}
    fields.update(changes)
    return BookFacts(**fields)  # type: ignore[arg-type]


def facts(registry: Keys | None = None, *, book: BookFacts | None = None,
          version: tuple[int, int, int] = (3, 11, 9), bits: int = 64) -> Facts:
    return Facts(python_version=version, python_bits=bits, python_executable=PYTHON,
                 hyeopchi_version="0.1.0", xlwings_version="0.37.8", windows=True, env=ENV,
                 book=book if book is not None else good_book(),
                 excel=excel_facts(FakeRegistry(GOOD_REGISTRY if registry is None else registry)))


def by_label(f: Facts) -> dict[str, tuple[str, str]]:
    return {c.label: (c.status, c.message) for c in diagnose(f)}


# --- the Windows branch through a fake registry ------------------------------------------

def test_good_office_pc_passes_every_check() -> None:
    checks = diagnose(facts())
    assert [c.line for c in checks] == [
        "[정상] Python: 3.11.9 (64비트)",
        "[정상] hyeopchi 버전: 0.1.0 (통합문서와 같음)",
        "[정상] xlwings 버전: 0.37.8 (통합문서의 xlwings 모듈과 같음)",
        r"[정상] xlwings.conf의 Python: C:\Users\kim\hyeopchi\venv\Scripts\pythonw.exe",
        "[정상] 신뢰할 수 있는 위치: "
        r"C:\Users\kim\Documents\협치 (등록된 위치 %USERPROFILE%\Documents\)",
        "[정상] VBA 프로젝트 개체 모델 액세스: 허용됨 (함수 가져오기에 필요)",
        "[정상] Excel 비트: 64비트 (Office 16.0), xlwings64-0.37.8.dll 있음",
    ]
    # every check ran and passed: only then is the PC called ready
    assert report(facts(), checks, "2026-12-02 09:00")[-1] == (
        "결과: 문제 0건 — 이 PC에서 통합문서를 쓸 수 있습니다.")


def test_registry_facts_read_through_the_seam() -> None:
    excel = excel_facts(FakeRegistry(GOOD_REGISTRY))
    assert excel == ExcelFacts(
        version="16.0",  # the newest version that has an Excel key (15.0's AccessVBOM unused)
        trusted=(TrustedLocation(r"C:\Program Files\Microsoft Office\Root\Office16\XLSTART" "\\",
                                 False),
                 TrustedLocation(r"%USERPROFILE%\Documents" "\\", True)),
        trusted_disabled=False, access_vbom=1, bits=64)


def test_folder_not_trusted_says_how_to_add_it() -> None:
    registry = {k: v for k, v in GOOD_REGISTRY.items() if "Location1" not in k}
    status, message = by_label(facts(registry))["신뢰할 수 있는 위치"]
    assert status == PROBLEM
    assert message == (
        r"C:\Users\kim\Documents\협치 폴더가 신뢰할 수 있는 위치가 아니어서 단추의 매크로가 "
        "막힙니다. 해결: Excel → 파일 → 옵션 → 보안 센터 → 보안 센터 설정 → 신뢰할 수 있는 "
        r"위치 → 새 위치 추가 → C:\Users\kim\Documents\협치 입력, '이 위치의 하위 폴더도 신뢰할 "
        "수 있음' 체크 → 확인.")


def test_parent_folder_without_subfolders_does_not_trust_the_book() -> None:
    registry = dict(GOOD_REGISTRY)
    registry[SECURITY + r"\Trusted Locations\Location1"] = {"Path": r"%userprofile%\Documents"}
    assert by_label(facts(registry))["신뢰할 수 있는 위치"][0] == PROBLEM
    registry[SECURITY + r"\Trusted Locations\Location1"] = {"Path": r"c:\users\KIM\documents\협치"}
    assert by_label(facts(registry))["신뢰할 수 있는 위치"][0] == OK  # same folder, any case


def test_policy_location_counts_and_disabled_locations_are_a_problem() -> None:
    registry = {k: v for k, v in GOOD_REGISTRY.items() if "Location1" not in k}
    policy = r"HKCU\Software\Policies\Microsoft\Office\16.0\Excel\Security\Trusted Locations"
    registry[policy + r"\Location9"] = {"Path": USER + r"\Documents\협치"}
    assert by_label(facts(registry))["신뢰할 수 있는 위치"][0] == OK
    registry[policy] = {"AllLocationsDisabled": 1}
    status, message = by_label(facts(registry))["신뢰할 수 있는 위치"]
    assert status == PROBLEM and "정책으로" in message and "전산 담당자" in message


@pytest.mark.parametrize("security", [
    pytest.param({"AccessVBOM": 0}, id="off"),
    pytest.param({}, id="absent-means-off"),
])
def test_vba_object_model_access_off(security: dict[str, str | int]) -> None:
    registry = dict(GOOD_REGISTRY)
    registry[SECURITY] = security
    status, message = by_label(facts(registry))["VBA 프로젝트 개체 모델 액세스"]
    assert status == PROBLEM
    assert message == (
        "꺼져 있어 HYEOPCHI_ 함수를 가져올 수 없습니다. 해결: Excel → 파일 → 옵션 → 보안 센터 → "
        "보안 센터 설정 → 매크로 설정 → 'VBA 프로젝트 개체 모델에 안전하게 액세스할 수 있음' "
        "체크 → 확인, Excel을 다시 시작하세요.")


def test_policy_wins_over_the_users_vbom_setting() -> None:
    registry = dict(GOOD_REGISTRY)
    registry[r"HKCU\Software\Policies\Microsoft\Office\16.0\Excel\Security"] = {"AccessVBOM": 0}
    assert by_label(facts(registry))["VBA 프로젝트 개체 모델 액세스"][0] == PROBLEM


@pytest.mark.parametrize(("keys", "bits"), [
    pytest.param({r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration":
                  {"Platform": "x86"}}, 32, id="click-to-run-x86"),
    pytest.param({r"HKLM\SOFTWARE\Microsoft\Office\16.0\Outlook": {"Bitness": "x64"}}, 64,
                 id="msi-outlook-bitness"),
    pytest.param({r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Office\16.0\Excel\InstallRoot":
                  {"Path": r"C:\Program Files (x86)\Microsoft Office\Office16" "\\"}}, 32,
                 id="msi-32-bit-view"),
    pytest.param({}, None, id="unknown"),
])
def test_excel_bitness_from_the_registry(keys: Keys,
                                         bits: int | None) -> None:
    registry = {k: v for k, v in GOOD_REGISTRY.items() if not k.startswith("HKLM")}
    registry.update(keys)
    assert excel_facts(FakeRegistry(registry)).bits == bits


def test_32_bit_excel_needs_the_32_bit_dll_and_unknown_bitness_says_where_to_look() -> None:
    registry = dict(GOOD_REGISTRY)
    registry[r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration"] = {"Platform": "x86"}
    only64 = good_book(dlls=frozenset({"xlwings64-0.37.8.dll"}))
    status, message = by_label(facts(registry, book=only64))["Excel 비트"]
    assert status == PROBLEM
    assert message.startswith(r"32비트 Excel에 필요한 xlwings32-0.37.8.dll이(가) "
                              r"C:\Users\kim\hyeopchi\venv에 없습니다. 해결: ")
    assert message.endswith('-m pip install --no-index --find-links E:\\hyeopchi\\wheelhouse '
                            '"xlwings==0.37.8" --force-reinstall')
    del registry[r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration"]
    status, message = by_label(facts(registry))["Excel 비트"]
    assert status == PROBLEM and "파일 → 계정 → Excel 정보" in message


def test_no_excel_on_the_pc() -> None:
    checks = by_label(facts({}))
    for label in ("신뢰할 수 있는 위치", "VBA 프로젝트 개체 모델 액세스", "Excel 비트"):
        assert checks[label][0] == PROBLEM
        assert checks[label][1].startswith("이 PC에서 Excel 설정을 찾지 못했습니다.")


# --- versions, Python, xlwings.conf ------------------------------------------------------

def test_version_mismatches_give_the_exact_pip_command() -> None:
    checks = by_label(facts(book=good_book(hyeopchi_version="0.2.0", xlwings_version="0.37.9")))
    pip = (r'"C:\Users\kim\hyeopchi\venv\Scripts\python.exe" -m pip install --no-index '
           r"--find-links E:\hyeopchi\wheelhouse ")
    assert checks["hyeopchi 버전"] == (PROBLEM, (
        "설치된 hyeopchi는 0.1.0, 통합문서는 0.2.0용입니다. 해결: 명령 프롬프트에서 "
        + pip + '"hyeopchi==0.2.0" (또는 같은 USB 폴더의 hyeopchi.xlsm을 쓰세요).'))
    assert checks["xlwings 버전"] == (PROBLEM, (
        "설치된 xlwings는 0.37.8, 통합문서의 xlwings 모듈은 0.37.9입니다. 해결: 명령 "
        "프롬프트에서 " + pip + '"xlwings==0.37.9"'))


@pytest.mark.parametrize(("version", "bits", "needs"), [
    ((3, 10, 11), 64, "3.11 이상이 필요합니다."),
    ((3, 11, 9), 32, "64비트 Python이 필요합니다."),
])
def test_wrong_python(version: tuple[int, int, int], bits: int, needs: str) -> None:
    status, message = by_label(facts(version=version, bits=bits))["Python"]
    assert status == PROBLEM
    assert message.startswith(f"{'.'.join(map(str, version))} ({bits}비트): {needs} 해결: ")


def test_missing_interpreter_names_the_cell_and_the_right_path() -> None:
    status, message = by_label(facts(book=good_book(interpreter_exists=False)))[
        "xlwings.conf의 Python"]
    assert (status, message) == (PROBLEM, (
        r"C:\Users\kim\hyeopchi\venv\Scripts\pythonw.exe 파일이 없습니다. 해결: xlwings.conf!B1 "
        r"칸을 C:\Users\kim\hyeopchi\venv\Scripts\pythonw.exe 로 바꾸고 통합문서를 저장하세요."))


def test_unreadable_book_is_one_line_per_book_check() -> None:
    broken = BookFacts(BOOK, problem="통합문서 파일이 아니거나 손상되었습니다")
    checks = by_label(facts(book=broken))
    for label in ("hyeopchi 버전", "xlwings 버전", "xlwings.conf의 Python"):
        assert checks[label] == (PROBLEM, f"{BOOK}을(를) 읽지 못했습니다: 통합문서 파일이 "
                                          "아니거나 손상되었습니다")


def test_expand_is_case_insensitive_and_keeps_unknown_names() -> None:
    assert expand(r"%UserProfile%\a\%NOPE%", ENV) == r"C:\Users\kim\a\%NOPE%"


# --- real files and this machine ------------------------------------------------------------

def test_office_workbook_probes() -> None:
    found = book_facts(OFFICE, windows=False, env={})
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    bas = (ROOT / "workbook" / "vba" / "xlwings.bas").read_text(encoding="ascii")
    assert found.problem is None
    assert found.hyeopchi_version == pyproject["project"]["version"]
    assert found.xlwings_version == re.search(r"'Version: (\S+)", bas)[1]  # type: ignore[index]
    assert found.interpreter == r"%USERPROFILE%\hyeopchi\venv\Scripts\pythonw.exe"
    assert found.interpreter_cell == "xlwings.conf!B1"
    assert found.interpreter_exists is None  # not looked for off Windows


def test_interpreter_and_dlls_are_looked_for_on_windows(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "Scripts").mkdir(parents=True)
    (venv / "Scripts" / "pythonw.exe").write_bytes(b"")
    (venv / "xlwings64-0.37.8.dll").write_bytes(b"")
    wb = openpyxl.Workbook()
    wb.active.title = "xlwings.conf"
    wb.active.append(["Show Console", "False"])
    wb.active.append(["Interpreter_Win", "%VENV%/Scripts/pythonw.exe"])
    wb.save(tmp_path / "book.xlsx")
    found = book_facts(tmp_path / "book.xlsx", windows=True, env={"venv": str(venv)})
    assert (found.interpreter_exists, found.interpreter_cell) == (True, "xlwings.conf!B2")
    assert found.dlls == {"xlwings64-0.37.8.dll"}
    assert (found.hyeopchi_version, found.xlwings_version) == (None, None)  # no VBA, no mark


def test_broken_book_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsm"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert book_facts(bad, windows=False, env={}).problem == (
        "통합문서 파일이 아니거나 손상되었습니다")
    with zipfile.ZipFile(OFFICE) as src, zipfile.ZipFile(tmp_path / "vba.xlsm", "w") as dst:
        for name in src.namelist():
            dst.writestr(name, b"garbage" if name == "xl/vbaProject.bin" else src.read(name))
    assert book_facts(tmp_path / "vba.xlsm", windows=False, env={}).problem == (
        "VBA 프로젝트를 열 수 없습니다")


def test_doctor_here_skips_the_windows_checks_and_writes_the_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "설치확인.txt"
    code = main(["doctor", str(OFFICE), "--report", str(report)])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert code == 0, out
    assert lines[0].startswith("hyeopchi 설치 확인 (")
    assert lines[1] == f"통합문서: {OFFICE}"
    assert "[건너뜀] xlwings.conf의 Python: Windows가 아니어서 확인하지 않았습니다 (설정값 " \
           r"%USERPROFILE%\hyeopchi\venv\Scripts\pythonw.exe)." in lines
    for label in ("신뢰할 수 있는 위치", "VBA 프로젝트 개체 모델 액세스", "Excel 비트"):
        assert (f"[건너뜀] {label}: Windows가 아니어서 확인하지 않았습니다 (레지스트리 없음)."
                in lines)
    # four checks did not run here: the result must not call the PC ready
    assert lines[-2] == "결과: 문제 0건, 건너뜀 4건 (건너뛴 항목은 확인되지 않았습니다)"
    assert lines[-1] == f"결과를 {report}에 저장했습니다."
    data = report.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Notepad shows the Korean
    assert data.decode("utf-8-sig").split("\r\n")[:-1] == lines[:-1]


def test_doctor_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", str(tmp_path / "없음.xlsm")]) == 2
    assert "통합문서를 찾을 수 없습니다" in capsys.readouterr().err
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    assert main(["doctor", str(plain)]) == 1  # no version mark, no xlwings module, no conf
    out = capsys.readouterr().out
    assert out.count(f"[{PROBLEM}]") == 3 and out.count(f"[{SKIPPED}]") == 3


def test_gather_reads_this_python() -> None:
    here = gather(None, "9.9.9", windows=False)
    assert here.python_version[:2] == sys.version_info[:2]
    assert here.book is None and here.excel is None and here.hyeopchi_version == "9.9.9"


# --- reading the VBA project ----------------------------------------------------------------

def test_embedded_xlwings_module_is_read_back_verbatim() -> None:
    text = module_source(OFFICE, "xlwings")
    bas = (ROOT / "workbook" / "vba" / "xlwings.bas").read_text(encoding="ascii")
    assert text is not None
    assert [line for line in text.splitlines() if not line.startswith("Attribute ")] == [
        line for line in bas.splitlines() if not line.startswith("Attribute ")]
    assert module_source(OFFICE, "NoSuchModule") is None


@pytest.mark.parametrize("data", [
    b"Sub A()\r\nEnd Sub\r\n" * 700,
    random.Random(3).randbytes(10000),
    bytes(random.Random(4).choice(b"ab ") for _ in range(9000)),
])
def test_decompress_agrees_with_olevba(data: bytes) -> None:
    packed = build_xlsm.ovba_compress(data)
    assert decompress(packed) == bytes(decompress_stream(bytearray(packed))) == data


def test_decompress_refuses_garbage() -> None:
    for bad in (b"", b"\x02abc", b"\x01\x05"):
        with pytest.raises(VbaError):
            decompress(bad)
