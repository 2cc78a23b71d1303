"""One run per run folder: an OS lock on the folder while a ``finetune`` (fresh or ``--resume``) uses it.

Two processes writing one run folder would interleave their checkpoints and write ``metrics.jsonl`` records of
the same steps twice.  :func:`lock_run_folder` takes an exclusive ``flock`` on the folder itself (a file
descriptor of the directory, so no lock file is left in the run folder); a second process asking for it is
refused at once with one line.  The operating system drops the lock when the descriptor is closed:
:meth:`RunFolderLock.release` at the end of the run, or the process's death (an exception, a signal, ``kill -9``),
so a stale lock never blocks a later ``--resume``.

Where the platform or file system has no ``flock`` on folders (Windows; NFS, where Linux emulates ``flock``
with POSIX locks that a read-only descriptor cannot take), the folder is used without a lock, as before.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from types import TracebackType

from easyocr_ko.errors import EasyOcrKoError

__all__ = ["RunFolderLock", "lock_run_folder"]

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class RunFolderLock:
    """An exclusive lock on a run folder (see the module docstring); a context manager.

    Attributes:
        folder: the locked folder.
        locked: whether the OS lock is held (``False`` where the platform or file system has none).
    """

    def __init__(self, folder: Path, fd: int | None):
        self.folder = Path(folder)
        self._fd = fd

    @property
    def locked(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Drop the lock (closing the folder's descriptor); releasing twice is harmless."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> RunFolderLock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def lock_run_folder(folder: Path) -> RunFolderLock:
    """Take the run folder's lock, or refuse at once.

    Args:
        folder: an existing folder (the run folder).

    Returns:
        The held lock; call :meth:`RunFolderLock.release` (or use it as a context manager) when the run ends.

    Raises:
        EasyOcrKoError: another process holds the lock (one line naming the folder).
        OSError: the folder cannot be opened (naming it).
    """
    folder = Path(folder)
    if fcntl is None:
        return RunFolderLock(folder, None)
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        os.close(fd)
        if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise EasyOcrKoError(f"run folder {folder} is in use by another finetune process (it holds the folder's "
                                 "lock): wait for it to end or stop it, or use another --output") from None
        return RunFolderLock(folder, None)  # no flock on folders here (see the module docstring)
    return RunFolderLock(folder, fd)
