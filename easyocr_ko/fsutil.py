"""Atomic file writing with ordinary permissions, and OS errors that name their path.

``tempfile.mkstemp``/``mkdtemp`` create private files (0600) and folders (0700); a dataset or model renamed
into place from them would be unreadable for other users.  These helpers give what a plain ``open``/``mkdir``
would (0666/0777 minus the umask).

A failed ``write()`` (full disk, I/O error) raises an ``OSError`` without a file name; :func:`named_os_errors`
and the writers here give it the path being written, so the CLI can say in one line what failed and where.
"""
from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """A new staging folder inside ``parent`` with the permissions ``mkdir`` would give."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(path, 0o777 & ~_umask())
    return path


def with_path(err: OSError, path: Path | str) -> OSError:
    """``err`` itself if it names a file, else an ``OSError`` of the same errno (and subclass) naming ``path``."""
    if err.filename is not None or err.errno is None:
        return err
    named = OSError(err.errno, err.strerror or os.strerror(err.errno), str(path))
    named.__cause__ = err
    return named


@contextlib.contextmanager
def named_os_errors(path: Path | str) -> Iterator[None]:
    """Re-raise an ``OSError`` that names no file as one naming ``path`` (the file or folder being written)."""
    try:
        yield
    except OSError as err:
        named = with_path(err, path)
        if named is err:
            raise
        raise named from err


def names_os_errors(path_of: Callable[..., Path | str]) -> Callable:
    """Decorator form of :func:`named_os_errors`: ``path_of(*args, **kwargs)`` gives the path to name."""
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with named_os_errors(path_of(*args, **kwargs)):
                return func(*args, **kwargs)
        return wrapper
    return decorate


def describe_os_error(err: OSError) -> str:
    """One line for an ``OSError``: ``PATH: cause`` (``PATH -> PATH2: cause`` for renames), else its text."""
    if err.filename is not None and err.strerror:
        where = str(err.filename) + (f" -> {err.filename2}" if err.filename2 is not None else "")
        return f"{where}: {err.strerror}"
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__


def write_lines_atomic(lines: Iterable[str], path: Path) -> None:
    """Write ``lines`` (UTF-8, ``\\n`` endings) to ``path`` through a temporary file and a rename.

    Raises:
        OSError: naming ``path`` (no temporary file is left behind).
    """
    path = Path(path)
    with named_os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                for line in lines:
                    f.write(line + "\n")
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _stage(path: Path, write: Callable[[Path], None]) -> Path:
    """Write ``path``'s new content to the hidden sibling ``.NAME.tmp`` with ``write(tmp)``; return the sibling.
    (A fixed name: a file left by a killed run is replaced by the next write instead of piling up.)"""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with named_os_errors(path):
            write(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_bytes_atomic(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` through a temporary sibling and a rename.

    Raises:
        OSError: naming ``path`` (``path`` keeps its previous content; no temporary file is left behind).
    """
    replace_files_atomic({Path(path): lambda tmp: tmp.write_bytes(data)})


def _keep_copy(target: Path) -> Path:
    """A hidden hard link (else a copy) of ``target``, to put back if a later rename of the unit fails."""
    backup = target.with_name(f".{target.name}.old")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        import shutil

        shutil.copy2(target, backup)
    return backup


def replace_files_atomic(writers: Mapping[Path, Callable[[Path], None]]) -> None:
    """Write several files as one unit: every file is staged first (``writer(tmp)`` for each target), and only
    when all are complete are they renamed over the targets (each rename atomic, so a target is never missing);
    if a rename fails, the targets already replaced get their previous content back.  So either all targets
    have their new content or all keep the old one.

    Raises:
        OSError: naming the target that could not be written (no temporary file is left behind).
    """
    staged: dict[Path, Path] = {}
    done: list[tuple[Path, Path | None]] = []  # (target, copy of its old content or None if it was new), replaced
    backups: list[Path] = []
    try:
        for target, write in writers.items():
            target = Path(target)
            with named_os_errors(target):
                target.parent.mkdir(parents=True, exist_ok=True)
            staged[target] = _stage(target, write)
        for target, tmp in staged.items():
            with named_os_errors(target):
                backup = _keep_copy(target) if target.exists() and len(staged) > 1 else None
                if backup is not None:
                    backups.append(backup)
                os.replace(tmp, target)
                done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):  # undo the renames done so far
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
        raise
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        for backup in backups:
            backup.unlink(missing_ok=True)
