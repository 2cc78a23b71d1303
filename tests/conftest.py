"""Shared fixtures: seeding, a tiny dictionary, a few small shipped fonts, a Latin-only font from trdg, and the tiny
training data and checkpoint of ``_tiny.py`` (``data``, ``init``; one per test module, a module may override them).

The Latin-only font is taken at run time from trdg's installed package (``trdg/fonts/latin/``): it draws no
Hangul, so it exercises the "font without Hangul" paths without shipping another font.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Shared data (the maintainers' fonts, not in the repository) sits beside the repository root as ../shared; tests
# that need it skip when it is absent.
SHARED_DIR = REPO_ROOT.parent / "shared"
FONTS_DIR = REPO_ROOT / "fonts"

# Words every font of `two_fonts` draws (checked by test_fonts.py::test_tiny_dict_drawn_by_two_fonts).
TINY_WORDS = ["가방", "나무", "다리미", "라디오", "마음", "바다", "사과", "아이", "자동차", "하늘", "학교", "연필"]


@pytest.fixture(autouse=True)
def _seed_everything() -> None:
    """Seed Python's random, numpy's global RNG and torch before every test."""
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture
def tiny_dict(tmp_path: Path) -> Path:
    """A UTF-8 dictionary of 12 common Korean words, one per line."""
    path = tmp_path / "tiny_dict.txt"
    path.write_text("\n".join(TINY_WORDS) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A gen-like output folder of 16 tiny 32 px images (lmdb/train, lmdb/validation), made once per module."""
    from _tiny import make_dataset

    return make_dataset(tmp_path_factory.mktemp("tiny_data"))


@pytest.fixture(scope="module")
def init(tmp_path_factory) -> Path:
    """An easyocr-ko checkpoint of a tiny gen2 model, imgH 32, made once per module."""
    from _tiny import tiny_checkpoint

    return tiny_checkpoint(tmp_path_factory.mktemp("init") / "tiny.pth")


@pytest.fixture(scope="session")
def bandal() -> Path:
    """Bandal.ttf: small shipped handwriting font drawing all 11,172 syllables and printable ASCII."""
    return FONTS_DIR / "Bandal.ttf"


@pytest.fixture(scope="session")
def bangwool() -> Path:
    """Bangwool.ttf: small shipped handwriting font drawing all 11,172 syllables and printable ASCII."""
    return FONTS_DIR / "Bangwool.ttf"


@pytest.fixture(scope="session")
def two_fonts(bandal: Path, bangwool: Path) -> list[Path]:
    """Two small shipped fonts with full Hangul and ASCII coverage."""
    return [bandal, bangwool]


@pytest.fixture(scope="session")
def guseul() -> Path:
    """Guseul.ttf: draws every Hangul syllable but no Latin letter or digit (only the space)."""
    return FONTS_DIR / "Guseul.ttf"


@pytest.fixture(scope="session")
def bmjua() -> Path:
    """BMJUA_ttf.ttf: maps all 11,172 syllables in its cmap but draws only ~2,367 (KS X 1001 and a few)."""
    return FONTS_DIR / "BMJUA_ttf.ttf"


@pytest.fixture(scope="session")
def latin_font() -> Path:
    """A Latin-only font from trdg's installed package folder (no Hangul at all)."""
    import trdg

    path = Path(trdg.__file__).resolve().parent / "fonts" / "latin" / "Roboto-Regular.ttf"
    if not path.is_file():
        pytest.skip(f"trdg's Latin font is missing: {path}")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared data folder beside the repository root; skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared data folder not present: {SHARED_DIR}")
    return SHARED_DIR
