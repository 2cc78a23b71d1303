"""The data of a fine-tuning run: where its validation sets are, the validated subset, the width-grouped global
batches of the training sets, ``--real-valid-data`` and the training-time augmentation
(:mod:`easyocr_ko.datasets.batches` reads and batches; this module applies a :class:`FinetuneConfig` to it)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.datasets.batches import RecognitionData, Sample, WidthGroupedBatches, find_datasets
from easyocr_ko.errors import EasyOcrKoError

__all__ = ["RunData", "run_data", "validation_paths"]


@dataclass
class RunData:
    """The run's data: training set and its batches, validation sets, augmentation.

    Attributes:
        train: the training samples (``--data``; those outside the charset already dropped).
        valid: the validation sets (``--valid-data``, or the validation splits of ``--data``).
        valid_samples: the validated subset of ``valid`` (``--val-samples``, drawn once from ``--seed``).
        sampler: the global batches of ``world_size * batch_size`` samples.
        augment: ``f(gray, rng) -> gray`` on uint8 (H, W) crops, or ``None``.
        real: ``--real-valid-data``, read in full at every validation; ``None`` without it.
    """

    train: RecognitionData
    valid: RecognitionData
    valid_samples: list[Sample]
    sampler: WidthGroupedBatches
    augment: Callable | None
    real: RecognitionData | None = None


def run_data(config: FinetuneConfig, train: RecognitionData, valid: RecognitionData, world_size: int,
             augment: Callable | None = None) -> RunData:
    """The run's data around the training and validation sets already read (and ``train`` cut to the charset).

    Args:
        config: the run's options.
        train / valid: the sets (:class:`~easyocr_ko.datasets.batches.RecognitionData`).
        world_size: processes sharing a global batch.
        augment: override of ``--augment`` (tests), else its transform
            (:func:`easyocr_ko.synth.augment.augment_transform`).

    Raises:
        FileNotFoundError / EasyOcrKoError: a ``--real-valid-data`` set is missing or unreadable.
    """
    return RunData(train=train, valid=valid, valid_samples=_valid_subset(config, valid),
                   sampler=_sampler(config, train, world_size), augment=_augment_fn(config, augment),
                   real=_real_data(config))


def validation_paths(config: FinetuneConfig) -> list[Path]:
    """The validation LMDBs / folders: ``--valid-data``, else the ``lmdb/validation`` splits of ``--data``.

    Raises:
        EasyOcrKoError: neither gives any.
    """
    if config.valid_data:
        return [p for path in config.valid_data for p in find_datasets(path, "validation")]
    found = [p for path in config.data for p in find_datasets(path, "validation")
             if (Path(path) / "lmdb" / "validation").is_dir()]
    if not found:
        raise EasyOcrKoError("no validation data: pass --valid-data (a gen/import output folder provides its "
                             "validation split automatically)")
    return found


def _real_data(config: FinetuneConfig) -> RecognitionData | None:
    """The ``--real-valid-data`` sets (DTRB folders or LMDBs; a gen/import output gives its validation split)."""
    if not config.real_valid_data:
        return None
    return RecognitionData([p for path in config.real_valid_data for p in find_datasets(path, "validation")],
                           config.batch_max_length)


def _valid_subset(config: FinetuneConfig, valid: RecognitionData) -> list[Sample]:
    samples = [s for group in valid.samples for s in group]
    if config.val_samples and len(samples) > config.val_samples:
        pick = np.random.default_rng(config.seed).choice(len(samples), config.val_samples, replace=False)
        samples = [samples[i] for i in sorted(pick)]
    return samples


def _sampler(config: FinetuneConfig, train: RecognitionData, world_size: int) -> WidthGroupedBatches:
    """Global batches of ``world_size * batch_size`` samples (each rank takes its slice); a ``--data`` that
    expands to several LMDBs shares its ``batch_ratio`` among them."""
    ratios = list(config.batch_ratio) or [1.0] * len(config.data)
    per_path_ratio = []
    for path, ratio in zip(config.data, ratios):
        found = find_datasets(path, "train")
        per_path_ratio += [float(ratio) / len(found)] * len(found)
    return WidthGroupedBatches([len(s) for s in train.samples], per_path_ratio,
                               lambda d, i: train.samples[d][i].ratio, config.batch_size * world_size, config.seed)


def _augment_fn(config: FinetuneConfig, augment: Callable | None) -> Callable | None:
    """``augment`` (a test's override), else the transform of ``--augment`` (``None`` for none)."""
    if augment is not None:
        return augment
    from easyocr_ko.synth.augment import augment_transform

    return augment_transform(config.augment)  # (gray, rng) -> gray
