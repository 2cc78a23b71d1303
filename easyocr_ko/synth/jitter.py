"""Per-syllable handwriting jitter: draw a line of text one character at a time, reproducible from a seed.

trdg draws every glyph of a word from one font at one size on one baseline.  A hand does not: its syllables
vary in size, height, tilt and spacing, and its line drifts up or down.  :func:`render_jittered` draws a word
that way with Pillow and OpenCV; ``easyocr-ko gen --jitter-fraction F`` uses it instead of trdg for a share
``F`` of the images, before the gen-time augmentation (:mod:`easyocr_ko.synth.augment`).

How a line is made, one function per step (lengths are fractions of the font size, which is the output
height; the named ranges are the fields of :class:`JitterStyle`):

1. :func:`_glyph_mask`: each character is drawn with Pillow (``ImageFont.truetype``, anchor ``ls`` =
   left/baseline) into its own coverage mask.
2. :func:`_draw_pose`: its random pose: scale ``U(1 - scale_jitter, 1 + scale_jitter)``, width scaled by a
   further ``U(1 - aspect_jitter, 1 + aspect_jitter)``, rotation ``U(-rotation, rotation)`` degrees about
   its centre, a shift off the baseline of ``N(0, baseline_jitter)`` (clipped to 2.5 sigma) and an extra gap
   after it of ``U(*spacing)``.
3. :func:`_place_glyph`: the mask is warped into that pose at its place on the line
   (``cv2.warpAffine``, sub-pixel exact); scaling keeps the point of the baseline below the glyph's centre
   fixed, so a smaller syllable still sits on the line.  The whole line rises or falls with a slope in
   ``U(-slope, slope)``; a space is a gap of ``U(*space_gap)`` (:func:`_lay_out_line`).
4. :func:`_frame_window`: the line is framed by its ink, vertically extended to at least the ink of a tall
   syllable (``한``) on the line's baseline, so that a short word such as ``"..."`` is neither blown up to
   full height nor moved off the baseline, plus margins of ``U(*margin)`` of the frame height on each side.
5. :func:`_composite` and :func:`_ink_on_paper`: the pieces are combined (per-pixel maximum of coverage),
   inked at a grey level ``U(*ink_level)`` on white paper and resized (``INTER_AREA``; cubic when
   enlarging) to exactly ``height`` rows, keeping the aspect ratio.

Randomness: ``rng`` is the only source, drawn in this order (gen's golden test depends on it): the line's
slope; for each character, either a space's gap, or scale, aspect, rotation, baseline offset and gap (none
for a character without a bounding box); the four margins (top, bottom, left, right); the ink level.

Example:
    >>> import numpy as np
    >>> from easyocr_ko.resources import fonts_dir
    >>> img = render_jittered("손글씨", fonts_dir() / "NanumPen.ttf", 64, rng=np.random.default_rng(0))
    >>> img.shape[0], img.dtype, int(img.max())
    (64, dtype('uint8'), 255)
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, cast

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from easyocr_ko.synth.augment import REFERENCE_HEIGHT
from easyocr_ko.synth.fonts import cached_font

__all__ = ["JitterStyle", "render_jittered"]

_REFERENCE_GLYPHS = "한"  # a tall syllable: the least vertical frame of a line of Korean text
_PAD = 2  # px of empty border around each glyph mask, so that the warp does not cut antialiased edges


@dataclass(frozen=True)
class JitterStyle:
    """How much the hand varies: the random ranges of :func:`render_jittered`, range-checked on construction.

    Lengths are fractions of the font size, which is the output height in px (a ``spacing`` of 0.1 at height
    64 is 6.4 px); each range ``(low, high)`` needs ``low <= high``; a half-range of 0, or a range with
    ``low == high``, makes that quantity constant.  The defaults are gen's (``easyocr-ko gen --jitter-fraction``).

    Attributes:
        baseline_jitter: sigma of each character's vertical offset off the baseline (clipped to 2.5 sigma),
            fraction of the font size, in [0, 0.2].
        scale_jitter: half-range of each character's scale (drawn in ``1 +- scale_jitter``), in [0, 0.4].
        aspect_jitter: half-range of each character's further horizontal scale, in [0, 0.4].
        rotation: half-range of each character's rotation, in degrees, in [0, 20].
        spacing: range of the extra gap after each character, fractions of the font size, within [-0.3, 1].
        space_gap: range of the width of a space, fractions of the font size, within [0, 2].
        slope: half-range of the line's slope (rise over run), in [0, 0.2].
        margin: range of each of the four margins, fractions of the frame (ink) height, within [0, 1].
        ink_level: range of the ink's grey level, 0 (black) .. 200 (the paper is 255), within [0, 200].

    Raises:
        ValueError: a field out of its range.
    """

    baseline_jitter: float = 0.05
    scale_jitter: float = 0.12
    aspect_jitter: float = 0.10
    rotation: float = 5.0
    spacing: tuple[float, float] = (-0.05, 0.15)
    space_gap: tuple[float, float] = (0.2, 0.55)
    slope: float = 0.03
    margin: tuple[float, float] = (0.04, 0.14)
    ink_level: tuple[int, int] = (0, 50)

    def __post_init__(self) -> None:
        checks = [
            (0 <= self.baseline_jitter <= 0.2, "baseline_jitter must be in [0, 0.2]"),
            (0 <= self.scale_jitter <= 0.4, "scale_jitter must be in [0, 0.4]"),
            (0 <= self.aspect_jitter <= 0.4, "aspect_jitter must be in [0, 0.4]"),
            (0 <= self.rotation <= 20, "rotation must be in [0, 20] degrees"),
            (0 <= self.slope <= 0.2, "slope must be in [0, 0.2]"),
            (-0.3 <= self.spacing[0] <= self.spacing[1] <= 1.0, "spacing must be a range within [-0.3, 1]"),
            (0 <= self.space_gap[0] <= self.space_gap[1] <= 2.0, "space_gap must be a range within [0, 2]"),
            (0 <= self.margin[0] <= self.margin[1] <= 1.0, "margin must be a range within [0, 1]"),
            (0 <= self.ink_level[0] <= self.ink_level[1] <= 200, "ink_level must be a range within [0, 200]"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


class _Pose(NamedTuple):
    """One character's random pose (step 2 of the module docstring)."""

    scale: float  # uniform scale, > 0
    scale_x: float  # horizontal scale: ``scale`` times the aspect factor, > 0
    angle: float  # rotation in radians, counter-clockwise
    dy: float  # shift off the baseline (down is positive), fraction of the font size
    gap: float  # extra advance after the character, fraction of the font size


