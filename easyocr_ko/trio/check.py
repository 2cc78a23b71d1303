"""The one check and loader of an EasyOCR recognizer trio (``NAME.pth``, ``NAME.yaml``, ``NAME.py``), run by
``read``, ``eval`` and ``install-model`` before any ``easyocr.Reader`` sees the files.

``easyocr.Reader(recog_network=NAME)`` loads ``NAME.pth`` with ``torch.load(..., weights_only=False)``
(EasyOCR 1.7.2's ``easyocr/recognition.py``).  A ``.pth`` is a pickle, and unpickling a malicious one runs its
code.  :func:`check_trio` first loads it with ``torch.load(weights_only=True)``, which accepts only tensors and
plain containers, so a file that would run code is refused before Reader unpickles it.  It then checks what
Reader needs, in the order Reader would fail on it: the yaml's keys, a state dict whose keys all start with
``module.``, a ``character_list`` that matches the Prediction rows, and weights that load strictly into
``NAME.py``'s ``Model(num_class, **network_params)``.  Each failure is one line naming the file.  The
:class:`Trio` it returns holds the loaded network, so ``eval`` reads with exactly what was checked.

``NAME.py`` is Python code that Reader imports: it is the network definition the trio ships with, so it is
imported here too (under a private module name) to build the network; only the ``.pth`` is data.  Gen2 trios
ship EasyOCR's ``custom.py`` with three int ``network_params``; DTRB trios (from ``easyocr-ko export`` of a DTRB
checkpoint) ship a copy of :mod:`easyocr_ko.recognizer.dtrb` with its string stage options
(``Transformation: TPS``, ...) and sizes in ``network_params``.  Both are built the same way, as Reader builds
them.  A trio whose ``network_params`` name an attention decoder (``Prediction: Attn``) is refused: Reader
decodes CTC only (:func:`require_ctc`).

A trio is replaced as one unit (:func:`easyocr_ko.fsutil.replace_files_atomic`), but a process killed between
the renames (kill -9, power loss) leaves a mix, e.g. a new ``NAME.pth`` beside the old ``NAME.yaml``: with two
models of the same network whose character lists differ only in order, such a mix loads and reads wrong text.
So ``export`` records the SHA-256 of ``NAME.pth`` and ``NAME.py`` in the yaml (:data:`FINGERPRINT_KEY`, which
EasyOCR's Reader ignores: it reads only ``imgH``, ``lang_list``, ``character_list``, ``symbols`` and
``network_params``), and :func:`check_trio` refuses a trio whose files do not match it.  A trio without that
record (the bundled one, an older export, another tool's) is refused while an interrupted swap's leftover
``.NAME.*.old`` lies beside it (:func:`easyocr_ko.fsutil.swap_leftovers`).  The next ``export --overwrite``
repairs either.

:func:`locate_trio` finds the trio a path names (a trio folder, a run's ``export/`` folder, ``NAME.yaml`` or
``NAME.pth``), as ``eval --model`` accepts it; the files themselves are described by
:class:`easyocr_ko.resources.TrioLocation`.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import yaml

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import file_sha256, swap_leftovers
from easyocr_ko.recognizer.model import is_attention, load_detail
from easyocr_ko.recognizer.pretrained import load_checkpoint_file
from easyocr_ko.resources import TrioLocation

__all__ = ["FINGERPRINT_KEY", "READER_CTC_ONLY", "Trio", "check_trio", "check_whole", "import_network", "locate_trio",
           "require_ctc", "trio_names"]

FINGERPRINT_KEY = "trio_sha256"
"""The yaml key under which ``export`` records ``{"pth": SHA-256 of NAME.pth, "py": SHA-256 of NAME.py}`` (64 hex
digits each); EasyOCR's Reader ignores it."""


@dataclass
class Trio:
    """A checked trio, its network loaded.

    Attributes:
        location: its files.
        config: the yaml's content (read with Reader's ``yaml.FullLoader``).
        character: ``character_list``; class ``i + 1`` is ``character[i]``, class 0 the CTC blank.
        state: the weights, keys without the ``module.`` prefix.
        model: ``NAME.py``'s ``Model`` with the weights loaded, in eval mode on the CPU; ``model(images, text)``
            maps float32 (N, 1, imgH, W) in [-1, 1] to CTC logits (N, T, len(character) + 1) (``text`` is
            ignored by every CTC network).  It is the network ``eval`` reads with
            (:class:`easyocr_ko.evaluation.models.ModelSpec`); for a DTRB trio it is an instance of the privately
            imported ``NAME.py``'s ``Model``, not of :class:`easyocr_ko.recognizer.dtrb.Model`.
    """

    location: TrioLocation
    config: dict
    character: str
    state: dict
    model: torch.nn.Module

    @property
    def name(self) -> str:
        """The ``recog_network`` name."""
        return self.location.name

    @property
    def pth(self) -> Path:
        """``NAME.pth``."""
        return self.location.pth

    @property
    def imgH(self) -> int:
        """Input height in px (the yaml's ``imgH``)."""
        return int(self.config["imgH"])

    @property
    def symbols(self) -> str:
        """The symbols ``Reader.setLanguageList`` adds to the requested languages' characters for this model:
        the yaml's ``symbols``, else its ``character_list`` (so an exported trio ignores none of its
        characters)."""
        return self.config.get("symbols") or self.character


