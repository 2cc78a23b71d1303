"""The real-pen transforms (issue 22): jamo components, ballpoint strokes, detector crops, form marks."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from easyocr_ko.config import AugmentOptions
from easyocr_ko.resources import fonts_dir
from easyocr_ko.synth import realpen
from easyocr_ko.synth.augment import apply
from easyocr_ko.synth.jitter import render_jittered


@pytest.fixture(scope="module")
def word() -> np.ndarray:
    return render_jittered("갑동 모사입", fonts_dir() / "NanumPen.ttf", 64, rng=np.random.default_rng(3))


def _ink(image: np.ndarray) -> np.ndarray:
    return image < 128


TRANSFORMS = [realpen.split_components, realpen.pen_restroke, realpen.detector_crop, realpen.form_marks]


@pytest.mark.parametrize("fn", TRANSFORMS, ids=lambda f: f.__name__)
def test_contract_height_dtype_seed_and_blank(fn, word):
    a = fn(word, np.random.default_rng(5))
    b = fn(word, np.random.default_rng(5))
    assert a.dtype == np.uint8 and a.ndim == 2 and a.shape[0] == word.shape[0]
    assert np.array_equal(a, b)  # the rng is the only randomness
    assert not np.array_equal(a, fn(word, np.random.default_rng(6)))
    blank = np.full((64, 120), 240, np.uint8)
    assert np.array_equal(fn(blank, np.random.default_rng(0)), blank)
    with pytest.raises(ValueError, match="uint8"):
        fn(word.astype(np.float32), np.random.default_rng(0))


def test_thin_strokes_gives_one_pixel_centre_lines():
    bar = np.zeros((20, 60), bool)
    bar[6:13, 5:55] = True  # a 7 px thick stroke
    skeleton = realpen.thin_strokes(bar)
    assert skeleton.sum() > 35 and (skeleton & ~bar).sum() == 0
    assert skeleton.sum(axis=0).max() == 1  # one pixel across the stroke
    assert np.isin(np.flatnonzero(skeleton.any(axis=1)), [8, 9, 10]).all()  # near the middle row


def test_split_components_without_motion_keeps_the_word(word):
    same = realpen.split_components(word, np.random.default_rng(0), max_shift=0, max_scale=0, max_rotate=0)
    assert same.shape == word.shape
    assert np.abs(same.astype(int) - word.astype(int)).mean() < 3
    moved = realpen.split_components(word, np.random.default_rng(0), max_shift=0.1, max_scale=0.3)
    ratio = _ink(moved).sum() / _ink(word).sum()
    assert 0.5 < ratio < 1.8 and np.abs(moved.astype(int)[:, :word.shape[1]] - word.astype(int)).mean() > 3


def _blank_run_widths(image: np.ndarray) -> np.ndarray:
    """Widths in px of the ink-free runs of columns between the first and the last inked column."""
    cols = _ink(image).any(axis=0)
    inside = cols[np.flatnonzero(cols)[0]:np.flatnonzero(cols)[-1] + 1]
    edges = np.diff(np.concatenate([[1], inside.astype(int), [1]]))
    return np.flatnonzero(edges == 1) - np.flatnonzero(edges == -1)


def _widest_gap(image: np.ndarray) -> int:
    return int(_blank_run_widths(image).max(initial=0))


def _blank_runs(image: np.ndarray) -> int:
    """Number of ink-free runs of at least 2 columns inside the ink's extent."""
    return int((_blank_run_widths(image) >= 2).sum())


def test_split_components_spread_moves_vertical_vowels_right_only():
    font = fonts_dir() / "NanumPen.ttf"
    a = render_jittered("아", font, 64, rng=np.random.default_rng(0))  # ㅇ + ㅏ (tall, narrow)
    o = render_jittered("오", font, 64, rng=np.random.default_rng(0))  # ㅇ over ㅗ: nothing tall and narrow
    still = dict(max_shift=0, max_scale=0, max_rotate=0)
    spread = [realpen.split_components(a, np.random.default_rng(s), spread=0.4, **still) for s in range(6)]
    gaps = [_widest_gap(x) for x in spread]
    base = _widest_gap(realpen.split_components(a, np.random.default_rng(0), **still))
    assert max(gaps) > base + 8 and min(gaps) >= base - 1  # ㅏ only ever moves away from ㅇ, by how much varies
    assert max(x.shape[1] for x in spread) > a.shape[1]  # the syllable gets wider
    same_o = realpen.split_components(o, np.random.default_rng(0), spread=0.4, **still)
    assert np.abs(same_o.astype(int) - realpen.split_components(o, np.random.default_rng(0), **still)).mean() < 1
    # the rest of the line moves with the vowel: 아오's ㅏ opens a gap before itself, not a collision with 오
    ao = render_jittered("아오", font, 64, rng=np.random.default_rng(0))
    for s in range(6):
        wide = realpen.split_components(ao, np.random.default_rng(s), spread=0.4, **still)
        assert _blank_runs(wide) >= _blank_runs(ao)
    # spread 0 draws nothing more: the same output as before the option existed, for any other setting
    assert np.array_equal(realpen.split_components(a, np.random.default_rng(4)),
                          realpen.split_components(a, np.random.default_rng(4), spread=0.0))