class _Piece(NamedTuple):
    """One warped character in line coordinates (origin: start of the baseline, y down)."""

    mask: np.ndarray  # uint8 (h, w) ink coverage, 0..255
    x: int  # column of mask[0, 0]
    y: int  # row of mask[0, 0]
    ink: tuple  # (left, top, right, bottom) of its ink, right and bottom exclusive (ints)


def render_jittered(
    text: str,
    font_path: Path | str,
    height: int = REFERENCE_HEIGHT,
    *,
    rng: np.random.Generator,
    style: JitterStyle | None = None,
) -> np.ndarray:
    """Draw ``text`` one character at a time, each with its own size, height, tilt and spacing.

    The steps and the order of the random draws are described in the module docstring.  Characters the font
    does not draw come out as Pillow's ``.notdef`` box: pair words with fonts through
    :meth:`easyocr_ko.synth.fonts.FontInfo.can_draw` first.  Each code point is drawn on its own, so give NFC
    text (an NFD syllable would be drawn as separate jamo).

    Args:
        text: the label; other whitespace than ``" "`` is treated as a space.
        font_path: a .ttf/.otf/.woff file.
        height: output height in px (EasyOCR gen2 imgH: 64), >= 8.
        rng: the only randomness used.
        style: the jitter ranges (default ``JitterStyle()``, gen's).

    Returns:
        uint8 (height, W), dark text on white (255), W >= 1.

    Raises:
        ValueError: ``height`` < 8, or ``text`` draws no ink with this font (a range out of bounds is refused
            earlier, by :class:`JitterStyle`).
        FileNotFoundError: the font file does not exist.
        EasyOcrKoError: Pillow/FreeType cannot read the font (see :func:`easyocr_ko.synth.fonts.load_font`).
    """
    if height < 8:
        raise ValueError(f"height must be >= 8 px, got {height}")
    style = JitterStyle() if style is None else style
    size = height  # render at about the output scale; the final resize is then a mild down-scale
    font = cached_font(str(font_path), size)
    line_slope = rng.uniform(-style.slope, style.slope)
    pieces, pen = _lay_out_line(text, font, size, line_slope, rng, style)
    if not pieces:
        raise ValueError(f"text {text!r} draws no ink with font {Path(font_path).name}")
    window = _frame_window(pieces, pen, line_slope, _reference_rows(str(font_path), size), rng, style.margin)
    return _ink_on_paper(_composite(pieces, window), rng.uniform(*style.ink_level), height)


