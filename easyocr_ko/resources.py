"""Locations of the data that ships with the package (fonts, dictionaries, user_network, bundled model).

In a source checkout (and an editable install) these folders sit at the top of the repository, as the design
card fixes; in a wheel they are installed inside the ``easyocr_ko`` package (see ``setup.py``'s
``package_dir``).  Both layouts are looked up, package first.
"""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"easyocr-ko's '{name}/' folder is missing from the installation ({_PKG})")


def fonts_dir() -> Path:
    """Folder of the shipped fonts, their licences and ``manifest.json``."""
    return _find("fonts")


def dicts_dir() -> Path:
    """Folder of the shipped dictionaries and their provenance file."""
    return _find("dicts")


def user_network_dir() -> Path:
    """Folder holding the EasyOCR network file (``custom.py``) that ``export`` copies."""
    return _find("user_network")


def default_dictionary() -> Path:
    """The shipped default dictionary ``dicts/ko_default.txt`` (one NFC entry per line)."""
    return dicts_dir() / "ko_default.txt"


BUNDLED_NAME = "korean_hw"
"""``recog_network`` name of the recognizer that ships with easyocr-ko (``easyocr_ko/bundled/``)."""


def bundled_model_dir() -> Path:
    """Folder of the shipped recognizer trio ``korean_hw.pth / .yaml / .py`` and its ``MODEL_CARD.md``."""
    return _PKG / "bundled"


def bundled_model_available() -> bool:
    """True if the shipped trio is complete."""
    folder = bundled_model_dir()
    return all((folder / f"{BUNDLED_NAME}{ext}").is_file() for ext in (".pth", ".yaml", ".py"))