def test_pen_restroke_draws_thin_strokes_along_the_old_ones():
    bold = render_jittered("갑동", fonts_dir() / "BMDOHYEON_ttf.ttf", 64, rng=np.random.default_rng(1))
    thin = realpen.pen_restroke(bold, np.random.default_rng(1), width=1.5, gap_fraction=0)
    assert _ink(thin).sum() < 0.6 * _ink(bold).sum()  # a ballpoint line, not the font's wide stroke
    assert (_ink(thin) & ~_ink(bold)).sum() < 0.05 * _ink(thin).sum()  # drawn inside the old strokes


def test_detector_crop_margins_from_tight_to_loose(word):
    tight = realpen.detector_crop(word, np.random.default_rng(0), max_margin=0, max_rotate=0, neighbour_p=0)
    ink = _ink(tight)
    assert ink[:, :2].any() and ink[:, -2:].any() and ink[:2].any() and ink[-2:].any()  # cut at the ink
    rows = np.flatnonzero(_ink(word).any(axis=1))
    loose = [realpen.detector_crop(word, np.random.default_rng(s), max_margin=1, max_rotate=0, neighbour_p=0)
             for s in range(8)]
    heights = [np.ptp(np.flatnonzero(_ink(x).any(axis=1))) + 1 for x in loose]
    assert min(heights) < 0.9 * (rows[-1] - rows[0] + 1)  # the text takes less of the height, by how much varies
    assert max(heights) - min(heights) > 3


def test_detector_crop_neighbours_reach_the_borders(word):
    def borders(neighbour_p: float) -> np.ndarray:  # (seeds, 4): ink on the left, right, top, bottom border
        outs = [_ink(realpen.detector_crop(word, np.random.default_rng(s), max_margin=0.3, max_rotate=0,
                                           neighbour_p=neighbour_p)) for s in range(10)]
        return np.array([[o[:, 0].any(), o[:, -1].any(), o[0].any(), o[-1].any()] for o in outs])

    assert not borders(0).any()  # margins alone never cut ink
    assert (borders(1).mean(axis=0) >= 0.5).all()  # fragments of neighbouring words and lines, cut by the crop


def test_form_marks_only_darken(word):
    out = realpen.form_marks(word, np.random.default_rng(4))
    assert out.shape == word.shape and (out <= word).all() and (out < word).sum() > 20


def test_realpen_options_and_preset(word):
    assert AugmentOptions().jamo_p == AugmentOptions().crop_p == 0  # off unless asked for
    config = AugmentOptions.parse("realpen")
    assert config.jamo_p > 0 and config.pen_p > 0 and config.crop_p == config.form_p == 0  # as the ablations chose
    handwriting = AugmentOptions.parse("handwriting")
    assert replace(config, jamo_p=0, pen_p=0) == handwriting
    config = AugmentOptions.parse("realpen,crop_p=0.8,form_p=0.25")
    outs = [apply(word, np.random.default_rng(s), config) for s in range(6)]
    assert all(o.shape[0] == 64 and o.dtype == np.uint8 for o in outs)
    assert len({o.shape[1] for o in outs}) > 1  # crops change the width
    with pytest.raises(Exception, match="crop_margin"):
        AugmentOptions.parse("realpen,crop_margin=2")


def test_realpen_off_draws_nothing_more(word):
    """Stages at probability 0 draw no random numbers: outputs of the earlier presets are unchanged."""
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    a = apply(word, rng_a, AugmentOptions.parse("handwriting"))
    b = apply(word, rng_b, AugmentOptions.parse("handwriting,jamo_p=0,pen_p=0,crop_p=0,form_p=0"))
    assert np.array_equal(a, b) and rng_a.random() == rng_b.random()
