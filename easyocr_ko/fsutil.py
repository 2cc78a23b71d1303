"""Atomic file writing with ordinary permissions.

``tempfile.mkstemp``/``mkdtemp`` create private files (0600) and folders (0700); a dataset or model renamed
into place from them would be unreadable for other users.  These helpers give what a plain ``open``/``mkdir``
would (0666/0777 minus the umask).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """A new staging folder inside ``parent`` with the permissions ``mkdir`` would give."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(path, 0o777 & ~_umask())
    return path


def write_lines_atomic(lines: Iterable[str], path: Path) -> None:
    """Write ``lines`` (UTF-8, ``\\n`` endings) to ``path`` through a temporary file and a rename."""
    path = Path(path)
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
