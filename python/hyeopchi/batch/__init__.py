"""`hyeopchi batch PATH... --month YYYY-MM --out DIR`: a whole archive, headless, in parallel.

Each book is read once, validated and computed in a worker process; its result sheets go to a
copy in DIR (never the input, unless --in-place). Everything in flight is written under a
private temp folder in DIR and renamed into place when complete, so Ctrl-C leaves no
half-written file. A summary workbook (요약.xlsx) and the contract's JSON close the run.
Exit codes: 0 all ok, 1 some invalid (none failed), 2 some failed or bad options.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.issues import BookError
from ..core.values import Month
from .discover import Found, discover
from .progress import Progress
from .summary import SUMMARY_FILE, exit_code, summary_sheet, to_json
from .worker import FAILED, process_book

__all__ = ["BatchOptions", "run"]

CACHE_FILE = ".hyeopchi-batch.json"
TEMP_PREFIX = ".hyeopchi-tmp-"


@dataclass(frozen=True)
class BatchOptions:
    paths: tuple[str, ...]  # files, folders and globs
    month: Month
    out: Path  # the output folder (the summary goes there even with in_place)
    jobs: int | None = None  # worker processes (None: one per core)
    json: bool = False
    force: bool = False  # redo books whose outputs are up to date
    in_place: bool = False
    mask: bool = False  # every job that writes names masks them (홍*동)


def run(args: BatchOptions) -> int:
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BookError(f"출력 폴더 '{out_dir}'을(를) 만들 수 없습니다 ({exc.strerror}).") from None
    found = discover(list(args.paths), out_dir)
    month_key = str(args.month) + (" mask" if args.mask else "")  # outputs differ by mask
    cache = _load_cache(out_dir)
    results: dict[int, dict[str, Any]] = {}
    todo: list[tuple[int, Found]] = []
    for i, book in enumerate(found.books):
        if book.missing:
            results[i] = _failed(book.path, f"{book.rel}: 파일이나 폴더가 없습니다.")
        elif (hit := _fresh(book, out_dir, cache, month_key, args)) is not None:
            results[i] = hit
        else:
            todo.append((i, book))
    progress = Progress(len(found.books), enabled=not args.json and sys.stderr.isatty())
    progress.update(len(results), "")
    temp = out_dir / f"{TEMP_PREFIX}{os.getpid()}"
    try:
        _execute(todo, out_dir, temp, args, results, progress)
    finally:
        progress.close()
        shutil.rmtree(temp, ignore_errors=True)
        _save_cache(out_dir, cache, found.books, results, month_key, args.in_place)
    ordered = [results[i] for i in range(len(found.books))]
    names = [str(b.rel) for b in found.books]
    from ..io.render_xlsx import write_workbook

    summary_path = write_workbook(out_dir / SUMMARY_FILE, [summary_sheet(ordered, args.month, names)])
    payload = to_json(ordered, found.ignored)
    payload["summary"] = str(summary_path)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        _print_text(ordered, names, payload)
    return exit_code(ordered)


def _execute(todo: list[tuple[int, Found]], out_dir: Path, temp: Path, args: BatchOptions,
             results: dict[int, dict[str, Any]], progress: Progress) -> None:
    tasks = {i: _task_args(book, out_dir, temp, args) for i, book in todo}
    workers = min(args.jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for i, book in todo:
            progress.update(len(results), str(book.rel))
            results[i] = run_task(*tasks[i])
        progress.update(len(results), "")
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    try:
        pending: dict[Future[dict[str, Any]], int] = {
            pool.submit(run_task, *tasks[i]): i for i, _ in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                i = pending.pop(future)
                results[i] = _result_of(future, todo_path=str(tasks[i][0]))
                progress.update(len(results), Path(results[i]["path"]).name)
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown()


def _result_of(future: Future[dict[str, Any]], todo_path: str) -> dict[str, Any]:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 -- a worker died (e.g. killed for memory)
        return _failed(Path(todo_path), f"{Path(todo_path).name}: 처리 프로세스가 비정상 "
                       f"종료되었습니다 ({type(exc).__name__}). 메모리가 부족했을 수 있습니다.")


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (Ctrl-C): they die, the caller removes the temp folder."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        p.terminate()
    for p in processes:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it terminates us
    signal.signal(signal.SIGTERM, _stop)


def _stop(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: unwind (atomic writes remove their temp files), then exit.
    The exit may land inside a finaliser (e.g. ZipFile.__del__), where Python would print an
    "Exception ignored" traceback to the user's terminal: this dying worker stays quiet."""
    sys.unraisablehook = _quiet
    raise SystemExit(128 + signum)


