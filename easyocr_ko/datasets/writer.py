"""The DTRB split writer shared by ``easyocr-ko gen`` and ``easyocr-ko import``, and their output-folder rules.

One split ``NAME`` of a dataset folder ``OUT`` is written as::

    OUT/NAME/images/000000001.png     the encoded images (PNG bytes as given, stored unchanged)
    OUT/NAME/gt.txt                   images/000000001.png<TAB>label, one line per image (DTRB gt format)
    OUT/NAME/MANIFEST                 index<TAB>image<TAB>columns...: how each image was made (gen: fonts.tsv,
                                      import: sources.tsv); ``index`` is the image's LMDB index, from 1
    OUT/lmdb/NAME/data.mdb            DTRB LMDB of the same samples in the same order
                                      (:func:`easyocr_ko.datasets.dtrb.write_lmdb`)
    OUT/lmdb/NAME/MANIFEST            a copy of the manifest, keyed by LMDB index

What differs between the two verbs is a parameter here: the manifest's name and columns (:class:`Manifest`),
how image files are numbered (gen numbers them by planned sample, leaving gaps where a render failed; import by
LMDB index), and the names a verb owns in ``OUT`` (:class:`OutputFolder`).

Nothing is written in place: a split is built in a staging folder and moved into the dataset folder when
complete (:func:`commit_split`), and a replaced dataset's earlier outputs are swapped out only once the new ones
are complete (:meth:`OutputFolder.swap_in`).  Staging folders are hidden (``.gen-tmp-*``, ``.import-tmp-*``), so
dataset searches skip them, and a later run of the same verb deletes those a killed run left.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from easyocr_ko.datasets.dtrb import write_lmdb
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import make_temp_dir, replace_dir, write_lines_atomic

__all__ = [
    "Manifest",
    "OutputFolder",
    "SplitRecord",
    "SplitSummary",
    "commit_split",
    "read_manifest",
    "write_split",
]


@dataclass(frozen=True)
class Manifest:
    """The per-image table a verb writes beside ``gt.txt`` (and into the split's LMDB folder).

    Attributes:
        name: file name, e.g. ``fonts.tsv``.
        columns: the columns after ``index`` and ``image``; every :class:`SplitRecord` gives one value for each.
        tallied: columns whose values :func:`write_split` counts (:attr:`SplitSummary.tallies`).
    """

    name: str
    columns: tuple[str, ...]
    tallied: tuple[str, ...] = ()

    def header(self) -> str:
        """The first line: ``index<TAB>image<TAB>`` + the columns, tab-separated."""
        return "\t".join(("index", "image", *self.columns))


@dataclass(frozen=True)
class SplitRecord:
    """One sample to write.

    Attributes:
        png: the encoded image, written to the image file and the LMDB unchanged (PNG bytes).
        label: a valid DTRB label (NFC, no tab or newline); :func:`write_split` fails on an invalid one.
        row: the sample's manifest values, one per :attr:`Manifest.columns`, without tabs or newlines.
        number: image file number, ``images/{number:09d}.png`` (1-based, unique in the split); ``None`` numbers
            the file by its LMDB index.
    """

    png: bytes
    label: str
    row: tuple[str, ...]
    number: int | None = None


@dataclass
class SplitSummary:
    """What :func:`write_split` wrote for one split.

    Attributes:
        name: the split.
        images: images written (= gt lines = LMDB ``num-samples``); 0 means nothing is left of the split.
        tallies: per :attr:`Manifest.tallied` column, images per value, in order of first appearance.
    """

    name: str
    images: int = 0
    tallies: dict[str, Counter] = field(default_factory=dict)


def write_split(stage: Path, name: str, records: Iterable[SplitRecord], manifest: Manifest) -> SplitSummary:
    """Write one split into the staging folder ``stage``: ``stage/NAME/{images/, gt.txt, MANIFEST}`` and
    ``stage/lmdb/NAME`` (see the module docstring).

    ``records`` is consumed lazily, one sample at a time: each image file is written and its sample put into
    the LMDB before the next record is drawn, so a generator of records can render or crop on demand.

    Args:
        stage: a staging folder (its ``NAME`` must not exist yet).
        name: the split, e.g. ``train``.
        records: the samples, in LMDB order.
        manifest: the manifest's file name, columns and tallied columns.

    Returns:
        The counts.  With no record at all, both folders of the split are deleted again and ``images`` is 0:
        whether that is an error is the caller's decision.

    Raises:
        EasyOcrKoError: an invalid label, or lmdb cannot write.
        OSError: a file cannot be written (an image file's error names no path: callers name the output).
    """
    split_dir = stage / name
    (split_dir / "images").mkdir(parents=True)
    summary = SplitSummary(name, tallies={column: Counter() for column in manifest.tallied})
    tallied = [(manifest.columns.index(column), summary.tallies[column]) for column in manifest.tallied]
    gt_lines: list[str] = []
    manifest_lines = [manifest.header()]

    def samples() -> Iterator[tuple[bytes, str]]:
        for record in records:
            index = len(gt_lines) + 1
            image = f"images/{index if record.number is None else record.number:09d}.png"
            (split_dir / image).write_bytes(record.png)
            gt_lines.append(f"{image}\t{record.label}")
            manifest_lines.append("\t".join((str(index), image, *record.row)))
            for position, counter in tallied:
                counter[record.row[position]] += 1
            yield record.png, record.label

    lmdb_dir = stage / "lmdb" / name
    lmdb_dir.parent.mkdir(parents=True, exist_ok=True)
    summary.images = write_lmdb(samples(), lmdb_dir).written
    if summary.images == 0:
        shutil.rmtree(split_dir)
        shutil.rmtree(lmdb_dir)
        return summary
    write_lines_atomic(gt_lines, split_dir / "gt.txt")
    write_lines_atomic(manifest_lines, split_dir / manifest.name)
    shutil.copyfile(split_dir / manifest.name, lmdb_dir / manifest.name)
    return summary


def read_manifest(path: Path, columns: Sequence[str] | None = None) -> list[dict[str, str]]:
    """The rows of a manifest written by :func:`write_split` (gen's ``fonts.tsv``, import's ``sources.tsv``), as
    ``{column: value}`` (``index`` and ``image`` included), the package's one reader of these files; blank lines
    are skipped.

    Args:
        path: the file.
        columns: ``None`` reads a manifest a verb has just written as it is (a short line gives a short row).
            Given (e.g. ``("font",)``), the file is one a user hands in and is checked: its header must start
            with ``index``, ``image`` and these columns, and every line must have that many fields and a
            numeric ``index``.

    Raises:
        OSError: the file cannot be read.
        UnicodeDecodeError: the file is not UTF-8 (``columns`` ``None``).
        EasyOcrKoError: with ``columns``: the file is not UTF-8, has another header or a malformed line (named
            ``file:line``).
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        if columns is None:
            raise
        raise EasyOcrKoError(f"{path} is not UTF-8") from None
    header = lines[0].split("\t") if lines else []
    expected = ["index", "image", *(columns or ())]
    layout = "<TAB>".join(expected)
    if columns is not None and header[:len(expected)] != expected:
        raise EasyOcrKoError(f"{path}:1: expected the header '{layout}'")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if columns is not None and (len(parts) < len(expected) or not parts[0].isdigit()):
            raise EasyOcrKoError(f"{path}:{n}: expected {layout}")
        rows.append(dict(zip(header, parts)))
    return rows


def commit_split(stage: Path, dest: Path, name: str) -> None:
    """Move the complete split ``name`` from the staging folder ``stage`` (written by :func:`write_split`) into
    the dataset folder ``dest`` (same file system): first ``lmdb/NAME``, then ``NAME``, each replacing an
    earlier folder of that name (:func:`easyocr_ko.fsutil.replace_dir`).  A split counts as present only when
    ``NAME/gt.txt`` is there, so a kill between the two renames leaves no split that looks complete.

    Raises:
        OSError: a rename fails (naming the folder).
    """
    (dest / "lmdb").mkdir(exist_ok=True)
    for sub in (Path("lmdb") / name, Path(name)):
        replace_dir(stage / sub, dest / sub)


@dataclass(frozen=True)
class OutputFolder:
    """The rules of one verb's output folder.

    Attributes:
        verb: ``gen`` or ``import``: named in messages and in the staging folders' prefix ``.VERB-tmp-``.
        own: the top-level names the verb writes; ``--overwrite`` refuses a folder holding anything else.
        not_empty_hint: what the "not empty" error suggests, e.g. ``choose an empty folder or pass --overwrite``.
    """

    verb: str
    own: frozenset[str]
    not_empty_hint: str

    @property
    def stage_prefix(self) -> str:
        """Name prefix of the verb's staging folders inside the output folder: ``.VERB-tmp-``."""
        return f".{self.verb}-tmp-"

    def existing(self, out: Path) -> list[Path]:
        """Check that ``out`` can be the output folder; delete the staging folders a killed run left in it.

        Returns:
            What ``out`` holds, sorted by name ([] if ``out`` does not exist).

        Raises:
            EasyOcrKoError: ``out`` exists and is not a folder.
        """
        if out.exists() and not out.is_dir():
            raise EasyOcrKoError(f"{out} exists and is not a folder")
        if not out.exists():
            return []
        for leftover in out.glob(f"{self.stage_prefix}*"):
            shutil.rmtree(leftover, ignore_errors=True)
        return sorted(out.iterdir())

    def replaceable(self, out: Path, present: list[Path], overwrite: bool) -> list[Path]:
        """The earlier outputs ``present`` in ``out`` that a new run replaces (nothing is deleted here).

        Raises:
            EasyOcrKoError: ``out`` is not empty and ``overwrite`` is off, or it holds names the verb does not
                write (those are the user's: never replaced).
        """
        if not present:
            return []
        if not overwrite:
            raise EasyOcrKoError(f"output folder {out} is not empty: {self.not_empty_hint}")
        foreign = sorted(p.name for p in present if p.name not in self.own)
        if foreign:
            raise EasyOcrKoError(f"--overwrite refused: {out} holds files {self.verb} did not write "
                                 f"({', '.join(foreign)})")
        return list(present)

    def swap_in(self, new: Path, out: Path, old: list[Path]) -> None:
        """Replace the earlier outputs ``old`` in ``out`` with everything in ``new`` (a complete dataset built in
        a staging folder inside ``out``).  The earlier outputs are first moved aside into a staging folder, so a
        failure while the new ones are moved in puts them back; they are deleted once all new ones are in.

        Raises:
            OSError: a rename fails (``out`` then holds the earlier outputs again).
        """
        trash = make_temp_dir(out, f"{self.stage_prefix}old-")
        moved_old: list[Path] = []
        moved_new: list[Path] = []
        try:
            for item in old:
                os.replace(item, trash / item.name)
                moved_old.append(item)
            for item in sorted(new.iterdir()):
                os.replace(item, out / item.name)
                moved_new.append(out / item.name)
        except BaseException:
            for item in moved_new:
                shutil.rmtree(item, ignore_errors=True) if item.is_dir() else item.unlink(missing_ok=True)
            for item in moved_old:
                os.replace(trash / item.name, item)
            with contextlib.suppress(OSError):
                trash.rmdir()  # only if empty: everything was put back
            raise
        shutil.rmtree(trash, ignore_errors=True)
