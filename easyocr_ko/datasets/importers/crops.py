"""Source images and crops of ``easyocr-ko import``: decoding (to grey or BGR, 8 bits, alpha on white) and cutting
a box out.  The crops are encoded by :func:`easyocr_ko.datasets.dtrb.encode_png`, as gen's images are."""
from __future__ import annotations

import cv2
import numpy as np

from easyocr_ko.datasets.dtrb import decode_image

__all__ = ["MIN_INSIDE", "crop_box", "load_image"]

MIN_INSIDE = 0.5  # a box reaching outside the image is cut to it if at least this share of its area is inside


def load_image(data: bytes) -> np.ndarray | None:
    """Decode image bytes with OpenCV to uint8 grey (H, W) or BGR (H, W, 3).

    16-bit images are scaled to 8 bits; an alpha channel is composited on white (transparent ink-on-nothing
    scans then read as dark ink on paper, as in the rest of the data).  EXIF orientation is ignored: boxes
    are in the stored pixel grid.

    Returns:
        The pixels, or ``None`` if the bytes are not a decodable, non-empty image
        (:func:`easyocr_ko.datasets.dtrb.decode_image`: also when OpenCV refuses an image over its 2^30-pixel
        limit) or not one of 8 or 16 bits with 1, 3 or 4 channels.
    """
    img = decode_image(data, cv2.IMREAD_UNCHANGED)
    if img is None:
        return None
    if img.dtype == np.uint16:
        img = (img.astype(np.uint32) * 255 + 32767) // 65535
        img = img.astype(np.uint8)
    elif img.dtype != np.uint8:
        return None
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    elif img.ndim == 3 and img.shape[2] == 4:
        alpha = img[:, :, 3:4].astype(np.float32) / 255.0
        img = np.rint(img[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    elif not (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)):
        return None
    return np.ascontiguousarray(img)


def crop_box(image: np.ndarray, rect: tuple[int, int, int, int] | None,
             margin: int = 0) -> tuple[np.ndarray | None, str, tuple[int, int, int, int]]:
    """Cut one box out of an image.

    Args:
        image: (H, W) or (H, W, C) uint8.
        rect: ``(x0, y0, x1, y1)`` pixel edges, x1/y1 exclusive, or ``None`` for the whole image.
        margin: pixels added on every side, clipped to the image.

    Returns:
        ``(crop, note, (x, y, w, h))``: the crop (a view), ``"clipped"`` if the box reached outside the image
        and was cut to it, else ``""``, and the crop's rectangle.  ``(None, "outside", box)`` when less than
        :data:`MIN_INSIDE` of the box's area lies inside the image (annotators overshoot the edge by a few
        pixels; a box mostly outside would crop something else than its text).
    """
    h, w = image.shape[:2]
    if rect is None:
        return image, "", (0, 0, w, h)
    x0, y0, x1, y1 = rect
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    inside = max(0, cx1 - cx0) * max(0, cy1 - cy0)
    if inside == 0 or inside < MIN_INSIDE * (x1 - x0) * (y1 - y0):
        return None, "outside", (x0, y0, x1 - x0, y1 - y0)
    note = "clipped" if (cx0, cy0, cx1, cy1) != (x0, y0, x1, y1) else ""
    cx0, cy0 = max(0, cx0 - margin), max(0, cy0 - margin)
    cx1, cy1 = min(w, cx1 + margin), min(h, cy1 + margin)
    return image[cy0:cy1, cx0:cx1], note, (cx0, cy0, cx1 - cx0, cy1 - cy0)

