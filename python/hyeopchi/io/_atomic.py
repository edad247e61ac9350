"""Replace a file atomically: a temp file in the same folder, fsync, os.replace.

Whatever happens (an OSError, a full disk, Ctrl+C) the target is either the old file
or the complete new one, and no temp file is left behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

from hyeopchi.core.issues import BookError


def write_atomically(target: Path, write: Callable[[IO[bytes]], object], *,
                     backup: tuple[Path, bytes] | None = None) -> None:
    """Write target through write(fh); backup=(path, data) first saves data at path.

    The caller must not hold target open: Windows cannot replace an open file.
    """
    check_writable(target)
    tmp = _temp_path(target)
    try:
        try:
            _write_temp(tmp, write, _mode_for(target))
            if backup is not None:
                save_atomically(*backup)
            os.replace(tmp, target)
        except BaseException:
            _remove_quietly(tmp)
            raise
    except OSError as exc:
        raise os_error(exc, target) from exc
    _sync_folder(target.parent)


def save_atomically(path: Path, data: bytes) -> None:
    """path holds exactly data afterwards, or is as it was."""
    tmp = _temp_path(path)
    try:
        _write_temp(tmp, lambda fh: fh.write(data), _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise


def check_writable(target: Path) -> None:
    """BookError when target exists but is read-only (checked by mode: root ignores it)."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise os_error(exc, target) from exc
    if not mode & stat.S_IWUSR:
        raise BookError(f"'{target.name}' 파일이 읽기 전용이라 저장할 수 없습니다.")


def os_error(exc: OSError, target: Path) -> BookError:
    """A one-line Korean BookError for a failed write."""
    name = target.name
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return BookError(f"디스크 공간이 부족하여 '{name}'을(를) 저장하지 못했습니다.")
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return BookError(f"'{name}'에 쓸 수 없습니다. 권한이 없거나 Excel 등 다른 프로그램이 "
                         "파일을 열고 있습니다.")
    if isinstance(exc, FileNotFoundError):
        return BookError(f"'{name}'을(를) 저장할 폴더가 없습니다.")
    reason = (exc.strerror or type(exc).__name__).replace("\n", " ")
    return BookError(f"'{name}'을(를) 저장하지 못했습니다: {reason}")


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def _mode_for(target: Path) -> int | None:
    """An existing file's permissions, to keep; None for a new file (0o666 less umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return None


def _write_temp(tmp: Path, write: Callable[[IO[bytes]], object], mode: int | None) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)
    with os.fdopen(fd, "wb") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    if mode is not None:
        os.chmod(tmp, mode)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # nothing more we can do; the original error matters more


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders for this."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
