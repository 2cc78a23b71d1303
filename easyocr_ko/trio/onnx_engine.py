"""``read --engine onnx``: read pages as ``easyocr.Reader.readtext`` does on a CPU, with CRAFT and the recognizer run
by onnxruntime instead of PyTorch.

Everything but the two forward passes is EasyOCR 1.7.2's own code, imported from ``easyocr`` and called with
``readtext``'s defaults:

* detection (:meth:`OnnxPageReader.detect`): ``easyocr.detection.get_textbox`` (``test_net``: ``resize_aspect_ratio``
  with ``canvas_size`` 2560 and ``mag_ratio`` 1, ``normalizeMeanVariance``, ``craft_utils.getDetBoxes`` with
  text / link / low-text thresholds 0.7 / 0.4 / 0.4, ``adjustResultCoordinates``), whose ``net(x)`` is the CRAFT
  session (:class:`OrtCraft`); then ``Reader.detect``'s ``utils.group_text_box`` (slope 0.1, y-centre 0.5,
  height 0.5, width 0.5, margin 0.1) and its ``min_size`` 20 filter;
* recognition (:class:`OnnxRecognizer`): as ``Reader.recognize`` on a CPU, every box is cut and resized by
  ``utils.get_image_list`` on its own, so its padded width is ``ceil(w / h) * imgH``; crops are then read with
  ``recognition.AlignCollate`` (PIL bicubic resize, ``(x / 255 - 0.5) / 0.5``, right padding by the last column)
  and ``recognition.recognizer_predict`` (softmax, the ignored classes zeroed and renormalised, greedy CTC with
  ``utils.CTCLabelConverter``, ``custom_mean`` confidence), whose ``model(image, text)`` is the recognizer
  session (:class:`OrtRecognizer`), and ``get_text``'s second pass: boxes below confidence 0.1 are read again
  after ``adjust_contrast_grey`` (0.5) and the first reading is kept only when it is strictly more confident.

What differs from Reader is only how the crops are batched: Reader on a CPU reads one box per forward pass;
here the crops of one page that have the same padded width are read in one batch (widths ascending, at most
:data:`MAX_BATCH` a batch).  Each row of such a batch is the very tensor Reader builds for that box alone (the same
width, so the same resize and padding), so batching changes nothing but float rounding; crops of different
widths are never padded together (that would change what the BiLSTM sees).

The recognizer is read as Reader holds it.  With ``quantize`` (Reader's CPU default, ``quantize_dynamic`` to int8
of the BiLSTM and Linear layers) the convolutional front runs in onnxruntime, batched as above (float in Reader
too), and the BiLSTM and Prediction run with Reader's own int8 modules, one crop at a time (dynamic quantization
scales each pass's activations by that pass's range, so a batch would change them): :class:`OrtSplitRecognizer`.
On rendered pages the whole network in float32 gave another string than Reader for 8 of 94 boxes; this split gave
Reader's for all 94, and for 219 of the 220 boxes of ``bench/bench_read.py`` (a near tie: the front's features
differ from PyTorch's by float rounding, and the int8 BiLSTM quantizes them).
Without ``quantize`` the whole network runs in onnxruntime in float32 (``export --onnx``'s graph):
:class:`OrtRecognizer`, as Reader with ``quantize=False``.  CRAFT is float in both (``quantize_dynamic`` finds no
layer to quantize in it).  The ONNX files come from :mod:`easyocr_ko.trio.onnx_cache` (made once, checked against
PyTorch, cached by the SHA-256 of their ``.pth``).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from easyocr_ko.recognizer.predict import reader_allowed_characters
from easyocr_ko.resources import TrioLocation
from easyocr_ko.trio.onnx import INPUT_NAME, OUTPUT_NAME
from easyocr_ko.trio.onnx_cache import craft_session, features_session, recognizer_session, require_onnxruntime
from easyocr_ko.trio.onnx_graphs import CRAFT_INPUT, CRAFT_OUTPUT, FEATURES_OUTPUT, recognizer_back, split_recognizer

__all__ = ["MAX_BATCH", "READTEXT_DEFAULTS", "OrtCraft", "OrtRecognizer", "OrtSplitRecognizer", "quantize_like_reader",
           "reader_ignore_idx", "box_crops", "OnnxRecognizer", "onnx_recognizer", "OnnxPageReader",
           "trio_page_reader"]

MAX_BATCH = 32
"""Most crops of one padded width read in one forward pass."""

READTEXT_DEFAULTS: dict[str, Any] = {
    "min_size": 20, "text_threshold": 0.7, "low_text": 0.4, "link_threshold": 0.4, "canvas_size": 2560,
    "mag_ratio": 1.0, "slope_ths": 0.1, "ycenter_ths": 0.5, "height_ths": 0.5, "width_ths": 0.5, "add_margin": 0.1,
    "contrast_ths": 0.1, "adjust_contrast": 0.5}
"""``Reader.readtext``'s defaults (EasyOCR 1.7.2) that the engine uses."""


