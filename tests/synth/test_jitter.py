"""Tests of easyocr_ko.synth.jitter: the per-syllable jitter renderer (ink, framing, determinism, draw order) and
its style (range checks)."""
from __future__ import annotations

import numpy as np
import pytest

from easyocr_ko.resources import fonts_dir
from easyocr_ko.synth.jitter import JitterStyle, render_jittered

PEN = fonts_dir() / "NanumPen.ttf"


@pytest.fixture(scope="module")
def word() -> np.ndarray:
    """'손글씨 연습' drawn by render_jittered: uint8 (64, W), black on white."""
    return render_jittered("손글씨 연습", PEN, 64, rng=np.random.default_rng(7))


def ink_mask(image: np.ndarray) -> np.ndarray:
    return image < 128


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_render_jittered_draws_korean_ink(word):
    assert word.dtype == np.uint8 and word.ndim == 2 and word.shape[0] == 64
    assert word.shape[1] > 2 * 64  # five narrow syllables and a space are much wider than high
    ink = ink_mask(word).mean()
    assert 0.03 < ink < 0.4
    assert word.max() == 255
    # margins: the outermost rows and columns are paper
    assert not ink_mask(word[[0, -1], :]).any() and not ink_mask(word[:, [0, -1]]).any()


def test_render_jittered_is_deterministic_and_seed_dependent():
    a = render_jittered("한글 손글씨", PEN, 64, rng=rng(3))
    b = render_jittered("한글 손글씨", PEN, 64, rng=rng(3))
    c = render_jittered("한글 손글씨", PEN, 64, rng=rng(4))
    assert a.tobytes() == b.tobytes() and a.shape == b.shape
    assert a.shape != c.shape or a.tobytes() != c.tobytes()


def test_render_jittered_height_and_jitter_off():
    small = render_jittered("가나", PEN, 32, rng=rng())
    assert small.shape[0] == 32
    flat = JitterStyle(baseline_jitter=0.0, scale_jitter=0.0, aspect_jitter=0.0, rotation=0.0, spacing=(0.0, 0.0),
                       space_gap=(0.4, 0.4), slope=0.0, margin=(0.1, 0.1), ink_level=(0, 0))
    # without jitter nothing is left to chance: every seed gives the same image
    img = render_jittered("가가 가", PEN, 64, rng=rng(1), style=flat)
    assert img.tobytes() == render_jittered("가가 가", PEN, 64, rng=rng(2), style=flat).tobytes()
    # and the same syllable drawn twice gives two ink blobs of the same size
    img = render_jittered("가가", PEN, 64, rng=rng(), style=flat)
    cols = np.flatnonzero(ink_mask(img).any(axis=0))
    mid = (cols[0] + cols[-1] + 1) // 2
    left, right = ink_mask(img[:, :mid]).sum(), ink_mask(img[:, mid:]).sum()
    assert left > 100 and abs(int(left) - int(right)) <= 0.1 * left
    # jitter on: the two copies differ
    img = render_jittered("가가", PEN, 64, rng=rng())
    cols = np.flatnonzero(ink_mask(img).any(axis=0))
    mid = (cols[0] + cols[-1] + 1) // 2
    rows_l = np.flatnonzero(ink_mask(img[:, :mid]).any(axis=1))
    rows_r = np.flatnonzero(ink_mask(img[:, mid:]).any(axis=1))
    assert (rows_l[0], rows_l[-1]) != (rows_r[0], rows_r[-1])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("frac", [0.02, 0.1])
def test_render_jittered_frames_all_the_ink(seed, frac):
    """Margins are ``frac`` of the frame on each side: the first and last syllables and the tallest ink
    reach them (no character is lost or cut, nothing but margin is added)."""
    img = render_jittered("안녕하세요", PEN, 64, rng=rng(seed), style=JitterStyle(margin=(frac, frac)))
    cols = np.flatnonzero((img < 250).any(axis=0))
    rows = np.flatnonzero((img < 250).any(axis=1))
    margin = frac * 64 / (1 + 2 * frac)  # px after the resize to 64 rows
    assert abs(cols[0] - margin) <= 2 and abs(img.shape[1] - 1 - cols[-1] - margin) <= 2
    assert abs(rows[0] - margin) <= 2 and abs(63 - rows[-1] - margin) <= 2.5
    # five syllables: five ink blobs separated by blank columns (allowing for split jamo)
    blank = ~(img < 200).any(axis=0)
    runs = np.count_nonzero(np.diff(blank[cols[0]:cols[-1] + 1].astype(int)) == 1)
    assert runs >= 4


