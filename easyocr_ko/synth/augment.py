"""Handwriting realism for synthetic Korean text images, reproducible from a seed.

trdg draws every glyph of a word from one font at one size on one baseline: clean, uniform, perfectly
aligned.  Real pen writing photographed with a phone differs in ways a recognizer must learn to ignore:
syllables of uneven size, height and tilt, slanted writing, strokes that thicken and fade with pen
pressure, lined and shadowed paper, blur, sensor noise, JPEG, a slightly tilted camera, and (on signs)
light text on a dark ground.  This module reproduces the pen, paper and camera effects as pure functions on
a greyscale image, with a composer :func:`apply` driven by the frozen options and presets of
:class:`easyocr_ko.config.AugmentOptions`; :func:`augment_transform` turns an ``--augment`` spec into the
``f(gray, rng) -> gray`` that gen's renderer and finetune's batch loader call.  The per-syllable variation of
size, height and tilt is made when the text is drawn, by :func:`easyocr_ko.synth.jitter.render_jittered`.

Order of the sections below: helpers; pen (stroke width, elastic warp, slant, ink pressure); paper (texture,
ruled lines); camera (blur, motion blur, noise, JPEG; perspective); signs (polarity); the composer.

Contracts shared by every transform ``f(image, rng, **params)``:

* ``image``: ``uint8`` greyscale ``(H, W)``, dark text on a light ground (as trdg renders and as EasyOCR
  reads a CRAFT crop), any height (strengths given in px are "px at imgH 64" and scale with ``H / 64``).
* ``rng``: a ``numpy.random.Generator``; it is the only source of randomness, so the same generator state
  gives byte-identical output (OpenCV calls used here are deterministic; across different CPUs or
  NumPy/OpenCV builds, SIMD code paths may change the last bit of a few pixels).
* returns a new ``uint8`` ``(H, W')`` array with the same ``H``; only :func:`slant` changes ``W``.
* every effect is bounded so that the text stays legible: displacements vanish at the image border (no ink
  leaves the image), thinning never removes more than 40% of the ink pixels, re-inked text stays at least
  70 grey levels darker than its paper, inverted polarity keeps at least ``min_contrast`` levels.

Ink and ground levels are estimated from the histogram (:func:`levels`): the ground is the 70th percentile,
the ink the 1st; an image whose two levels are less than 16 apart is taken to hold no ink and is returned
unchanged by the transforms that need an ink estimate.

Example:
    >>> import numpy as np
    >>> from easyocr_ko.config import AugmentOptions
    >>> from easyocr_ko.synth.augment import apply
    >>> from easyocr_ko.synth.jitter import render_jittered
    >>> from easyocr_ko.resources import fonts_dir
    >>> rng = np.random.default_rng(0)
    >>> img = render_jittered("손글씨", fonts_dir() / "NanumPen.ttf", 64, rng=rng)
    >>> out = apply(img, rng, AugmentOptions.parse("handwriting"))
    >>> out.shape[0], out.dtype
    (64, dtype('uint8'))
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import cv2
import numpy as np

from easyocr_ko.config import AUGMENT_PRESET_NAMES, AugmentOptions
from easyocr_ko.errors import EasyOcrKoError

__all__ = [
    "REFERENCE_HEIGHT", "MIN_INK_CONTRAST", "PRESET_NAMES", "augment_transform", "apply", "levels",
    "vary_stroke_width", "elastic_warp", "slant", "ink_pressure", "paper_texture", "ruled_lines",
    "gaussian_blur", "motion_blur", "gaussian_noise", "jpeg_artifacts", "perspective", "invert_polarity",
]

REFERENCE_HEIGHT = 64  # px; strengths in px are given at EasyOCR gen2's imgH and scaled with the image height
MIN_INK_CONTRAST = 16  # grey levels between ground and ink below which an image is taken to hold no ink


# ---------------------------------------------------------------- helpers

def _check_image(image: Any) -> np.ndarray:
    """``image`` itself, once checked to be a transform's input.

    Args:
        image: anything.

    Returns:
        ``image``: a uint8 (H, W) array with H, W >= 4.

    Raises:
        ValueError: anything else (one line, naming what was given).
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 2:
        got = f"{image.dtype} array of shape {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
        raise ValueError(f"image must be a uint8 greyscale array (H, W), got {got}")
    if image.shape[0] < 4 or image.shape[1] < 4:
        raise ValueError(f"image must be at least 4x4 px, got {image.shape[0]}x{image.shape[1]}")
    return image


