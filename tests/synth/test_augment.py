"""Tests of easyocr_ko.synth.augment: contracts, determinism, bounded effects, the composer and the transform of
an ``--augment`` spec (the spec's parsing is easyocr_ko.config's: tests/test_config.py).

The jitter renderer that draws the test word is tested in test_jitter.py."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from easyocr_ko.config import AugmentOptions
from easyocr_ko.resources import fonts_dir
from easyocr_ko.synth import augment as A
from easyocr_ko.synth.jitter import render_jittered

PEN = fonts_dir() / "NanumPen.ttf"

# every transform as f(image, rng), at strong settings so a change is certain
TRANSFORMS = {
    "stroke": functools.partial(A.vary_stroke_width, max_radius=1.5, thin_fraction=0.0),
    "stroke_thin": functools.partial(A.vary_stroke_width, max_radius=2.0, thin_fraction=1.0),
    "elastic": functools.partial(A.elastic_warp, alpha=3.0, wave=3.0),
    "slant": functools.partial(A.slant, max_shear=0.5),
    "ink": functools.partial(A.ink_pressure, max_lift=100.0),
    "paper": functools.partial(A.paper_texture, strength=1.0),
    "lines": A.ruled_lines,
    "polarity": A.invert_polarity,
    "perspective": A.perspective,
    "gaussian_blur": A.gaussian_blur,
    "motion_blur": A.motion_blur,
    "noise": A.gaussian_noise,
    "jpeg": A.jpeg_artifacts,
}
DARK_ON_LIGHT = [k for k in TRANSFORMS if k != "polarity"]


@pytest.fixture(scope="module")
def word() -> np.ndarray:
    """'손글씨 연습' drawn by render_jittered: uint8 (64, W), black on white."""
    return render_jittered("손글씨 연습", PEN, 64, rng=np.random.default_rng(7))


def ink_mask(image: np.ndarray) -> np.ndarray:
    return image < 128


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- helpers

def test_levels_of_a_hand_made_image():
    img = np.full((10, 10), 200, np.uint8)
    img[:2] = 10  # 20% ink at 10, 80% ground at 200
    assert A.levels(img) == (200.0, 10.0)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((8, 8), np.float32), "uint8 greyscale"),
    (np.zeros((8, 8, 3), np.uint8), "uint8 greyscale"),
    ([[0, 1], [2, 3]], "uint8 greyscale"),
    (np.zeros((2, 50), np.uint8), "at least 4x4"),
])
def test_bad_images_are_refused_in_one_line(bad, message):
    for fn in (A.slant, A.gaussian_noise, functools.partial(A.apply, config=AugmentOptions())):
        with pytest.raises(ValueError, match=message) as err:
            fn(bad, rng())
        assert "\n" not in str(err.value)


# ---------------------------------------------------------------- each transform

@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_contract(word, name):
    before = word.copy()
    out = TRANSFORMS[name](word, rng(1))
    assert out.dtype == np.uint8 and out.ndim == 2 and out.shape[0] == word.shape[0]
    if name == "slant":
        assert word.shape[1] < out.shape[1] <= word.shape[1] + int(np.ceil(0.5 * 63))
    else:
        assert out.shape == word.shape
    assert not np.array_equal(out[:, : word.shape[1]], word)  # it did something
    np.testing.assert_array_equal(word, before)  # and did not write into its input


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_is_deterministic_and_seed_dependent(word, name):
    fn = TRANSFORMS[name]
    a, b, c = fn(word, rng(5)), fn(word, rng(5)), fn(word, rng(6))
    assert a.shape == b.shape and a.tobytes() == b.tobytes()
    assert a.shape != c.shape or a.tobytes() != c.tobytes()


@pytest.mark.parametrize("name", DARK_ON_LIGHT)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_transform_keeps_the_ink(word, name, seed):
    out = TRANSFORMS[name](word, rng(seed))
    n_before = ink_mask(word).sum()
    n_after = ink_mask(out).sum()
    assert 0.5 * n_before <= n_after <= 2.5 * n_before, (n_before, n_after)
    ground, ink = A.levels(out)
    assert ground - ink >= 60  # still dark text on a light ground


def test_polarity_flips_text_and_ground_with_contrast(word):
    ink = ink_mask(word)
    for seed in range(5):
        out = A.invert_polarity(word, rng(seed)).astype(int)
        text, ground = np.median(out[ink]), np.median(out[~ink])
        assert text - ground >= 90
        assert ground <= 110 and text <= 255
        assert not np.array_equal(out, 255 - word)


def test_polarity_refuses_ranges_without_contrast(word):
    with pytest.raises(ValueError, match="no room for a contrast"):
        A.invert_polarity(word, rng(), background=(100, 200), min_contrast=90)


def test_slant_keeps_every_ink_pixel(word):
    """The image widens by ceil(|k| (H - 1)), so the total ink (255 - grey, summed) is preserved."""
    for seed in range(5):
        out = A.slant(word, rng(seed), max_shear=0.6)
        total_in = (255 - word.astype(int)).sum()
        total_out = (255 - out.astype(int)).sum()
        assert abs(total_out - total_in) <= 0.02 * total_in


def test_elastic_and_perspective_keep_ink_at_the_border():
    img = np.full((64, 200), 255, np.uint8)
    img[:3, :] = 0  # a bar along the top edge
    img[:, -3:] = 0  # and one along the right edge
    for seed in range(3):
        out = A.elastic_warp(img, rng(seed), alpha=5.0, wave=5.0)  # the border is a fixed line of the warp
        assert ink_mask(out[:2]).all() and ink_mask(out[:, -2:]).all()
        assert ink_mask(out).sum() <= ink_mask(img).sum() * 1.5
        out = A.perspective(img, rng(seed), max_shift_x=0.1, max_shift_y=0.2)  # corners move inwards only
        assert ink_mask(out[:32, 10:-25]).any(axis=0).all()  # the top bar is inside, all along
        assert ink_mask(out[8:-8, 100:]).any(axis=1).all()  # and so is the right bar


def test_elastic_warp_moves_at_most_alpha(word):
    """With alpha a and no wave, a one-pixel dot moves by at most a px (scaled with H / 64)."""
    img = np.full((64, 128), 255, np.uint8)
    img[32, 64] = 0
    for seed in range(5):
        out = A.elastic_warp(img, rng(seed), alpha=2.0, wave=0.0)
        ys, xs = np.nonzero(out < 200)
        assert ys.size >= 1
        assert np.abs(ys - 32).max() <= 3 and np.abs(xs - 64).max() <= 3


def test_thinning_falls_back_to_thickening_on_thin_pen_strokes(word):
    out = A.vary_stroke_width(word, rng(), max_radius=3.0, thin_fraction=1.0)
    assert ink_mask(out).sum() > ink_mask(word).sum()


def test_thinning_thins_bold_strokes():
    img = np.full((64, 128), 255, np.uint8)
    img[20:44, 30:100] = 0  # a 24 px thick stroke
    out = A.vary_stroke_width(img, rng(), max_radius=2.0, thin_fraction=1.0)
    assert ink_mask(out).sum() < ink_mask(img).sum()
    assert ink_mask(out[26:38, 40:90]).all()  # the core stays


def test_ink_pressure_keeps_contrast():
    img = np.full((64, 256), 250, np.uint8)
    img[20:40, 10:246] = 0
    for seed in range(10):
        out = A.ink_pressure(img, rng(seed), darkest=(150, 150), max_lift=150, grain=0)
        assert out[20:40, 10:246].max() <= 250 - 0.45 * 250 + 0.5  # capped: 45% of the ground below it
        assert (out[:20] == 250).all()  # the ground is untouched


def test_no_ink_is_left_alone():
    blank = np.full((64, 100), 230, np.uint8)
    for fn in (A.vary_stroke_width, A.ink_pressure):
        np.testing.assert_array_equal(fn(blank, rng()), blank)
    assert (A.invert_polarity(blank, rng()) <= 110).all()


def test_jpeg_quality_range_is_checked(word):
    with pytest.raises(ValueError, match="JPEG quality"):
        A.jpeg_artifacts(word, rng(), min_quality=90, max_quality=50)


def test_ruled_lines_pass_behind_the_text(word):
    out = A.ruled_lines(word, rng(2), margin_line_p=0.0, dotted_p=0.0)
    added = (out.astype(int) < word.astype(int) - 10)
    rows = np.flatnonzero(added.sum(axis=1) > 0.5 * word.shape[1])
    assert rows.size >= 1  # at least one line crossing most of the width
    assert (out <= word).all()  # lines only darken; ink stays as dark as it was


# ---------------------------------------------------------------- config and composer

def test_probability_zero_is_identity(word):
    strong_but_off = AugmentOptions(stroke_radius=3, elastic_alpha=5, slant_max=0.7, noise_sigma=30)
    for config in (AugmentOptions(), AugmentOptions.preset("none"), strong_but_off):
        out = A.apply(word, rng(), config)
        assert out is not word
        np.testing.assert_array_equal(out, word)


@pytest.mark.parametrize("preset", ["light", "handwriting", "full"])
def test_apply_presets_contract_and_determinism(word, preset):
    config = AugmentOptions.preset(preset)
    outs = [A.apply(word, rng(seed), config) for seed in range(12)]
    again = [A.apply(word, rng(seed), config) for seed in range(12)]
    for out, out2 in zip(outs, again):
        assert out.dtype == np.uint8 and out.shape[0] == 64 and out.shape[1] >= word.shape[1]
        assert out.tobytes() == out2.tobytes()
        ground, ink = A.levels(out)
        light_on_dark = np.median(out) < 128
        assert light_on_dark or ground - ink >= 50  # legible
    assert len({o.tobytes() for o in outs}) >= 11  # different seeds give different images


def test_every_stage_alone_changes_the_image(word):
    stages = [f.name for f in AugmentOptions.__dataclass_fields__.values() if f.name.endswith("_p")]
    assert len(stages) == 15  # 11 classic stages + jamo, pen, crop, form (realpen)
    for stage in stages:
        out = A.apply(word, rng(3), AugmentOptions(**{stage: 1.0}))
        assert out.shape[1] != word.shape[1] or not np.array_equal(out, word), stage


def test_all_stages_together_keep_it_legible(word):
    every = {f: 1.0 for f in AugmentOptions.__dataclass_fields__ if f.endswith("_p") and f != "polarity_p"}
    for seed in range(5):
        out = A.apply(word, rng(seed), AugmentOptions(**every))
        ground, ink = A.levels(out)
        assert ground - ink >= 50


def test_polarity_stage_never_draws_ruled_lines(word):
    both = AugmentOptions(polarity_p=1.0, lines_p=1.0)
    only = AugmentOptions(polarity_p=1.0)
    np.testing.assert_array_equal(A.apply(word, rng(4), both), A.apply(word, rng(4), only))


def test_augment_transform_is_apply_with_the_parsed_options(word):
    transform = A.augment_transform("handwriting,blur_p=0.5")
    options = AugmentOptions.parse("handwriting,blur_p=0.5")
    np.testing.assert_array_equal(transform(word, rng(9)), A.apply(word, rng(9), options))
    for empty in (None, "", "none", {}):
        assert A.augment_transform(empty) is None  # no augmentation at all (gen keeps the image's mode)
    assert A.augment_transform(options).keywords["config"] is options
    assert A.augment_transform({"preset": "light"}).keywords["config"] == AugmentOptions.preset("light")


@pytest.mark.parametrize("shape", [(32, 40), (128, 300), (64, 8), (4, 4)])
def test_any_size_keeps_its_height(shape):
    img = np.full(shape, 240, np.uint8)
    img[shape[0] // 4: 3 * shape[0] // 4, shape[1] // 4: 3 * shape[1] // 4] = 20
    every = AugmentOptions(**{f: 1.0 for f in AugmentOptions.__dataclass_fields__ if f.endswith("_p")})
    for config in (every, AugmentOptions.preset("full")):
        for seed in range(4):
            out = A.apply(img, rng(seed), config)
            assert out.dtype == np.uint8 and out.shape[0] == shape[0] and out.shape[1] >= shape[1]


def test_transform_pickles_for_gen_workers(word):
    import pickle

    transform = A.augment_transform("full,noise_p=0.1")
    again = pickle.loads(pickle.dumps(transform))
    np.testing.assert_array_equal(again(word, rng(2)), transform(word, rng(2)))
    assert A.PRESET_NAMES == ("none", "light", "handwriting", "full", "realpen")
