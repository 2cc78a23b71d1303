"""``easyocr-ko eval``: score one or more recognizers on one evaluation set, exactly as ``easyocr.Reader`` reads.

The pipeline of :func:`evaluate`, one module a step:

1. models: :func:`easyocr_ko.evaluation.models.resolve_model` turns every ``--model`` into a loaded recognizer
   (built-in, bundled, exported trio, finetune run or checkpoint);
2. the set: :func:`easyocr_ko.evaluation.sets.load_eval_set` opens the images, their truths as stored and gen's
   font manifest;
3. reading (here): :func:`read_eval_set` reads every image with every model;
4. scoring (here): :func:`score` applies :mod:`easyocr_ko.evaluation.metrics` (accuracy, norm_ED, CER, jamo CER,
   groups, confusions, single-syllable accuracy) after an explicit
   :class:`~easyocr_ko.evaluation.metrics.Normalization` reported with them;
5. output: :mod:`easyocr_ko.evaluation.report` writes ``<model>_predictions.tsv``, ``summary.json`` and, when
   the set has a font manifest, ``font_cer.png`` into ``output`` (each atomically), and formats the printed
   tables.

Reading uses :mod:`easyocr_ko.recognizer.transforms` and :mod:`easyocr_ko.recognizer.predict`: the same
preprocessing, probabilities, greedy decoding, confidence and contrast retry as ``Reader.recognize`` on the
whole image.  With ``quantize`` on a CPU (Reader's default) the model gets Reader's dynamic int8 quantization
and every image is its own batch, as the CPU Reader reads boxes; the strings and confidences are Reader's.
Without quantization (or on CUDA, where Reader never quantizes) images of the same padded width are batched
(:func:`easyocr_ko.datasets.batches.eval_batches`): the same tensors, the same strings, confidences equal up to
float rounding.

:func:`top_candidates` reads one image and gives the ``n`` best characters at every position (``eval --image``).
"""
from __future__ import annotations

import copy
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import torch

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.batches import eval_batches
from easyocr_ko.datasets.dtrb import read_gray_file
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.metrics import (
    Normalization,
    Summary,
    confusions,
    group_summaries,
    score_pairs,
    single_syllable_accuracy,
    summarize_scores,
    worst_group,
)
from easyocr_ko.evaluation.models import ModelSpec, resolve_model, unique_names
from easyocr_ko.evaluation.report import check_output_folder, summary_json, write_outputs
from easyocr_ko.evaluation.sets import NO_FONT, NO_KIND, EvalSet, load_eval_set
from easyocr_ko.recognizer.device import resolve_device
from easyocr_ko.recognizer.predict import (
    Candidate,
    Reading,
    language_characters,
    quantize_like_reader,
    read_batch,
    top_n,
)

__all__ = ["ReadSettings", "Predictions", "read_eval_set", "ModelResult", "score", "EvalConfig", "EvalReport",
           "evaluate", "TopCandidates", "top_candidates", "reader_model"]


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class ReadSettings:
    """How the models read, as ``easyocr.Reader(lang_list, gpu=..., quantize=...).recognize(gray)``.

    Attributes:
        lang_list: Reader's languages (the allow-list of built-in models).
        quantize: Reader's CPU int8 dynamic quantization (its default: on); ignored on CUDA, as by Reader.
        device: ``cpu``, ``cuda``, ``cuda:N``, ``mps`` (Apple GPUs) or ``auto``
            (:func:`easyocr_ko.recognizer.device.resolve_device`).
        batch_size: images per batch when not quantizing (same-width batches).
        contrast_ths / adjust_contrast: Reader's second pass (``recognize`` defaults 0.1 / 0.5).
    """

    lang_list: tuple[str, ...] = ("ko", "en")
    quantize: bool = True
    device: str = "auto"
    batch_size: int = 32
    contrast_ths: float = 0.1
    adjust_contrast: float = 0.5

    def torch_device(self) -> torch.device:
        """:attr:`device` resolved (``auto``: CUDA if available, else CPU).

        Raises:
            EasyOcrKoError: CUDA requested but absent, or not a device name.
        """
        return resolve_device(self.device)

    def quantized(self) -> bool:
        """Whether the models read quantized, one image per batch: on a CPU with :attr:`quantize`."""
        return self.torch_device().type == "cpu" and self.quantize

    def describe(self) -> str:
        """A one-line description of how images are read.

        Raises:
            EasyOcrKoError: as :meth:`torch_device`.
        """
        if self.quantized():
            return "int8 dynamic quantization, one image per batch (as the CPU Reader)"
        return f"float32 on {self.torch_device()}, images batched by padded width (batch {self.batch_size})"


