"""Benchmarks, side by side in one run:  python bench/run.py [--quick]

1. One sample-size book (the bundled sample) and one full-size book (an 출석 sheet at Excel's
   row limit, 1,048,575 rows; 100,000 with --quick), each read by
   (a) hyeopchi: read + validate + every job of `batch` for 2021-03 (no file written),
   (b) pandas.read_excel(engine="openpyxl") of the same sheets (what a user would write),
   (c) a bare python_calamine read of the same sheets (the floor),
   each in a fresh subprocess; peak RSS from os.wait4 (the child's rusage, as
   getrusage(RUSAGE_CHILDREN) would give for that child alone).
2. 100 sample-size books (20 with --quick) through `hyeopchi batch` with --jobs 1 and --jobs 2.
Prints a Markdown report with the machine and whether each target is met.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"
SHEETS = ["위원", "조직", "활동", "회의", "출석", "수당기준", "설정", "평가입력", "심사"]
MONTH = (2021, 3)
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "python")}


# --- the cases, each run in a fresh child process ------------------------------------------

def child(case: str, path: str) -> dict[str, Any]:
    started = time.perf_counter()
    if case == "hyeopchi":
        from hyeopchi.batch.worker import planned_jobs, process_book

        planned_jobs(MONTH)  # imports of every job: part of start-up, not of the work
        imported = time.perf_counter()
        result = process_book(path, None, MONTH)
        assert result["status"] == "ok", result["message"]
        extra = {"timings": result["timings"]}
    elif case == "pandas":
        import pandas as pd

        imported = time.perf_counter()
        frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        frames = {k: v for k, v in frames.items() if k in SHEETS}
        extra = {"rows": sum(len(f) for f in frames.values())}
    elif case == "calamine":
        import python_calamine

        imported = time.perf_counter()
        wb = python_calamine.CalamineWorkbook.from_path(path)
        rows = sum(len(wb.get_sheet_by_name(s).to_python(skip_empty_area=True))
                   for s in SHEETS if s in wb.sheet_names)
        extra = {"rows": rows}
    else:
        raise SystemExit(f"unknown case {case}")
    done = time.perf_counter()
    return {"import": imported - started, "work": done - imported, **extra}


def measure(argv: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in bytes, stdout) of one fresh subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=ENV, cwd=ROOT)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed with {proc.returncode}")
    return wall, usage.ru_maxrss * 1024, out.decode()


def run_case(case: str, book: Path, repeats: int) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeats):
        wall, rss, out = measure([sys.executable, __file__, "--child", case, str(book)])
        r = {**json.loads(out), "wall": wall, "rss": rss}
        if best is None or r["work"] < best["work"]:
            best = r
    assert best is not None
    return best


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_ceiling(n: int = 10_000_000) -> float:
    """Speed-up of two processes over one on pure Python work: what this machine allows."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [1000, 1000]))  # workers started
        t = time.perf_counter()
        _burn(n)
        _burn(n)
        serial = time.perf_counter() - t
        t = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        parallel = time.perf_counter() - t
    return serial / parallel


def run_batch(folder: Path, out: Path, jobs: int) -> float:
    wall, _, text = measure([sys.executable, "-m", "hyeopchi", "batch", str(folder), "--month",
                             "2021-03", "--out", str(out), "--json", "--force",
                             "--jobs", str(jobs)])
    payload = json.loads(text)
    assert payload["ok"] == len(payload["books"]), payload
    return wall


# --- report --------------------------------------------------------------------------------

