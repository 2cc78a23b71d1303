"""DTRB datasets: ``gt.txt`` folders and LMDB files with DTRB's key layout.

Formats (clovaai/deep-text-recognition-benchmark, ``create_lmdb_dataset.py``):

* gt file: UTF-8, one sample per line, ``imagepath<TAB>label``; ``imagepath`` is relative to the folder
  given as ``inputPath`` (here: the folder that holds ``gt.txt``).
* LMDB: keys ``image-%09d`` (the encoded image file's bytes, unchanged), ``label-%09d`` (UTF-8 label) and
  ``num-samples`` (decimal count), indices from 1 in gt-file order, written by ``lmdb.open(path,
  map_size=1 TiB)`` into ``data.mdb`` / ``lock.mdb``.

:func:`folder_to_lmdb` writes the same keys and values that DTRB's script writes from the same folder,
but never silently drops a sample: a missing or undecodable image or a malformed line is an error unless
the caller asks to skip and count it.  Output goes to a temporary folder that is renamed when complete
(:func:`easyocr_ko.fsutil.atomic_dir`).

Before an LMDB is opened for reading, :func:`check_lmdb_file` reads its two meta pages and compares the file
size with the last page they record: lmdb maps the file into memory, and reading a page a truncated file no
longer has kills the process with SIGBUS instead of raising.
"""
from __future__ import annotations

import io
import os
import shutil
import struct
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import lmdb
import numpy as np
from PIL import Image

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import atomic_dir, os_errors_naming
from easyocr_ko.text.dictionary import label_problem

__all__ = [
    "GT_NAME",
    "MAP_SIZE",
    "FolderDataset",
    "GtEntry",
    "LmdbDataset",
    "LmdbSummary",
    "check_lmdb_file",
    "decode_gray",
    "decode_image",
    "encode_png",
    "folder_to_lmdb",
    "image_key",
    "label_key",
    "read_gray_file",
    "read_gt",
    "write_lmdb",
]

MAP_SIZE = 1 << 40  # 1 TiB of address space, as DTRB; the file only grows to what is written
GT_NAME = "gt.txt"


def image_key(index: int) -> bytes:
    """DTRB's image key for 1-based ``index``: ``b'image-000000001'``."""
    return b"image-%09d" % index


def label_key(index: int) -> bytes:
    """DTRB's label key for 1-based ``index``: ``b'label-000000001'``."""
    return b"label-%09d" % index


