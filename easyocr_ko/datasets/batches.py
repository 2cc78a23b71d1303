"""Training and evaluation data: open what gen / lmdb / import / DTRB produce, and batch it by width.

Accepted ``--data`` paths (each resolved by :func:`find_datasets`):

* an LMDB folder (holds ``data.mdb``) with DTRB's keys;
* a DTRB folder (holds ``gt.txt``; image paths relative to it);
* a gen/import output folder (holds ``lmdb/<split>``): its ``train`` split for training, its ``validation``
  split for validation;
* any folder tree: every LMDB below it, as DTRB's ``hierarchical_dataset``; hidden folders (``.name``: the
  staging folders ``lmdb``, ``gen`` and ``import`` write into before the rename, which a killed run leaves
  behind) are not searched.

Every sample's image is decoded once when the data is scanned (DTRB's ``checkValid``), so an image with a valid
header and a corrupt body is left out and counted as ``undecodable image`` by finetune and eval alike, instead
of stopping a run the first time it is drawn.

Batches follow DTRB's ``Batch_Balanced_Dataset`` idea (a fixed share of every batch pool from each
``--data`` source, ``batch_ratio``), but samples of similar width are batched together so little compute
goes to padding: a pool of ``pool_batches * batch_size`` samples is drawn, sorted by padded-width class
(``ceil(aspect ratio)``, random within a class), cut into batches and the batches shuffled.  Which samples
batch ``k`` holds is a pure function of (seed, k), so a resumed run continues with exactly the data an
uninterrupted run would have seen.

A training batch is made in two steps, so that the slow part can run in a background thread
(:class:`BatchPrefetcher`) while the padded width is agreed between ranks: :func:`prepare_batch` (decode,
augment, resize) and :func:`collate_batch` (pad to the width, encode the labels).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, overload

import numpy as np
import torch

from easyocr_ko.charset import CTCCodec, normalize_label
from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset, decode_gray
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.transforms import batch_width, normalized_row, pad_rows, resize_to_height

__all__ = [
    "BatchPrefetcher",
    "EncodedBatch",
    "PreparedBatch",
    "RecognitionData",
    "Sample",
    "Streams",
    "UnencodedBatch",
    "WidthGroupedBatches",
    "collate_batch",
    "eval_batches",
    "find_datasets",
    "open_dataset",
    "prepare_batch",
]

# What collate_batch returns: images float32 (N, 1, imgH, W) in [-1, 1], CTC targets int32
# (sum of label lengths,), label lengths int32 (N,), the labels; targets and lengths are None without a codec.
EncodedBatch = tuple[torch.Tensor, torch.Tensor, torch.Tensor, list[str]]
UnencodedBatch = tuple[torch.Tensor, None, None, list[str]]


def find_datasets(path: Path | str, split: str = "train") -> list[Path]:
    """The dataset folders a ``--data`` path stands for (see module docstring).

    Args:
        path: folder given by the user.
        split: which split of a gen/import output folder to take.

    Returns:
        LMDB or DTRB folders, sorted; ``[]`` for a gen/import output folder without ``split`` (other than
        ``train``: a missing validation split is not an error).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        EasyOcrKoError: nothing usable below ``path``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"dataset not found: {path}")
    if (path / "data.mdb").is_file() or (path / "gt.txt").is_file():
        return [path]
    if (path / "lmdb" / split / "data.mdb").is_file():
        return [path / "lmdb" / split]
    if (path / "lmdb").is_dir() and split != "train":
        return []
    found = sorted(p.parent for p in path.rglob("data.mdb")
                   if not any(part.startswith(".") for part in p.relative_to(path).parts[:-1]))
    if not found:
        raise EasyOcrKoError(f"{path} holds no LMDB (data.mdb), no gt.txt and no gen output")
    return found


