"""Atomic writes: every file and directory chitieu replaces goes through this module.

Guarantee to readers: a path written here is always either the complete old version or the
complete new one, never half of either, whatever happens to the writer (an exception, a full
disk, SIGKILL, a power cut after the call returned). How: write a temporary file beside the
target, fsync it, rename it over the target, fsync the directory so the rename itself is on disk.

Files are created with mode 0666 filtered by the process umask, like `open()` does, not 0600
as `tempfile.mkstemp` would: a reviewer, a web server or Datasette under another account must be
able to read facts.csv or report.html when the umask allows it.

Temporary names are `.<name>.<random>.tmp` (files and directories alike), so a run that finds
one knows it was left by an interrupted writer (`remove_leftovers`).
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[^./]+\.tmp$")


def os_error_text(exc: OSError, directory: Path) -> str:
    """A disk error naming the file (the real one, not its temporary twin) or else the directory."""
    name = exc.filename2 or exc.filename
    why = exc.strerror or str(exc)
    if name:
        path = Path(os.fsdecode(name))
        match = TEMP_NAME.match(path.name)
        return f"{path.with_name(match['name']) if match else path}: {why}"
    return f"{directory}: {why} (while writing there)"


def temp_path(path: Path) -> Path:
    """A fresh temporary name beside `path` (see TEMP_NAME)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def fsync_directory(directory: Path) -> None:
    """Make the renames and new entries of `directory` durable (best effort where unsupported)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a directory; the data is still safe
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def open_temp(path: Path):
    """(a new temporary file beside `path`, open for binary writing; its name): mode 0666 less the
    umask, as open() makes files. Finish with commit_temp (or close and unlink it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    return os.fdopen(fd, "wb"), tmp


def commit_temp(handle, tmp: Path, path: Path, sync_directory: bool = True) -> None:
    """fsync the temporary file, close it, rename it onto `path` (and fsync the directory)."""
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    os.replace(tmp, path)
    if sync_directory:
        fsync_directory(Path(path).parent)


def discard_temp(handle, tmp: Path) -> None:
    """Close and remove a temporary file that will not be committed."""
    handle.close()
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def atomic_write_bytes(path: Path, data: bytes, sync_directory: bool = True) -> None:
    """Write to a temporary file beside `path`, fsync, rename, fsync the directory: readers never
    see half a file. The temporary file is removed on any exception (disk full included).
    `sync_directory=False` leaves the directory fsync to a later write in the same directory."""
    path = Path(path)
    handle, tmp = open_temp(path)
    try:
        handle.write(data)
        commit_temp(handle, tmp, path, sync_directory)
    except BaseException as exc:
        discard_temp(handle, tmp)
        if isinstance(exc, OSError) and not exc.filename:  # ENOSPC from write(): say which file
            exc.filename = str(path)
        raise


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file name beside `path` for writers that want a name (SQLite, pyarrow): fsynced
    and renamed onto `path` when the block succeeds, removed when it fails."""
    path = Path(path)
    handle, tmp = open_temp(path)
    handle.close()
    try:
        yield tmp
        with open(tmp, "rb+") as again:
            commit_temp(again, tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


def dumps_json(value: object, **options) -> str:
    """JSON as the standard defines it: NaN and ±Infinity are an error, never written."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, **options)


def atomic_write_json(path: Path, value: object, indent: int | None = 1, **options) -> None:
    """`value` as strict JSON (see dumps_json), written atomically, with a final newline."""
    atomic_write_text(path, dumps_json(value, indent=indent, **options) + "\n")


# ---------------------------------------------------------------- whole directories
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def replace_directory(dest: Path, replaceable: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """`with replace_directory(dest) as staging:` build the new contents in `staging`; on success
    they replace `dest` as a whole (an atomic exchange where the OS has one), so readers see the
    old set of files or the new set, never a mix. On any exception the staging directory is
    removed and `dest` is left as it was.

    `replaceable(dest)` may refuse to replace an existing non-empty directory that is not an
    earlier version of this output (a user's `--dest ~/Documents`); FileExistsError then.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(dest))
    if replaceable is not None and dest.is_dir() and any(dest.iterdir()) and not replaceable(dest):
        raise FileExistsError(errno.EEXIST, "exists and does not look like an earlier version of this "
                                            "output; not replacing it (give a new or empty directory)", str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = temp_path(dest)
    os.mkdir(staging, 0o777)
    try:
        yield staging
        fsync_directory(staging)
        if dest.exists():
            if _exchange(staging, dest):
                shutil.rmtree(staging, ignore_errors=True)  # now the old version
            else:  # two renames: for a moment `dest` is absent (never half-written)
                old = temp_path(dest)
                os.rename(dest, old)
                os.rename(staging, dest)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_directory(dest.parent)


def remove_leftovers(directory: Path, on_remove: Callable[[Path], None] | None = None) -> int:
    """Delete the temporary files and staging directories of interrupted writers below
    `directory` (complete outputs are never temporary). Call only while no writer runs."""
    removed = 0
    for leftover in sorted(Path(directory).rglob(".*.tmp"), key=lambda p: len(p.parts)):
        if not TEMP_NAME.match(leftover.name) or not os.path.lexists(leftover):
            continue
        if on_remove is not None:
            on_remove(leftover)
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed += 1
    return removed
