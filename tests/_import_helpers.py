"""Helpers of the ``easyocr-ko import`` tests (tests/datasets/importers/, tests/cli/test_import_cmd.py): random
"photos" whose every crop differs, annotation files, one import run, and readers of its output."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from easyocr_ko.datasets.dtrb import read_gt
from easyocr_ko.datasets.importers import ImportConfig, run_import


def photo(h: int, w: int, seed: int, channels: int = 3) -> np.ndarray:
    """Random uint8 pixels: every crop of it is distinguishable from every other."""
    shape = (h, w) if channels == 1 else (h, w, channels)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def write_image(path: Path, img: np.ndarray, ext: str = ".png") -> np.ndarray:
    """Write ``img``; return the pixels a decoder reads back (JPEG is lossy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    path.write_bytes(buf.tobytes())
    return cv2.imdecode(np.frombuffer(buf.tobytes(), np.uint8), cv2.IMREAD_UNCHANGED)


def read_image(path: Path) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_UNCHANGED)


def write_json(path: Path, doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def run(fmt: str, src: Path, out: Path, overwrite: bool = False, **options) -> dict:
    """One import of ``src`` in format ``fmt`` into ``out`` (all to train unless ``split`` is given); its summary."""
    options.setdefault("split", (1.0, 0.0, 0.0))
    return run_import(ImportConfig(fmt, src, out, **options), overwrite=overwrite, progress=False)


def gt(out: Path, split: str = "train") -> list[tuple[str, str]]:
    return [(e.image, e.label) for e in read_gt(out / split / "gt.txt")]


def sources(out: Path, split: str = "train") -> list[list[str]]:
    lines = (out / split / "sources.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "index\timage\tsource\tannotation\tbox"
    return [line.split("\t") for line in lines[1:]]


def crops(out: Path, split: str = "train") -> list[np.ndarray]:
    return [read_image(out / split / image) for image, _ in gt(out, split)]