def _to_uint8(x: np.ndarray) -> np.ndarray:
    """Float values (any shape) rounded to uint8 (same shape), saturating at 0 and 255."""
    return np.clip(x + 0.5, 0, 255).astype(np.uint8)


def _scale(image: np.ndarray) -> float:
    """``H / 64``: the factor from px at imgH 64 (:data:`REFERENCE_HEIGHT`) to px of this (H, W) image."""
    return image.shape[0] / REFERENCE_HEIGHT


def levels(image: np.ndarray) -> tuple[float, float]:
    """Ground and ink grey levels of a dark-on-light text image, from its histogram.

    Args:
        image: uint8 (H, W).

    Returns:
        ``(ground, ink)``: the 70th and 1st percentiles of the grey levels (0..255).
    """
    cdf = np.cumsum(cv2.calcHist([image], [0], None, [256], [0, 256]).ravel())
    n = cdf[-1]
    return float(np.searchsorted(cdf, 0.70 * n)), float(np.searchsorted(cdf, 0.01 * n))


def _coverage(image: np.ndarray, ground: float, ink: float) -> np.ndarray:
    """Ink coverage float32 (H, W) in [0, 1]: 0 on the ground, 1 on full ink."""
    a = (ground - image.astype(np.float32)) * np.float32(1.0 / max(ground - ink, 1.0))
    return np.clip(a, 0.0, 1.0, out=a)


