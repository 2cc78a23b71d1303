"""The plain result types of reading and scoring: what :mod:`~easyocr_ko.evaluation.read` and
:mod:`~easyocr_ko.evaluation.evaluate` return and :mod:`~easyocr_ko.evaluation.report` shows.

* :class:`Predictions`: one model's readings of an eval set, with their timing;
* :class:`ModelResult`: one model's scores on the set (``eval``);
* :class:`TopCandidates`: one image's reading with the best characters at every position (``eval --image``).

Nothing here computes; the types hold what the reading and scoring steps found.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from easyocr_ko.evaluation.metrics import Summary
from easyocr_ko.evaluation.models import ModelSpec
from easyocr_ko.recognizer.predict import Candidate, Reading

__all__ = ["Predictions", "ModelResult", "TopCandidates"]


@dataclass
class Predictions:
    """One model's readings of an :class:`~easyocr_ko.evaluation.sets.EvalSet`, in its order.

    Attributes:
        readings: one :class:`easyocr_ko.recognizer.predict.Reading` per sample.
        seconds: wall time of the reading loop (s).
        mode: :meth:`easyocr_ko.evaluation.read.ReadSettings.describe` of the settings used.
    """

    readings: list[Reading]
    seconds: float
    mode: str

    @property
    def lines_per_s(self) -> float:
        """Images read per second: image decoding, preprocessing and both passes included, after one untimed
        warm-up read (the first call in a process initialises the kernels, ~1 s for quantized models)."""
        return len(self.readings) / self.seconds if self.seconds > 0 else math.inf


@dataclass
class ModelResult:
    """One model's scores on the set.

    Attributes:
        spec: the model.
        predictions: the readings and timing.
        summary: corpus metrics (:class:`easyocr_ko.evaluation.metrics.Summary`).
        per_image_CER: per sample ``edits / len(truth)`` after normalisation (``inf`` for an empty truth read
            as something, 0 for an empty truth read as nothing).
        groups: ``{'font' | 'text_kind' | 'content_kind' | 'length_bucket': {group: Summary}}`` (``font`` only
            with a font manifest, ``text_kind`` only when it has gen's ``kind`` column).
        worst: per group key, the group with the highest CER among those with at least ``min_group``
            samples, or ``None``.
        confusions: ``[((truth_char, predicted_char), count), ...]``, most frequent first (``''`` = missing or
            extra character).
        single_syllable_accuracy: exact-match accuracy on one-syllable truths, or ``None`` if there are none.
        ignored: the characters Reader ignores for this model under the chosen languages.
    """

    spec: ModelSpec
    predictions: Predictions
    summary: Summary
    per_image_CER: list[float]
    groups: dict[str, dict[str, Summary]]
    worst: dict[str, str | None]
    confusions: list[tuple[tuple[str, str], int]]
    single_syllable_accuracy: float | None
    ignored: str


@dataclass
class TopCandidates:
    """One image read as one line, with the ``n`` best characters at every emitted position.

    Attributes:
        text: what Reader returns for the image.
        confidence: Reader's confidence, in [0, 1].
        contrast_pass: the reading came from Reader's contrast-adjusted second pass.
        candidates: one :class:`easyocr_ko.recognizer.predict.Candidate` per character of ``text``; the first
            option of each is that character.
    """

    text: str
    confidence: float
    contrast_pass: bool
    candidates: list[Candidate]
