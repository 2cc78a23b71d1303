"""What fonts never draw: real pens, jamo of varying proportions, detector crops and scanned forms.

A handwriting font draws every instance of a syllable identically, with fixed jamo proportions, clean strokes
of the font's own width and clean margins.  Real pen handwriting as a detector crops it from a scanned form
(issue 22's real set: AI Hub 053 free-text forms, ballpoint pen, PaddleOCR's boxes) differs in four ways that
these transforms reproduce on a rendered greyscale image:

* :func:`split_components` -- **jamo-level variation**: the rendered glyphs are split into their connected
  components (in Hangul mostly one jamo, or one stroke of it) and each component is moved, scaled and turned
  on its own, so syllables get proportions, gaps and overlaps that no font has.  The idea of treating a
  Korean glyph as a composition of independently varying components follows DM-Font (Cha et al., "Few-shot
  Compositional Font Generation with Dual Memory", ECCV 2020) and the jamo-aware synthesis of Korean
  handwriting datasets; the component split is ours.
* :func:`pen_restroke` -- **ballpoint / sign-pen strokes**: the ink is thinned to its centre line
  (Zhang & Suen, "A fast parallel algorithm for thinning digital patterns", CACM 1984) and drawn again with
  a thin pen whose width and darkness vary smoothly (pressure), with small gaps where the ball skips.
* :func:`detector_crop` -- **crops as CRAFT/PaddleOCR produce them**: margins from tight to loose around the
  ink (the text-height-to-crop ratio varies), a small rotation, and fragments of the neighbouring words or
  lines cut by the crop's border (the source of the stray letters a font-trained model inserts at a crop's
  edge).  Following the box jitter of detector-crop training in PaddleOCR's recognition augmentation
  (``ppocr/data/imaug/rec_img_aug.py``) and the "crop as the detector would" practice of TextOCR/MJSynth.
* :func:`form_marks` -- **scanned-form look**: form rules and cell borders near the crop's edges and faint
  printed characters beside the word (JPEG, blur and noise are :mod:`easyocr_ko.synth.augment`'s).

Contracts are those of :mod:`easyocr_ko.synth.augment`: ``uint8`` greyscale ``(H, W)``, dark text on a light
ground; strengths in px are px at imgH 64 and scale with ``H / 64``; the ``rng`` is the only randomness;
every transform returns a new ``uint8`` ``(H, W')`` image of the same height ``H`` (``W'`` may differ) and
returns a copy of an image that holds no ink.  :func:`easyocr_ko.synth.augment.apply` runs them when their
``jamo_p``, ``pen_p``, ``crop_p`` or ``form_p`` options are above 0 (the ``realpen`` preset).

Example:
    >>> import numpy as np
    >>> from easyocr_ko.synth.jitter import render_jittered
    >>> from easyocr_ko.resources import fonts_dir
    >>> rng = np.random.default_rng(0)
    >>> img = render_jittered("손글씨", fonts_dir() / "NanumPen.ttf", 64, rng=rng)
    >>> out = detector_crop(pen_restroke(split_components(img, rng), rng), rng)
    >>> out.shape[0], out.dtype
    (64, dtype('uint8'))
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from easyocr_ko.synth.augment import (
    MIN_INK_CONTRAST,
    _check_image,
    _coverage,
    _ink_rows,
    _scale,
    _smooth_2d,
    _to_uint8,
    levels,
)

__all__ = ["split_components", "pen_restroke", "detector_crop", "form_marks", "thin_strokes"]


# ---------------------------------------------------------------- helpers

def _background(image: np.ndarray, ink_mask: np.ndarray) -> np.ndarray:
    """The paper without the ink: uint8 (H, W), the ink pixels (dilated by 1 px) filled by OpenCV's Telea
    inpainting from the surrounding ground, so that the ground's texture and noise stay as rendered."""
    mask = cv2.dilate(ink_mask.astype(np.uint8), np.ones((3, 3), np.uint8))
    return cv2.inpaint(image, mask, 3, cv2.INPAINT_TELEA)