def test_render_jittered_keeps_small_marks_small(word):
    dots = render_jittered("...", PEN, 64, rng=rng(), style=JitterStyle(margin=(0.1, 0.1)))
    rows = np.flatnonzero(ink_mask(dots).any(axis=1))
    assert rows.size and rows.size < 20  # the dots are not blown up to the full height
    assert rows.mean() > 40  # and sit low, on the baseline


@pytest.mark.parametrize("text", ["", "   "])
def test_render_jittered_without_ink_raises(text):
    with pytest.raises(ValueError, match="draws no ink"):
        render_jittered(text, PEN, 64, rng=rng())


def test_render_jittered_bad_arguments():
    with pytest.raises(FileNotFoundError):
        render_jittered("가", fonts_dir() / "missing.ttf", 64, rng=rng())
    with pytest.raises(ValueError, match="height must be >= 8"):
        render_jittered("가", PEN, 4, rng=rng())


@pytest.mark.parametrize("name, value, message", [
    ("baseline_jitter", 0.3, r"baseline_jitter must be in \[0, 0.2\]"),
    ("rotation", 45, r"rotation must be in \[0, 20\] degrees"),
    ("scale_jitter", -0.1, r"scale_jitter must be in \[0, 0.4\]"),
    ("aspect_jitter", 0.5, r"aspect_jitter must be in \[0, 0.4\]"),
    ("slope", 0.3, r"slope must be in \[0, 0.2\]"),
    ("spacing", (0.2, 0.1), "spacing must be a range within"),
    ("space_gap", (0.0, 3.0), "space_gap must be a range within"),
    ("margin", (-0.1, 0.1), "margin must be a range within"),
    ("ink_level", (0, 255), "ink_level must be a range within"),
])
def test_jitter_style_checks_every_range(name, value, message):
    with pytest.raises(ValueError, match=message):
        JitterStyle(**{name: value})


def test_jitter_style_defaults_are_the_renderers():
    """No style and the default style draw the same image; the style is frozen (a shared default is safe)."""
    assert render_jittered("가 나", PEN, 64, rng=rng(9)).tobytes() == \
        render_jittered("가 나", PEN, 64, rng=rng(9), style=JitterStyle()).tobytes()
    with pytest.raises(AttributeError):
        JitterStyle().rotation = 10.0  # type: ignore[misc]


def test_render_jittered_draws_from_rng_in_the_documented_order():
    """The module docstring's order: slope; per character scale, aspect, rotation, baseline, gap (a space: one
    gap); four margins; the ink level.  gen's golden digest depends on it."""
    used = rng(11)
    render_jittered("가 나", PEN, 64, rng=used)
    replay = rng(11)
    replay.uniform(-0.03, 0.03)  # slope
    for char in "가 나":
        if char == " ":
            replay.uniform(0.2, 0.55)
            continue
        replay.uniform(), replay.uniform(), replay.uniform(), replay.normal(0.0, 0.05), replay.uniform()
    replay.uniform(size=4)  # margins
    replay.uniform()  # ink level
    assert used.bit_generator.state == replay.bit_generator.state


def test_render_jittered_is_byte_identical_across_calls_and_fonts(bandal, bangwool):
    """Same seed, text and font: the same bytes, also after another font was drawn in between (the cached
    font faces and reference rows carry no state between calls)."""
    first = render_jittered("3월 14일, 손글씨!", bandal, 48, rng=rng(2))
    render_jittered("다른 글꼴", bangwool, 48, rng=rng(3))
    again = render_jittered("3월 14일, 손글씨!", bandal, 48, rng=rng(2))
    assert first.shape == again.shape and first.tobytes() == again.tobytes()
