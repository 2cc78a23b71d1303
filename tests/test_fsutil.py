"""easyocr_ko.fsutil: atomic writes of files and folders (a failure leaves the old content and no temporary),
ordinary permissions, OS errors that name their path."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from easyocr_ko import fsutil
from easyocr_ko.fsutil import (
    atomic_dir,
    atomic_path,
    describe_os_error,
    make_temp_dir,
    os_errors_naming,
    replace_dir,
    replace_files_atomic,
    temp_dir,
    with_path,
    write_bytes_atomic,
    write_lines_atomic,
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


class Boom(Exception):
    """A failure inside a write block."""


# ---------------------------------------------------------------- one file

def test_write_lines_atomic_writes_utf8_lines_with_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "labels.txt"
    write_lines_atomic(["가방", "b\r"], path)
    assert path.read_bytes() == "가방\nb\r\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    assert _listing(tmp_path) == ["sub", "sub/labels.txt"]


def test_write_lines_atomic_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text("old\n", encoding="utf-8")

    def lines():
        yield "new first line"
        raise Boom

    with pytest.raises(Boom):
        write_lines_atomic(lines(), path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert _listing(tmp_path) == ["summary.json"]


def test_atomic_path_renames_on_success(tmp_path: Path) -> None:
    path = tmp_path / "sheet.png"
    path.write_bytes(b"old")
    with atomic_path(path, suffix=".png") as tmp:
        assert tmp.parent == tmp_path and tmp.name == ".sheet.png.tmp.png" and tmp.name != path.name
        tmp.write_bytes(b"new")
        assert path.read_bytes() == b"old"  # nothing visible before the block completes
    assert path.read_bytes() == b"new"
    assert _listing(tmp_path) == ["sheet.png"]


def test_atomic_path_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(Boom), atomic_path(path) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise Boom
    assert path.read_text(encoding="utf-8") == "old"
    assert _listing(tmp_path) == ["model.yaml"]


def test_atomic_path_names_the_target_in_an_os_error_without_a_file_name(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    with pytest.raises(OSError) as info, atomic_path(path) as tmp:
        tmp.write_bytes(b"part")
        raise OSError(errno.ENOSPC, "No space left on device")  # what a failed write() raises
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(path)
    assert describe_os_error(info.value) == f"{path}: No space left on device"
    assert _listing(tmp_path) == []


def test_atomic_path_replaces_a_leftover_temporary_instead_of_writing_through_it(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    (tmp_path / ".a.txt.tmp").symlink_to(elsewhere)  # left by a killed run, or planted
    write_lines_atomic(["new"], path)
    assert path.read_text(encoding="utf-8") == "new\n" and elsewhere.read_text(encoding="utf-8") == "keep"
    assert _listing(tmp_path) == ["a.txt", "elsewhere.txt"]


def test_write_bytes_atomic_full_disk_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "best_accuracy.pth"
    path.write_bytes(b"old weights")
    real = Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:
        real(self, data[:3])  # part written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError, match="No space left on device") as info:
        write_bytes_atomic(b"new weights", path)
    monkeypatch.undo()
    assert info.value.filename == str(path)
    assert path.read_bytes() == b"old weights"
    assert _listing(tmp_path) == ["best_accuracy.pth"]


# ---------------------------------------------------------------- several files as one unit

def test_replace_files_atomic_failed_rename_restores_every_target(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    targets = [tmp_path / "m.pth", tmp_path / "m.yaml", tmp_path / "m.py"]
    for t in targets:
        t.write_text(f"old {t.suffix}", encoding="utf-8")
    real_replace = os.replace

    def failing_last(src, dst):
        if Path(dst).name == "m.py" and Path(src).name.endswith(".tmp"):
            raise OSError(errno.EIO, "Input/output error", str(src), None, str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", failing_last)
    with pytest.raises(OSError, match="Input/output error"):
        replace_files_atomic({t: (lambda p, t=t: p.write_text(f"new {t.suffix}", encoding="utf-8")) for t in targets})
    monkeypatch.undo()
    assert [t.read_text(encoding="utf-8") for t in targets] == ["old .pth", "old .yaml", "old .py"]
    assert _listing(tmp_path) == ["m.pth", "m.py", "m.yaml"]
    replace_files_atomic({t: (lambda p, t=t: p.write_text(f"new {t.suffix}", encoding="utf-8")) for t in targets})
    assert [t.read_text(encoding="utf-8") for t in targets] == ["new .pth", "new .yaml", "new .py"]


def test_replace_files_atomic_failed_writer_changes_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text("old a", encoding="utf-8")

    def broken(p: Path) -> None:
        p.write_text("half", encoding="utf-8")
        raise Boom

    with pytest.raises(Boom):
        replace_files_atomic({first: lambda p: p.write_text("new a", encoding="utf-8"), second: broken})
    assert first.read_text(encoding="utf-8") == "old a" and not second.exists()
    assert _listing(tmp_path) == ["a"]


# ---------------------------------------------------------------- folders

def test_make_temp_dir_and_temp_dir_permissions_and_clean_up(tmp_path: Path) -> None:
    made = make_temp_dir(tmp_path, ".gen-tmp-")
    assert made.parent == tmp_path and made.name.startswith(".gen-tmp-")
    assert stat.S_IMODE(made.stat().st_mode) == 0o777 & ~_umask()
    with pytest.raises(Boom), temp_dir(tmp_path, ".x-tmp-") as stage:
        (stage / "inner").mkdir()
        raise Boom
    assert not stage.exists()
    with temp_dir(tmp_path, ".x-tmp-") as stage:
        (stage / "file").write_bytes(b"x")
    assert _listing(tmp_path) == [made.name]


def test_replace_dir_replaces_a_folder_and_a_failed_rename_puts_it_back(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    stage = tmp_path / ".stage"
    (stage / "new").mkdir(parents=True)
    (stage / "new" / "data.mdb").write_bytes(b"new")
    dst = tmp_path / "db"
    dst.mkdir()
    (dst / "data.mdb").write_bytes(b"old")
    real_replace = os.replace

    def failing(src, target):
        if Path(src) == stage / "new":
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, target)

    monkeypatch.setattr(fsutil.os, "replace", failing)
    with pytest.raises(OSError, match="cross-device") as info:
        replace_dir(stage / "new", dst)
    monkeypatch.undo()
    assert info.value.filename == str(dst)
    assert (dst / "data.mdb").read_bytes() == b"old" and _listing(stage) == ["new", "new/data.mdb"]
    replace_dir(stage / "new", dst)
    assert (dst / "data.mdb").read_bytes() == b"new"
    assert _listing(tmp_path) == [".stage", "db", "db/data.mdb"]


def test_atomic_dir_builds_beside_and_swaps_in(tmp_path: Path) -> None:
    out = tmp_path / "db"
    (tmp_path / ".db.tmp-killed").mkdir()  # a killed run's staging folder
    with atomic_dir(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".db.tmp-")
        (tmp / "data.mdb").write_bytes(b"one")
        assert not out.exists()
    assert _listing(tmp_path) == ["db", "db/data.mdb"]
    with pytest.raises(Boom), atomic_dir(out) as tmp:
        (tmp / "data.mdb").write_bytes(b"half")
        raise Boom
    assert (out / "data.mdb").read_bytes() == b"one"
    assert _listing(tmp_path) == ["db", "db/data.mdb"]
    with atomic_dir(out) as tmp:
        (tmp / "data.mdb").write_bytes(b"two")
    assert (out / "data.mdb").read_bytes() == b"two" and _listing(tmp_path) == ["db", "db/data.mdb"]


# ---------------------------------------------------------------- errors that name their path

def test_os_errors_naming_names_only_unnamed_errors(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info, os_errors_naming(tmp_path / "x"):
        raise OSError(errno.EROFS, "Read-only file system")
    assert info.value.filename == str(tmp_path / "x") and isinstance(info.value.__cause__, OSError)
    named = FileNotFoundError(errno.ENOENT, "No such file or directory", "other")
    assert with_path(named, tmp_path) is named
    renamed = OSError(errno.EIO, "Input/output error", "a", None, "b")
    assert describe_os_error(renamed) == "a -> b: Input/output error"
    assert describe_os_error(OSError("plain\nsecond line")) == "plain"
