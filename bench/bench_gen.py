"""Benchmark: images per second of ``easyocr-ko gen`` against trdg 1.8.0's own command line.

Both tools run in one invocation of this script, each in a fresh subprocess, on the same fonts, the same
dictionary file, the same image count and the same rendering options (height 64 px, Gaussian-noise
background 0, random skew up to 2 degrees, random blur up to radius 1, text colour #282828, greyscale PNG),
with 1 and then 2 worker processes (``--workers`` changes that).  The figure is end to end: images actually
written (counted on disk afterwards) divided by the subprocess's wall time, start-up included.  That is
what a user waits for; easyocr-ko's time also covers its ink-based font check, the LMDB, gt.txt, fonts.tsv,
the contact sheet and summary.json, which trdg does not write.  easyocr-ko's own "render phase" figure from
summary.json is printed beside it.

How trdg's CLI is run.  ``trdg.run:main`` cannot run as installed beside easyocr 1.7.2 and Pillow >= 10:

* ``trdg.run`` imports ``trdg.string_generator``, which does ``import wikipedia`` at module level; that
  package is not installed (trdg is installed with ``--no-deps``; see README).  Only ``-wk`` uses it.
* ``trdg.utils.get_text_height`` calls ``FreeTypeFont.getsize``, removed in Pillow 10.

So trdg runs through a small shim (``TRDG_SHIM`` below, passed to ``python -c``): it registers an empty
stub module ``wikipedia`` in ``sys.modules``, calls ``easyocr_ko.synth._trdg.fake_text_generator()`` (which imports
trdg's renderer and patches ``get_text_height`` in memory with Pillow 9's ``getsize`` semantics, exactly as
easyocr-ko renders), then ``from trdg.run import main; main()`` with trdg's own arguments.  trdg's ``-fd``
loads only ``.ttf`` files, so the fonts are given to both tools as one folder of ``.ttf`` files.  trdg picks
the words (``create_strings_from_dict``) and fonts at random itself; easyocr-ko pairs each word with a font
that draws it.  The default fonts draw every Hangul syllable and printable ASCII, so neither renders tofu.

Usage (from the repository root)::

    .venv/bin/python bench/bench_gen.py                 # 2000 images, workers 1 and 2, median of 3
    .venv/bin/python bench/bench_gen.py --count 4000 --workers 1,2,4 --repeats 3 --json

The machine is often shared: read the figures as indicative and compare the two tools within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FONTS = ("NanumPen.ttf", "UnPen.ttf", "Bandal.ttf", "EunjinNakseo.ttf")
DEFAULT_DICT = REPO / "dicts" / "ko_default.txt"

# Identical rendering options for both tools: (easyocr-ko gen option, trdg option).
HEIGHT, SKEW, BLUR, BACKGROUND, TEXT_COLOR, MODE = 64, 2, 1, 0, "#282828", "L"

TRDG_SHIM = """
import sys, types
# trdg.run -> trdg.string_generator does `import wikipedia` at import time; only -wk (not used) needs it.
sys.modules["wikipedia"] = types.ModuleType("wikipedia")
from easyocr_ko.synth._trdg import fake_text_generator
fake_text_generator()  # imports trdg's renderer and patches Pillow 10's removed FreeTypeFont.getsize use
from trdg.run import main
main()
"""


def ours_command(out: Path, count: int, workers: int, dict_file: Path, font_dir: Path) -> list[str]:
    """``easyocr-ko gen`` with the benchmark's options."""
    return [sys.executable, "-m", "easyocr_ko.cli", "gen", "-o", str(out), "--count", str(count),
            "--dict", str(dict_file), "--font", str(font_dir), "--height", str(HEIGHT),
            "--background", str(BACKGROUND), "--skew-angle", str(SKEW), "--random-skew", "--blur", str(BLUR),
            "--random-blur", "--text-color", TEXT_COLOR, "--image-mode", MODE, "--workers", str(workers),
            "--seed", "0", "--quiet"]


def trdg_command(out: Path, count: int, workers: int, dict_file: Path, font_dir: Path) -> list[str]:
    """trdg 1.8.0's CLI (through the shim) with the same options."""
    return [sys.executable, "-c", TRDG_SHIM, "--output_dir", str(out), "-c", str(count), "-t", str(workers),
            "--dict", str(dict_file), "-fd", str(font_dir), "-f", str(HEIGHT), "-b", str(BACKGROUND),
            "-k", str(SKEW), "-rk", "-bl", str(BLUR), "-rbl", "-tc", TEXT_COLOR, "-im", MODE, "-e", "png",
            "-na", "2"]


