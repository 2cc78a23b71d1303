"""Atomic file and folder writing with ordinary permissions, and OS errors that name their path.

Every write that must not leave a half-written file goes through a temporary sibling renamed over the target:

* :func:`atomic_path`: a context manager yielding the temporary path of one file (any writer: PIL, matplotlib,
  ``open``); :func:`write_lines_atomic` and :func:`write_bytes_atomic` are its text and bytes shorthands.
* :func:`replace_files_atomic`: several files replaced as one unit (all new or all old).
* :func:`atomic_dir` and :func:`replace_dir`: the same for a whole folder (an LMDB, a dataset split).
* :func:`make_temp_dir` / :func:`temp_dir`: a staging folder to build several outputs in before moving them.

``tempfile.mkstemp``/``mkdtemp`` create private files (0600) and folders (0700); a dataset or model renamed
into place from them would be unreadable for other users.  These helpers give what a plain ``open``/``mkdir``
would (0666/0777 minus the umask).

A failed ``write()`` (full disk, I/O error) raises an ``OSError`` without a file name; the context manager
:func:`os_errors_naming` (and its decorator form :func:`os_errors_naming_arg`) and the writers here give it the
path being written, so the CLI can say in one line what failed and where.
:func:`ensure_dir` creates a folder and says ``PATH is not a folder`` (:class:`NotAFolderError`) where ``mkdir``
would say ``PATH: File exists``; the writers here create their folders with it.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "NotAFolderError",
    "atomic_dir",
    "atomic_path",
    "check_folder_path",
    "describe_os_error",
    "ensure_dir",
    "file_sha256",
    "make_temp_dir",
    "os_errors_naming",
    "os_errors_naming_arg",
    "replace_dir",
    "replace_files_atomic",
    "swap_leftovers",
    "temp_dir",
    "with_path",
    "write_bytes_atomic",
    "write_lines_atomic",
]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """Create a new, empty staging folder ``parent/PREFIXxxxxxxxxx`` with the permissions ``mkdir`` would give.

    Args:
        parent: an existing folder (the staging folder must be on the file system of its final place, so that
            moving out of it is a rename).
        prefix: start of the folder's name (hidden names, ``.gen-tmp-``, keep it out of dataset searches).

    Returns:
        The new folder; the caller removes it.

    Raises:
        OSError: ``parent`` does not exist or is not writable.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(path, 0o777 & ~_umask())
    return path