def open_dataset(path: Path) -> LmdbDataset | FolderDataset:
    """Open one LMDB (a folder holding ``data.mdb``) or DTRB folder (holding ``gt.txt``).

    Raises:
        FileNotFoundError: no ``data.mdb`` and no ``gt.txt`` (or an image it names is missing).
        EasyOcrKoError: a damaged LMDB or a malformed / empty gt file.
    """
    return LmdbDataset(path) if (Path(path) / "data.mdb").is_file() else FolderDataset(path)


@dataclass
class Sample:
    """A sample's place and shape: dataset index, index within it, aspect ratio (>= 1), label."""

    source: int
    index: int
    ratio: float
    label: str


class RecognitionData:
    """Several datasets scanned once: labels (NFC) and aspect ratios of every usable sample.

    Args:
        paths: dataset folders (from :func:`find_datasets`).
        max_label_length: labels longer than this (``batch_max_length``) are left out and counted.

    Every image is decoded once here (:func:`easyocr_ko.datasets.dtrb.decode_gray`, as DTRB's ``checkValid``):
    a sample that does not decode (a corrupt body behind a valid header, too many pixels) is left out and
    counted, so :meth:`load_gray` never meets one later.

    Attributes:
        datasets: the opened datasets.
        samples: per dataset, the usable samples.
        skipped: reason -> count of samples left out (too long, empty label, undecodable).

    Raises:
        EasyOcrKoError: no usable sample at all.
    """

    def __init__(self, paths: Sequence[Path], max_label_length: int = 50):
        self.paths = [Path(p) for p in paths]
        self.datasets = [open_dataset(p) for p in self.paths]
        self.samples: list[list[Sample]] = []
        self.skipped: dict[str, int] = {}
        for d, ds in enumerate(self.datasets):
            kept = []
            for i in range(len(ds)):
                data, label = ds[i]
                label = normalize_label(label)
                reason = None
                if not label:
                    reason = "empty label"
                elif len(label) > max_label_length:
                    reason = f"label longer than batch_max_length {max_label_length}"
                else:
                    gray = decode_gray(data)
                    if gray is None:
                        reason = "undecodable image"
                    else:
                        h, w = gray.shape
                if reason:
                    self.skipped[reason] = self.skipped.get(reason, 0) + 1
                    continue
                kept.append(Sample(d, i, max(w / h, h / w), label))
            self.samples.append(kept)
        if not any(self.samples):
            raise EasyOcrKoError(f"no usable sample in {', '.join(map(str, self.paths))}")

    def __len__(self) -> int:
        return sum(len(s) for s in self.samples)

    def labels(self) -> list[str]:
        """All usable labels."""
        return [s.label for group in self.samples for s in group]

    def drop_outside(self, character: str) -> int:
        """Remove samples whose label has a character outside ``character``; return how many.

        Raises:
            EasyOcrKoError: no sample is left.
        """
        allowed = set(character)
        dropped = 0
        for d, group in enumerate(self.samples):
            kept = [s for s in group if set(s.label) <= allowed]
            dropped += len(group) - len(kept)
            self.samples[d] = kept
        if dropped:
            reason = "character outside the charset"
            self.skipped[reason] = self.skipped.get(reason, 0) + dropped
        if not any(self.samples):
            raise EasyOcrKoError("no sample left after skipping labels with characters outside the charset")
        return dropped

    def load_gray(self, sample: Sample) -> np.ndarray:
        """Decode a sample's image to greyscale uint8 (H, W), as EasyOCR reads files.

        Raises:
            EasyOcrKoError: undecodable.
        """
        data, _ = self.datasets[sample.source][sample.index]
        gray = decode_gray(data)
        if gray is None:
            raise EasyOcrKoError(f"{self.paths[sample.source]}: sample {sample.index + 1} is not decodable")
        return gray


class Streams(IntEnum):
    """Named random streams: every draw of data order and augmentation is seeded from (seed, stream, ...)."""

    EPOCH_PERMUTATION = 1  # (seed, stream, source, epoch): order of a source's samples in an epoch
    POOL = 2  # (seed, stream, pool): jitter inside width classes and the order of a pool's batches
    AUGMENT = 3  # (seed, stream, step, position in the global batch): training-time augmentation