def _compose(background: np.ndarray, coverage: np.ndarray, ink_level: np.ndarray | float) -> np.ndarray:
    """Ink of level ``ink_level`` (scalar or float32 (H, W)) laid on ``background`` with ``coverage`` in [0, 1]."""
    bg = background.astype(np.float32)
    return _to_uint8(bg + (np.asarray(ink_level, dtype=np.float32) - bg) * coverage)


def _to_height(image: np.ndarray, height: int) -> np.ndarray:
    """``image`` resized to ``height`` rows keeping its aspect ratio (at least 4 px wide); uint8."""
    h, w = image.shape
    if h == height:
        return image
    new_w = max(4, int(round(w * height / h)))
    interpolation = cv2.INTER_AREA if h > height else cv2.INTER_LINEAR
    return cv2.resize(image, (new_w, height), interpolation=interpolation)


def _ground_stats(image: np.ndarray, ground: float, ink: float) -> tuple[float, float]:
    """Mean and standard deviation of the grey levels of the ground (pixels lighter than the ink/ground
    midpoint), to extend the paper with the same brightness and grain."""
    values = image[image > (ground + ink) / 2].astype(np.float32)
    return (float(values.mean()), float(values.std())) if values.size > 8 else (ground, 0.0)


def thin_strokes(mask: np.ndarray) -> np.ndarray:
    """Centre lines of the strokes, one pixel wide: Zhang-Suen thinning (Zhang & Suen, CACM 27(3), 1984).

    Both sub-iterations are vectorised over the whole image; the loop runs about half the widest stroke's width
    times.

    Args:
        mask: bool or 0/1 array (H, W): ink pixels.

    Returns:
        bool (H, W): the skeleton, a subset of ``mask``.
    """
    img = np.pad(np.asarray(mask, dtype=np.uint8) != 0, 1).astype(np.uint8)
    while True:
        changed = False
        for step in (0, 1):
            p2, p3, p4 = img[:-2, 1:-1], img[:-2, 2:], img[1:-1, 2:]
            p5, p6, p7 = img[2:, 2:], img[2:, 1:-1], img[2:, :-2]
            p8, p9 = img[1:-1, :-2], img[:-2, :-2]
            ring = (p2, p3, p4, p5, p6, p7, p8, p9, p2)
            b = sum(p.astype(np.int16) for p in ring[:8])
            a = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.int16) for i in range(8))
            if step == 0:
                side = ((p2 & p4 & p6) == 0) & ((p4 & p6 & p8) == 0)
            else:
                side = ((p2 & p4 & p8) == 0) & ((p2 & p6 & p8) == 0)
            remove = (img[1:-1, 1:-1] == 1) & (b >= 2) & (b <= 6) & (a == 1) & side
            if remove.any():
                img[1:-1, 1:-1][remove] = 0
                changed = True
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


# ---------------------------------------------------------------- jamo: components moved one by one

def _component_matrix(rng: np.random.Generator, centre: np.ndarray, shift: float, scale: float,
                      rotate: float) -> np.ndarray:
    """2x3 affine matrix: scale each axis by ``1 ± scale``, turn by ``± rotate`` degrees about ``centre``,
    then move by up to ``shift`` px in x and y (uniform draws)."""
    sx, sy = rng.uniform(1 - scale, 1 + scale, 2)
    angle = math.radians(rng.uniform(-rotate, rotate))
    dx, dy = rng.uniform(-shift, shift, 2)
    c, s = math.cos(angle), math.sin(angle)
    a = np.array([[c * sx, -s * sy], [s * sx, c * sy]], dtype=np.float64)
    t = centre + np.array([dx, dy]) - a @ centre
    return np.hstack([a, t[:, None]]).astype(np.float32)


