"""The evaluation set of ``easyocr-ko eval``: which images, their truths as stored, and gen's font manifest.

:func:`load_eval_set` opens an LMDB, a DTRB folder (``gt.txt`` + images), a gen/import output (its
``lmdb/<split>``) or a folder tree of LMDBs (:func:`easyocr_ko.datasets.batches.find_datasets`), keeps the
samples :class:`easyocr_ko.datasets.batches.RecognitionData` can decode (the others are counted in
``data.skipped``), and attaches to each the font and text kind gen drew it with when the dataset has gen's
``fonts.tsv`` (:func:`read_font_manifest`).  Truth strings are the labels as stored (LMDB bytes, gt.txt text),
not normalised, so ``nfc=False`` really compares unnormalised text.
"""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

from easyocr_ko.datasets.batches import RecognitionData, Sample, find_datasets
from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset, read_gt
from easyocr_ko.datasets.writer import read_manifest
from easyocr_ko.errors import EasyOcrKoError

__all__ = ["FONTS_TSV", "NO_FONT", "NO_KIND", "EvalSet", "read_font_manifest", "load_eval_set"]

FONTS_TSV = "fonts.tsv"
"""gen's font manifest, written beside each LMDB / DTRB folder it makes."""
NO_FONT = "(no font)"
"""The font of a sample its manifest does not list."""
NO_KIND = "(no kind)"
"""The text kind of a sample its manifest does not list."""


@dataclass
class EvalSet:
    """The samples to read, in input order.

    Attributes:
        data: the opened datasets.
        samples: the evaluated samples (all, or a seeded ``limit`` subset in input order).
        ids: per sample, the image as the user knows it: its gt.txt path or ``lmdb:<index>`` (1-based),
            prefixed with the dataset folder when there are several.
        truths: per sample, the label as stored (not normalised).
        fonts: per sample, the font from gen's ``fonts.tsv`` (``'(no font)'`` where it lists none), or
            ``None`` when no dataset has a font manifest.
        total: usable samples before ``limit``.
        text_kinds: per sample, the text kind gen drew it as (``fonts.tsv`` column ``kind``: word, name,
            sentence, digits, latin, syllables; ``'(no kind)'`` where it lists none), or ``None`` when no
            manifest has that column.
    """

    data: RecognitionData
    samples: list[Sample]
    ids: list[str]
    truths: list[str]
    fonts: list[str] | None
    total: int
    text_kinds: list[str] | None = None

    def __len__(self) -> int:
        return len(self.samples)


def read_font_manifest(path: Path) -> dict[str, dict[str, str]]:
    """gen's ``fonts.tsv`` (header ``index image font family`` then, from gen's text mixes on, ``kind renderer``;
    index = 1-based LMDB index = gt order) as ``{'#<index>': row, '<image>': row}``, where ``row`` maps each
    header column to the line's value (``row['font']`` always, ``row['kind']`` when the file has that column).
    Read with :func:`easyocr_ko.datasets.writer.read_manifest`, checked: the file comes with the user's data.

    Raises:
        EasyOcrKoError: not UTF-8, no ``index image font`` header, or a malformed line (named file:line).
    """
    out: dict[str, dict[str, str]] = {}
    for row in read_manifest(path, columns=("font",)):
        out[f"#{int(row['index'])}"] = row
        out[row["image"]] = row
    return out


def _raw_labels(ds: LmdbDataset | FolderDataset) -> list[str]:
    if isinstance(ds, FolderDataset):
        return [e.label for e in read_gt(ds.gt_file, nfc=False)]
    return ds.labels()


def _prefix(path: Path, data: Path, several: bool) -> str:
    if not several:
        return ""
    try:
        return f"{path.relative_to(data)}:"
    except ValueError:
        return f"{path}:"


def _rows(path: Path, ds: LmdbDataset | FolderDataset, samples: list[Sample], prefix: str,
          manifest: dict[str, dict[str, str]]) -> list[tuple[Sample, str, str, str, str]]:
    """Per usable sample of one dataset: (sample, id, truth as stored, font, text kind)."""
    labels = _raw_labels(ds)
    rows = []
    for s in samples:
        if isinstance(ds, FolderDataset):
            image = ds.entries[s.index].image
            row = manifest.get(image) or manifest.get(f"#{s.index + 1}") or {}
        else:
            image = f"lmdb:{s.index + 1}"
            row = manifest.get(f"#{s.index + 1}") or {}
        rows.append((s, prefix + image, labels[s.index], row.get("font") or NO_FONT, row.get("kind") or NO_KIND))
    return rows


def load_eval_set(data: Path | str, split: str = "validation", limit: int | None = None, seed: int = 0) -> EvalSet:
    """Open an evaluation set: an LMDB, a DTRB folder (gt.txt + images), a gen/import output (its
    ``lmdb/<split>``) or a folder tree of LMDBs.

    Args:
        data: the ``--data`` path.
        split: split of a gen/import output.
        limit: evaluate a seeded random subset of this many samples (kept in input order).
        seed: seed of that subset.

    Returns:
        The set, samples in input order (datasets in :func:`easyocr_ko.datasets.batches.find_datasets` order).

    Raises:
        FileNotFoundError: ``data`` or an image a gt file names does not exist (``gt.txt:LINE``).
        EasyOcrKoError: not UTF-8 (gt.txt, fonts.tsv), no such split, no usable sample, a data.mdb that is not
            an LMDB.
    """
    data = Path(data)
    paths = find_datasets(data, split)
    if not paths:
        have = sorted(p.name for p in (data / "lmdb").iterdir() if (p / "data.mdb").is_file())
        raise EasyOcrKoError(f"{data} has no {split} split (lmdb/{split}); it has: {', '.join(have) or 'none'}")
    recog = RecognitionData(paths, max_label_length=sys.maxsize)
    rows: list[tuple[Sample, str, str, str, str]] = []
    have_fonts = have_kinds = False
    for d, (path, ds) in enumerate(zip(recog.paths, recog.datasets)):
        manifest = {}
        if (path / FONTS_TSV).is_file():
            manifest = read_font_manifest(path / FONTS_TSV)
            have_fonts = True
            have_kinds = have_kinds or any("kind" in row for row in manifest.values())
        rows += _rows(path, ds, recog.samples[d], _prefix(path, data, len(recog.paths) > 1), manifest)
    total = len(rows)
    if limit is not None and limit < total:
        rows = [rows[k] for k in sorted(random.Random(seed).sample(range(total), limit))]
    samples, ids, truths, fonts, kinds = (list(column) for column in zip(*rows)) if rows else ([], [], [], [], [])
    return EvalSet(recog, samples, ids, truths, fonts if have_fonts else None, total,
                   kinds if have_kinds else None)