def _ink_rows(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the ink (inclusive px), or None when there is no ink."""
    ground, ink = levels(image)
    if ground - ink < MIN_INK_CONTRAST:
        return None
    mask = image < (ground + ink) / 2
    rows = np.flatnonzero(mask.sum(axis=1) >= 2)
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return None
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def _smooth_1d(rng: np.random.Generator, n: int, knots: int) -> np.ndarray:
    """Slowly varying random curve float32 (n,) in [0, 1]: ``knots`` uniform values spread evenly over
    ``n`` samples and joined linearly."""
    knots = max(2, knots)
    values = rng.random(knots, dtype=np.float32)
    return np.interp(np.arange(n, dtype=np.float32), np.linspace(0.0, n - 1, knots), values).astype(np.float32)


def _normal(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Standard normal float32 samples by the Box-Muller transform of uniforms (about 2.5x faster than
    ``Generator.standard_normal`` for image-sized draws)."""
    n = shape[0] * shape[1]
    u = rng.random((2, (n + 1) // 2), dtype=np.float32)
    radius = np.sqrt(np.float32(-2.0) * np.log1p(-u[0]))
    angle = u[1] * np.float32(2 * math.pi)
    return np.concatenate([radius * np.cos(angle), radius * np.sin(angle)])[:n].reshape(shape)


def _smooth_2d(rng: np.random.Generator, h: int, w: int, cell: float) -> np.ndarray:
    """Smooth random field float32 (h, w), roughly standard normal values correlated over ``cell`` px.

    Random normals on a grid of ``cell`` px, interpolated cubically to a quarter of the resolution, then
    linearly (OpenCV's cubic upsampling to full size costs 10x more for no visible difference).
    """
    gh = max(2, math.ceil(h / max(cell, 1.0)) + 1)
    gw = max(2, math.ceil(w / max(cell, 1.0)) + 1)
    grid = rng.standard_normal((gh, gw), dtype=np.float32)
    qh, qw = max(gh, math.ceil(h / 4)), max(gw, math.ceil(w / 4))
    quarter = cv2.resize(grid, (qw, qh), interpolation=cv2.INTER_CUBIC)
    return cv2.resize(quarter, (w, h), interpolation=cv2.INTER_LINEAR)


def _soft_noise(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """float32 (h, w) noise of about unit sigma, drawn at half resolution and upsampled (grain of paper
    or ink, 4x cheaper than full-resolution normals; slightly correlated over 2 px)."""
    small = _normal(rng, (max(2, (h + 1) // 2), max(2, (w + 1) // 2)))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR) * np.float32(1.6)


def _edge_taper(n: int, ramp: float) -> np.ndarray:
    """float32 (n,): 0 at both ends, rising linearly to 1 over ``ramp`` px."""
    idx = np.arange(n, dtype=np.float32)
    return np.clip(np.minimum(idx, n - 1 - idx) / max(ramp, 1.0), 0.0, 1.0)


# ---------------------------------------------------------------- pen: stroke, warp, slant, ink

def _morph_by_column(image: np.ndarray, radius: np.ndarray, op: int) -> np.ndarray:
    """Grey erosion/dilation whose radius varies by column: float32 (H, W).

    ``radius`` float32 (W,) in px >= 0; between integer radii ``k`` and ``k + 1`` the results of elliptic
    kernels of those radii are interpolated, so the stroke edge moves smoothly (a 1 px soft edge).
    """
    k_max = math.ceil(float(radius.max()))
    out = image.astype(np.float32) * np.maximum(1.0 - radius, 0.0)[None, :]
    for k in range(1, k_max + 1):
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))
        weight = np.maximum(1.0 - np.abs(radius - k), 0.0)[None, :]  # linear interpolation between radii
        out += cv2.morphologyEx(image, op, kernel).astype(np.float32) * weight
    return out


def vary_stroke_width(image: np.ndarray, rng: np.random.Generator, *, max_radius: float = 1.2,
                      thin_fraction: float = 0.3) -> np.ndarray:
    """Thicken (or thin) the strokes by a radius that varies along the line (grey-level morphology).

    The radius is ``r(x) = U(0.3, 1) * max_radius * H / 64 * c(x)`` px with ``c`` a smooth curve in
    [0.4, 1] (about one knot per H px), so the pen seems to press harder in places.  Thickening is a grey
    erosion (the dark ink spreads), thinning a grey dilation, with elliptic kernels of the integer radii
    around ``r(x)`` interpolated (:func:`_morph_by_column`).  With probability ``thin_fraction`` the strokes
    are thinned; if that would leave less than 60% of the ink pixels (thin pen strokes would vanish), they
    are thickened instead.

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        max_radius: px at imgH 64, in [0, 3].
        thin_fraction: probability of thinning, in [0, 1].

    Returns:
        uint8 (H, W); unchanged if the image holds no ink (see :func:`levels`).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    r = rng.uniform(0.3, 1.0) * max_radius * _scale(image)
    thin = rng.random() < thin_fraction
    radius = np.float32(r) * (0.4 + 0.6 * _smooth_1d(rng, w, round(w / h) + 2))
    ground, ink = levels(image)
    if r <= 0 or ground - ink < MIN_INK_CONTRAST:
        return image.copy()
    if thin:
        mid = (ground + ink) / 2
        out = _morph_by_column(image, radius, cv2.MORPH_DILATE)
        if np.count_nonzero(out < mid) >= 0.6 * np.count_nonzero(image < mid):
            return _to_uint8(out)
    return _to_uint8(_morph_by_column(image, radius, cv2.MORPH_ERODE))


def elastic_warp(image: np.ndarray, rng: np.random.Generator, *, alpha: float = 2.0, cell: float = 16.0,
                 wave: float = 2.0) -> np.ndarray:
    """Bend the strokes with a smooth random displacement field (``cv2.remap``).

    Two smooth fields (random normals on a grid of ``cell`` px, cubic interpolation) are scaled so their
    largest displacement is ``U(0.3, 1) * alpha`` px; a vertical wave along the line (amplitude up to
    ``wave`` px, one knot per ~1.5 H) makes the baseline wander.  Displacements fall linearly to 0 within
    ``H / 6`` px of every border, so the map fixes the border and no ink leaves the image.  All lengths
    are px at imgH 64, scaled with ``H / 64``.

    Args:
        image: uint8 (H, W).
        rng: randomness.
        alpha: largest local displacement, in [0, 5] px.
        cell: correlation length of the field, in [4, 64] px.
        wave: amplitude of the baseline wave, in [0, 5] px.

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    s = _scale(image)
    amp = rng.uniform(0.3, 1.0) * alpha * s
    dx = _smooth_2d(rng, h, w, cell * s)
    dy = _smooth_2d(rng, h, w, cell * s)
    dx *= np.float32(amp / max(float(np.abs(dx).max()), 1e-6))
    dy *= np.float32(amp / max(float(np.abs(dy).max()), 1e-6))
    dy += (np.float32(rng.uniform(0.0, wave) * s) * (2 * _smooth_1d(rng, w, round(w / (1.5 * h)) + 2) - 1))[None, :]
    ramp = h / 6
    taper = _edge_taper(h, ramp)[:, None] * _edge_taper(w, ramp)[None, :]
    map_x = np.arange(w, dtype=np.float32)[None, :] + dx * taper
    map_y = np.arange(h, dtype=np.float32)[:, None] + dy * taper
    return cv2.remap(image, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def slant(image: np.ndarray, rng: np.random.Generator, *, max_shear: float = 0.3) -> np.ndarray:
    """Shear horizontally like slanted writing, widening the image so that all ink stays inside.

    The shear ``k ~ U(-0.5, 1) * max_shear`` (mostly right-leaning, as most writers slant) maps
    ``x -> x + k * (H - 1 - y)`` (plus an offset keeping x >= 0); the width grows by ``ceil(|k| (H - 1))``
    px, filled with the ground level.  ``max_shear = 0.3`` is about 17 degrees.

    Args:
        image: uint8 (H, W).
        rng: randomness.
        max_shear: tangent of the largest slant angle, in [0, 0.7].

    Returns:
        uint8 (H, W + ceil(|k| (H - 1))).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    k = rng.uniform(-0.5, 1.0) * max_shear
    extra = math.ceil(abs(k) * (h - 1))
    m = np.array([[1.0, -k, max(k, 0.0) * (h - 1)], [0.0, 1.0, 0.0]])
    ground, _ = levels(image)
    return cv2.warpAffine(image, m, (w + extra, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=ground)


def ink_pressure(image: np.ndarray, rng: np.random.Generator, *, darkest: tuple[float, float] = (0, 60),
                 max_lift: float = 80.0, grain: float = 6.0) -> np.ndarray:
    """Re-ink the text: an ink level that varies smoothly along the line (pen pressure, a drying pen).

    The ink's grey level becomes ``U(*darkest) + U(0.3, 1) * max_lift * c(x)`` with ``c`` a smooth curve in
    [0, 1] (about one knot per H px, so single syllables come out lighter), plus pixel grain of sigma
    ``grain`` on the ink; antialiased edges keep their coverage.  The level is capped so that the ink
    stays at least 70 grey levels (and 45% of the ground level) below the ground.

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        darkest: range of the darkest ink level, within [0, 150].
        max_lift: largest lightening along the line, in [0, 150] grey levels.
        grain: sigma of the ink's pixel grain, in [0, 20] grey levels.

    Returns:
        uint8 (H, W); unchanged if the image holds no ink (see :func:`levels`).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    ground, ink = levels(image)
    base = rng.uniform(*darkest)
    lift = rng.uniform(0.3, 1.0) * max_lift * _smooth_1d(rng, w, round(w / h) + 2)
    noise = _soft_noise(rng, h, w)
    if ground - ink < MIN_INK_CONTRAST:
        return image.copy()
    cap = ground - max(70.0, 0.45 * ground)
    level = np.minimum(base + lift, cap).astype(np.float32)
    a = _coverage(image, ground, ink)
    target = level[None, :] + np.float32(grain) * noise
    return _to_uint8(image.astype(np.float32) + a * (target - np.float32(ink)))


# ---------------------------------------------------------------- paper

def paper_texture(image: np.ndarray, rng: np.random.Generator, *, strength: float = 1.0,
                  fibres: bool = True) -> np.ndarray:
    """Put the text on photographed paper: tint, blotches, a gradient or shadow, grain and fibre specks.

    A paper layer is built in grey levels: base ``U(175, 248)``; smooth blotches (sigma up to 8 strength);
    a linear gradient in a random direction (up to 45 strength levels across the image) or, one time in
    three, a soft shadow edge (up to 55 strength darker on one side), all drawn on a grid of 4 px cells and
    upsampled; grain (sigma up to 3, drawn at half resolution); with
    ``fibres``, dark specks and a few short faint fibres.  The layer is clipped to [120, 255] and the text is
    multiplied onto it (``out = paper * image / ground``), so ink stays proportionally dark on a darker
    patch, as ink absorbs light.

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        strength: scales every effect, in [0, 1].
        fibres: add specks and fibres (off for signs).

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    s = _scale(image)
    # the slowly varying part (tint, blotches, gradient or shadow) on a grid of 4 px cells, upsampled
    gh, gw = max(2, math.ceil(h / 4)), max(2, math.ceil(w / 4))
    low = np.full((gh, gw), rng.uniform(175.0, 248.0), dtype=np.float32)
    low += _smooth_2d(rng, gh, gw, 0.75 * gh) * np.float32(rng.uniform(0.0, 8.0) * strength)
    theta = rng.uniform(0.0, 2 * math.pi)
    side = max(w, h)
    yy = ((np.arange(gh, dtype=np.float32) + 0.5) * (h / gh) - 0.5)[:, None] / side  # cell centres, px / side
    xx = ((np.arange(gw, dtype=np.float32) + 0.5) * (w / gw) - 0.5)[None, :] / side
    proj = math.cos(theta) * xx + math.sin(theta) * yy  # in about [-1, 1]
    if rng.random() < 1 / 3:
        centre = rng.uniform(float(proj.min()), float(proj.max()))
        softness = rng.uniform(0.02, 0.15)
        low -= np.float32(rng.uniform(15.0, 55.0) * strength) / (1 + np.exp((centre - proj) / softness))
    else:
        span = max(float(proj.max() - proj.min()), 1e-6)
        low -= np.float32(rng.uniform(0.0, 45.0) * strength / span) * (proj - proj.min())
    paper = cv2.resize(low, (w, h), interpolation=cv2.INTER_LINEAR)
    paper += _soft_noise(rng, h, w) * np.float32(rng.uniform(0.5, 3.0) * strength)
    if fibres and strength > 0:
        n = rng.poisson(h * w * rng.uniform(0.0003, 0.002) * strength)
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        paper[ys, xs] -= rng.uniform(15.0, 60.0, n).astype(np.float32)
        n_fibres = rng.poisson(w / (2.0 * h) * strength)
        if n_fibres:
            layer = np.zeros((h, w), dtype=np.uint8)  # antialiased lines need an 8-bit image
            for _ in range(n_fibres):
                x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
                length, angle = rng.uniform(3, 12) * s, rng.uniform(0, math.pi)
                p0 = (round(x0), round(y0))
                p1 = (round(x0 + length * math.cos(angle)), round(y0 + length * math.sin(angle)))
                cv2.line(layer, p0, p1, int(rng.integers(8, 26)), 1, cv2.LINE_AA)
            paper -= layer
    np.clip(paper, 120.0, 255.0, out=paper)
    ground, _ = levels(image)
    transmission = image.astype(np.float32) * np.float32(1.0 / max(ground, 1.0))
    np.minimum(transmission, 1.0, out=transmission)
    return _to_uint8(paper * transmission)


def ruled_lines(image: np.ndarray, rng: np.random.Generator, *, darkness: tuple[float, float] = (30, 100),
                margin_line_p: float = 0.3, dotted_p: float = 0.15) -> np.ndarray:
    """Add the ruled lines of notebook paper behind the text, and sometimes a margin line.

    The main line runs near the bottom of the ink (the writer's baseline, ``U(-0.08, 0.06) H`` off it, so
    descenders may cross it), with a slope in ``U(-0.01, 0.01)``; further lines repeat every
    ``U(1.15, 1.6)`` ink heights where they fall inside the image.  Lines are 0.8..2 px thick (at imgH 64),
    ``U(*darkness)`` grey levels darker, antialiased, one time in ``1 / dotted_p`` dotted; a vertical margin
    line is drawn left of the ink when there is room, with probability ``margin_line_p``.  Lines are
    multiplied onto the image, so they pass behind the ink.

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        darkness: range of the lines' darkness in grey levels, within [0, 120].
        margin_line_p: probability of a margin line, in [0, 1].
        dotted_p: probability of dotted lines, in [0, 1].

    Returns:
        uint8 (H, W); without ink the line is drawn at 0.8 H.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    s = _scale(image)
    box = _ink_rows(image)
    top, bottom, left, _ = box if box is not None else (round(0.2 * h), round(0.8 * h), 0, w - 1)
    base_y = bottom + rng.uniform(-0.08, 0.06) * h
    pitch = max(bottom - top, 0.3 * h) * rng.uniform(1.15, 1.6)
    line_slope = rng.uniform(-0.01, 0.01)
    thickness = rng.uniform(0.8, 2.0) * s
    dark = rng.uniform(*darkness)
    dotted = rng.random() < dotted_p
    period = max(2, round(rng.uniform(3.0, 6.0) * s))
    margin = rng.random() < margin_line_p
    margin_x = rng.uniform(0.15, 0.85) * (left - 2 * s)
    margin_dark = rng.uniform(*darkness)
    xs = np.arange(w, dtype=np.float32)
    ys = np.arange(h, dtype=np.float32)[:, None]
    cover = np.zeros((h, w), dtype=np.float32)
    centre_x = w / 2
    line_y = base_y
    while line_y - pitch > -thickness:  # the first line at or above the image top
        line_y -= pitch
    while line_y < h + thickness:
        centre = line_y + line_slope * (xs - centre_x)
        np.maximum(cover, np.clip(thickness / 2 + 0.5 - np.abs(ys - centre[None, :]), 0.0, 1.0), out=cover)
        line_y += pitch
    if dotted:
        cover *= ((np.arange(w) // period) % 2 == 0).astype(np.float32)[None, :]
    cover *= np.float32(dark)
    if margin and left - 2 * s >= 2:
        mx = np.clip(thickness / 2 + 0.5 - np.abs(xs - margin_x), 0.0, 1.0) * np.float32(margin_dark)
        np.maximum(cover, mx[None, :], out=cover)
    return _to_uint8(image.astype(np.float32) * (1.0 - cover * np.float32(1.0 / 255.0)))


# ---------------------------------------------------------------- camera: blur, noise, JPEG

def gaussian_blur(image: np.ndarray, rng: np.random.Generator, *, max_sigma: float = 1.0) -> np.ndarray:
    """Defocus: Gaussian blur of sigma ``U(0.3, 1) * max_sigma * H / 64`` px.

    Args:
        image: uint8 (H, W).
        rng: randomness.
        max_sigma: px at imgH 64, in [0, 2.5].

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    sigma = rng.uniform(0.3, 1.0) * max_sigma * _scale(image)
    if sigma < 0.05:
        return image.copy()
    return cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, borderType=cv2.BORDER_REPLICATE)


def motion_blur(image: np.ndarray, rng: np.random.Generator, *, max_length: float = 5.0) -> np.ndarray:
    """Camera shake: blur along a random direction over ``U(2, max_length) * H / 64`` px.

    Args:
        image: uint8 (H, W).
        rng: randomness.
        max_length: px at imgH 64, in [2, 9].

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    length = rng.uniform(2.0, max(max_length, 2.0)) * _scale(image)
    angle = rng.uniform(0.0, math.pi)
    k = max(3, 2 * math.ceil(length / 2) + 1)
    line = np.zeros((k, k), dtype=np.uint8)  # OpenCV antialiases lines on 8-bit images only
    c = (k - 1) / 2
    dx, dy = length / 2 * math.cos(angle), length / 2 * math.sin(angle)
    shift = 4  # cv2.line's sub-pixel bits: endpoints in 1/16 px
    p0 = (round((c - dx) * 16), round((c - dy) * 16))
    p1 = (round((c + dx) * 16), round((c + dy) * 16))
    cv2.line(line, p0, p1, 255, 1, cv2.LINE_AA, shift)
    kernel = line.astype(np.float32)
    kernel /= kernel.sum()
    return cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_REPLICATE)


def gaussian_noise(image: np.ndarray, rng: np.random.Generator, *, max_sigma: float = 8.0) -> np.ndarray:
    """Sensor noise: add N(0, sigma) with sigma ``U(0.2, 1) * max_sigma`` grey levels, saturating.

    Args:
        image: uint8 (H, W).
        rng: randomness.
        max_sigma: in [0, 30] grey levels.

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    sigma = np.float32(rng.uniform(0.2, 1.0) * max_sigma)
    noise = _normal(rng, image.shape)
    return _to_uint8(image.astype(np.float32) + sigma * noise)


def jpeg_artifacts(image: np.ndarray, rng: np.random.Generator, *, min_quality: int = 35,
                   max_quality: int = 95) -> np.ndarray:
    """Re-encode as JPEG (``cv2.imencode``, greyscale) at a quality drawn in [min_quality, max_quality].

    Args:
        image: uint8 (H, W).
        rng: randomness.
        min_quality / max_quality: libjpeg quality range, 10 <= min <= max <= 100.

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px, or a bad quality range.
    """
    image = _check_image(image)
    if not 10 <= min_quality <= max_quality <= 100:
        raise ValueError(f"JPEG quality range must satisfy 10 <= min <= max <= 100, got {min_quality}..{max_quality}")
    quality = int(rng.integers(min_quality, max_quality + 1))
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else None
    if decoded is None:  # pragma: no cover - libjpeg does not fail on a valid uint8 image
        raise EasyOcrKoError("OpenCV could not JPEG-encode the image")
    return np.asarray(decoded, dtype=np.uint8)


# ---------------------------------------------------------------- camera: perspective

def perspective(image: np.ndarray, rng: np.random.Generator, *, max_shift_x: float = 0.04,
                max_shift_y: float = 0.10) -> np.ndarray:
    """A camera not quite facing the paper: move each corner inwards and warp (``cv2.warpPerspective``).

    Each corner moves inwards by ``U(0, max_shift_x) * W`` horizontally and ``U(0, max_shift_y) * H``
    vertically; the whole original then maps inside the output (same size), so no ink is cut off; the
    uncovered border repeats the edge pixels.

    Args:
        image: uint8 (H, W).
        rng: randomness.
        max_shift_x: fraction of the width, in [0, 0.1].
        max_shift_y: fraction of the height, in [0, 0.2].

    Returns:
        uint8 (H, W).

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    h, w = image.shape
    sx = rng.uniform(0.0, max_shift_x, 4) * (w - 1)
    sy = rng.uniform(0.0, max_shift_y, 4) * (h - 1)
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    dst = src + np.stack([sx * [1, -1, -1, 1], sy * [1, 1, -1, -1]], axis=1).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# ---------------------------------------------------------------- signs: polarity

def invert_polarity(image: np.ndarray, rng: np.random.Generator, *, background: tuple[float, float] = (25, 110),
                    text: tuple[float, float] = (185, 250), min_contrast: float = 90.0) -> np.ndarray:
    """Light text on a dark ground, as on road and shop signs (e.g. white on green or blue, in grey).

    The image is remapped linearly so that its ground level goes to ``U(*background)`` and its ink level to
    ``U(*text)`` (raised if needed so the two are at least ``min_contrast`` apart): the paper's texture
    and the strokes' antialiasing carry over, inverted and rescaled, rather than ``255 - x``.  White on
    green (0, 110, 60) is about grey 71, white on blue (0, 60, 150) about 52 (ITU-R BT.601 luma).

    Args:
        image: uint8 (H, W), dark on light.
        rng: randomness.
        background: range of the new ground level, within [0, 200].
        text: range of the new text level, within [0, 255].
        min_contrast: least text minus ground, in [40, 200].

    Returns:
        uint8 (H, W), light on dark; for an image without ink (see :func:`levels`) the ground level.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px, or ranges that cannot keep the contrast.
    """
    image = _check_image(image)
    if background[1] + min_contrast > 255:
        raise ValueError(f"background up to {background[1]} leaves no room for a contrast of {min_contrast}")
    bg = rng.uniform(*background)
    fg = min(255.0, max(rng.uniform(*text), bg + min_contrast))
    ground, ink = levels(image)
    if ground - ink < MIN_INK_CONTRAST:
        return np.full_like(image, round(bg))
    gain = np.float32((fg - bg) / (ground - ink))
    return _to_uint8(np.float32(bg) + (np.float32(ground) - image.astype(np.float32)) * gain)


# ---------------------------------------------------------------- composer

def augment_transform(spec: str | Mapping[str, Any] | AugmentOptions | None
                      ) -> Callable[[np.ndarray, np.random.Generator], np.ndarray] | None:
    """The augmentation an ``--augment`` spec asks for, as the ``f(gray, rng) -> gray`` that gen's renderer and
    finetune's batch loader call: :func:`apply` with the parsed options; ``None`` (no augmentation) for an empty
    spec (``None``, ``""``, an empty mapping) and ``"none"``.

    Args:
        spec: a spec as :meth:`easyocr_ko.config.AugmentOptions.parse` reads it (a preset name with
            ``key=value`` overrides, a mapping, or the options themselves).

    Returns:
        ``functools.partial(apply, config=options)`` (picklable, for gen's worker processes), or ``None``.

    Raises:
        EasyOcrKoError: as :meth:`easyocr_ko.config.AugmentOptions.parse` (one line).

    >>> augment_transform("none") is None, augment_transform("light").keywords["config"].stroke_p
    (True, 0.3)
    """
    if not spec or spec == "none":
        return None
    return functools.partial(apply, config=AugmentOptions.parse(spec))


PRESET_NAMES = AUGMENT_PRESET_NAMES  # ("none", "light", "handwriting", "full", "realpen")
_STAGES = ("stroke", "elastic", "slant", "ink", "paper", "lines", "polarity", "perspective", "blur", "noise",
           "jpeg")


def _realpen_fire(rng: np.random.Generator, c: AugmentOptions) -> dict[str, bool]:
    """Which real-pen stages fire.  Nothing is drawn from ``rng`` when all their probabilities are 0, so the
    output of every earlier option set stays byte-identical."""
    probabilities = {"jamo": c.jamo_p, "pen": c.pen_p, "crop": c.crop_p, "form": c.form_p}
    if not any(probabilities.values()):
        return dict.fromkeys(probabilities, False)
    return {k: bool(u < p) for (k, p), u in zip(probabilities.items(), rng.random(len(probabilities)))}


def apply(image: np.ndarray, rng: np.random.Generator, config: AugmentOptions) -> np.ndarray:
    """Run the configured transforms in the order a photo of handwriting comes about.

    Order: jamo proportions and pen strokes (:mod:`easyocr_ko.synth.realpen`), stroke width, elastic warp,
    slant (pen and hand); ink pressure; detector crop and form marks (realpen); paper, ruled lines (paper);
    inverted polarity (signs); perspective, blur or motion blur, noise, JPEG (camera).  One uniform number
    per stage is drawn first, whatever the config, so switching one stage on or off does not change which
    other stages fire (the four real-pen stages draw theirs next, only when one of them is on); each stage
    that fires then draws its own parameters from ``rng``.

    Args:
        image: uint8 (H, W), dark text on a light ground.
        rng: randomness; the same state and config give byte-identical output.
        config: probabilities and strengths.

    Returns:
        uint8 (H, W'): same height; ``W' != W`` only after a slant, jamo split or detector crop.  With every
        probability 0, an equal copy.

    Raises:
        ValueError: not a uint8 (H, W) image of at least 4x4 px.
    """
    image = _check_image(image)
    c = config
    draw = dict(zip(_STAGES, rng.random(len(_STAGES))))
    fire = {stage: draw[stage] < getattr(c, f"{stage}_p") for stage in _STAGES}
    fire["lines"] = fire["lines"] and not fire["polarity"]
    real = _realpen_fire(rng, c)
    out = image.copy()
    if real["jamo"] or real["pen"]:
        from easyocr_ko.synth import realpen

        if real["jamo"]:
            out = realpen.split_components(out, rng, max_shift=c.jamo_shift, max_scale=c.jamo_scale,
                                           max_rotate=c.jamo_rotate, spread=c.jamo_spread)
        if real["pen"]:
            out = realpen.pen_restroke(out, rng, width=c.pen_width)
    out = _pen_stages(out, rng, c, fire)
    if real["crop"] or real["form"]:
        from easyocr_ko.synth import realpen

        if real["crop"]:
            out = realpen.detector_crop(out, rng, max_margin=c.crop_margin, max_rotate=c.crop_rotate,
                                        neighbour_p=c.crop_neighbour)
        if real["form"]:
            out = realpen.form_marks(out, rng)
    return _paper_and_camera(out, rng, c, fire)


def _pen_stages(out: np.ndarray, rng: np.random.Generator, c: AugmentOptions, fire: dict) -> np.ndarray:
    """Stroke width, elastic warp, slant and ink pressure, each where ``fire`` says."""
    if fire["stroke"]:
        out = vary_stroke_width(out, rng, max_radius=c.stroke_radius)
    if fire["elastic"]:
        out = elastic_warp(out, rng, alpha=c.elastic_alpha, wave=c.elastic_wave)
    if fire["slant"]:
        out = slant(out, rng, max_shear=c.slant_max)
    if fire["ink"]:
        out = ink_pressure(out, rng, max_lift=c.ink_lift)
    return out


def _paper_and_camera(out: np.ndarray, rng: np.random.Generator, c: AugmentOptions, fire: dict) -> np.ndarray:
    """Paper, ruled lines, polarity, perspective, blur, noise and JPEG, each where ``fire`` says."""
    if fire["paper"]:
        out = paper_texture(out, rng, strength=c.paper_strength, fibres=not fire["polarity"])
    if fire["lines"]:
        out = ruled_lines(out, rng)
    if fire["polarity"]:
        out = invert_polarity(out, rng)
    if fire["perspective"]:
        out = perspective(out, rng, max_shift_x=c.perspective_shift, max_shift_y=2 * c.perspective_shift)
    if fire["blur"]:
        if rng.random() < c.motion_fraction:
            out = motion_blur(out, rng, max_length=c.motion_length)
        else:
            out = gaussian_blur(out, rng, max_sigma=c.blur_sigma)
    if fire["noise"]:
        out = gaussian_noise(out, rng, max_sigma=c.noise_sigma)
    if fire["jpeg"]:
        out = jpeg_artifacts(out, rng, min_quality=int(c.jpeg_quality))
    return out
