"""Preprocessing identical to what ``easyocr.Reader`` feeds its recognizer.

EasyOCR 1.7.2, for one text box of a greyscale image (``Reader.recognize`` / ``readtext``):

1. ``utils.get_image_list`` crops the box and calls ``compute_ratio_and_resize``: with ``ratio = w / h``,
   a wide crop is resized with ``cv2.resize`` to ``(int(imgH * ratio), imgH)``; a tall one (ratio < 1) to
   ``(imgH, int(imgH / ratio))``.  The interpolation argument is ``Image.Resampling.LANCZOS`` (= 1), which
   OpenCV reads as ``cv2.INTER_LINEAR``.  The batch width is ``imgW = ceil(max(max_ratio, 1)) * imgH`` with
   ``max_ratio`` taken from the *original* crops (``max(w/h, h/w)``).
2. ``recognition.AlignCollate(imgH, imgW, keep_ratio_with_pad=True)`` resizes each image with PIL
   ``BICUBIC`` to ``(min(ceil(imgH * w'/h'), imgW), imgH)`` (a no-op after step 1 for wide crops), scales
   to ``(x / 255 - 0.5) / 0.5`` in [-1, 1] and right-pads to ``imgW`` by repeating the last column
   (``NormalizePAD``).
3. On CPU each box is its own batch, so ``imgW`` comes from that box alone.

:func:`resize_to_height` is step 1, :func:`align_collate` step 2; :func:`reader_tensor` chains them for a
list of crops exactly as ``get_image_list`` + ``get_text`` do.  Training uses the same functions, so the
accuracy measured during training is the accuracy Reader delivers.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import torch
from PIL import Image

__all__ = ["crop_ratio", "resize_to_height", "batch_width", "contrast_grey", "adjust_contrast_grey", "align_collate",
           "normalized_row", "pad_rows", "reader_tensor"]


def crop_ratio(width: int, height: int) -> float:
    """EasyOCR's ``calculate_ratio``: ``w / h`` (px / px), inverted when below 1 (tall crops), so always >= 1.

    Raises:
        ZeroDivisionError: ``height`` (or, for a tall crop, ``width``) is 0.
    """
    ratio = width / height
    return 1.0 / ratio if ratio < 1.0 else ratio


def resize_to_height(gray: np.ndarray, imgH: int = 64) -> tuple[np.ndarray, float]:
    """EasyOCR's ``compute_ratio_and_resize`` (step 1 above).

    Args:
        gray: uint8 (H, W) greyscale crop, H, W >= 1.
        imgH: model input height in px (gen2: 64).

    Returns:
        ``(resized uint8 (imgH, int(imgH * w/h)) or (int(imgH * h/w), imgH) for tall crops, ratio)`` where
        ``ratio`` is :func:`crop_ratio` of the input (>= 1).

    Raises:
        ValueError: not a 2-D uint8 array, or so thin that the resized width would be 0.
    """
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError(f"expected a uint8 (H, W) greyscale image, got {gray.dtype} {gray.shape}")
    height, width = gray.shape
    ratio = width / height
    if int(imgH * crop_ratio(width, height)) == 0:
        raise ValueError(f"crop {width}x{height} is too thin to resize to height {imgH}")
    if ratio < 1.0:
        ratio = crop_ratio(width, height)
        resized = cv2.resize(gray, (imgH, int(imgH * ratio)), interpolation=cv2.INTER_LINEAR)
    else:
        resized = cv2.resize(gray, (int(imgH * ratio), imgH), interpolation=cv2.INTER_LINEAR)
    return resized, ratio


def batch_width(ratios: Sequence[float], imgH: int = 64, max_width: int | None = None) -> int:
    """Padded batch width in px: ``ceil(max(max(ratios), 1)) * imgH`` (``get_image_list``), optionally capped at
    ``max_width`` px (training only; EasyOCR has no cap).  No ratios give ``imgH``."""
    width = math.ceil(max(max(ratios, default=1.0), 1.0)) * imgH
    return min(width, max_width) if max_width else width


def contrast_grey(img: np.ndarray) -> tuple[float, float, float]:
    """EasyOCR's ``contrast_grey`` of a uint8 image: ``(contrast, high, low)`` with ``high`` / ``low`` the 90th /
    10th percentile grey levels and ``contrast = (high - low) / max(10, high + low)``."""
    high = np.percentile(img, 90)
    low = np.percentile(img, 10)
    return (high - low) / np.maximum(10, high + low), high, low


def adjust_contrast_grey(img: np.ndarray, target: float = 0.4) -> np.ndarray:
    """EasyOCR's ``adjust_contrast_grey``: stretch a low-contrast uint8 image (used on Reader's second pass
    for boxes read with confidence below ``contrast_ths``).

    Args:
        img: uint8 (H, W) greyscale image.
        target: images whose :func:`contrast_grey` is below it are stretched; others are returned as they are.

    Returns:
        uint8 (H, W).
    """
    contrast, high, low = contrast_grey(img)
    if contrast < target:
        img = img.astype(int)
        ratio = 200.0 / np.maximum(10, high - low)
        img = (img - low + 25) * ratio
        img = np.maximum(np.full(img.shape, 0), np.minimum(np.full(img.shape, 255), img)).astype(np.uint8)
    return img


def align_collate(images: Sequence[np.ndarray], imgH: int, imgW: int, adjust_contrast: float = 0.0) -> torch.Tensor:
    """EasyOCR's ``AlignCollate(keep_ratio_with_pad=True)`` + ``NormalizePAD`` (step 2 above).

    Args:
        images: uint8 (h, w) greyscale images (normally the output of :func:`resize_to_height`).
        imgH: model input height in px.
        imgW: batch width in px; wider images are squeezed to it.
        adjust_contrast: if > 0, apply :func:`adjust_contrast_grey` with this target first.

    Returns:
        float32 (N, 1, imgH, imgW) in [-1, 1], each image right-padded by repeating its last column.
    """
    rows = [normalized_row(img, imgH, imgW, adjust_contrast) for img in images]
    return pad_rows(rows, imgH, imgW)


def normalized_row(img: np.ndarray, imgH: int, imgW: int | None = None, adjust_contrast: float = 0.0) -> torch.Tensor:
    """One image of :func:`align_collate` before padding: BICUBIC-resized to height ``imgH`` and width
    ``min(ceil(imgH * w / h), imgW)`` (no cap when ``imgW`` is None), scaled to [-1, 1].

    Returns:
        float32 (imgH, width) in [-1, 1].
    """
    if adjust_contrast > 0:
        img = adjust_contrast_grey(img, target=adjust_contrast)
    h, w = img.shape
    resized_w = math.ceil(imgH * (w / float(h)))
    if imgW is not None:
        resized_w = min(resized_w, imgW)
    pil = Image.fromarray(img, "L").resize((resized_w, imgH), Image.Resampling.BICUBIC)
    return torch.from_numpy(np.asarray(pil, dtype=np.uint8).copy()).float().div(255).sub(0.5).div(0.5)


def pad_rows(rows: Sequence[torch.Tensor], imgH: int, imgW: int) -> torch.Tensor:
    """Stack rows of :func:`normalized_row` (float32 (imgH, w), w <= ``imgW``) into float32 (N, 1, imgH, imgW),
    each right-padded by repeating its last column (EasyOCR's ``NormalizePAD``)."""
    out = torch.empty((len(rows), 1, imgH, imgW), dtype=torch.float32)
    for k, tensor in enumerate(rows):
        resized_w = tensor.shape[1]
        out[k, 0, :, :resized_w] = tensor
        if resized_w < imgW:
            out[k, 0, :, resized_w:] = tensor[:, resized_w - 1 : resized_w].expand(imgH, imgW - resized_w)
    return out


def reader_tensor(crops: Sequence[np.ndarray], imgH: int = 64, adjust_contrast: float = 0.0) -> torch.Tensor:
    """The tensor ``Reader.recognize`` feeds the model for these crops as ONE batch (steps 1-2).

    Args:
        crops: uint8 (H, W) greyscale crops.
        imgH: model input height.
        adjust_contrast: Reader's second-pass contrast target (0: first pass).

    Returns:
        float32 (N, 1, imgH, ceil(max ratio) * imgH).
    """
    resized, ratios = zip(*(resize_to_height(c, imgH) for c in crops))
    return align_collate(resized, imgH, batch_width(ratios, imgH), adjust_contrast)