def _vertical_stem(labels: np.ndarray, stats: np.ndarray, k: int, ink_height: float) -> bool:
    """Whether component ``k`` is a vertical vowel (or its stem): taller than 1.3x its width, at least 35 % of
    the ink's height, one of its columns inked for 80 % of its height without a break, and no enclosed hole
    (a tall ㅇ or ㅁ has long straight sides, but a hole)."""
    x, y, w, h = (int(stats[k, i]) for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
                                             cv2.CC_STAT_HEIGHT))
    if h < 1.3 * w or h < 0.35 * ink_height:
        return False
    part = labels[y:y + h, x:x + w] == k
    run = best = np.zeros(w, np.int32)
    for row in part:
        run = np.where(row, run + 1, 0)
        best = np.maximum(best, run)
    if best.max() < 0.8 * h:
        return False
    outside = np.pad(part, 1).astype(np.uint8)  # paper reachable from the border: 2; a hole stays 0
    cv2.floodFill(outside, None, (0, 0), 2)
    return not bool((outside == 0).any())


def _spread_shifts(labels: np.ndarray, stats: np.ndarray, centroids: np.ndarray, rng: np.random.Generator,
                   max_px: float, ink_height: float) -> np.ndarray:
    """Extra x shift (px) per component label (index 0, the paper, is never used): each vertical stem draws a
    gap ``U(0, max_px)``, which moves it and every component whose centroid lies to its right (the rest of the
    line), so syllables get wider without running into the next one."""
    shifts = np.zeros(len(stats))
    for k in range(1, len(stats)):
        if stats[k, cv2.CC_STAT_AREA] >= 2 and _vertical_stem(labels, stats, k, ink_height):
            shifts[centroids[:, 0] >= centroids[k, 0]] += rng.uniform(0.0, max_px)
    return shifts