class OrtCraft:
    """Stands for the CRAFT network in ``easyocr.detection.test_net``: ``net(x)`` -> ``(y, None)``.

    Args:
        session: onnxruntime session of the CRAFT file (:func:`easyocr_ko.trio.onnx_cache.craft_session`).
    """

    def __init__(self, session: Any):
        self.session = session

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        """float32 (N, 3, H, W) normalised RGB -> (scores float32 (N, H / 2, W / 2, 2), no feature map)."""
        y = self.session.run([CRAFT_OUTPUT], {CRAFT_INPUT: np.ascontiguousarray(x.numpy(), dtype=np.float32)})[0]
        return torch.from_numpy(y), None


class OrtRecognizer:
    """Stands for the recognizer in ``easyocr.recognition.recognizer_predict``: ``model(image, text)`` -> logits.

    Args:
        session: onnxruntime session of the recognizer file (:func:`easyocr_ko.trio.onnx_cache.recognizer_session`).
    """

    def __init__(self, session: Any):
        self.session = session

    def eval(self) -> OrtRecognizer:
        """No-op (``recognizer_predict`` calls ``model.eval()``)."""
        return self

    def __call__(self, image: torch.Tensor, text: Any = None) -> torch.Tensor:
        """float32 (N, 1, imgH, W) in [-1, 1] -> logits float32 (N, T, num_class); ``text`` is ignored, as by
        every CTC network."""
        logits = self.session.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(image.numpy(), np.float32)})[0]
        return torch.from_numpy(logits)


class OrtSplitRecognizer:
    """Stands for Reader's int8 recognizer in ``recognizer_predict``: the front in onnxruntime for the whole batch,
    then Reader's quantized SequenceModeling and Prediction for each crop alone.

    Args:
        session: onnxruntime session of the front (:func:`easyocr_ko.trio.onnx_cache.features_session`).
        back: ``back(features (1, T, C_f))`` -> logits (1, T, num_class), with Reader's int8 modules
            (:func:`easyocr_ko.trio.onnx_graphs.split_recognizer` of :func:`quantize_like_reader`'s copy).
    """

    def __init__(self, session: Any, back: nn.Module):
        self.session = session
        self.back = back

    def eval(self) -> OrtSplitRecognizer:
        """No-op (``recognizer_predict`` calls ``model.eval()``)."""
        return self

    def __call__(self, image: torch.Tensor, text: Any = None) -> torch.Tensor:
        """float32 (N, 1, imgH, W) in [-1, 1] -> logits float32 (N, T, num_class)."""
        features = self.session.run([FEATURES_OUTPUT], {INPUT_NAME: np.ascontiguousarray(image.numpy(), np.float32)})
        rows = torch.from_numpy(features[0])  # (N, T, C_f)
        with torch.no_grad():
            return torch.cat([self.back(rows[i:i + 1]).float() for i in range(rows.shape[0])])


def quantize_like_reader(model: nn.Module) -> nn.Module:
    """A copy of ``model`` quantized as ``easyocr.recognition.get_recognizer`` does on a CPU with
    ``quantize=True``: ``torch.quantization.quantize_dynamic(model, dtype=torch.qint8, inplace=True)`` (Linear and
    LSTM layers int8), a model that cannot be quantized staying float as in Reader."""
    import copy

    model = copy.deepcopy(model).float().cpu().eval()
    try:
        torch.quantization.quantize_dynamic(model, dtype=torch.qint8, inplace=True)
    except Exception:  # Reader swallows quantization failures the same way
        pass
    return model