@functools.lru_cache(maxsize=32)
def _reference_rows(path: str, size: int) -> tuple[int, int]:
    """Top and bottom (exclusive) rows of the ink of :data:`_REFERENCE_GLYPHS`, relative to the baseline.

    Args:
        path: a font file.
        size: font size in px, > 0.

    Returns:
        ``(top, bottom)`` in px, top < 0 (above the baseline); ``(-3 size / 4, 0)`` if the font draws nothing.

    Raises:
        FileNotFoundError / EasyOcrKoError: as :func:`easyocr_ko.synth.fonts.load_font`.
    """
    font = cached_font(path, size)
    canvas = Image.new("L", (4 * size, 3 * size), 0)
    ImageDraw.Draw(canvas).text((size // 2, 2 * size), _REFERENCE_GLYPHS, font=font, fill=255, anchor="ls")
    box = canvas.getbbox()
    if box is None:
        return -size * 3 // 4, 0
    return box[1] - 2 * size, box[3] - 2 * size


def _lay_out_line(text: str, font: ImageFont.FreeTypeFont, size: int, line_slope: float,
                  rng: np.random.Generator, style: JitterStyle) -> tuple[list[_Piece], float]:
    """Steps 1-3: every character of ``text`` drawn, posed and placed along a line of slope ``line_slope``.

    Args:
        text: the label; any whitespace character is a space.
        font: the font at ``size`` px.
        size: font size in px, >= 8.
        line_slope: rise over run of the line, in [-0.2, 0.2].
        rng: randomness (one gap per space; five draws per character with a bounding box).
        style: the jitter ranges.

    Returns:
        ``(pieces, pen)``: the characters that have ink, in text order, and the pen's final x in px (the
        line's advance).
    """
    pen = 0.0
    pieces: list[_Piece] = []
    for char in text:
        if char.isspace():
            pen += rng.uniform(*style.space_gap) * size
            continue
        glyph = _glyph_mask(font, char)
        if glyph is None:
            pen += font.getlength(char)
            continue
        mask, gx, gy = glyph
        pose = _draw_pose(rng, style)
        piece = _place_glyph(mask, gx, gy, pose, pen, size, line_slope)
        if piece is not None:  # the frame follows the ink, not the glyph's advance box
            pieces.append(piece)
        pen += font.getlength(char) * pose.scale_x + pose.gap * size
    return pieces, pen


def _glyph_mask(font: ImageFont.FreeTypeFont, char: str) -> tuple[np.ndarray, int, int] | None:
    """Step 1: ``char`` drawn white on black, with a :data:`_PAD` px border.

    Args:
        font: the font.
        char: one character.

    Returns:
        ``(mask, gx, gy)``: uint8 (h, w) coverage 0..255, and the position of its top-left pixel relative to
        the pen's point on the baseline (px, y down); ``None`` when the character has an empty bounding box.
    """
    # FreeType boxes are whole px (Pillow's stubs say float for all font kinds)
    x0, y0, x1, y1 = cast(tuple[int, int, int, int], font.getbbox(char, anchor="ls"))
    if x1 <= x0 or y1 <= y0:
        return None
    w, h = x1 - x0 + 2 * _PAD, y1 - y0 + 2 * _PAD
    canvas = Image.new("L", (w, h), 0)
    ImageDraw.Draw(canvas).text((_PAD - x0, _PAD - y0), char, font=font, fill=255, anchor="ls")
    return np.asarray(canvas), x0 - _PAD, y0 - _PAD


def _draw_pose(rng: np.random.Generator, style: JitterStyle) -> _Pose:
    """Step 2: one character's pose, five draws from ``rng`` in a fixed order.

    Args:
        rng: randomness.
        style: the jitter ranges.

    Returns:
        The pose: ``scale`` within ``1 +- style.scale_jitter``, ``scale_x`` that times
        ``1 +- style.aspect_jitter``, ``angle`` within ``style.rotation`` degrees, ``dy`` within 2.5
        ``style.baseline_jitter``, ``gap`` within ``style.spacing``.
    """
    s = style.scale_jitter
    scale = rng.uniform(1 - s, 1 + s)
    scale_x = scale * rng.uniform(1 - style.aspect_jitter, 1 + style.aspect_jitter)
    angle = math.radians(rng.uniform(-style.rotation, style.rotation))
    b = style.baseline_jitter
    dy = float(np.clip(rng.normal(0.0, b), -2.5 * b, 2.5 * b))
    gap = rng.uniform(*style.spacing)
    return _Pose(scale, scale_x, angle, dy, gap)


def _place_glyph(mask: np.ndarray, gx: int, gy: int, pose: _Pose, pen: float, size: int,
                 line_slope: float) -> _Piece | None:
    """Step 3: warp a glyph mask into ``pose`` at the pen's place on the line.

    Args:
        mask: uint8 (h, w) coverage from :func:`_glyph_mask`.
        gx, gy: position of the mask's top-left pixel relative to the pen on the baseline, px.
        pose: the character's pose.
        pen: the pen's x on the line, px.
        size: font size in px.
        line_slope: rise over run of the line.

    Returns:
        The warped piece, padded to hold the rotated mask, or ``None`` when no ink is left after the warp.
    """
    h, w = mask.shape
    # Glyph centre in line coordinates (origin: start of the baseline); scaling keeps the point on
    # the baseline below the centre fixed, so a smaller syllable still sits on the line.
    cx_local, cy_local = w / 2, h / 2
    cx = pen + (gx + cx_local) * pose.scale_x
    cy = (gy + cy_local) * pose.scale + pose.dy * size + line_slope * cx
    cos, sin = math.cos(pose.angle), math.sin(pose.angle)
    lin = np.array([[cos * pose.scale_x, sin * pose.scale],
                    [-sin * pose.scale_x, cos * pose.scale]])  # rotate (counter-clockwise) after scaling
    m = np.hstack([lin, (np.array([cx_local, cy_local]) - lin @ [cx_local, cy_local])[:, None]])
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], dtype=np.float64) @ m.T
    half_w = (corners[:, 0].max() - corners[:, 0].min()) / 2
    half_h = (corners[:, 1].max() - corners[:, 1].min()) / 2
    ix, iy = math.floor(cx - half_w), math.floor(cy - half_h)
    out_w, out_h = math.ceil(2 * half_w) + 2, math.ceil(2 * half_h) + 2
    # move the transformed centre to (cx - ix, cy - iy) inside the piece: sub-pixel exact placement
    m[0, 2] += (cx - ix) - cx_local
    m[1, 2] += (cy - iy) - cy_local
    piece = cv2.warpAffine(mask, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=0)
    rows = np.flatnonzero(piece.max(axis=1) > 0)
    cols = np.flatnonzero(piece.max(axis=0) > 0)
    if not rows.size:
        return None
    return _Piece(piece, ix, iy, (ix + cols[0], iy + rows[0], ix + cols[-1] + 1, iy + rows[-1] + 1))