@contextlib.contextmanager
def temp_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """:func:`make_temp_dir` as a context manager: the staging folder and whatever is left in it are removed
    when the block ends, whether it completes or raises.

    Raises:
        OSError: the folder cannot be created in ``parent``.
    """
    path = make_temp_dir(parent, prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def with_path(err: OSError, path: Path | str) -> OSError:
    """``err`` itself if it names a file, else an ``OSError`` of the same errno (and subclass) naming ``path``."""
    if err.filename is not None or err.errno is None:
        return err
    named = OSError(err.errno, err.strerror or os.strerror(err.errno), str(path))
    named.__cause__ = err
    return named


@contextlib.contextmanager
def os_errors_naming(path: Path | str) -> Iterator[None]:
    """A context manager: re-raise an ``OSError`` of its block that names no file as one naming ``path`` (the file
    or folder being written).

    >>> with os_errors_naming("out/labels.txt"):  # doctest: +SKIP
    ...     write_all()

    Raises:
        OSError: the block's ``OSError``, naming ``path`` if it named no file.
    """
    try:
        yield
    except OSError as err:
        named = with_path(err, path)
        if named is err:
            raise
        raise named from err


def os_errors_naming_arg(path_of: Callable[..., Path | str]) -> Callable:
    """A decorator: :func:`os_errors_naming` around the whole function, naming the path that
    ``path_of(*args, **kwargs)`` picks from the function's arguments.

    >>> @os_errors_naming_arg(lambda config, *args, **kwargs: config.output)  # doctest: +SKIP
    ... def generate(config): ...
    """
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with os_errors_naming(path_of(*args, **kwargs)):
                return func(*args, **kwargs)
        return wrapper
    return decorate


class NotAFolderError(NotADirectoryError):
    """A path that must be a folder (or lead to one) is a file, or a link to something that is not a folder
    (raised by :func:`ensure_dir`; :func:`describe_os_error` says ``PATH is not a folder``)."""


def ensure_dir(path: Path | str) -> Path:
    """Create the folder ``path`` and its missing parents (``mkdir -p``); an existing folder is fine.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        NotAFolderError: ``path`` or one of its parents exists but is not a folder (a file, a link to a file or
            to nowhere); it names that path, and :func:`describe_os_error` gives ``PATH is not a folder`` (where
            ``mkdir`` would say ``PATH: File exists`` or name the path below it with ``Not a directory``).
        OSError: naming ``path`` when the folder cannot be created (permissions, a full disk).
    """
    path = check_folder_path(path)
    with os_errors_naming(path):
        path.mkdir(parents=True, exist_ok=True)
    return path


def check_folder_path(path: Path | str) -> Path:
    """Check, creating nothing, that ``path`` is a folder or can become one: neither it nor the nearest of its
    parents that exists is something other than a folder.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        NotAFolderError: naming ``path`` or the parent that is a file (or a link to a file or to nowhere).
    """
    path = Path(path)
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        if folder.exists() or folder.is_symlink():
            raise NotAFolderError(errno.ENOTDIR, "is not a folder", str(folder))
    return path


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB blocks: 64 lowercase hex digits.

    Raises:
        OSError: the file cannot be read (naming it).
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_os_error(err: OSError) -> str:
    """One line for an ``OSError``: ``PATH: cause`` (``PATH -> PATH2: cause`` for renames), ``PATH is not a
    folder`` for a :class:`NotAFolderError`, else its text.  A path given as bytes (as TensorBoard's file layer
    gives it) is shown decoded."""
    if isinstance(err, NotAFolderError) and err.filename is not None:
        return f"{_shown(err.filename)} is not a folder"
    if err.filename is not None and err.strerror:
        where = _shown(err.filename) + (f" -> {_shown(err.filename2)}" if err.filename2 is not None else "")
        return f"{where}: {err.strerror}"
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__


def _shown(filename: object) -> str:
    """A file name for a message: ``bytes`` decoded as the file system encodes names, anything else ``str``."""
    return os.fsdecode(filename) if isinstance(filename, bytes) else str(filename)


def _temp_sibling(path: Path, suffix: str = "") -> Path:
    """The hidden sibling ``.NAME.tmp`` (+ ``suffix``) that ``path``'s new content is written to.  A fixed name:
    a file left by a killed run is replaced by the next write instead of piling up."""
    return path.with_name(f".{path.name}.tmp{suffix}")


def _remove(path: Path) -> None:
    """Delete a file, link or folder tree; a missing path is no error."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(path: Path | str, suffix: str = "") -> Iterator[Path]:
    """Write a file through a temporary sibling: yield the hidden path ``.NAME.tmp`` + ``suffix`` beside
    ``path``; when the block completes, the file written there gets ordinary permissions and is renamed over
    ``path`` (atomic: readers see the old or the new file, never a part).  If the block raises, the temporary
    file is deleted and ``path`` keeps its previous content.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("new")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('new', ['a.txt'])

    Args:
        path: the file to (over)write; its folder is created if missing.
        suffix: appended to the temporary name, for writers that choose the format by extension
            (``".png"`` for PIL's ``Image.save`` and matplotlib's ``savefig``).

    Raises:
        OSError: naming ``path`` when the folder, the temporary file or the rename fails (also an ``OSError``
            of the block that names no file); no temporary file is left behind.
    """
    path = Path(path)
    tmp = _temp_sibling(path, suffix)
    ensure_dir(path.parent)
    with os_errors_naming(path):
        tmp.unlink(missing_ok=True)  # a killed run's leftover, or a link: never written through
    try:
        with os_errors_naming(path):
            yield tmp
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_lines_atomic(lines: Iterable[str], path: Path) -> None:
    """Write ``lines`` (UTF-8, ``\\n`` endings, one after each line) to ``path`` through :func:`atomic_path`.

    Raises:
        OSError: naming ``path`` (``path`` keeps its previous content; no temporary file is left behind).
    """
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")


def write_bytes_atomic(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` through a temporary sibling and a rename.

    Raises:
        OSError: naming ``path`` (``path`` keeps its previous content; no temporary file is left behind).
    """
    replace_files_atomic({Path(path): lambda tmp: tmp.write_bytes(data)})


def _stage(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path``'s new content to its temporary sibling with ``write(tmp)``; return the sibling."""
    tmp = _temp_sibling(path)
    try:
        with os_errors_naming(path):
            tmp.unlink(missing_ok=True)
            write(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _backup_path(target: Path) -> Path:
    """The hidden sibling ``.NAME.old`` that :func:`replace_files_atomic` keeps ``target``'s old content in."""
    return target.with_name(f".{target.name}.old")


def swap_leftovers(targets: Iterable[Path | str]) -> list[Path]:
    """The copies of old content that an interrupted :func:`replace_files_atomic` of ``targets`` left: the
    hidden ``.NAME.old`` beside each target that has one.  They exist only while the unit's renames run, so
    one found later means the process was killed (SIGKILL, power loss) between the renames, and the targets
    may hold a mix of old and new content; the next :func:`replace_files_atomic` of the same targets removes
    them.

    Returns:
        The leftovers found, in the order of ``targets``.
    """
    found = [_backup_path(Path(t)) for t in targets]
    return [p for p in found if p.exists() or p.is_symlink()]


def _keep_copy(target: Path) -> Path:
    """A hidden hard link (else a copy) of ``target``, to put back if a later rename of the unit fails."""
    backup = _backup_path(target)
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def replace_files_atomic(writers: Mapping[Path, Callable[[Path], object]]) -> None:
    """Write several files as one unit: every file is staged first (``writer(tmp)`` for each target), and only
    when all are complete are they renamed over the targets (each rename atomic, so a target is never missing);
    if a rename fails, the targets already replaced get their previous content back.  So either all targets
    have their new content or all keep the old one, unless the process is killed between two renames
    (SIGKILL, power loss): nothing can undo that, and it leaves the old content of the targets already replaced
    as hidden ``.NAME.old`` siblings (found by :func:`swap_leftovers`) and the staged new content of the others
    as ``.NAME.tmp``.  A reader for whom a mixed unit matters must check for it (the exported trio records the
    SHA-256 of its files: :func:`easyocr_ko.trio.check.check_trio`); the next call with the same targets
    replaces both kinds of leftover.

    Args:
        writers: target file -> ``writer(tmp)`` that writes the target's new content to the path ``tmp``.

    Raises:
        OSError: naming the target that could not be written (no temporary file is left behind).
    """
    staged: dict[Path, Path] = {}
    done: list[tuple[Path, Path | None]] = []  # (target, copy of its old content or None if it was new), replaced
    backups: list[Path] = []
    try:
        for target, write in writers.items():
            target = Path(target)
            ensure_dir(target.parent)
            staged[target] = _stage(target, write)
        for target, tmp in staged.items():
            with os_errors_naming(target):
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


def replace_dir(src: Path, dst: Path) -> None:
    """Rename the complete folder ``src`` to ``dst``, replacing whatever ``dst`` is (folder, file or link).

    An existing ``dst`` is first renamed beside ``src`` (to ``src.name + ".old"``, inside the caller's staging
    area), so that a failed rename of ``src`` puts it back and a kill between the two renames leaves it where
    the caller's clean-up of its staging area finds it; once ``src`` is in place it is deleted.  ``src`` and
    ``dst`` must be on one file system.

    Raises:
        OSError: naming ``dst`` when a rename fails (``dst`` then is as it was).
    """
    src, dst = Path(src), Path(dst)
    old = None
    with os_errors_naming(dst):
        if dst.exists() or dst.is_symlink():
            old = src.with_name(f"{src.name}.old")
            _remove(old)
            os.replace(dst, old)
        try:
            os.replace(src, dst)
        except BaseException:
            if old is not None:
                os.replace(old, dst)
            raise
    if old is not None:
        _remove(old)


@contextlib.contextmanager
def atomic_dir(path: Path | str) -> Iterator[Path]:
    """Build a folder in a staging sibling: yield a new, empty hidden folder ``.NAME.tmp-xxxxxxxx`` beside
    ``path``; when the block completes it replaces ``path`` (:func:`replace_dir`); if the block raises it is
    deleted and ``path`` is as it was.  Staging folders ``.NAME.tmp-*`` a killed run left are deleted first.

    Raises:
        OSError: naming ``path`` when the staging folder cannot be created or renamed (an ``OSError`` of the
            block itself passes unchanged); the staging folder is deleted.
    """
    path = Path(path)
    ensure_dir(path.parent)
    with os_errors_naming(path):
        for leftover in path.parent.glob(f".{path.name}.tmp-*"):
            _remove(leftover)
        tmp = make_temp_dir(path.parent, f".{path.name}.tmp-")
    try:
        yield tmp
        replace_dir(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