def import_network(py_file: Path) -> Any:
    """Import ``NAME.py`` under a private module name (Reader imports it as ``NAME`` through sys.path and
    sys.modules caches it; a private name keeps this process's Readers unaffected).

    Returns:
        The module; its ``Model`` class is the network.

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


READER_CTC_ONLY = "EasyOCR's Reader decodes CTC only"
"""The start of :func:`require_ctc`'s refusals for a trio (Reader's contract)."""


def require_ctc(network_params: Mapping, refusal: str) -> None:
    """Refuse an attention model, the package's one check for what only CTC models can do: ``easyocr.Reader``
    decodes CTC only (EasyOCR 1.7.2's ``recognition.get_recognizer`` builds a ``CTCLabelConverter``,
    ``num_class = len(character_list) + 1``, and ``recognizer_predict`` decodes greedily or by beam search with
    class 0 as the blank), and the ONNX export holds the logits for greedy CTC decoding.

    Args:
        network_params: gen2's (always CTC) or DTRB's (``Prediction``: ``"CTC"``, the default, or ``"Attn"``).
        refusal: the error's one line, naming the file and what is refused (for a trio it starts with
            :data:`READER_CTC_ONLY`).

    Raises:
        EasyOcrKoError: ``refusal``, when ``network_params`` name DTRB's ``Prediction: Attn``.
    """
    if is_attention(network_params):
        raise EasyOcrKoError(refusal)


def _read_config(yaml_file: Path) -> dict:
    try:
        config = yaml.load(yaml_file.read_text(encoding="utf-8"), Loader=yaml.FullLoader)  # Reader's loader
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise EasyOcrKoError(f"{yaml_file} is not readable YAML ({type(err).__name__})") from None
    if not isinstance(config, dict):
        raise EasyOcrKoError(f"{yaml_file} is not a mapping with network_params, imgH and character_list")
    for key in ("network_params", "imgH", "character_list"):
        if not config.get(key):
            raise EasyOcrKoError(f"{yaml_file} has no {key} (EasyOCR needs network_params, imgH, character_list)")
    if not isinstance(config["character_list"], str):
        raise EasyOcrKoError(f"{yaml_file}: character_list must be one string")
    if not isinstance(config["network_params"], dict):
        raise EasyOcrKoError(f"{yaml_file}: network_params must be a mapping")
    imgH = config["imgH"]
    if isinstance(imgH, bool) or not isinstance(imgH, int) or imgH <= 0:
        raise EasyOcrKoError(f"{yaml_file}: imgH must be a positive whole number of pixels, not {imgH!r}")
    return config


def check_whole(location: TrioLocation, config: Mapping) -> None:
    """Refuse a trio whose files may come from two exports (an ``export --overwrite`` killed between its renames).

    Args:
        location: the trio's files (all present).
        config: its yaml's content; with :data:`FINGERPRINT_KEY`, ``NAME.pth`` and ``NAME.py`` must have the
            recorded SHA-256; without it, no leftover ``.NAME.{pth,yaml,py}.old`` of an interrupted swap may lie
            beside them.

    Raises:
        EasyOcrKoError: a file's SHA-256 is not the recorded one (one line naming the file and the yaml), the
            record is malformed, or (without a record) a swap's leftover is present.
    """
    yaml_file = location.yaml_file
    recorded = config.get(FINGERPRINT_KEY)
    if recorded is None:
        leftovers = swap_leftovers(location.files.values())
        if leftovers:
            raise EasyOcrKoError(f"a replacement of trio {location.name} was interrupted ({leftovers[0]} is left "
                                 "beside it), so its files may come from two models: export it again with "
                                 "--overwrite (or, if you know the trio is whole, delete the leftover)")
        return
    if not (isinstance(recorded, Mapping) and all(isinstance(recorded.get(k), str) for k in ("pth", "py"))):
        raise EasyOcrKoError(f"{yaml_file}: {FINGERPRINT_KEY} must map pth and py to SHA-256 digests (written by "
                             "easyocr-ko export)")
    for kind, path in (("pth", location.pth), ("py", location.py_file)):
        if file_sha256(path) != recorded[kind].strip().lower():
            raise EasyOcrKoError(f"{path.name} does not belong to {yaml_file.name}: its SHA-256 is not the one "
                                 f"export recorded in {FINGERPRINT_KEY} (an export --overwrite was interrupted, or "
                                 f"the file comes from another trio): export it again with --overwrite (if you "
                                 f"changed {path.name} on purpose, delete {FINGERPRINT_KEY} from {yaml_file})")


def _read_weights(pth: Path) -> dict:
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
    return {k[7:]: v for k, v in state.items()}


def check_trio(location: TrioLocation) -> Trio:
    """Check and load a trio the way ``Reader(recog_network=NAME)`` would load it, without ever unpickling
    code.

    Args:
        location: the files: ``NAME.pth`` (a state dict whose keys all start with ``module.``), ``NAME.yaml``
            (``network_params``: gen2's ints or DTRB's stage options and sizes; ``imgH``, ``character_list``,
            optionally ``symbols``) and ``NAME.py`` (defining ``Model``).

    Returns:
        The checked :class:`Trio`, its network built and loaded.

    Raises:
        FileNotFoundError: a file of the trio is missing.
        EasyOcrKoError: the files may come from two exports (:func:`check_whole`: a SHA-256 the yaml records
            does not match, or an interrupted swap's leftover lies beside a trio without that record); the
            ``.pth`` is not plain weights (``torch.load(weights_only=True)`` refuses it: it may
            run code when unpickled), the yaml lacks a key or names an attention decoder (``Prediction: Attn``:
            :func:`require_ctc`), the character list does not match the Prediction rows, or the weights do not
            load into ``NAME.py``'s ``Model`` (an unknown stage option or size among them).
    """
    missing = location.missing()
    if missing:
        raise FileNotFoundError(f"{missing[0]} is missing: a trio needs NAME.pth, NAME.yaml and NAME.py (export a "
                                "model first: easyocr-ko export RUN_DIR)")
    pth, yaml_file, py_file = location.pth, location.yaml_file, location.py_file
    config = _read_config(yaml_file)
    character = config["character_list"]
    require_ctc(config["network_params"], f"{READER_CTC_ONLY}: {yaml_file.name} names an attention decoder "
                f"(Prediction: {config['network_params'].get('Prediction')}), which Reader cannot read")
    state = _read_weights(pth)
    check_whole(location, config)  # before NAME.py is imported: a swapped NAME.py is refused, not run
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
    return Trio(location, config, character, state, model.eval())


# ---------------------------------------------------------------- finding the trio a path names

def trio_names(model_dir: Path, network_dir: Path) -> list[str]:
    """Names of the trios with ``network_dir/NAME.yaml`` and ``model_dir/NAME.pth``, sorted (``NAME.py`` is
    not required here: :func:`check_trio` reports it missing)."""
    return sorted(p.stem for p in Path(network_dir).glob("*.yaml") if (Path(model_dir) / f"{p.stem}.pth").is_file())


def _trio_file(path: Path) -> TrioLocation | None:
    if path.suffix in (".yaml", ".py"):  # NAME.pth beside it, else in ../model (a run's export/ layout)
        model_dir = path.parent if path.with_suffix(".pth").is_file() else path.parent.parent / "model"
        return TrioLocation(path.stem, model_dir, path.parent)
    for network_dir in (path.parent, path.parent.parent / "user_network"):
        if (network_dir / f"{path.stem}.yaml").is_file():
            return TrioLocation(path.stem, path.parent, network_dir)
    return None


def locate_trio(path: Path | str) -> TrioLocation | None:
    """The trio a ``--model`` path names, or ``None`` when it names none.

    Args:
        path: ``NAME.yaml`` or ``NAME.py`` (``NAME.pth`` beside it or in ``../model``); ``NAME.pth`` with
            ``NAME.yaml`` beside it or in ``../user_network``; or a folder holding one trio: flat, as
            ``model/`` + ``user_network/``, or as a run's ``export/model`` + ``export/user_network``.

    Returns:
        Its location (files not checked: see :func:`check_trio`); ``None`` for a ``.pth`` without a yaml (a
        plain checkpoint) or a folder without a trio.

    Raises:
        EasyOcrKoError: the folder holds several trios (the message lists them).
    """
    path = Path(path)
    if path.is_file():
        return _trio_file(path)
    for model_dir, network_dir in ((path / "model", path / "user_network"), (path, path),
                                   (path / "export" / "model", path / "export" / "user_network")):
        names = trio_names(model_dir, network_dir) if model_dir.is_dir() and network_dir.is_dir() else []
        if len(names) > 1:
            raise EasyOcrKoError(f"{path} holds several trios ({', '.join(names)}): pass {network_dir}/NAME.yaml")
        if names:
            return TrioLocation(names[0], model_dir, network_dir)
    return None