def _rng(*keys: int) -> np.random.Generator:
    return np.random.default_rng([int(k) & 0xFFFFFFFF for k in keys])


class WidthGroupedBatches:
    """Deterministic, resumable batches of similar width drawn from several sources with fixed ratios.

    Args:
        sample_counts: usable samples per source.
        ratios: share of each batch pool per source (DTRB ``batch_ratio``), normalised; sources with 0
            samples must have ratio 0.
        ratio_of: callable (source, index) -> aspect ratio, used to sort a pool by width.
        batch_size: samples per batch.
        seed: base seed.
        pool_batches: batches per pool (larger pools give tighter width groups).

    ``batch(k)`` returns the (source, index-in-source) pairs of batch ``k`` (k = 0, 1, ...).  Each source is
    walked through seeded per-epoch permutations, so every sample is used once per epoch of its source.

    A pool holds ``per_pool[s] = round(pool_batches * batch_size * ratio_s)`` samples of source ``s`` (the
    next ones of its walk), sorted by padded-width class ``ceil(max(ratio, 1))`` (Reader pads a batch to
    ``ceil(max ratio) * imgH`` px), then by epoch, then at random, and cut into ``sum(per_pool) // batch_size``
    batches in a seeded order; the samples of a pool beyond the last full batch are not used.  So with one
    source of ``N`` samples, ``N`` a multiple of ``pool_batches * batch_size``, the first ``N / batch_size``
    batches hold every sample exactly once, and each batch spans a run of consecutive width classes.

    Raises:
        EasyOcrKoError: ``ratios`` and ``sample_counts`` differ in length, a ratio is negative or all are 0, or
            the ratios leave no sample in a batch.
    """

    def __init__(self, sample_counts: Sequence[int], ratios: Sequence[float], ratio_of: Callable[[int, int], float],
                 batch_size: int, seed: int, pool_batches: int = 32):
        if len(ratios) != len(sample_counts):
            raise EasyOcrKoError(f"batch_ratio has {len(ratios)} values for {len(sample_counts)} datasets")
        if any(r < 0 for r in ratios) or sum(ratios) <= 0:
            raise EasyOcrKoError("batch_ratio values must be >= 0 and not all 0")
        total = sum(ratios)
        pool = batch_size * pool_batches
        self.per_pool = [int(round(pool * r / total)) if n else 0 for r, n in zip(ratios, sample_counts)]
        if sum(self.per_pool) < batch_size:
            raise EasyOcrKoError("batch_ratio leaves no sample in a batch")
        self.counts = list(sample_counts)
        self.ratio_of = ratio_of
        self.batch_size = batch_size
        self.seed = seed
        self.batches_per_pool = sum(self.per_pool) // batch_size
        self._cache: dict[int, list[list[tuple[int, int]]]] = {}
        self._perms: dict[tuple[int, int], np.ndarray] = {}

    def _perm(self, source: int, epoch: int) -> np.ndarray:
        """The order of source ``source``'s samples in its epoch ``epoch``: int64 (counts[source],)."""
        key = (source, epoch)
        if key not in self._perms:
            if len(self._perms) > 16:
                self._perms.clear()
            rng = _rng(self.seed, Streams.EPOCH_PERMUTATION, source, epoch)
            self._perms[key] = rng.permutation(self.counts[source])
        return self._perms[key]

    def _pool(self, p: int) -> list[list[tuple[int, int]]]:
        """The batches of pool ``p``, in their seeded order."""
        if p not in self._cache:
            if len(self._cache) > 4:
                self._cache.clear()
            items, epochs = [], []
            for source, n in enumerate(self.per_pool):
                for j in range(n):
                    g = p * n + j
                    epoch, pos = divmod(g, self.counts[source])
                    items.append((source, int(self._perm(source, epoch)[pos])))
                    epochs.append(epoch)
            rng = _rng(self.seed, Streams.POOL, p)
            jitter = rng.random(len(items))
            # Sort by padded-width class (Reader pads to ceil(ratio) * imgH, so the exact ratio inside a class
            # costs nothing), then by epoch (a small source repeats inside a pool: keep repeats of a sample out of
            # one batch), then at random.
            order = sorted(range(len(items)),
                           key=lambda k: (math.ceil(max(self.ratio_of(*items[k]), 1.0)), epochs[k], jitter[k]))
            batches = [[items[k] for k in order[b * self.batch_size:(b + 1) * self.batch_size]]
                       for b in range(self.batches_per_pool)]
            self._cache[p] = [batches[k] for k in rng.permutation(len(batches))]
        return self._cache[p]

    def batch(self, k: int) -> list[tuple[int, int]]:
        """The (source, index) pairs of batch ``k``."""
        p, b = divmod(k, self.batches_per_pool)
        return self._pool(p)[b]

    def epoch_steps(self) -> float:
        """Batches per epoch of the largest source (for logs)."""
        return max(c / max(n, 1) for c, n in zip(self.counts, self.per_pool)) * self.batches_per_pool


