"""Speed of easyocr_ko.synth.augment per transform and per preset, and contact sheets to look at.

Usage::

    python bench/bench_augment.py                      # ms/image table, N images 64 x (100..400)
    python bench/bench_augment.py --n 300 --threads 1  # OpenCV threads (1 = like a data-loader worker)
    python bench/bench_augment.py --sheet /tmp/augment_sheet.png
        # also writes /tmp/augment_sheet.png (presets x words, 4 draws each) and
        # /tmp/augment_sheet_transforms.png (each transform alone, at the 'full' preset's strength) and
        # /tmp/augment_sheet_realpen.png (the real-pen stages alone and the 'realpen' preset)

Inputs are rendered once with :func:`easyocr_ko.synth.jitter.render_jittered` from shipped handwriting fonts and
words of the shipped dictionary, then padded or cropped (white) to a width drawn in [100, 400] px, so
timings do not depend on the word.  Timings are wall-clock (``time.perf_counter``) over the whole set,
reported as ms per image, best of ``--repeat`` passes (the machine is shared: other processes only add
time); rendering is timed once, separately.
"""
from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from easyocr_ko.config import AugmentOptions
from easyocr_ko.hangul import is_hangul_syllable
from easyocr_ko.resources import default_dictionary, fonts_dir
from easyocr_ko.synth import augment as A
from easyocr_ko.synth import realpen
from easyocr_ko.synth.fonts import load_font, read_manifest
from easyocr_ko.synth.jitter import render_jittered

SHEET_WORDS = ("손글씨", "안녕하세요", "프로젝트 마감", "버스 정류장", "했다", "3월 14일")


def full_fonts() -> list[Path]:
    """Shipped handwriting fonts that draw all 11,172 Hangul syllables and all printable ASCII."""
    return [fonts_dir() / e["file"] for e in read_manifest()
            if e["handwriting"] and e["hangul_syllables"] == 11172 and e["ascii_printable"] == 95]


def korean_words(n: int, rng: np.random.Generator) -> list[str]:
    words = [w for w in default_dictionary().read_text(encoding="utf-8").split("\n")
             if w and any(is_hangul_syllable(c) for c in w)]
    return [words[i] for i in rng.integers(0, len(words), n)]


def fit_width(image: np.ndarray, width: int) -> np.ndarray:
    """Pad (white, right) or crop to ``width`` columns."""
    if image.shape[1] >= width:
        return image[:, :width].copy()
    return np.pad(image, ((0, 0), (0, width - image.shape[1])), constant_values=255)


def transforms(config: AugmentOptions) -> dict:
    """Each transform as ``f(image, rng)`` at the strengths of ``config``."""
    c = config
    return {
        "stroke": functools.partial(A.vary_stroke_width, max_radius=c.stroke_radius),
        "elastic": functools.partial(A.elastic_warp, alpha=c.elastic_alpha, wave=c.elastic_wave),
        "slant": functools.partial(A.slant, max_shear=c.slant_max),
        "ink": functools.partial(A.ink_pressure, max_lift=c.ink_lift),
        "paper": functools.partial(A.paper_texture, strength=c.paper_strength),
        "lines": A.ruled_lines,
        "polarity": A.invert_polarity,
        "perspective": functools.partial(A.perspective, max_shift_x=c.perspective_shift,
                                         max_shift_y=2 * c.perspective_shift),
        "gaussian_blur": functools.partial(A.gaussian_blur, max_sigma=c.blur_sigma),
        "motion_blur": functools.partial(A.motion_blur, max_length=c.motion_length),
        "noise": functools.partial(A.gaussian_noise, max_sigma=c.noise_sigma),
        "jpeg": functools.partial(A.jpeg_artifacts, min_quality=c.jpeg_quality),
        "jamo (realpen)": functools.partial(realpen.split_components, max_shift=c.jamo_shift,
                                            max_scale=c.jamo_scale, max_rotate=c.jamo_rotate),
        "pen (realpen)": functools.partial(realpen.pen_restroke, width=c.pen_width),
        "crop (realpen)": functools.partial(realpen.detector_crop, max_margin=c.crop_margin,
                                            max_rotate=c.crop_rotate, neighbour_p=c.crop_neighbour),
        "form (realpen)": realpen.form_marks,
    }


def _best_ms(fn, images: list[np.ndarray], seed: int, repeat: int) -> float:
    """Best of ``repeat`` passes over ``images`` (other processes on a shared machine only add time),
    in ms per image."""
    best = float("inf")
    for _ in range(repeat):
        r = np.random.default_rng(seed)
        t0 = time.perf_counter()
        for img in images:
            fn(img, r)
        best = min(best, (time.perf_counter() - t0) / len(images) * 1e3)
    return best


