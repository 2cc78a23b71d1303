"""The ``onnx`` engine of ``eval`` and ``read`` (``--engine onnx``): the same readings as the Reader engine, with
CRAFT and the recognizer run by onnxruntime (:mod:`easyocr_ko.trio.onnx_engine`).

* :func:`read_eval_set_onnx`: an eval set read as :func:`easyocr_ko.evaluation.read.read_eval_set` reads it (each
  image one line, Reader's preprocessing, contrast retry and decoding), images of one padded width in one batch;
  with ``quantize`` (Reader's CPU default) the BiLSTM and Prediction run with Reader's int8 modules per image;
* :func:`read_images_onnx`: photos read as :func:`easyocr_ko.evaluation.read.read` reads them, for a trio or a
  finetune run / checkpoint (CTC models only).

The engine runs on the CPU only (onnxruntime's ``CPUExecutionProvider``); the ONNX files are made on first use and
cached (:mod:`easyocr_ko.trio.onnx_cache`).
"""
from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.models import ModelSpec
from easyocr_ko.evaluation.read import ReadSettings
from easyocr_ko.evaluation.results import Predictions
from easyocr_ko.evaluation.sets import EvalSet
from easyocr_ko.recognizer.predict import Reading
from easyocr_ko.resources import TrioLocation
from easyocr_ko.trio.onnx_engine import OnnxPageReader, OnnxRecognizer, onnx_recognizer, trio_page_reader
from easyocr_ko.trio.reader import reading_row

__all__ = ["ENGINES", "check_engine", "spec_recognizer", "read_eval_set_onnx", "read_images_onnx"]

ENGINES = ("reader", "onnx")
"""``--engine`` values: EasyOCR's Reader (PyTorch, the default) or onnxruntime."""
_CHUNK = 256  # images decoded and read at a time (the progress bar moves between chunks)


def check_engine(engine: str, device: str = "cpu") -> None:
    """Refuse an unknown engine, or the onnx engine on another device than the CPU.

    Raises:
        EasyOcrKoError: ``engine`` not in :data:`ENGINES`; ``onnx`` with a device other than ``cpu`` / ``auto``.
    """
    if engine not in ENGINES:
        raise EasyOcrKoError(f"unknown engine {engine!r}: give one of {', '.join(ENGINES)}")
    if engine == "onnx" and device not in ("cpu", "auto"):
        raise EasyOcrKoError(f"the onnx engine runs on the CPU (onnxruntime), not on {device}: use --device cpu or "
                             "--engine reader")


def spec_recognizer(spec: ModelSpec, lang_list: Sequence[str], quantize: bool = True) -> OnnxRecognizer:
    """``spec``'s recognizer in onnxruntime, reading as Reader(lang_list) (its ignored classes), int8 as Reader's
    CPU default unless ``quantize`` is off; its ONNX file is keyed by the SHA-256 of ``spec.source``.

    Raises:
        EasyOcrKoError: onnxruntime or onnx missing, an Attn model, an ONNX file that does not match PyTorch.
        OSError: the cache folder cannot be written.
    """
    if spec.attention:
        raise EasyOcrKoError(f"{spec.name} is an Attn model: the onnx engine reads CTC models only")
    return onnx_recognizer(spec.model, spec.character, spec.imgH, Path(spec.source), spec.ignore_idx(lang_list),
                           quantize)


def read_eval_set_onnx(spec: ModelSpec, evalset: EvalSet, settings: ReadSettings,
                       progress: bool = False) -> Predictions:
    """Read every sample of ``evalset`` with the onnx engine (see the module docstring).

    Args:
        spec: the model (CTC).
        evalset: the samples.
        settings: languages (the allow-list of built-in models), ``quantize`` (Reader's CPU int8 for the BiLSTM
            and Prediction, its default) and the contrast retry; the engine batches by padded width itself.
        progress: show a tqdm bar on stderr.

    Returns:
        The readings in set order and the time of the loop (after one untimed warm-up image; the ONNX file is
        made before it).

    Raises:
        EasyOcrKoError: as :func:`spec_recognizer`; an image cannot be decoded.
    """
    from tqdm import tqdm

    recognizer = spec_recognizer(spec, settings.lang_list, settings.quantize)
    recognizer.contrast_ths, recognizer.adjust_contrast = settings.contrast_ths, settings.adjust_contrast
    samples, data = evalset.samples, evalset.data
    if samples:
        recognizer.read_lines([data.load_gray(samples[0])])  # warm-up, not timed
    readings: list[Reading] = []
    start = time.perf_counter()
    with tqdm(total=len(samples), desc=spec.name, unit="line", disable=not progress, file=sys.stderr,
              dynamic_ncols=True) as bar:
        for i in range(0, len(samples), _CHUNK):
            chunk = samples[i:i + _CHUNK]
            readings += [Reading(text, conf, second)
                         for text, conf, second in recognizer.read_lines([data.load_gray(s) for s in chunk])]
            bar.update(len(chunk))
    return Predictions(readings, time.perf_counter() - start, settings.describe())


def read_images_onnx(paths: Sequence[Path], location: TrioLocation | None = None, spec: ModelSpec | None = None,
                     detector: bool = True, quantize: bool = True) -> dict[str, list[dict]]:
    """Read photos with the onnx engine: a trio (``location``, read as Reader(['ko'])) or a run / checkpoint
    (``spec``, read as ``read --model`` reads it: languages ko and en).

    Returns:
        ``{str(path): rows}``, rows as :func:`easyocr_ko.trio.reader.reading_row` makes them, in Reader's order.

    Raises:
        FileNotFoundError / EasyOcrKoError / OSError: as :func:`easyocr_ko.trio.onnx_engine.trio_page_reader` and
            :func:`spec_recognizer`; an undecodable image.
    """
    if location is not None:
        reader = trio_page_reader(location, detector, ("ko",), quantize)
    elif spec is not None:
        reader = OnnxPageReader(spec_recognizer(spec, ("ko", "en"), quantize), detector)
    else:
        raise ValueError("give a trio location or a model spec")
    return {str(path): [reading_row(box, text, conf) for box, text, conf in reader.read_file(path)]
            for path in paths}