def reader_ignore_idx(character: str, lang_list: Sequence[str], symbols: str | None) -> list[int]:
    """The classes ``Reader(lang_list).recognize`` zeroes, computed as ``get_text`` computes them:
    ``character.index(c) + 1`` for each character of the model outside ``Reader.lang_char``
    (:func:`easyocr_ko.recognizer.predict.reader_allowed_characters`), ascending.

    Raises:
        EasyOcrKoError: EasyOCR has no character file for a language of ``lang_list``.
    """
    allowed = reader_allowed_characters(lang_list, symbols)
    return sorted({character.index(c) + 1 for c in set(character) - allowed})


def box_crops(gray: np.ndarray, horizontal: Sequence, free: Sequence, imgH: int) -> list[tuple[list, np.ndarray, int]]:
    """Cut every box as ``Reader.recognize`` does on a CPU: ``easyocr.utils.get_image_list`` on each box alone,
    horizontal boxes first, then free ones.

    Args:
        gray: uint8 (H, W) greyscale page.
        horizontal: ``[x_min, x_max, y_min, y_max]`` boxes (px).
        free: 4-point boxes ``[[x, y] x 4]`` (px).
        imgH: the recognizer's input height (px).

    Returns:
        ``(box, crop, width)`` per box that has an area: the box as Reader returns it (4 points, clipped to the
        page), the crop resized to height imgH (uint8), and its padded width ``ceil(ratio) * imgH`` (px).
    """
    from easyocr.utils import get_image_list

    out = []
    for h_list, f_list in [([b], []) for b in horizontal] + [([], [b]) for b in free]:
        image_list, max_width = get_image_list(h_list, f_list, gray, model_height=imgH)
        out += [(box, crop, int(max_width)) for box, crop in image_list]
    return out


class OnnxRecognizer:
    """A CTC recognizer in onnxruntime that reads crops exactly as ``Reader.recognize`` does (module docstring).

    Args:
        model: ``model(images, text)`` -> logits: an :class:`OrtSplitRecognizer` or :class:`OrtRecognizer`
            (:func:`onnx_recognizer` makes either).
        character: its character list (class ``i + 1`` = ``character[i]``, 0 = blank).
        imgH: input height in px.
        ignore_idx: classes Reader ignores (:func:`reader_ignore_idx`).
        contrast_ths / adjust_contrast: Reader's second pass (``readtext`` defaults 0.1 / 0.5).
    """

    def __init__(self, model: Any, character: str, imgH: int, ignore_idx: Sequence[int] = (),
                 contrast_ths: float = 0.1, adjust_contrast: float = 0.5):
        from easyocr.utils import CTCLabelConverter

        self.model = model
        self.character = character
        self.imgH = int(imgH)
        self.ignore_idx = list(ignore_idx)
        self.contrast_ths = contrast_ths
        self.adjust_contrast = adjust_contrast
        self.converter = CTCLabelConverter(character, {}, {})  # as Reader: no separators (dictionaries: beam search)

    def _predict(self, crops: Sequence[np.ndarray], width: int, adjust_contrast: float) -> list[tuple[str, float]]:
        """``get_text``'s one pass over crops of one padded width: AlignCollate + recognizer_predict."""
        from easyocr.recognition import AlignCollate, recognizer_predict
        from PIL import Image

        collate = AlignCollate(imgH=self.imgH, imgW=width, keep_ratio_with_pad=True, adjust_contrast=adjust_contrast)
        batches = [collate([Image.fromarray(c, "L") for c in crops[i:i + MAX_BATCH]])
                   for i in range(0, len(crops), MAX_BATCH)]
        out = recognizer_predict(self.model, self.converter, batches, int(width / 10), self.ignore_idx, {})
        return [(str(text), float(conf)) for text, conf in out]

    def read_crops(self, crops: Sequence[tuple[np.ndarray, int]]) -> list[tuple[str, float, bool]]:
        """Read crops cut by :func:`box_crops` (``(crop, padded width)`` pairs), crops of one width in one batch.

        Returns:
            ``(text, confidence in [0, 1], read in the contrast-adjusted second pass)`` per crop, in order.
        """
        results: list[tuple[str, float, bool]] = [("", 0.0, False)] * len(crops)
        by_width: dict[int, list[int]] = {}
        for k, (_, width) in enumerate(crops):
            by_width.setdefault(width, []).append(k)
        for width, members in sorted(by_width.items()):
            first = self._predict([crops[k][0] for k in members], width, 0.0)
            low = [j for j, (_, conf) in enumerate(first) if conf < self.contrast_ths]
            second = self._predict([crops[members[j]][0] for j in low], width, self.adjust_contrast) if low else []
            for j, (text, conf) in enumerate(first):
                results[members[j]] = (text, conf, False)
            for j, (text, conf) in zip(low, second):
                if not first[j][1] > conf:  # get_text keeps the first only when strictly more confident
                    results[members[j]] = (text, conf, True)
        return results

    def read_lines(self, grays: Sequence[np.ndarray]) -> list[tuple[str, float, bool]]:
        """Read whole greyscale images (uint8 (H, W)) as one line each, as ``Reader.recognize(gray)`` does.

        Returns:
            As :meth:`read_crops`, one per image (an image with no area reads as ``("", 0.0, False)``).
        """
        crops: list[tuple[np.ndarray, int]] = []
        index: list[int | None] = []
        for gray in grays:
            cut = box_crops(gray, [[0, gray.shape[1], 0, gray.shape[0]]], [], self.imgH)
            index.append(len(crops) if cut else None)
            crops += [(crop, width) for _, crop, width in cut]
        results = self.read_crops(crops)
        return [results[k] if k is not None else ("", 0.0, False) for k in index]