@dataclass
class PreparedBatch:
    """A training batch decoded, augmented and resized, waiting only for its padded width.

    Attributes:
        resized: uint8 (imgH, w) images after :func:`easyocr_ko.recognizer.transforms.resize_to_height`.
        rows: float32 (imgH, w') tensors in [-1, 1] at each image's own width (``normalized_row``).
        ratios: aspect ratios (>= 1) from ``resize_to_height``.
        labels: the labels (NFC).
    """

    resized: list[np.ndarray]
    rows: list[torch.Tensor]
    ratios: list[float]
    labels: list[str]

    def width(self, imgH: int, max_width: int | None = None) -> int:
        """The padded width EasyOCR's rule gives this batch (``batch_width``), in px."""
        return batch_width(self.ratios, imgH, max_width)


def prepare_batch(
    data: RecognitionData,
    samples: Sequence[Sample],
    imgH: int = 64,
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    rng_keys: tuple[int, ...] = (),
    first_pos: int = 0,
) -> PreparedBatch:
    """Load, (augment,) and resize one batch: everything but the padding and label encoding of
    :func:`collate_batch`, so it can run in a background thread (:class:`BatchPrefetcher`) while the width is
    agreed elsewhere.

    Args:
        data: the scanned datasets.
        samples: the batch.
        imgH: model input height in px.
        augment: optional ``f(gray, rng) -> gray`` on uint8 (H, W) images, applied before resizing.
        rng_keys: seed of the augmentation; sample ``pos`` gets ``np.random.default_rng([*rng_keys, pos])``.
        first_pos: position of ``samples[0]`` in the global batch (a rank's slice under torchrun), so that
            augmentation depends on the position in the global batch, not on the number of ranks.

    Returns:
        A :class:`PreparedBatch` of ``len(samples)`` images.

    Raises:
        EasyOcrKoError: an image does not decode.
        ValueError: an image is too thin to resize to ``imgH``.
    """
    resized, rows, ratios = [], [], []
    for pos, sample in enumerate(samples, start=first_pos):
        gray = data.load_gray(sample)
        if augment is not None:
            gray = augment(gray, _rng(*rng_keys, pos))
        img, ratio = resize_to_height(gray, imgH)
        resized.append(img)
        rows.append(normalized_row(img, imgH))
        ratios.append(ratio)
    return PreparedBatch(resized, rows, ratios, [s.label for s in samples])


@overload
def collate_batch(prepared: PreparedBatch, codec: CTCCodec, imgH: int, width: int) -> EncodedBatch: ...


@overload
def collate_batch(prepared: PreparedBatch, codec: None, imgH: int, width: int) -> UnencodedBatch: ...