def _frame_window(pieces: list[_Piece], pen: float, line_slope: float, reference_rows: tuple[int, int],
                  rng: np.random.Generator, margin: tuple[float, float]) -> tuple[int, int, int, int]:
    """Step 4: the output window: the ink, the reference syllable's rows along the line, and four margins.

    Args:
        pieces: the placed characters, at least one.
        pen: the line's advance in px (the reference rows are taken at x = 0 and x = ``pen``).
        line_slope: rise over run of the line.
        reference_rows: ``(top, bottom)`` of :data:`_REFERENCE_GLYPHS` relative to the baseline, px.
        rng: randomness (four draws: top, bottom, left and right margins).
        margin: range of each margin, fractions of the frame height.

    Returns:
        ``(left, top, width, height)`` in line coordinates, px; width and height >= 1.
    """
    x_min = min(p.ink[0] for p in pieces)
    y_min = min(p.ink[1] for p in pieces)
    x_max = max(p.ink[2] for p in pieces)
    y_max = max(p.ink[3] for p in pieces)
    ref_top, ref_bottom = reference_rows
    for x in (0.0, pen):  # the reference box at both ends of the sloped line
        y_min = min(y_min, ref_top + line_slope * x)
        y_max = max(y_max, ref_bottom + line_slope * x)
    frame_h = y_max - y_min
    m_top, m_bottom, m_left, m_right = (rng.uniform(*margin) * frame_h for _ in range(4))
    left, top = math.floor(x_min - m_left), math.floor(y_min - m_top)
    width = max(1, math.ceil(x_max + m_right) - left)
    height = max(1, math.ceil(y_max + m_bottom) - top)
    return left, top, width, height


