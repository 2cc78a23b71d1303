"""What the web demo does with an upload or a drawing, without any web library: check the file, read it with a
recognizer beside EasyOCR's CRAFT (:class:`easyocr_ko.evaluation.read.ModelReader`), draw the boxes with their
texts and confidences, and read a word drawn on a pad as one line (no detector, as ``read --no-detector``)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from easyocr_ko.datasets.dtrb import decode_gray
from easyocr_ko.demo import DEFAULT_MAX_UPLOAD_MB
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.models import resolve_model
from easyocr_ko.evaluation.read import ModelReader, ReadSettings, detector_only_reader
from easyocr_ko.resources import BUNDLED_NAME, fonts_dir

__all__ = ["DEFAULT_MAX_UPLOAD_MB", "DemoInputError", "PhotoReading", "DemoReader", "check_upload", "draw_boxes",
           "crop_drawing"]

LABEL_FONT = "NanumSquareRoundR.ttf"  # a shipped font that draws Hangul, for the labels on the photo
INK_BELOW = 128  # a drawing's pixels darker than this (uint8 grey) are ink


class DemoInputError(EasyOcrKoError):
    """An upload or drawing the demo cannot read; its message is shown on the page."""


@dataclass
class PhotoReading:
    """A photo read by :meth:`DemoReader.read_photo`.

    Attributes:
        image: the photo with the boxes, texts and confidences drawn on it, uint8 RGB (H, W, 3).
        rows: one per box, in Reader's order: ``box`` (4 [x, y] points, px), ``text``, ``confidence`` ([0, 1]).
    """

    image: np.ndarray
    rows: list[dict]


def check_upload(path: Path | str, max_bytes: int) -> np.ndarray:
    """Check an uploaded file before it is read.

    Args:
        path: the uploaded file.
        max_bytes: the largest size accepted (bytes, > 0).

    Returns:
        The image as OpenCV decodes it in colour: uint8 BGR (H, W, 3).

    Raises:
        DemoInputError: the file is missing, empty (0 bytes), over ``max_bytes``, or not a decodable image.
    """
    path = Path(path)
    if not path.is_file():
        raise DemoInputError("no file was uploaded")
    size = path.stat().st_size
    if size == 0:
        raise DemoInputError(f"{path.name} is empty (0 bytes): upload a photo (PNG, JPEG, BMP, TIFF, WebP)")
    if size > max_bytes:
        raise DemoInputError(f"{path.name} is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:g} MB")
    data = path.read_bytes()
    if decode_gray(data) is None:
        raise DemoInputError(f"{path.name} is not an image this page can read (PNG, JPEG, BMP, TIFF, WebP), or it "
                             "is corrupt")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise DemoInputError(f"{path.name} is not an image this page can read")
    return image


def _label_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(fonts_dir() / LABEL_FONT), size)
    except OSError:  # the shipped font is missing: Pillow's own (Latin only) font
        return ImageFont.load_default()


def draw_boxes(image_bgr: np.ndarray, rows: list[dict]) -> np.ndarray:
    """Draw each row's box and ``text confidence`` label on a copy of the photo.

    Args:
        image_bgr: uint8 BGR (H, W, 3).
        rows: as :attr:`PhotoReading.rows`.

    Returns:
        uint8 RGB (H, W, 3).
    """
    canvas = Image.fromarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(canvas)
    height, width = image_bgr.shape[:2]
    font = _label_font(max(12, min(32, round(min(height, width) / 25))))
    line = max(2, round(min(height, width) / 250))
    for row in rows:
        points = [tuple(p) for p in row["box"]]
        draw.line(points + [points[0]], fill=(230, 30, 30), width=line)
        label = f"{row['text']} {row['confidence']:.2f}"
        x0 = min(p[0] for p in points)
        y0 = min(p[1] for p in points)
        left, top, right, bottom = draw.textbbox((x0, y0), label, font=font, anchor="lb")
        if top < 0:  # no room above the box: write inside it
            left, top, right, bottom = draw.textbbox((x0, y0), label, font=font, anchor="lt")
        draw.rectangle((left - 2, top - 2, right + 2, bottom + 2), fill=(230, 30, 30))
        draw.text((left, top), label, font=font, fill=(255, 255, 255), anchor="lt")
    return np.asarray(canvas)


def crop_drawing(gray: np.ndarray) -> np.ndarray:
    """Cut a drawing to its ink with a margin, as a word cut from a page.

    Args:
        gray: the pad, uint8 (H, W), dark ink on a light background.

    Returns:
        uint8 (h, w): the ink's bounding box with a margin of a tenth of its height (at least 4 px) each side.

    Raises:
        DemoInputError: nothing is drawn.
    """
    ys, xs = np.nonzero(gray < INK_BELOW)
    if ys.size == 0:
        raise DemoInputError("the pad is empty: write a word on it first")
    margin = max(4, (ys.max() - ys.min() + 1) // 10)
    top, left = max(0, ys.min() - margin), max(0, xs.min() - margin)
    return np.ascontiguousarray(gray[top:ys.max() + margin + 1, left:xs.max() + margin + 1])


def _to_gray(image: np.ndarray) -> np.ndarray:
    """A pad's pixels as uint8 grey (H, W); transparent pixels count as white paper."""
    image = np.asarray(image)
    if image.ndim == 2:
        return image.astype(np.uint8)
    rgb = image[..., :3].astype(np.float32)
    if image.shape[2] == 4:
        alpha = image[..., 3:4].astype(np.float32) / 255
        rgb = (rgb * alpha + 255 * (1 - alpha)).astype(np.float32)
    return cv2.cvtColor(rgb.round().astype(np.uint8), cv2.COLOR_RGB2GRAY)