def onnx_recognizer(model: nn.Module, character: str, imgH: int, source: Path, ignore_idx: Sequence[int] = (),
                    quantize: bool = True, threads: int | None = None, cache: Path | None = None) -> OnnxRecognizer:
    """An :class:`OnnxRecognizer` for a float CTC network, its ONNX file made and cached on first use.

    Args:
        model: gen2 or DTRB CTC network, float, on the CPU (a trio's, a checkpoint's).
        character: its character list; imgH: its input height (px).
        source: the ``.pth`` it was loaded from (the cache key is its SHA-256).
        ignore_idx: classes Reader ignores (:func:`reader_ignore_idx`).
        quantize: Reader's CPU int8 (front in onnxruntime, Reader's quantized BiLSTM and Prediction per crop);
            ``False``: the whole network in onnxruntime, float32.
        threads: onnxruntime intra-op threads; cache: the cache folder (defaults: the physical cores,
            :func:`easyocr_ko.trio.onnx_cache.cache_dir`).

    Raises:
        EasyOcrKoError: onnxruntime or onnx missing; an Attn model or a network neither gen2 nor DTRB; an ONNX file
            that does not match PyTorch.
        OSError: ``source`` unreadable or the cache folder not writable.
    """
    if quantize:
        front, back = split_recognizer(model)
        session = features_session(front, back, character, imgH, source, threads, cache)
        forward: Any = OrtSplitRecognizer(session, recognizer_back(quantize_like_reader(model)))
    else:
        split_recognizer(model)  # refuses Attn and foreign networks with the same message
        forward = OrtRecognizer(recognizer_session(model, character, imgH, source, threads, cache))
    return OnnxRecognizer(forward, character, imgH, ignore_idx, READTEXT_DEFAULTS["contrast_ths"],
                          READTEXT_DEFAULTS["adjust_contrast"])