def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo
                if line.startswith("model name")), platform.processor() or "?")
    mem = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
            f"{mem / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hyeopchi benchmarks")
    parser.add_argument("--quick", action="store_true",
                        help="100,000-row full book, 20 batch books, fewer repeats")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "BOOK"), help=argparse.SUPPRESS)
    parser.add_argument("--work-dir", type=Path, help="keep generated books here (reused)")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0

    from make_books import EXCEL_MAX_DATA_ROWS, make_archive, make_book

    rows = 100_000 if args.quick else EXCEL_MAX_DATA_ROWS
    n_books = 20 if args.quick else 100
    with tempfile.TemporaryDirectory(prefix="hyeopchi-bench-") as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        full = work / f"full-{rows}.xlsx"
        if not full.exists():
            t = time.perf_counter()
            make_book(full, rows)
            print(f"generated {full.name} ({full.stat().st_size / 1e6:.1f} MB) in "
                  f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
        lines = ["# hyeopchi benchmark", "", f"Machine: {machine()}", "",
                 "| book | case | work (s) | process wall (s) | peak RSS | x floor |",
                 "|---|---|---:|---:|---:|---:|"]
        results: dict[tuple[str, str], dict[str, Any]] = {}
        for label, book, repeats in (("sample (281 people, 494 출석 rows)", SAMPLE, 3),
                                     (f"full ({rows:,} 출석 rows)", full, 1)):
            for case in ("calamine", "hyeopchi", "pandas"):
                print(f"{label}: {case} ...", file=sys.stderr)
                results[(label, case)] = r = run_case(case, book, repeats)
            floor = results[(label, "calamine")]["work"]
            for case in ("hyeopchi", "pandas", "calamine"):
                r = results[(label, case)]
                lines.append(f"| {label} | {case} | {r['work']:.2f} | {r['wall']:.2f} | "
                             f"{mb(r['rss'])} | {r['work'] / floor:.2f} |")
        archive = work / f"archive-{n_books}"
        if not archive.exists():
            make_archive(archive, n_books)
        walls = {}
        for jobs in (1, 2):
            print(f"batch of {n_books} books, --jobs {jobs} ...", file=sys.stderr)
            walls[jobs] = run_batch(archive, work / f"out-{jobs}", jobs)
        speedup = walls[1] / walls[2]
        ceiling = min(cpu_ceiling() for _ in range(3))
        lines += ["", f"| batch of {n_books} sample-size books | wall (s) | per book (s) |",
                  "|---|---:|---:|"]
        lines += [f"| --jobs {j} | {w:.2f} | {w / n_books:.3f} |" for j, w in walls.items()]
        lines += ["", (f"Speed-up with 2 jobs: {speedup:.2f}x (this machine's ceiling: two "
                       f"processes of pure Python run {ceiling:.2f}x faster than one)"), ""]
        for label in dict.fromkeys(k[0] for k in results):
            t = results[(label, "hyeopchi")]["timings"]
            lines.append(f"hyeopchi on {label}: " + ", ".join(f"{k} {v:.2f}s" for k, v in t.items()))
        lines.append("")
        sample_label, full_label = list(dict.fromkeys(k[0] for k in results))
        s, f = results[(sample_label, "hyeopchi")], results[(full_label, "hyeopchi")]
        ratio = f["work"] / results[(full_label, "calamine")]["work"]
        read_ratio = (f["timings"]["read"] + f["timings"]["validate"]) / results[
            (full_label, "calamine")]["work"]
        targets = [
            ("sample book end to end < 1 s (work)", s["work"] < 1.0, f"{s['work']:.2f} s"),
            ("full-size book within 2x the bare-read floor", ratio <= 2.0, f"{ratio:.2f}x"),
            ("(read + validate only, within 2x the floor)", read_ratio <= 2.0, f"{read_ratio:.2f}x"),
            ("full-size book under 4 GB peak RSS", f["rss"] < 4 * 1024**3, mb(f["rss"])),
            ("batch on 2 cores >= 1.7x faster than 1 job", speedup >= 1.7, f"{speedup:.2f}x"),
        ]
        lines += ["| target | met | measured |", "|---|---|---:|"]
        lines += [f"| {name} | {'yes' if ok else 'NO'} | {value} |" for name, ok, value in targets]
        if args.quick:
            lines += ["", "(--quick: a 100,000-row book and 20 batch books)"]
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