def bench(n: int, seed: int, repeat: int) -> None:
    rng = np.random.default_rng(seed)
    fonts = full_fonts()
    words = korean_words(n, rng)
    t0 = time.perf_counter()
    rendered = [render_jittered(w, fonts[i % len(fonts)], 64, rng=rng) for i, w in enumerate(words)]
    t_render = (time.perf_counter() - t0) / n * 1e3
    images = [fit_width(img, int(rng.integers(100, 401))) for img in rendered]
    mean_w = np.mean([im.shape[1] for im in images])
    print(f"{n} images 64 x 100..400 (mean width {mean_w:.0f}), OpenCV threads {cv2.getNumThreads()}")
    print(f"{'render_jittered':<22}{t_render:8.3f} ms/image (rendered width mean "
          f"{np.mean([r.shape[1] for r in rendered]):.0f})")
    print(f"-- per transform (strengths of the 'full' preset), ms/image, best of {repeat} passes")
    for name, fn in transforms(AugmentOptions.preset("full")).items():
        print(f"{name:<22}{_best_ms(fn, images, seed, repeat):8.3f}")
    print(f"-- per preset (apply), ms/image, best of {repeat} passes; and scaled by area to a 64 x 256 image")
    for name in A.PRESET_NAMES:
        config = AugmentOptions.preset(name)
        ms = _best_ms(functools.partial(A.apply, config=config), images, seed, repeat)
        print(f"{name:<22}{ms:8.3f}   (~{ms * 256 / mean_w:.3f} at 64x256)")


def _cells_sheet(rows: list[tuple[str, list[np.ndarray]]], path: Path) -> None:
    """One labelled row of images per entry; images shown at their own height (64 px)."""
    label_w, pad, cell_h = 150, 8, 64 + 8
    width = label_w + max(sum(im.shape[1] + pad for im in ims) for _, ims in rows)
    sheet = Image.new("L", (width, cell_h * len(rows)), 200)
    draw = ImageDraw.Draw(sheet)
    font = load_font(fonts_dir() / "NanumGothic.ttf", 15)
    for r, (label, ims) in enumerate(rows):
        y = r * cell_h + 4
        draw.text((6, y + 22), label, font=font, fill=0)
        x = label_w
        for im in ims:
            sheet.paste(Image.fromarray(im), (x, y))
            x += im.shape[1] + pad
    tmp = path.with_name(path.name + ".tmp.png")
    sheet.save(tmp)
    tmp.replace(path)


def sheets(path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    fonts = full_fonts()
    clean = [render_jittered(w, fonts[(3 * i + 1) % len(fonts)], 64, rng=rng) for i, w in enumerate(SHEET_WORDS)]
    rows = [("render_jittered", clean[:4]), ("", clean[4:])]
    for name in A.PRESET_NAMES[1:]:
        config = AugmentOptions.preset(name)
        for k in range(2):
            rows.append((f"{name} {k + 1}", [A.apply(img, rng, config) for img in clean[2 * k:2 * k + 3]]))
    _cells_sheet(rows, path)
    base = clean[:3]
    rows = [("clean", base)]
    for name, fn in transforms(AugmentOptions.preset("full")).items():
        rows.append((name, [fn(img, rng) for img in base]))
    out2 = path.with_name(path.stem + "_transforms" + path.suffix)
    _cells_sheet(rows, out2)
    out3 = path.with_name(path.stem + "_realpen" + path.suffix)
    _cells_sheet(realpen_rows(clean[:3], rng), out3)
    print(f"wrote {path}, {out2} and {out3}")


def realpen_rows(base: list[np.ndarray], rng: np.random.Generator) -> list[tuple[str, list[np.ndarray]]]:
    """The real-pen stages one by one (two draws each; ``spread``: ``jamo_spread=0.3`` alone, the vertical vowels
    moved right) and the ``realpen`` preset (three draws)."""
    realpen_only = transforms(AugmentOptions.preset("realpen"))
    realpen_only["spread (jamo_spread=0.3)"] = functools.partial(realpen.split_components, max_shift=0, max_scale=0,
                                                                 max_rotate=0, spread=0.3)
    rows = [("clean", base)]
    for name in ("jamo (realpen)", "spread (jamo_spread=0.3)", "pen (realpen)", "crop (realpen)", "form (realpen)"):
        for k in range(2):
            rows.append((f"{name.split()[0]} {k + 1}", [realpen_only[name](img, rng) for img in base]))
    config = AugmentOptions.preset("realpen")
    rows += [(f"realpen {k + 1}", [A.apply(img, rng, config) for img in base]) for k in range(3)]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="images to time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="passes per figure; the best is printed")
    parser.add_argument("--threads", type=int, default=1, help="cv2.setNumThreads (1 = one loader worker)")
    parser.add_argument("--sheet", type=Path, help="also write contact sheets to this PNG (and *_transforms)")
    parser.add_argument("--no-bench", action="store_true", help="only write the sheets")
    args = parser.parse_args(argv)
    cv2.setNumThreads(args.threads)
    if not args.no_bench:
        bench(args.n, args.seed, args.repeat)
    if args.sheet:
        sheets(args.sheet, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
