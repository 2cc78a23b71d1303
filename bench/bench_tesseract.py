"""Tesseract on the same lines as ``easyocr-ko eval``: a baseline row for README's results table.

Usage (from the repository root; Debian: ``apt-get install tesseract-ocr tesseract-ocr-kor``)::

    .venv/bin/python bench/bench_tesseract.py --data ../shared/data/real_dev/aihub053_words
    .venv/bin/python bench/bench_tesseract.py --data data/writers_clean --split train --lang kor+eng --psm 7

Every image of the set (an LMDB, a DTRB folder or a gen/import output's ``--split``, opened with
:func:`easyocr_ko.evaluation.sets.load_eval_set`, the loader of ``easyocr-ko eval``) is decoded to greyscale
as eval decodes it, written as PNG to Tesseract's standard input and read with ``tesseract stdin stdout -l LANG
--psm 7`` (page segmentation mode 7: "treat the image as a single text line", the mode for a cropped word or
line).  Tesseract's output lines are joined with one space.  The figures are
:func:`easyocr_ko.evaluation.metrics.summarize`'s with eval's default normalisation (NFC, outer whitespace
stripped, inner spaces and case kept), so they compare with ``easyocr-ko eval``'s on the same set.  lines/s is
wall-clock over the whole set (one ``tesseract`` process per image, as a user would call it).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2

from easyocr_ko.evaluation.metrics import summarize
from easyocr_ko.evaluation.sets import load_eval_set


def tesseract_version() -> str:
    """First line of ``tesseract --version``."""
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True)
    return (out.stdout or out.stderr).splitlines()[0]


def read_line(gray, lang: str, psm: int) -> str:
    """Tesseract's reading of one greyscale crop (uint8 (H, W)), its lines joined with a space."""
    ok, png = cv2.imencode(".png", gray)
    if not ok:
        raise RuntimeError("could not encode the image as PNG")
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang, "--psm", str(psm)], input=png.tobytes(),
                         capture_output=True, check=True)
    return " ".join(line.strip() for line in out.stdout.decode("utf-8").splitlines() if line.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="evaluation set, as easyocr-ko eval --data")
    parser.add_argument("--split", default="validation", help="split of a gen/import output [validation]")
    parser.add_argument("--lang", default="kor+eng", help="Tesseract languages [kor+eng]")
    parser.add_argument("--psm", type=int, default=7, help="page segmentation mode [7: one text line]")
    parser.add_argument("--limit", type=int, help="a seeded subset of N images, as eval --limit")
    args = parser.parse_args(argv)
    if shutil.which("tesseract") is None:
        print("bench_tesseract: tesseract not found (apt-get install tesseract-ocr tesseract-ocr-kor)",
              file=sys.stderr)
        return 1
    eval_set = load_eval_set(args.data, args.split, limit=args.limit)
    t0 = time.perf_counter()
    pairs = [(truth, read_line(eval_set.data.load_gray(sample), args.lang, args.psm))
             for truth, sample in zip(eval_set.truths, eval_set.samples)]
    seconds = time.perf_counter() - t0
    s = summarize(pairs)
    print(f"data: {args.data}: {len(pairs)} images; {tesseract_version()}, -l {args.lang} --psm {args.psm}")
    print(f"normalization: {s.normalization}")
    print("model     | n    | accuracy | norm_ED | CER    | jamo_CER | lines/s")
    print(f"tesseract | {s.n:4d} | {s.accuracy:8.4f} | {s.norm_ED:7.4f} | {s.CER:6.4f} | {s.jamo_CER:8.4f} | "
          f"{len(pairs) / seconds:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