class DemoReader:
    """The demo's recognizer (loaded once) and CRAFT; safe to call from the web server's threads.

    Args:
        model: what ``read --model`` accepts (:func:`easyocr_ko.evaluation.models.resolve_model`): ``korean_hw``
            (the bundled model), a trio folder or file, a finetune run folder or a checkpoint.
        checkpoint: which checkpoint of a run folder.
        gpu: read on CUDA.
        max_upload_mb: the largest upload accepted, MB (> 0).

    Raises:
        FileNotFoundError / EasyOcrKoError: the model or CRAFT is missing or refused; ``max_upload_mb`` <= 0.
    """

    def __init__(self, model: str = BUNDLED_NAME, checkpoint: str = "best_accuracy", gpu: bool = False,
                 max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB):
        if not max_upload_mb > 0:
            raise EasyOcrKoError(f"--max-upload-mb must be > 0, not {max_upload_mb}")
        self.max_bytes = int(max_upload_mb * 1e6)
        spec = resolve_model(model, checkpoint)
        self.name = spec.name
        settings = ReadSettings(lang_list=("ko", "en"), device="cuda" if gpu else "cpu")
        self._reader = ModelReader(spec, detector_only_reader(gpu), settings)
        self._lock = threading.Lock()

    def read_photo(self, path: Path | str) -> PhotoReading:
        """Check an uploaded photo (:func:`check_upload`), find its text boxes with CRAFT and read each.

        Raises:
            DemoInputError: as :func:`check_upload`.
        """
        image = check_upload(path, self.max_bytes)
        with self._lock:
            rows = self._reader.read_file(path)
        return PhotoReading(draw_boxes(image, rows), rows)

    def read_drawing(self, image: np.ndarray) -> dict:
        """Read a word drawn on the pad as one line (:func:`crop_drawing`, then the recognizer, no detector).

        Args:
            image: the pad, uint8 (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA (transparent = paper).

        Returns:
            ``text`` and ``confidence`` ([0, 1]), and ``box`` (4 [x, y] points of the crop, px).

        Raises:
            DemoInputError: nothing is drawn.
        """
        crop = crop_drawing(_to_gray(image))
        with self._lock:
            return self._reader.read_line(crop)
