"""The options of ``easyocr-ko eval`` (:class:`EvalConfig`), one frozen dataclass as every verb's config.

It lives beside the evaluation code it configures rather than in :mod:`easyocr_ko.config`, whose layer may not
import the reading settings (:class:`~easyocr_ko.evaluation.read.ReadSettings`) and normalisation
(:class:`~easyocr_ko.evaluation.metrics.Normalization`) it holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from easyocr_ko.evaluation.metrics import Normalization
from easyocr_ko.evaluation.read import ReadSettings

__all__ = ["EvalConfig"]


@dataclass(frozen=True)
class EvalConfig:
    """Options of ``easyocr-ko eval``.

    Attributes:
        data: the evaluation set (see :func:`easyocr_ko.evaluation.sets.load_eval_set`).
        models: ``--model`` values (see :func:`easyocr_ko.evaluation.models.resolve_model`), compared side by
            side.
        output: folder for the TSVs, summary.json and font_cer.png (``None``: write nothing).
        split: split of a gen/import output folder.
        checkpoint: checkpoint of a run folder.
        read: how the images are read (:class:`~easyocr_ko.evaluation.read.ReadSettings`).
        normalization: how truth and prediction are normalised before comparison.
        limit: evaluate a seeded subset of this many samples.
        seed: seed of the subset.
        min_group: smallest group considered for "worst group".
        top_confusions: confusions kept per model.
    """

    data: Path
    models: tuple[str, ...]
    output: Path | None = None
    split: str = "validation"
    checkpoint: str = "best_accuracy"
    read: ReadSettings = ReadSettings()
    normalization: Normalization = Normalization()
    limit: int | None = None
    seed: int = 0
    min_group: int = 10
    top_confusions: int = 20