class OnnxPageReader:
    """A recognizer and EasyOCR's CRAFT in onnxruntime, reading pages as ``Reader.readtext`` does
    (:func:`trio_page_reader` makes one for a trio).

    Args:
        recognizer: the recognizer (:func:`onnx_recognizer`).
        detector: load CRAFT (``False``: :meth:`read_file` reads each whole image as one line).
        threads: onnxruntime intra-op threads (default: the physical cores,
            :func:`easyocr_ko.trio.onnx_cache.physical_cores`).
        cache: the ONNX cache folder (default :func:`easyocr_ko.trio.onnx_cache.cache_dir`).

    Raises:
        EasyOcrKoError: onnxruntime (or, to make a missing file, onnx) is not installed; a CRAFT file the checks
            refuse; an ONNX file that does not match PyTorch.
        FileNotFoundError: CRAFT is missing.
        OSError: the cache folder cannot be written.
    """

    def __init__(self, recognizer: OnnxRecognizer, detector: bool = True, threads: int | None = None,
                 cache: Path | None = None):
        self.recognizer = recognizer
        self.craft = OrtCraft(craft_session(None, threads, cache)) if detector else None

    def detect(self, rgb: np.ndarray) -> tuple[list, list]:
        """CRAFT boxes of one image, as ``Reader.detect(rgb, reformat=False)`` with ``readtext``'s defaults.

        Args:
            rgb: uint8 (H, W, 3), RGB order.

        Returns:
            ``(horizontal, free)``: ``[x_min, x_max, y_min, y_max]`` boxes and 4-point boxes (px), Reader's order.
        """
        from easyocr.detection import get_textbox
        from easyocr.utils import diff, group_text_box

        d = READTEXT_DEFAULTS
        assert self.craft is not None, "made with detector=False"
        polys = get_textbox(self.craft, rgb, canvas_size=d["canvas_size"], mag_ratio=d["mag_ratio"],
                            text_threshold=d["text_threshold"], link_threshold=d["link_threshold"],
                            low_text=d["low_text"], poly=False, device="cpu", optimal_num_chars=None)[0]
        horizontal, free = group_text_box(polys, d["slope_ths"], d["ycenter_ths"], d["height_ths"], d["width_ths"],
                                          d["add_margin"], True)
        horizontal = [i for i in horizontal if max(i[1] - i[0], i[3] - i[2]) > d["min_size"]]
        free = [i for i in free if max(diff([c[0] for c in i]), diff([c[1] for c in i])) > d["min_size"]]
        return horizontal, free

    def read_arrays(self, rgb: np.ndarray | None, gray: np.ndarray) -> list[tuple[list, str, float]]:
        """Read one page given as arrays.

        Args:
            rgb: uint8 (H, W, 3) RGB for CRAFT (``None``: the whole image is one line, as without a detector).
            gray: uint8 (H, W) greyscale, the same image, for the recognizer.

        Returns:
            ``(box, text, confidence)`` per box in Reader's order (box: 4 [x, y] points, px; confidence in [0, 1]).
        """
        horizontal: list
        free: list
        if rgb is None or self.craft is None:
            height, width = gray.shape
            horizontal, free = [[0, width, 0, height]], []
        else:
            horizontal, free = self.detect(rgb)
        cut = box_crops(gray, horizontal, free, self.recognizer.imgH)
        read = self.recognizer.read_crops([(crop, width) for _, crop, width in cut])
        return [(box, text, conf) for (box, _, _), (text, conf, _) in zip(cut, read)]

    def read_file(self, path: Path | str) -> list[tuple[list, str, float]]:
        """Read one image file, decoded once as :func:`easyocr_ko.trio.reader.read_photo` decodes it (the Reader
        engine's decoding: CMYK, 16-bit and EXIF rotation as the recognizer sees them).

        Returns:
            As :meth:`read_arrays`.

        Raises:
            FileNotFoundError: no such file.
            EasyOcrKoError: the file is not a decodable image.
        """
        from easyocr_ko.datasets.dtrb import read_gray_file
        from easyocr_ko.trio.reader import read_photo

        if self.craft is None:
            return self.read_arrays(None, read_gray_file(path))
        rgb, gray = read_photo(path)
        return self.read_arrays(rgb, gray)


def trio_page_reader(location: TrioLocation, detector: bool = True, lang_list: Sequence[str] = ("ko",),
                     quantize: bool = True, threads: int | None = None, cache: Path | None = None) -> OnnxPageReader:
    """An :class:`OnnxPageReader` for a trio: what ``easyocr-ko read --engine onnx`` reads with.

    Args:
        location: the trio (checked with :func:`easyocr_ko.trio.check.check_trio`; CTC only, as Reader).
        detector: load CRAFT (``False``: each whole image is one line).
        lang_list: Reader's languages (with the yaml's ``symbols`` or ``character_list``: the allow-list).
        quantize: the recognizer as Reader's CPU default holds it, int8 (see the module docstring).
        threads / cache: as :class:`OnnxPageReader`.

    Raises:
        EasyOcrKoError: onnxruntime (or, to make a missing file, onnx) is not installed; a trio or CRAFT file the
            checks refuse; an ONNX file that does not match PyTorch.
        FileNotFoundError: a trio file or CRAFT is missing.
        OSError: the cache folder cannot be written.
    """
    from easyocr_ko.trio.check import check_trio

    require_onnxruntime()  # before any slow work
    trio = check_trio(location)
    recognizer = onnx_recognizer(trio.model, trio.character, trio.imgH, trio.pth,
                                 reader_ignore_idx(trio.character, lang_list, trio.symbols), quantize, threads, cache)
    return OnnxPageReader(recognizer, detector, threads, cache)