def count_ours(out: Path) -> int:
    """Images easyocr-ko gen wrote (files under <split>/images, checked against gt.txt)."""
    n = 0
    for split in ("train", "validation"):
        images = len(list((out / split / "images").glob("*.png"))) if (out / split).is_dir() else 0
        gt = out / split / "gt.txt"
        lines = len(gt.read_text(encoding="utf-8").splitlines()) if gt.is_file() else 0
        if images != lines:
            raise RuntimeError(f"{out / split}: {images} images but {lines} gt.txt lines")
        n += images
    return n


def count_trdg(out: Path) -> int:
    """Images trdg wrote (``*.png`` in its output folder)."""
    return len(list(out.glob("*.png")))


def run_once(tool: str, workers: int, count: int, dict_file: Path, font_dir: Path, work: Path) -> dict:
    """Run one tool once in a fresh output folder; return images written, seconds and images/s."""
    out = Path(tempfile.mkdtemp(prefix=f"{tool}-w{workers}-", dir=work))
    make = ours_command if tool == "easyocr-ko" else trdg_command
    cmd = make(out / "out", count, workers, dict_file, font_dir)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    images = count_ours(out / "out") if tool == "easyocr-ko" else count_trdg(out / "out")
    result = {"tool": tool, "workers": workers, "images": images, "seconds": round(seconds, 2),
              "images_per_second": round(images / seconds, 1)}
    if tool == "easyocr-ko":
        summary = json.loads((out / "out" / "summary.json").read_text(encoding="utf-8"))
        result["render_phase_images_per_second"] = summary["images_per_second"]
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="images per run [2000]")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts [1,2]")
    parser.add_argument("--repeats", type=int, default=3, help="runs per tool and worker count; median kept [3]")
    parser.add_argument("--dict", dest="dict_file", type=Path, default=DEFAULT_DICT,
                        help="dictionary file, one entry per line [dicts/ko_default.txt]")
    parser.add_argument("--font", dest="fonts", type=Path, action="append",
                        help="a .ttf font (repeatable) [4 shipped handwriting fonts]")
    parser.add_argument("--keep", type=Path, default=None, help="keep all outputs in this folder")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    fonts = args.fonts or [REPO / "fonts" / name for name in DEFAULT_FONTS]
    if any(f.suffix != ".ttf" for f in fonts):
        parser.error("trdg's -fd loads .ttf files only: give .ttf fonts")
    workers = [int(w) for w in args.workers.split(",")]

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-gen-"))
    work.mkdir(parents=True, exist_ok=True)
    font_dir = work / "fonts"
    font_dir.mkdir(exist_ok=True)
    for font in fonts:
        link = font_dir / font.name
        if not link.exists():
            link.symlink_to(font.resolve())
    entries = sum(1 for line in args.dict_file.read_text(encoding="utf-8").splitlines() if line.strip())
    print(f"{args.count} images per run, {len(fonts)} fonts ({', '.join(f.name for f in fonts)}), "
          f"{entries} dictionary entries from {args.dict_file}, {os.cpu_count()} CPUs; "
          f"median of {args.repeats} run(s)", file=sys.stderr)

    rows = []
    try:
        for w in workers:
            for tool in ("easyocr-ko", "trdg"):
                runs = []
                for _ in range(args.repeats):
                    runs.append(run_once(tool, w, args.count, args.dict_file, font_dir, work))
                    print(f"  {tool} workers={w}: {runs[-1]}", file=sys.stderr)
                best = sorted(runs, key=lambda r: r["images_per_second"])[len(runs) // 2]
                best["images_per_second_runs"] = [r["images_per_second"] for r in runs]
                rows.append(best)
    finally:
        if args.keep is None:
            import shutil

            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'tool':<12} {'workers':>7} {'images':>7} {'seconds':>8} {'images/s':>9} {'render-phase/s':>15}")
    for r in rows:
        phase = r.get("render_phase_images_per_second", "")
        print(f"{r['tool']:<12} {r['workers']:>7} {r['images']:>7} {r['seconds']:>8.2f} "
              f"{r['images_per_second']:>9.1f} {phase!s:>15}")
    ratios = {}
    for w in workers:
        ours = next(r for r in rows if r["tool"] == "easyocr-ko" and r["workers"] == w)
        trdg = next(r for r in rows if r["tool"] == "trdg" and r["workers"] == w)
        ratios[w] = round(ours["images_per_second"] / trdg["images_per_second"], 2)
    print("ratio easyocr-ko / trdg (images/s): "
          + "; ".join(f"{w} worker{'s' if w > 1 else ''}: {ratios[w]:.2f}" for w in workers))
    result = {"count": args.count, "fonts": [f.name for f in fonts], "dictionary": str(args.dict_file),
              "rows": rows, "ratio_ours_over_trdg": ratios}
    if args.json:
        print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