@dataclass
class Predictions:
    """One model's readings of an :class:`~easyocr_ko.evaluation.sets.EvalSet`, in its order.

    Attributes:
        readings: one :class:`easyocr_ko.recognizer.predict.Reading` per sample.
        seconds: wall time of the reading loop (s).
        mode: :meth:`ReadSettings.describe` of the settings used.
    """

    readings: list[Reading]
    seconds: float
    mode: str

    @property
    def lines_per_s(self) -> float:
        """Images read per second: image decoding, preprocessing and both passes included, after one untimed
        warm-up read (the first call in a process initialises the kernels, ~1 s for quantized models)."""
        return len(self.readings) / self.seconds if self.seconds > 0 else math.inf


def reader_model(spec: ModelSpec, settings: ReadSettings) -> torch.nn.Module:
    """The model as Reader holds it: a quantized copy on a CPU with ``quantize``, else a float copy on the
    device (``spec.model`` itself stays on the CPU)."""
    if settings.quantized():
        return quantize_like_reader(spec.model)
    return copy.deepcopy(spec.model).to(settings.torch_device()).eval()


def read_eval_set(spec: ModelSpec, evalset: EvalSet, settings: ReadSettings = ReadSettings(),
                  progress: bool = False) -> Predictions:
    """Read every sample of ``evalset`` with ``spec`` as Reader would (see the module docstring).

    Args:
        spec: the model.
        evalset: the samples.
        settings: languages, quantization, device, batch size, contrast retry.
        progress: show a tqdm bar on stderr.

    Returns:
        The readings in set order and the time the loop took (after one untimed warm-up batch).

    Raises:
        EasyOcrKoError: CUDA requested but absent; an unknown language code; an image cannot be decoded.
    """
    from tqdm import tqdm

    device = settings.torch_device()
    model = reader_model(spec, settings)
    ignore = spec.ignore_idx(settings.lang_list)
    data = evalset.data
    readings: list[Reading | None] = [None] * len(evalset)
    position = {(s.source, s.index): k for k, s in enumerate(evalset.samples)}
    codec = spec.codec
    batches = ([[s] for s in evalset.samples] if settings.quantized()
               else eval_batches(evalset.samples, settings.batch_size, spec.imgH))
    if batches:  # warm-up, not timed: the first call of a process initialises the (quantized) kernels
        read_batch(model, codec, [data.load_gray(batches[0][0])], spec.imgH, ignore, device=device)
    start = time.perf_counter()
    with tqdm(total=len(evalset), desc=spec.name, unit="line", disable=not progress, file=sys.stderr,
              dynamic_ncols=True) as bar:
        for batch in batches:
            crops = [data.load_gray(s) for s in batch]
            results = read_batch(model, codec, crops, spec.imgH, ignore, settings.contrast_ths,
                                 settings.adjust_contrast, device)
            for s, r in zip(batch, results):
                readings[position[(s.source, s.index)]] = r
            bar.update(len(batch))
    seconds = time.perf_counter() - start
    return Predictions(cast("list[Reading]", readings), seconds, settings.describe())  # every position filled


# ---------------------------------------------------------------- scoring

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


def score(spec: ModelSpec, evalset: EvalSet, predictions: Predictions, normalization: Normalization,
          lang_list: Sequence[str], min_group: int = 10, top_confusions: int = 20) -> ModelResult:
    """Score ``predictions`` with :mod:`easyocr_ko.evaluation.metrics`.

    Args:
        spec: the model that read.
        evalset: the set it read (truths, fonts, text kinds).
        predictions: its readings, in set order.
        normalization: applied to truth and prediction before comparing.
        lang_list: Reader's languages (for the characters Reader ignores).
        min_group: smallest group that can be named the worst.
        top_confusions: confusions kept.

    Raises:
        EasyOcrKoError: an unknown language code.
    """
    rows = [(t, r.text, r.confidence, f, k) for t, r, f, k in
            zip(evalset.truths, predictions.readings, evalset.fonts or [NO_FONT] * len(evalset),
                evalset.text_kinds or [NO_KIND] * len(evalset))]
    description = normalization.describe()
    scores = score_pairs(rows, normalization)
    summary = summarize_scores(scores, description)
    per_image = [summarize_scores([s], description).CER for s in scores]
    groups: dict[str, dict[str, Summary]] = {}
    if evalset.fonts is not None:
        groups["font"] = group_summaries(rows, lambda row: row[3], normalization)
    if evalset.text_kinds is not None:
        groups["text_kind"] = group_summaries(rows, lambda row: row[4], normalization)
    groups["content_kind"] = group_summaries(rows, "content_kind", normalization)
    groups["length_bucket"] = group_summaries(rows, "length_bucket", normalization)
    worst = {key: worst_group(g, "CER", min_group) for key, g in groups.items()}
    ignored = "".join(spec.character[i - 1] for i in spec.ignore_idx(lang_list))
    return ModelResult(spec, predictions, summary, per_image, groups, worst,
                       confusions(rows, top_confusions, normalization), single_syllable_accuracy(rows, normalization),
                       ignored)