def split_components(image: np.ndarray, rng: np.random.Generator, *, max_shift: float = 0.07,
                     max_scale: float = 0.2, max_rotate: float = 6.0, spread: float = 0.0) -> np.ndarray:
    """Move, scale and turn each connected component of the ink on its own (jamo-level variation).

    The ink (coverage above 0.3 of the ink/ground contrast) is split into 8-connected components; in Hangul
    these are mostly single jamo (ㅇ, ㅏ, ㄱ ...) or single strokes of a jamo.  Each component's coverage is
    warped by its own affine map: scale ``U(1 - max_scale, 1 + max_scale)`` per axis, rotation
    ``U(-max_rotate, max_rotate)`` degrees about its centroid and a shift ``U(-1, 1) * max_shift * H`` px per
    axis; the warped components are laid on the original paper (inpainted under the old ink).  The canvas
    grows where a component leaves it and is resized back to ``H`` rows.

    ``spread`` widens syllables as pens do: real writers often set a vertical vowel (ㅏ ㅣ ㅓ ㅕ ...) well
    to the right of its initial consonant ("O  ㅏ" for 아; see tests/synth/test_realpen.py), which fonts never
    do and which a font-trained model reads as a Latin letter or digit plus a stroke (the left-edge errors of
    issue 22).  Each component with a long vertical stem (:func:`_vertical_stem`: a vertical vowel, or a 1 or
    l) opens a gap of ``U(0, spread) * H`` px before itself: it and everything to its right move right by that
    much (:func:`_spread_shifts`).  With ``spread`` 0 no number is drawn for it, so every earlier output is
    unchanged.

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        max_shift: fraction of the image height, in [0, 0.2].
        max_scale: relative change of each axis, in [0, 0.4].
        max_rotate: degrees, in [0, 30].
        spread: fraction of the image height, in [0, 0.4].

    Returns:
        uint8 (H, W'); a copy if the image holds no ink.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    ground, ink = levels(image)
    if ground - ink < MIN_INK_CONTRAST:
        return image.copy()
    cov = _coverage(image, ground, ink)
    mask = (cov > 0.3).astype(np.uint8)
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    pad = int(math.ceil(max_shift * h + max_scale * h)) + 2
    widen = np.zeros(n)
    if spread > 0 and n > 1:
        ink_rows = np.flatnonzero(mask.any(axis=1))
        widen = _spread_shifts(labels, stats, centroids, rng, spread * h, float(ink_rows[-1] - ink_rows[0] + 1))
    extra = int(math.ceil(widen.max()))  # room on the right for the widened line
    size = (w + 2 * pad + extra, h + 2 * pad)
    out = np.zeros((size[1], size[0]), np.float32)
    near = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8))  # soft edges join their component
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] < 2:
            continue
        part = np.zeros_like(out)
        part[pad:pad + h, pad:pad + w] = np.where((labels == k) | ((labels == 0) & (near == k)), cov, 0.0)
        m = _component_matrix(rng, centroids[k] + pad, max_shift * h, max_scale, max_rotate)
        m[0, 2] += widen[k]
        np.maximum(out, cv2.warpAffine(part, m, size, flags=cv2.INTER_LINEAR), out=out)
    background = cv2.copyMakeBorder(_background(image, mask > 0), pad, pad, pad, pad + extra, cv2.BORDER_REFLECT)
    rows, cols = np.flatnonzero((out > 0.05).any(axis=1)), np.flatnonzero((out > 0.05).any(axis=0))
    if rows.size == 0:
        return image.copy()
    top, bottom = min(pad, rows[0] - 2), max(pad + h, rows[-1] + 3)
    left, right = min(pad, cols[0] - 2), max(pad + w, cols[-1] + 3)
    top, left = max(top, 0), max(left, 0)
    result = _compose(background[top:bottom, left:right], out[top:bottom, left:right], ink)
    return _to_height(result, h)


# ---------------------------------------------------------------- pen: ballpoint strokes

def pen_restroke(image: np.ndarray, rng: np.random.Generator, *, width: float = 2.0,
                 gap_fraction: float = 0.5) -> np.ndarray:
    """Draw the text again with a thin pen along the centre lines of its strokes (ballpoint, sign pen).

    The ink (coverage above half the contrast) is thinned to one-pixel centre lines (:func:`thin_strokes`);
    the new stroke is every pixel within ``r(x, y)`` px of a centre line, anti-aliased over 1 px, with the
    radius ``r = U(0.6, 1.4) * width / 2 * H / 64 * (1 + 0.25 f)`` (``f`` a smooth field over about 20 px:
    pen pressure).  The ink level lightens by up to 35 % of the contrast where the pressure field is low, and
    with probability ``gap_fraction`` up to 8 % of the stroke is lifted in small spots (where the ball skips).

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        width: mean pen width in px at imgH 64, in [0.5, 6].
        gap_fraction: probability of skipped spots, in [0, 1].

    Returns:
        uint8 (H, W); a copy if the image holds no ink.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    ground, ink = levels(image)
    if ground - ink < MIN_INK_CONTRAST:
        return image.copy()
    cov = _coverage(image, ground, ink)
    mask = cov > 0.5
    skeleton = thin_strokes(mask)
    if not skeleton.any():
        return image.copy()
    s = _scale(image)
    dist = cv2.distanceTransform((~skeleton).astype(np.uint8), cv2.DIST_L2, 3)
    pressure = _smooth_2d(rng, h, w, 20 * s)
    radius = np.float32(rng.uniform(0.6, 1.4) * width / 2 * s) * (1 + np.float32(0.25) * np.clip(pressure, -2, 2))
    stroke = np.clip(np.maximum(radius, 0.35) - dist + 0.5, 0.0, 1.0)
    if rng.random() < gap_fraction:
        skips = _smooth_2d(rng, h, w, 4 * s)
        stroke *= (skips < np.quantile(skips, 1 - rng.uniform(0.02, 0.08))).astype(np.float32)
    level = np.float32(ink) + np.float32(0.35 * (ground - ink)) * np.clip(-pressure, 0, 1)
    return _compose(_background(image, cov > 0.2), stroke, level)


# ---------------------------------------------------------------- detector-like crops