def decode_image(data: bytes, flags: int) -> np.ndarray | None:
    """Decode encoded image bytes with ``cv2.imdecode(buf, flags)``, the package's one guard around it.

    Args:
        data: the encoded file's bytes.
        flags: OpenCV's ``cv2.IMREAD_*`` flags (``IMREAD_GRAYSCALE``, ``IMREAD_COLOR``, ``IMREAD_UNCHANGED``).

    Returns:
        The pixels as OpenCV gives them (uint8 or uint16; (H, W) or (H, W, C), BGR order), or ``None`` if the
        bytes are not a decodable, non-empty image: no bytes, a corrupt body behind a valid header, or more pixels
        than OpenCV decodes (its ``CV_IO_MAX_IMAGE_PIXELS``, 2^30), which OpenCV reports by raising ``cv2.error``
        (caught here).
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    if buf.size == 0:
        return None
    try:
        img = cv2.imdecode(buf, flags)
    except cv2.error:
        return None
    if img is None or img.size == 0:
        return None
    return img


def decode_gray(data: bytes) -> np.ndarray | None:
    """Decode encoded image bytes to greyscale uint8 (H, W) exactly as EasyOCR reads a file
    (``cv2.IMREAD_GRAYSCALE``).

    Returns:
        The pixels, or ``None`` if the bytes are not a decodable, non-empty image (:func:`decode_image`).
    """
    return decode_image(data, cv2.IMREAD_GRAYSCALE)


def encode_png(image: Image.Image | np.ndarray) -> bytes:
    """PNG bytes of an image, as every dataset image the package writes is encoded (Pillow, zlib level 1: fast,
    lossless).

    Args:
        image: a PIL image (its mode is kept), or a uint8 array: (H, W) grey or (H, W, 3) in OpenCV's BGR order
            (stored as RGB).

    Raises:
        ValueError: an array of another shape or dtype.
    """
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8 or not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
            raise ValueError(f"encode_png takes uint8 (H, W) or (H, W, 3) arrays, not {image.dtype} {image.shape}")
        image = Image.fromarray(np.ascontiguousarray(image if image.ndim == 2 else image[:, :, ::-1]))
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def read_gray_file(path: Path | str) -> np.ndarray:
    """Read an image file as :func:`decode_gray` decodes it.

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: not a decodable image (corrupt, not an image, or over OpenCV's pixel limit).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"image not found: {path}")
    gray = decode_gray(path.read_bytes())
    if gray is None:
        raise EasyOcrKoError(f"cannot read image {path}: not a decodable image (corrupt, not an image, or more "
                             "than OpenCV's limit of 2^30 pixels)")
    return gray


_LMDB_MAGIC = 0xBEEFC0DE
# MDB_meta after the 16-byte page header (64-bit build): magic, version, address, mapsize, then the free DB
# record (its md_pad holds the page size) and the main DB record (48 bytes each), last page, transaction id.
_META = struct.Struct("<II16xI44x48xQQ")


def check_lmdb_file(folder: Path | str) -> None:
    """Check, without mapping it, that ``folder/data.mdb`` is a complete LMDB file.

    lmdb keeps two meta pages at the start of the file (magic ``0xBEEFC0DE``, page size, last page used,
    transaction id); the newer one says how many pages the file must hold.  A file that is not an LMDB would
    raise ``lmdb.InvalidError``, and a truncated one would kill the process with SIGBUS on the first read
    beyond its end.

    Raises:
        FileNotFoundError: no ``data.mdb``.
        EasyOcrKoError: not an LMDB, or shorter than its meta page says (truncated copy or download).
    """
    path = Path(folder) / "data.mdb"
    if not path.is_file():
        raise FileNotFoundError(f"no LMDB (data.mdb) in {folder}")
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(16 + _META.size)
        metas = []
        if len(head) == 16 + _META.size:
            magic, version, psize, last_pg, txnid = _META.unpack_from(head, 16)
            if magic == _LMDB_MAGIC and 512 <= psize <= 1 << 16:
                metas.append((txnid, last_pg, psize))
                f.seek(psize)
                second = f.read(16 + _META.size)
                if len(second) == 16 + _META.size:
                    magic2, _, _, last_pg2, txnid2 = _META.unpack_from(second, 16)
                    if magic2 == _LMDB_MAGIC:
                        metas.append((txnid2, last_pg2, psize))
    if not metas:
        raise EasyOcrKoError(f"{path} is not an LMDB file (no LMDB meta page): rebuild it with easyocr-ko lmdb")
    _, last_pg, psize = max(metas)
    need = (last_pg + 1) * psize
    if size < need:
        raise EasyOcrKoError(f"{path} is truncated: {size} bytes, but its meta page needs {need} "
                             "(an interrupted copy or download?): copy or rebuild it")


@dataclass
class GtEntry:
    """One line of a gt file: ``line`` (1-based line number), image path as written, label."""

    line: int
    image: str
    label: str


def read_gt(gt_file: Path, nfc: bool = True, strict: bool = True, skipped: Counter | None = None) -> list[GtEntry]:
    """Parse a DTRB gt file (``imagepath<TAB>label`` per line; blank lines ignored).

    Args:
        gt_file: the file.
        nfc: normalise labels to NFC (Hangul typed on macOS is often NFD).
        strict: raise on a malformed line; otherwise count it in ``skipped`` under its reason.
        skipped: counter for skipped lines.

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: the file is not UTF-8, or (strict) a line has no tab / more than one tab / an
            empty path or a label with a control character; the message names the file and line.
    """
    gt_file = Path(gt_file)
    if not gt_file.is_file():
        raise FileNotFoundError(f"gt file not found: {gt_file}")
    try:
        text = gt_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise EasyOcrKoError(f"{gt_file} is not UTF-8 (byte {err.start}): re-save it as UTF-8") from err
    entries = []
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        parts = line.split("\t")
        problem = None
        if len(parts) != 2:
            problem = "no tab between image path and label" if len(parts) == 1 else "tab inside label"
        elif not parts[0]:
            problem = "empty image path"
        else:
            label = unicodedata.normalize("NFC", parts[1]) if nfc else parts[1]
            problem = label_problem(label)
        if problem:
            if strict:
                raise EasyOcrKoError(f"{gt_file}:{n}: {problem}")
            if skipped is not None:
                skipped[problem] += 1
            continue
        entries.append(GtEntry(n, parts[0], label))
    return entries


@dataclass
class LmdbSummary:
    """What :func:`folder_to_lmdb` / :func:`write_lmdb` wrote.

    Attributes:
        written: samples in the LMDB (``num-samples``).
        skipped: samples not written, by reason.
        output: the LMDB folder.
    """

    written: int
    output: Path
    skipped: Counter = field(default_factory=Counter)


def _check_replaceable(output: Path, overwrite: bool) -> None:
    """Check that ``output`` is absent, or (``overwrite``) an LMDB folder that may be replaced.

    Raises:
        EasyOcrKoError: ``output`` exists without ``overwrite``, or holds files other than ``data.mdb`` and
            ``lock.mdb``.
    """
    if output.exists():
        if not overwrite:
            raise EasyOcrKoError(f"{output} already exists: choose another folder or pass --overwrite")
        if output.is_dir() and any(p.name not in ("data.mdb", "lock.mdb") for p in output.iterdir()):
            raise EasyOcrKoError(f"{output} holds files other than an LMDB: refusing to overwrite it")


def _fill_lmdb(samples: Iterable[tuple[bytes, str]], folder: Path, output: Path) -> int:
    """Write the samples into a new LMDB in ``folder``; return how many.  ``output`` is the name errors give.

    Raises:
        EasyOcrKoError: a label is invalid, or lmdb cannot write (full disk, I/O error).
    """
    count = 0
    try:
        env = lmdb.open(str(folder), map_size=MAP_SIZE)
        try:
            txn = env.begin(write=True)
            for image_bytes, label in samples:
                problem = label_problem(label)
                if problem:
                    raise EasyOcrKoError(f"sample {count + 1}: {problem}: {label!r}")
                count += 1
                txn.put(image_key(count), image_bytes)
                txn.put(label_key(count), label.encode("utf-8"))
                if count % 1000 == 0:
                    txn.commit()
                    txn = env.begin(write=True)
            txn.put(b"num-samples", str(count).encode())
            txn.commit()
        finally:
            env.close()
    except lmdb.Error as err:
        why = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise EasyOcrKoError(f"cannot write the LMDB {output}: {why}") from err
    return count


def write_lmdb(samples: Iterable[tuple[bytes, str]], output: Path, overwrite: bool = False) -> LmdbSummary:
    """Write (encoded image bytes, label) pairs to an LMDB with DTRB's key layout.

    The LMDB is built in a temporary sibling folder and renamed to ``output`` when complete
    (:func:`easyocr_ko.fsutil.atomic_dir`), so an interrupted run leaves no half-written ``output``.

    Args:
        samples: pairs in index order (index 1 first): the encoded image file's bytes (stored unchanged) and
            its label, which must be a valid DTRB label.  Consumed lazily, one pair at a time.
        output: the LMDB folder to create.
        overwrite: replace an existing LMDB folder.

    Returns:
        An :class:`LmdbSummary` with ``written`` = the number of pairs (``num-samples``; 0 for no pair).

    Raises:
        EasyOcrKoError: ``output`` exists (and not ``overwrite``), a label is invalid, or lmdb cannot write
            (full disk, I/O error: named with ``output``).
        OSError: the folder cannot be created or renamed (naming the path); an ``OSError`` raised by
            ``samples`` itself passes unchanged.
    """
    output = Path(output)
    with os_errors_naming(output):
        _check_replaceable(output, overwrite)
    with atomic_dir(output) as tmp:
        count = _fill_lmdb(samples, tmp, output)
    return LmdbSummary(written=count, output=output)


def folder_to_lmdb(
    input_path: Path,
    output: Path,
    gt_file: Path | None = None,
    check_valid: bool = True,
    skip_bad: bool = False,
    nfc: bool = True,
    overwrite: bool = False,
) -> LmdbSummary:
    """Convert a DTRB folder (``gt.txt`` + images) to an LMDB, as DTRB's ``create_lmdb_dataset.py``.

    Args:
        input_path: the folder image paths in the gt file are relative to.
        output: LMDB folder to create (``data.mdb``/``lock.mdb``).
        gt_file: the gt file (default ``input_path/gt.txt``).
        check_valid: decode every image and reject empty/undecodable ones (DTRB's ``checkValid``).
        skip_bad: skip and count missing images, undecodable images and malformed lines instead of failing.
        nfc: normalise labels to NFC.
        overwrite: replace an existing ``output``.

    Returns:
        An :class:`LmdbSummary`; ``skipped`` counts what was left out (only with ``skip_bad``).

    Raises:
        FileNotFoundError: the gt file, or (without ``skip_bad``) an image it names, does not exist.
        EasyOcrKoError: a malformed line, an undecodable image (without ``skip_bad``), no samples at all,
            or ``output`` exists.
    """
    input_path = Path(input_path)
    gt_file = Path(gt_file) if gt_file else input_path / GT_NAME
    skipped: Counter = Counter()
    entries = read_gt(gt_file, nfc=nfc, strict=not skip_bad, skipped=skipped)

    def samples() -> Iterator[tuple[bytes, str]]:
        for entry in entries:
            path = input_path / entry.image
            if not path.is_file():
                if not skip_bad:
                    raise FileNotFoundError(f"{gt_file}:{entry.line}: image not found: {path}")
                skipped["image not found"] += 1
                continue
            data = path.read_bytes()
            if check_valid and decode_gray(data) is None:
                if not skip_bad:
                    raise EasyOcrKoError(f"{gt_file}:{entry.line}: not a decodable image: {path}")
                skipped["undecodable image"] += 1
                continue
            yield data, entry.label

    summary = write_lmdb(samples(), output, overwrite=overwrite)
    summary.skipped = skipped
    if summary.written == 0:
        shutil.rmtree(summary.output, ignore_errors=True)
        raise EasyOcrKoError(f"{gt_file} yields no sample: nothing written")
    return summary


_OPEN_ENVS: dict[tuple, lmdb.Environment] = {}


def _forget_envs_after_fork() -> None:
    # py-lmdb remembers the files open in a process and a fork()ed child inherits that list, so a DataLoader
    # worker could not reopen them; the child drops the parent's environments and opens its own.
    for key in list(_OPEN_ENVS):
        _OPEN_ENVS.pop(key).close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_envs_after_fork)