# ---------------------------------------------------------------- the whole run

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
        read: how the images are read (:class:`ReadSettings`).
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


@dataclass
class EvalReport:
    """Everything ``easyocr-ko eval`` found: the set, the settings and one :class:`ModelResult` per model.

    Attributes:
        config: the options.
        evalset: the set read.
        results: one per model, in ``--model`` order.
        files: the files written into ``config.output`` (empty without one).
    """

    config: EvalConfig
    evalset: EvalSet
    results: list[ModelResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        """The summary.json content (:func:`easyocr_ko.evaluation.report.summary_json`)."""
        return summary_json(self)


def evaluate(config: EvalConfig, progress: bool = False) -> EvalReport:
    """Resolve the models, open the set, read it with every model, score, and write the files.

    Args:
        config: the options.
        progress: show a progress bar per model on stderr.

    Returns:
        The report (:func:`easyocr_ko.evaluation.report.format_report` prints it).

    Raises:
        FileNotFoundError / EasyOcrKoError: see :func:`easyocr_ko.evaluation.models.resolve_model`,
            :func:`easyocr_ko.evaluation.sets.load_eval_set`, :func:`read_eval_set`; no model given; an unknown
            language code or ``output`` that cannot be a folder (both checked before any model is read).
        OSError: a file cannot be written (naming it).
    """
    if not config.models:
        raise EasyOcrKoError("give at least one --model")
    if config.output is not None:
        check_output_folder(Path(config.output))
    for lang in config.read.lang_list:
        language_characters(lang)  # unknown codes fail before anything is read
    specs = [resolve_model(m, config.checkpoint) for m in config.models]
    unique_names(specs)
    evalset = load_eval_set(config.data, config.split, config.limit, config.seed)
    report = EvalReport(config, evalset)
    for spec in specs:
        predictions = read_eval_set(spec, evalset, config.read, progress)
        report.results.append(score(spec, evalset, predictions, config.normalization, config.read.lang_list,
                                    config.min_group, config.top_confusions))
    if config.output is not None:
        report.files = write_outputs(report, Path(config.output))
    return report


# ---------------------------------------------------------------- top-n for one image

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


def top_candidates(model: str | Path | ModelSpec, image: str | Path | np.ndarray, n: int = 5,
                   lang_list: Sequence[str] = ("ko", "en"), quantize: bool = True, device: str = "cpu",
                   checkpoint: str = "best_accuracy") -> TopCandidates:
    """The ``n`` best characters with their probabilities at every position of one image's reading, like
    KoOCR's single-character ``predict(n)`` but for a line, from the pass Reader keeps.

    Args:
        model: a ``--model`` value or a resolved :class:`~easyocr_ko.evaluation.models.ModelSpec`.
        image: an image file (read greyscale as Reader reads files) or a uint8 (H, W) greyscale array.
        n: candidates per position (>= 1).
        lang_list / quantize / device: as for Reader (see :class:`ReadSettings`).
        checkpoint: checkpoint of a run folder.

    Raises:
        FileNotFoundError / EasyOcrKoError: as :func:`~easyocr_ko.evaluation.models.resolve_model`; an
            unreadable image.
        ValueError: ``n`` < 1.

    >>> top = top_candidates("english_g2", "word.png", n=3)  # doctest: +SKIP
    >>> [(c.options[0][0], round(c.options[0][1], 2)) for c in top.candidates]  # doctest: +SKIP
    [('H', 0.99), ('e', 0.98), ...]
    """
    spec = model if isinstance(model, ModelSpec) else resolve_model(model, checkpoint)
    gray = image if isinstance(image, np.ndarray) else read_gray_file(image)
    settings = ReadSettings(lang_list=tuple(lang_list), quantize=quantize, device=device)
    if spec.attention:
        raise EasyOcrKoError(f"{spec.name} is an Attn model: top candidates per CTC step are for CTC models only")
    net = reader_model(spec, settings)
    ignore = spec.ignore_idx(lang_list)
    codec = CTCCodec(spec.character)
    reading = read_batch(net, codec, [gray], spec.imgH, ignore, device=settings.torch_device(), keep_logits=True)[0]
    logits = cast(torch.Tensor, reading.logits)  # (T, num_class): kept with keep_logits=True
    candidates = top_n(logits[None], codec, n, ignore)[0]
    return TopCandidates(reading.text, reading.confidence, reading.contrast_pass, candidates)