def _paste_fragment(canvas: np.ndarray, source: np.ndarray, y: int, x: int) -> None:
    """Lay the dark pixels of ``source`` on ``canvas`` at (y, x) (darker wins), clipped to the canvas."""
    ch, cw = canvas.shape
    sh, sw = source.shape
    y0, x0, y1, x1 = max(y, 0), max(x, 0), min(y + sh, ch), min(x + sw, cw)
    if y1 <= y0 or x1 <= x0:
        return
    region = canvas[y0:y1, x0:x1]
    np.minimum(region, source[y0 - y:y1 - y, x0 - x:x1 - x], out=region)


def _neighbours(canvas: np.ndarray, ink_box: tuple[int, int, int, int], crop: list[int], text: np.ndarray,
                rng: np.random.Generator, neighbour_p: float) -> None:
    """Fragments of neighbouring words (left, right) and lines (above, below), cut by the crop's border.

    ``ink_box`` = (top, bottom, left, right) of the word on the canvas, ``crop`` = [top, bottom, left, right]
    (widened here, in place, so that a fragment is visible), ``text`` = the word's own ink (uint8), from which
    the fragments are cut: same pen, same hand.
    """
    top, bottom, left, right = ink_box
    th, tw = text.shape
    for side in ("left", "right", "above", "below"):
        if rng.random() >= neighbour_p:
            continue
        gap = int(rng.uniform(0.15, 0.4) * th)
        if side in ("left", "right"):
            fw = max(2, int(rng.uniform(0.15, 0.45) * th))
            x0 = int(rng.integers(0, max(1, tw - fw)))
            piece = text[:, x0:x0 + fw]
            dy = int(rng.uniform(-0.1, 0.1) * th)
            if side == "left":
                crop[2] = min(crop[2], left - gap - int(rng.uniform(0.3, 0.8) * fw))
                _paste_fragment(canvas, piece, top + dy, left - gap - piece.shape[1])
            else:
                crop[3] = max(crop[3], right + gap + int(rng.uniform(0.3, 0.8) * fw))
                _paste_fragment(canvas, piece, top + dy, right + 1 + gap)
        else:
            fh = max(2, int(rng.uniform(0.15, 0.35) * th))
            piece = text[th - fh:, :] if side == "above" else text[:fh, :]
            dx = int(rng.uniform(-0.5, 0.5) * tw)
            if side == "above":
                crop[0] = min(crop[0], top - gap // 2 - int(rng.uniform(0.3, 0.9) * fh))
                _paste_fragment(canvas, piece, top - gap // 2 - fh, left + dx)
            else:
                crop[1] = max(crop[1], bottom + gap // 2 + int(rng.uniform(0.3, 0.9) * fh))
                _paste_fragment(canvas, piece, bottom + 1 + gap // 2, left + dx)


def detector_crop(image: np.ndarray, rng: np.random.Generator, *, max_margin: float = 0.45,
                  max_rotate: float = 2.5, neighbour_p: float = 0.35) -> np.ndarray:
    """Crop the word again as a text detector would: new margins, a small rotation, neighbours at the edges.

    The ink's box (text height ``th``) gets four margins drawn independently from ``U(0, max_margin) * th``
    (0: cut at the ink, as CRAFT's tight boxes), on paper extended with the image's own ground level and noise.
    With probability ``neighbour_p`` per side, a fragment of a neighbouring word (left/right: a slice
    ``U(0.15, 0.45) th`` wide of the word's own ink, ``U(0.15, 0.4) th`` away) or of the line above/below (the
    bottom/top ``U(0.15, 0.35) th`` of the ink, shifted sideways) is drawn there and the crop widened to cut
    it.  The paper is then turned by ``U(-max_rotate, max_rotate)`` degrees about the crop's centre, cropped
    and resized to ``H`` rows (the width follows the aspect ratio).

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        max_margin: largest margin as a fraction of the text height, in [0, 1].
        max_rotate: degrees, in [0, 10].
        neighbour_p: probability of a fragment on each side, in [0, 1].

    Returns:
        uint8 (H, W'); a copy if the image holds no ink.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    box = _ink_rows(image)
    if box is None:
        return image.copy()
    ground, ink = levels(image)
    top, bottom, left, right = box
    th = bottom - top + 1
    pad = int(2 * th + 4)
    noise = rng.normal(*_ground_stats(image, ground, ink), (h + 2 * pad, w + 2 * pad))
    canvas = _to_uint8(noise.astype(np.float32))
    canvas[pad:pad + h, pad:pad + w] = image
    margins = rng.uniform(0, max_margin, 4) * th
    crop = [int(top + pad - margins[0]), int(bottom + pad + 1 + margins[1]), int(left + pad - margins[2]),
            int(right + pad + 1 + margins[3])]
    text = image[top:bottom + 1, left:right + 1]
    _neighbours(canvas, (top + pad, bottom + pad, left + pad, right + pad), crop, text, rng, neighbour_p)
    angle = rng.uniform(-max_rotate, max_rotate)
    centre = ((crop[2] + crop[3]) / 2, (crop[0] + crop[1]) / 2)
    rot = cv2.getRotationMatrix2D(centre, angle, 1.0)
    canvas = cv2.warpAffine(canvas, rot, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    y0, y1 = max(crop[0], 0), min(crop[1], canvas.shape[0])
    x0, x1 = max(crop[2], 0), min(crop[3], canvas.shape[1])
    return _to_height(canvas[y0:y1, x0:x1], h)


# ---------------------------------------------------------------- scanned forms

_PRINTED = "0123456789ABCDEFGHJKLMNPRSTUVXYZ-:./()"


def form_marks(image: np.ndarray, rng: np.random.Generator, *, darkness: tuple[float, float] = (0.3, 0.8)
               ) -> np.ndarray:
    """Marks of a printed form around the word: rules, cell borders and faint printed characters.

    Each of these is drawn with probability 1/2 (at least one always): a horizontal rule in the top or bottom
    eighth of the image, a vertical cell border in the left or right twelfth, and 1-4 printed characters
    (OpenCV's Hershey simplex font, 20-30 % of the height) in a corner.  Rules are 1-2 px at imgH 64, slightly
    tilted, of a darkness ``U(*darkness)`` of the ink/ground contrast (printed forms are greyer than the pen).

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        darkness: range of the marks' darkness as a fraction of the contrast, within [0, 1].

    Returns:
        uint8 (H, W); a copy if the image holds no ink.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    ground, ink = levels(image)
    if ground - ink < MIN_INK_CONTRAST:
        return image.copy()
    s = _scale(image)
    marks = np.zeros((h, w), np.uint8)
    which = rng.random(3) < 0.5
    if not which.any():
        which[rng.integers(0, 3)] = True
    thickness = max(1, int(round(rng.uniform(1, 2) * s)))
    if which[0]:
        y = int(rng.uniform(0, h / 8)) if rng.random() < 0.5 else int(h - 1 - rng.uniform(0, h / 8))
        tilt = int(rng.uniform(-0.01, 0.01) * w)
        cv2.line(marks, (0, y), (w - 1, y + tilt), 255, thickness, cv2.LINE_AA)
    if which[1]:
        x = int(rng.uniform(0, w / 12)) if rng.random() < 0.5 else int(w - 1 - rng.uniform(0, w / 12))
        cv2.line(marks, (x, 0), (x + int(rng.uniform(-0.02, 0.02) * h), h - 1), 255, thickness, cv2.LINE_AA)
    if which[2]:
        text = "".join(rng.choice(list(_PRINTED), int(rng.integers(1, 5))))
        scale = rng.uniform(0.2, 0.3) * h / 22  # Hershey simplex: about 22 px high at scale 1
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        x = 1 if rng.random() < 0.5 else max(1, w - tw - 1)
        y = th + 1 if rng.random() < 0.5 else h - 2
        cv2.putText(marks, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, 255, 1, cv2.LINE_AA)
    level = ground - rng.uniform(*darkness) * (ground - ink)
    out = image.astype(np.float32)
    return _to_uint8(np.minimum(out, out + (np.float32(level) - out) * (marks.astype(np.float32) / 255)))
