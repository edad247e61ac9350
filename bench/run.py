"""Benchmarks, side by side in one run:  python bench/run.py [--quick] [--no-batch]

Every figure is a whole process (interpreter start and imports included), run fresh, with its
peak RSS from os.wait4 (the child's own ru_maxrss). On each book, in the same run and
interleaved (floor, then each command, repeated), so a busy moment of a shared machine hits
both sides of a ratio:
  floor     a bare python-calamine read of every sheet (`to_python` of each);
  commands  `python -m hyeopchi COMMAND BOOK --json ...` as a user runs them;
  all jobs  read + validate + every job of `batch` for 2021-03, nothing written;
  pandas    pandas.read_excel(engine="openpyxl") of the same sheets (what a user would write).
Books: the bundled sample, the 40-district book (bench/make_books.py districts) and the
1,048,575-row book (100,000 rows with --quick). Then `hyeopchi --version`, and (unless
--no-batch) 100 sample-size books through `hyeopchi batch` with --jobs 1 and 2.
Prints a Markdown report with the machine and whether each target is met.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
SAMPLE = ROOT / "workbook" / "sample" / "seodaemun-2021.xlsx"
MONTH = (2021, 3)
EXCEL_MAX_DATA_ROWS = 1_048_575  # as bench/make_books.py (not imported: this process stays small)
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
HYEOPCHI = [sys.executable, "-m", "hyeopchi"]
# The commands measured on the sample and the 40-district book, with their options.
COMMANDS: dict[str, list[str]] = {
    "validate": [],
    "attendance": ["--from", "2021-01-01", "--to", "2021-12-31"],
    "overlap": ["--date", "2021-06-30"],
    "allowance": ["--month", "2021-03"],
    "review": ["--date", "2021-12-31"],
}


# --- the cases run in a fresh child process ------------------------------------------------

def child(case: str, path: str) -> dict[str, Any]:
    started = time.perf_counter()
    if case == "alljobs":
        from hyeopchi.batch.worker import planned_jobs, process_book

        planned_jobs(MONTH)
        result = process_book(path, None, MONTH)
        assert result["status"] == "ok", result["message"]
        extra: dict[str, Any] = {"timings": result["timings"]}
    elif case == "pandas":
        import pandas as pd

        frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        extra = {"rows": sum(len(f) for f in frames.values())}
    elif case == "floor":
        import python_calamine

        wb = python_calamine.CalamineWorkbook.from_path(path)
        rows = sum(len(wb.get_sheet_by_name(s).to_python(skip_empty_area=True))
                   for s in wb.sheet_names)
        extra = {"rows": rows}
    else:
        raise SystemExit(f"unknown case {case}")
    return {"work": time.perf_counter() - started, **extra}


@dataclass
class Run:
    wall: float
    rss: int
    code: int
    out: str
    cpu: float = 0.0  # user + system seconds of the child


def spawn(argv: list[str]) -> Run:
    """Wall seconds, peak RSS (bytes, the child's own: reaped with os.wait4), exit code and
    stdout of one fresh subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                            cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed with {code}: {err.decode()[-500:]}")
    return Run(wall, usage.ru_maxrss * 1024, code, out.decode(),
               usage.ru_utime + usage.ru_stime)


def child_argv(case: str, book: Path) -> list[str]:
    return [sys.executable, __file__, "--child", case, str(book)]


def command_argv(name: str, book: Path) -> list[str]:
    return [*HYEOPCHI, name, str(book), "--json", *COMMANDS[name]]


def available(name: str) -> bool:
    """Whether this checkout has the command (review is being added beside this work)."""
    proc = subprocess.run([*HYEOPCHI, name, "--help"], capture_output=True, env=ENV, cwd=ROOT,
                          check=False)
    return proc.returncode == 0


@dataclass
class Case:
    label: str
    argv: list[str]
    runs: list[Run]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def rss(self) -> int:
        return max(r.rss for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)


def run_book(book: Path, cases: dict[str, list[str]], repeats: int,
             once: dict[str, list[str]]) -> dict[str, Case]:
    """Each case `repeats` times, interleaved; `once` cases (slow baselines) a single time."""
    out = {label: Case(label, argv, []) for label, argv in {**cases, **once}.items()}
    for i in range(repeats):
        for label, argv in cases.items():
            print(f"  {book.name}: {label} ({i + 1}/{repeats})", file=sys.stderr)
            out[label].runs.append(spawn(argv))
    for label, argv in once.items():
        print(f"  {book.name}: {label}", file=sys.stderr)
        out[label].runs.append(spawn(argv))
    return out


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
    run = spawn([*HYEOPCHI, "batch", str(folder), "--month", "2021-03", "--out", str(out),
                 "--json", "--force", "--jobs", str(jobs)])
    payload = json.loads(run.out)
    assert payload["ok"] == len(payload["books"]), payload
    return run.wall


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


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def book_table(title: str, cases: dict[str, Case]) -> list[str]:
    floor = cases["floor"]
    lines = [f"### {title}", "",
             "| case | wall, median (s) | x floor | CPU, median (s) | x floor's CPU | peak RSS "
             "| x floor's RSS |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, c in cases.items():
        lines.append(f"| {label} | {c.wall:.2f} | {c.wall / floor.wall:.2f} | {c.cpu:.2f} | "
                     f"{c.cpu / floor.cpu:.2f} | {mb(c.rss)} | {c.rss / floor.rss:.2f} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hyeopchi benchmarks")
    parser.add_argument("--quick", action="store_true",
                        help="100,000-row book instead of 1,048,575, 20 batch books")
    parser.add_argument("--no-batch", action="store_true", help="skip the many-books batch")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "BOOK"), help=argparse.SUPPRESS)
    parser.add_argument("--work-dir", type=Path, help="keep generated books here (reused)")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0

    rows = 100_000 if args.quick else EXCEL_MAX_DATA_ROWS
    n_books = 20 if args.quick else 100
    with tempfile.TemporaryDirectory(prefix="hyeopchi-bench-") as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        districts = work / "districts-40.xlsx"
        full = work / f"full-{rows}.xlsx"
        archive = work / f"archive-{n_books}"
        # Books are made in a child: a child's ru_maxrss starts from its parent's peak (Linux
        # carries it across fork and exec), so this process must stay small.
        makers = [(districts, ["districts", str(districts)]),
                  (full, ["book", str(full), "--rows", str(rows)])]
        if not args.no_batch:
            makers.append((archive, ["archive", str(archive), "--books", str(n_books)]))
        for path, make in makers:
            if not path.exists():
                subprocess.run([sys.executable, str(ROOT / "bench" / "make_books.py"), *make],
                               check=True, env=ENV)
        # As installed: pip compiles a package's modules at install. A source checkout run
        # with PYTHONDONTWRITEBYTECODE=1 (set on these machines) would compile hyeopchi on
        # every start instead (about 0.1 s here), which no office PC does.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "python")],
                       check=True, env=ENV)
        version = [spawn([*HYEOPCHI, "--version"]) for _ in range(5)]
        commands = [name for name in COMMANDS if available(name)]
        missing = [name for name in COMMANDS if name not in commands]
        load_before = load()
        results: dict[str, dict[str, Case]] = {}
        books = (("sample", f"the bundled sample ({SAMPLE.name})", SAMPLE, args.repeats),
                 ("districts", "40 districts (11,320 people, 16,800 meetings, 233,120 출석 rows, "
                  f"{districts.stat().st_size / 1e6:.1f} MB)", districts, args.repeats),
                 ("full", f"{rows:,} 출석 rows ({full.stat().st_size / 1e6:.1f} MB)", full,
                  args.repeats))  # the slow pandas baseline runs once on every book
        for key, _, book, repeats in books:
            cases = {"floor": child_argv("floor", book)}
            if key != "full":
                cases |= {name: command_argv(name, book) for name in commands}
            cases["all jobs"] = child_argv("alljobs", book)
            once = {"pandas+openpyxl": child_argv("pandas", book)}
            results[key] = run_book(book, cases, repeats, once)
        version_wall = statistics.median(r.wall for r in version)
        load_after = load()

        lines = ["# hyeopchi benchmark", "", f"Machine: {machine()}; modules precompiled "
                 f"(PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')}).",
                 f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after} "
                 "(a shared machine: every ratio below is from this one run, interleaved).", ""]
        for key, title, _, repeats in books:
            lines += book_table(f"{title}, {repeats} run(s) each", results[key])
        lines += [f"`hyeopchi --version`: {version_wall:.3f} s, "
                  f"{mb(max(r.rss for r in version))} (median of 5)", ""]
        for key, _, _, _ in books:
            t = results[key]["all jobs"].runs[0].out
            timings = json.loads(t)["timings"]
            lines.append(f"all jobs on {key}, inside the process: "
                         + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
        lines.append("")
        if not args.no_batch:
            walls = {}
            for jobs in (1, 2):
                print(f"batch of {n_books} books, --jobs {jobs} ...", file=sys.stderr)
                walls[jobs] = run_batch(archive, work / f"out-{jobs}", jobs)
            ceiling = min(cpu_ceiling() for _ in range(3))
            lines += [f"| batch of {n_books} sample-size books | wall (s) | per book (s) |",
                      "|---|---:|---:|"]
            lines += [f"| --jobs {j} | {w:.2f} | {w / n_books:.3f} |" for j, w in walls.items()]
            lines += ["", (f"Speed-up with 2 jobs: {walls[1] / walls[2]:.2f}x (this machine's "
                           f"ceiling: two processes of pure Python run {ceiling:.2f}x faster "
                           "than one)"), ""]
        d, f, s = results["districts"], results["full"], results["sample"]
        targets = [(f"40 districts: {name} <= 2.0x floor", d[name].wall / d["floor"].wall <= 2.0,
                    f"{d[name].wall / d['floor'].wall:.2f}x") for name in commands]
        targets += [(f"40 districts: {name} <= 2.0x floor", False, "command not in this checkout")
                    for name in missing]
        full_ratio = f["all jobs"].wall / f["floor"].wall
        peaks = {k: max(c.rss / results[k]["floor"].rss for label, c in results[k].items()
                        if label not in ("floor", "pandas+openpyxl")) for k in results}
        sample_wall = max(s[name].wall for name in commands)
        targets += [
            (f"{rows:,}-row book end to end (all jobs) <= 2.0x floor", full_ratio <= 2.0,
             f"{full_ratio:.2f}x"),
            *((f"{key}: peak memory <= 3x the floor's (worst command)", peaks[key] <= 3.0,
               f"{peaks[key]:.2f}x") for key in ("sample", "districts", "full")),
            ("sample: every command < 0.3 s wall", sample_wall < 0.3, f"{sample_wall:.2f} s"),
            ("sample: all jobs < 0.3 s wall", s["all jobs"].wall < 0.3,
             f"{s['all jobs'].wall:.2f} s"),
            ("`hyeopchi --version` < 0.1 s", version_wall < 0.1, f"{version_wall:.3f} s"),
        ]
        lines += ["| target | met | measured |", "|---|---|---:|"]
        lines += [f"| {name} | {'yes' if ok else 'NO'} | {value} |" for name, ok, value in targets]
        if args.quick:
            lines += ["", f"(--quick: a {rows:,}-row book and {n_books} batch books)"]
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
