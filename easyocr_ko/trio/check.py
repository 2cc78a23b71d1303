"""The one check of an EasyOCR recognizer trio (``NAME.pth``, ``NAME.yaml``, ``NAME.py``), run by ``read``,
``eval`` and ``install-model`` before any ``easyocr.Reader`` sees the files.

``easyocr.Reader(recog_network=NAME)`` loads ``NAME.pth`` with ``torch.load(..., weights_only=False)``
(easyocr/recognition.py 1.7.2).  A ``.pth`` is a pickle, and unpickling a malicious one runs its code.
:func:`check_trio` first loads it with ``torch.load(weights_only=True)``, which accepts only tensors and plain
containers, so a file that would run code is refused before Reader unpickles it.  It then checks what Reader
needs, in the order Reader would fail on it: the yaml's keys, a state dict whose keys all start with
``module.``, a ``character_list`` that matches the Prediction rows, and weights that load strictly into
``NAME.py``'s ``Model(num_class, **network_params)``.  Each failure is one line naming the file.

``NAME.py`` is Python code that Reader imports: it is the network definition the trio ships with, so it is
imported here too (under a private module name) to build the network; only the ``.pth`` is data.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import yaml

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import load_checkpoint_file


@dataclass
class Trio:
    """A checked trio.

    Attributes:
        pth / yaml_file / py_file: the files.
        config: the yaml's content (read with Reader's ``yaml.FullLoader``).
        character: ``character_list``; class ``i + 1`` is ``character[i]``.
        state: the weights, keys without the ``module.`` prefix.
        model: ``NAME.py``'s ``Model`` with the weights loaded, in eval mode on the CPU.
    """

    pth: Path
    yaml_file: Path
    py_file: Path
    config: dict
    character: str
    state: dict
    model: torch.nn.Module

    @property
    def imgH(self) -> int:
        """Input height in px (the yaml's ``imgH``)."""
        return int(self.config["imgH"])


def load_detail(err: Exception) -> str:
    """The informative line of a ``load_state_dict`` error (its first line only says "Error(s) in loading")."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else type(err).__name__)


def import_network(py_file: Path) -> Any:
    """Import ``NAME.py`` under a private module name (Reader imports it as ``NAME`` through sys.path and
    sys.modules caches it; a private name keeps this process's Readers unaffected).

    Raises:
        EasyOcrKoError: it fails to import or defines no ``Model``.
    """
    module_name = f"_easyocr_ko_trio_{abs(hash(str(Path(py_file).resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, py_file)
    if spec is None or spec.loader is None:
        raise EasyOcrKoError(f"cannot import {py_file}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise EasyOcrKoError(f"{py_file} fails to import ({type(err).__name__}: {err})") from None
    if not hasattr(module, "Model"):
        raise EasyOcrKoError(f"{py_file} defines no Model class (EasyOCR calls "
                             "NAME.Model(num_class, **network_params))")
    return module


def check_trio(pth: Path | str, yaml_file: Path | str, py_file: Path | str) -> Trio:
    """Check a trio the way ``Reader(recog_network=NAME)`` would load it, without ever unpickling code.

    Args:
        pth: ``NAME.pth``, a state dict whose keys all start with ``module.``.
        yaml_file: ``NAME.yaml`` with ``network_params``, ``imgH`` and ``character_list``.
        py_file: ``NAME.py`` defining ``Model``.

    Returns:
        The checked :class:`Trio`, its network built and loaded.

    Raises:
        FileNotFoundError: a file of the trio is missing.
        EasyOcrKoError: the ``.pth`` is not plain weights (``torch.load(weights_only=True)`` refuses it: it may
            run code when unpickled), the yaml lacks a key, the character list does not match the Prediction
            rows, or the weights do not load into ``NAME.py``'s ``Model``.
    """
    pth, yaml_file, py_file = Path(pth), Path(yaml_file), Path(py_file)
    for path in (pth, yaml_file, py_file):
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: a trio needs NAME.pth, NAME.yaml and NAME.py (export a "
                                    "model first: easyocr-ko export RUN_DIR)")
    try:
        config = yaml.load(yaml_file.read_text(encoding="utf-8"), Loader=yaml.FullLoader)  # Reader's loader
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise EasyOcrKoError(f"{yaml_file} is not readable YAML ({type(err).__name__})") from None
    if not isinstance(config, dict):
        raise EasyOcrKoError(f"{yaml_file} is not a mapping with network_params, imgH and character_list")
    for key in ("network_params", "imgH", "character_list"):
        if not config.get(key):
            raise EasyOcrKoError(f"{yaml_file} has no {key} (EasyOCR needs network_params, imgH, character_list)")
    character = config["character_list"]
    if not isinstance(character, str):
        raise EasyOcrKoError(f"{yaml_file}: character_list must be one string")
    if not isinstance(config["network_params"], dict):
        raise EasyOcrKoError(f"{yaml_file}: network_params must be a mapping")
    try:
        state = load_checkpoint_file(pth)
    except EasyOcrKoError as err:
        raise EasyOcrKoError(f"{pth} is refused: torch.load(weights_only=True) cannot read it as plain weights "
                             f"(a .pth that needs more may run code when EasyOCR unpickles it): {err}") from None
    if not isinstance(state, dict) or not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise EasyOcrKoError(f"{pth} is not a state dict (a mapping of names to tensors)")
    if not all(isinstance(k, str) and k.startswith("module.") for k in state):
        raise EasyOcrKoError(f"{pth}: Reader strips the first 7 characters of every key, so every key must start "
                             "with 'module.' (export it with easyocr-ko export)")
    state = {k[7:]: v for k, v in state.items()}
    pred = state.get("Prediction.weight")
    if pred is not None and pred.shape[0] != len(character) + 1:
        raise EasyOcrKoError(f"{yaml_file.name} lists {len(character)} characters (+ blank = {len(character) + 1} "
                             f"classes) but {pth.name} has {pred.shape[0]} Prediction rows: the character list "
                             "does not belong to these weights")
    module = import_network(py_file)
    try:
        model = module.Model(num_class=len(character) + 1, **config["network_params"])
        model.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError, ValueError) as err:
        raise EasyOcrKoError(f"{pth.name} does not load into {py_file.name}'s Model with network_params "
                             f"{config['network_params']}: {load_detail(err)}") from None
    return Trio(pth, yaml_file, py_file, config, character, state, model.eval())