class LmdbDataset:
    """Read-only access to a DTRB LMDB.

    ``dataset[i]`` for ``0 <= i < len(dataset)`` returns ``(image_bytes, label)`` of LMDB index ``i + 1``.

    Raises:
        FileNotFoundError: ``path`` holds no ``data.mdb``.
        EasyOcrKoError: ``data.mdb`` is not an LMDB or is truncated (:func:`check_lmdb_file`), lmdb cannot
            read it, or it has no valid ``num-samples`` key.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        check_lmdb_file(self.path)
        self._env: lmdb.Environment | None = None
        self._key: tuple | None = None
        try:
            env = self._open()
            with env.begin(write=False) as txn:
                raw = txn.get(b"num-samples")
        except lmdb.Error as err:
            raise EasyOcrKoError(f"{self.path} cannot be read as an LMDB ({type(err).__name__}: {err})") from err
        if raw is None:
            raise EasyOcrKoError(f"{self.path} is not a DTRB LMDB: it has no 'num-samples' key")
        try:
            self.n_samples = int(raw)
        except ValueError:
            raise EasyOcrKoError(f"{self.path} is not a DTRB LMDB: 'num-samples' is {bytes(raw)[:20]!r}") from None

    def _open(self) -> lmdb.Environment:
        # One Environment per file and process: lmdb refuses to open the same file twice in a process, and an
        # Environment must not cross a fork.  The key includes the inode and mtime, so a rewritten LMDB is reopened.
        stat = (self.path / "data.mdb").stat()
        key = (str(self.path.resolve()), stat.st_ino, stat.st_mtime_ns, os.getpid())
        if self._env is None or self._key != key:
            env = _OPEN_ENVS.get(key)
            if env is None:
                for old in [k for k in _OPEN_ENVS if k[0] == key[0] and k[3] == key[3]]:
                    _OPEN_ENVS.pop(old).close()
                env = lmdb.open(str(self.path), readonly=True, lock=False, readahead=False, meminit=False,
                                max_readers=32)
                _OPEN_ENVS[key] = env
            self._env, self._key = env, key
        return self._env

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_env"] = None
        return state

    def __len__(self) -> int:
        return self.n_samples

    def __getitem__(self, i: int) -> tuple[bytes, str]:
        if not 0 <= i < self.n_samples:
            raise IndexError(i)
        try:
            with self._open().begin(write=False) as txn:
                image = txn.get(image_key(i + 1))
                label = txn.get(label_key(i + 1))
        except lmdb.Error as err:
            raise EasyOcrKoError(f"{self.path}: index {i + 1} cannot be read ({type(err).__name__}: {err})") from err
        if image is None or label is None:
            raise EasyOcrKoError(f"{self.path}: index {i + 1} is missing although num-samples is {self.n_samples}")
        return bytes(image), label.decode("utf-8")

    def labels(self) -> list[str]:
        """All labels in index order (reads only the label keys).

        Raises:
            EasyOcrKoError: a label key below ``num-samples`` is missing.
        """
        out = []
        with self._open().begin(write=False) as txn:
            for i in range(1, self.n_samples + 1):
                raw = txn.get(label_key(i))
                if raw is None:
                    raise EasyOcrKoError(f"{self.path}: index {i} is missing although num-samples is {self.n_samples}")
                out.append(raw.decode("utf-8"))
        return out


class FolderDataset:
    """A DTRB folder read in place: ``dataset[i]`` is ``(image_bytes, label)`` of the i-th gt line.

    Raises:
        FileNotFoundError: the gt file, or an image it names, does not exist (checked up front).
        EasyOcrKoError: the gt file is malformed or empty.
    """

    def __init__(self, root: Path | str, gt_file: Path | str | None = None, nfc: bool = True):
        self.root = Path(root)
        self.gt_file = Path(gt_file) if gt_file else self.root / GT_NAME
        self.entries = read_gt(self.gt_file, nfc=nfc)
        if not self.entries:
            raise EasyOcrKoError(f"{self.gt_file} lists no sample")
        for e in self.entries:
            if not (self.root / e.image).is_file():
                raise FileNotFoundError(f"{self.gt_file}:{e.line}: image not found: {self.root / e.image}")

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: int) -> tuple[bytes, str]:
        e = self.entries[i]
        return (self.root / e.image).read_bytes(), e.label

    def labels(self) -> list[str]:
        """All labels in gt order."""
        return [e.label for e in self.entries]