def collate_batch(
    prepared: PreparedBatch, codec: CTCCodec | None, imgH: int, width: int,
) -> EncodedBatch | UnencodedBatch:
    """Pad a :class:`PreparedBatch` to ``width`` px (images wider than it are resized to it, as
    ``align_collate`` does) and encode its labels.

    Args:
        prepared: from :func:`prepare_batch`.
        codec: CTC codec of the charset, or ``None`` to skip encoding.
        imgH: model input height in px (the prepared batch's).
        width: padded width in px, usually ``prepared.width(imgH, max_width)``.

    Returns:
        ``(images, targets, lengths, labels)``: images float32 (N, 1, imgH, width) in [-1, 1]; with a codec,
        CTC targets int32 (sum of label lengths,) and lengths int32 (N,); without one, ``None`` for both
        (the :data:`UnencodedBatch` case, typed as such).

    Raises:
        EasyOcrKoError: a label holds a character outside the codec's charset.
    """
    rows = [row if row.shape[1] <= width else normalized_row(img, imgH, width)
            for row, img in zip(prepared.rows, prepared.resized)]
    images = pad_rows(rows, imgH, width)
    if codec is None:
        return images, None, None, prepared.labels
    targets, lengths = codec.encode(prepared.labels)
    return images, targets, lengths, prepared.labels


class BatchPrefetcher:
    """Make batch ``k + 1`` in one background thread while the caller trains on batch ``k``.

    Args:
        make: ``make(k) -> batch``; pure in ``k`` (thread-safe: it must not touch global RNG state).
        stop: first ``k`` not to prefetch (``num_iter``).

    ``get(k)`` returns ``make(k)`` (from the thread when it was prefetched, else computed now) and starts
    ``make(k + 1)``.  An exception of ``make`` is raised by the ``get`` that wanted that batch.  PNG decoding,
    augmentation and resizing run in OpenCV, Pillow and numpy, which release the GIL, so the thread works while
    the main thread computes.  Use as a context manager (the thread is stopped on exit).
    """

    def __init__(self, make: Callable[[int], Any], stop: int):
        from concurrent.futures import ThreadPoolExecutor

        self.make = make
        self.stop = stop
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="easyocr-ko-batches")
        self._pending: tuple[int, Any] | None = None

    def get(self, k: int) -> Any:
        """Batch ``k`` (``make(k)``), and start making batch ``k + 1`` in the background.

        Raises:
            Exception: whatever ``make(k)`` raised.
        """
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == k:
            batch = pending[1].result()
        else:
            if pending is not None:
                pending[1].cancel()
            batch = self.make(k)
        if k + 1 < self.stop:
            self._pending = (k + 1, self._pool.submit(self.make, k + 1))
        return batch

    def close(self) -> None:
        """Cancel the pending batch and stop the thread (waits for a batch being made)."""
        if self._pending is not None:
            self._pending[1].cancel()
            self._pending = None
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BatchPrefetcher:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()


def eval_batches(samples: Sequence[Sample], batch_size: int, imgH: int = 64) -> list[list[Sample]]:
    """Group samples by EasyOCR's padded width ``ceil(ratio) * imgH`` and cut into batches, so that every
    image gets exactly the tensor Reader gives it when it reads the crop alone (CPU Reader: one box per
    batch).

    Args:
        samples: the samples to batch.
        batch_size: most samples per batch.
        imgH: model input height in px; not needed for the grouping (the padded width ``ceil(ratio) * imgH`` is
            grouped by its class ``ceil(ratio)``).

    Returns:
        Batches in order of width class, then input order; every sample exactly once, each batch of one class.
    """
    groups: dict[int, list[Sample]] = {}
    for s in samples:
        groups.setdefault(math.ceil(max(s.ratio, 1.0)), []).append(s)
    out = []
    for width in sorted(groups):
        group = groups[width]
        out += [group[i:i + batch_size] for i in range(0, len(group), batch_size)]
    return out