def _quiet(unraisable: Any) -> None:
    """A dying worker's unraisable exceptions (see _stop) are not the user's business."""


def _task_args(book: Found, out_dir: Path, temp: Path, args: BatchOptions
               ) -> tuple[str, str | None, str | None, Month, bool, bool]:
    if args.in_place:
        return str(book.path), None, None, args.month, True, args.mask
    return (str(book.path), str(temp / book.rel), str(out_dir / book.rel), args.month, False,
            args.mask)


def run_task(path: str, temp_dest: str | None, final: str | None, month: Month,
             in_place: bool, mask: bool = False) -> dict[str, Any]:
    """In a worker: process one book into temp_dest, then rename it to final."""
    if final is not None and os.path.lexists(path) and _same_file(path, final):
        return _failed(Path(path), f"{Path(path).name}: 결과 경로가 입력 파일과 같아 처리하지 "
                                   "않았습니다. 다른 --out 폴더를 지정하세요.")
    if temp_dest is not None:
        Path(temp_dest).parent.mkdir(parents=True, exist_ok=True)
    try:
        result = process_book(path, temp_dest, month, in_place=in_place, mask=mask)
    except SystemExit as stop:  # terminated (Ctrl-C in the parent): never pick up another book
        if in_worker():
            os._exit(stop.code if isinstance(stop.code, int) else 1)
        raise
    if final is not None and result.get("output"):
        Path(final).parent.mkdir(parents=True, exist_ok=True)
        os.replace(result["output"], final)
        result["output"] = final
    return result


def in_worker() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


def _same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


# --- skipping books whose outputs are up to date -------------------------------------------

def _load_cache(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _fresh(book: Found, out_dir: Path, cache: dict[str, Any], month: str,
           args: BatchOptions) -> dict[str, Any] | None:
    """The cached result when the output is newer than the input and was made for this month."""
    if args.force:
        return None
    entry = cache.get(str(book.rel))
    stamp = _stamp(book.path)
    if not entry or stamp is None or entry.get("month") != month or entry.get("src") != stamp:
        return None
    if not args.in_place:
        out = _stamp(out_dir / book.rel)
        if out is None or out[0] < stamp[0]:
            return None
    return {**entry["result"], "skipped": True}


def _save_cache(out_dir: Path, cache: dict[str, Any], books: list[Found],
                results: dict[int, dict[str, Any]], month: str, in_place: bool) -> None:
    for i, book in enumerate(books):
        r = results.get(i)
        if r is None or r["status"] == FAILED or r.get("skipped") or not r.get("output"):
            continue
        stamp = _stamp(book.path)
        if stamp is not None:
            cache[str(book.rel)] = {"month": month, "src": stamp, "result": r}
    with contextlib.suppress(OSError):  # the cache only saves time
        (out_dir / CACHE_FILE).write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")


def _failed(path: Path, message: str) -> dict[str, Any]:
    return {"path": str(path), "status": FAILED, "message": message, "errors": 0,
            "warnings": 0, "seats": None, "people": None, "allowance": None, "score": None,
            "findings": None, "jobs": [], "output": None}


def _figures(r: dict[str, Any]) -> str:
    """The book's headline figures for a person reading the terminal."""
    parts = []
    if r.get("seats") is not None:
        parts.append(f"활동 {r['seats']:,}석 (실 인원 {r['people']:,}명)")
    if r.get("allowance") is not None:
        parts.append(f"참석수당 {r['allowance']:,}원")
    if r.get("score") is not None:
        parts.append(f"평가지표 4-1 {r['score']:g}점")
    if r.get("findings") is not None:
        parts.append(f"운영 점검 지적 {r['findings']}건")
    text = ", ".join(parts)
    if r.get("output"):
        text += f" → {r['output']}"
    return text.strip()


def _print_text(results: list[dict[str, Any]], names: list[str], payload: dict[str, Any]) -> None:
    mark = {"ok": "정상", "invalid": "오류", "failed": "실패"}
    for name, r in zip(names, results, strict=True):
        skipped = " (최신, 건너뜀)" if r.get("skipped") else ""
        message = r["message"].removeprefix(f"{Path(name).name}: ")
        print(f"[{mark[r['status']]}] {name}{skipped}: {message}")
        if figures := _figures(r):
            print(f"    {figures}")
    print(f"정상 {payload['ok']}개, 검증 오류 {payload['invalid']}개, 실패 {payload['failed']}개"
          f" → 요약 {payload['summary']}")