def _composite(pieces: list[_Piece], window: tuple[int, int, int, int]) -> np.ndarray:
    """Step 5a: the pieces' coverage combined by per-pixel maximum, cut to ``window``.

    Args:
        pieces: the placed characters, at least one.
        window: ``(left, top, width, height)`` in line coordinates, px.

    Returns:
        uint8 (height, width) ink coverage, 0..255.
    """
    left, top, width, height = window
    # paste on a canvas that holds both the crop window and every (padded) piece, then cut the window
    bx0 = min(left, min(p.x for p in pieces))
    by0 = min(top, min(p.y for p in pieces))
    bx1 = max(left + width, max(p.x + p.mask.shape[1] for p in pieces))
    by1 = max(top + height, max(p.y + p.mask.shape[0] for p in pieces))
    big = np.zeros((by1 - by0, bx1 - bx0), dtype=np.uint8)
    for p in pieces:
        region = big[p.y - by0:p.y - by0 + p.mask.shape[0], p.x - bx0:p.x - bx0 + p.mask.shape[1]]
        np.maximum(region, p.mask, out=region)
    return big[top - by0:top - by0 + height, left - bx0:left - bx0 + width]


def _ink_on_paper(coverage: np.ndarray, ink: float, height: int) -> np.ndarray:
    """Step 5b: ink of grey level ``ink`` on white paper, resized to ``height`` rows.

    Args:
        coverage: uint8 (h, w) ink coverage, 0..255.
        ink: grey level of full coverage, in [0, 255].
        height: output rows, >= 1.

    Returns:
        uint8 (height, max(1, round(w * height / h))): ``255 - coverage * (255 - ink) / 255``, resized with
        ``INTER_AREA`` (cubic when enlarging) and rounded.
    """
    h, w = coverage.shape
    image = 255.0 - coverage.astype(np.float32) * np.float32((255.0 - ink) / 255.0)
    interp = cv2.INTER_AREA if h >= height else cv2.INTER_CUBIC
    resized = cv2.resize(image, (max(1, round(w * height / h)), height), interpolation=interp)
    return np.clip(resized + 0.5, 0, 255).astype(np.uint8)  # round, saturating (as augment's _to_uint8)
