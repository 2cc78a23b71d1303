"""gen output for a fixed seed is the same, byte for byte, as at a recorded revision.

The digest below was recorded at commit f4d4062 (before the subpackage restructure of issue 13) by running this
file's ``_gen`` and printing ``_digest``.  It covers every reproducible file gen writes (``gt.txt``,
``fonts.tsv``, each PNG's bytes, the LMDB's labels and image bytes, ``gen_config.yaml`` with the output and
fonts folders written as OUT and FONTS) for a run that uses every rendering path: trdg, the per-syllable
jitter renderer, textgen lines and the ``full`` augmentation.
Not covered: ``summary.json`` (timings), ``contact_sheet.png`` (drawn with matplotlib).

The PNG bytes depend on Pillow (its FreeType and zlib), OpenCV and numpy: when those differ from the versions
the digest was recorded with, the test is skipped with the reason, and the digest must be checked or recorded
again from a known-good revision (``.venv/bin/python tests/synth/test_gen_golden.py`` prints it).
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

# Versions known to give the digest: recorded with Pillow 13.0.0 (CI's fresh install), checked again with 12.3.0.
RECORDED_WITH = {"PIL": ("12.3.0", "13.0.0"), "cv2": ("5.1.0",), "numpy": ("2.4.6",)}
GOLDEN_DIGEST = "5162f8741f1a5b835811b8c107b796996365fb182308645ca063a4eda57e8c64"
FONTS = Path(__file__).resolve().parents[2] / "fonts"


def _versions() -> dict[str, str]:
    import cv2
    import numpy
    import PIL

    return {"PIL": PIL.__version__, "cv2": cv2.__version__, "numpy": numpy.__version__}


def _gen(out: Path) -> None:
    from easyocr_ko.cli import main

    result = CliRunner().invoke(main, [
        "gen", "--output", str(out), "--count", "40", "--seed", "7", "--workers", "1",
        "--font", str(FONTS / "Bandal.ttf"), "--font", str(FONTS / "Bangwool.ttf"),
        "--text-mix", "word=1,sentence=1,digits=1,latin=1,name=1,syllables=1",
        "--jitter-fraction", "0.5", "--augment", "full", "-q",
    ])
    assert result.exit_code == 0, result.output


def _digest(out: Path) -> str:
    import lmdb

    sha = hashlib.sha256()
    for split in ("train", "validation"):
        for path in sorted((out / split).rglob("*")):
            if path.is_file():
                sha.update(str(path.relative_to(out)).encode() + b"\0" + path.read_bytes() + b"\0")
        with lmdb.open(str(out / "lmdb" / split), readonly=True, lock=False) as env, env.begin() as txn:
            for key, value in txn.cursor():
                sha.update(key + b"\0" + value + b"\0")
    config = (out / "gen_config.yaml").read_text(encoding="utf-8").replace(str(out), "OUT").replace(str(FONTS), "FONTS")
    sha.update(config.encode())
    return sha.hexdigest()


def test_gen_output_is_byte_identical_to_the_recorded_revision(tmp_path: Path) -> None:
    versions = _versions()
    if any(versions[name] not in known for name, known in RECORDED_WITH.items()):
        pytest.skip(f"digest recorded with {RECORDED_WITH}, this environment has {versions}")
    _gen(tmp_path / "out")
    assert _digest(tmp_path / "out") == GOLDEN_DIGEST


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _gen(Path(tmp) / "out")
        print(_versions(), _digest(Path(tmp) / "out"), file=sys.stdout)
