"""The verbs' configs: each verb's options are one frozen dataclass; those of ``gen``, ``finetune`` and ``import``
are resolved as defaults < ``--config file.yaml`` < explicit CLI options (:func:`build_config`, with
:func:`check_types`; written back by :func:`to_dict` / :func:`save_config`).

Defined here: :class:`GenConfig` (``gen``) and :class:`FinetuneConfig` (``finetune``).  The other verbs' configs
live beside the code they configure, whose layers this core module may not import:
:class:`easyocr_ko.datasets.importers.options.ImportConfig` (``import``),
:class:`easyocr_ko.evaluation.options.EvalConfig` (``eval``) and :class:`easyocr_ko.demo.app.DemoConfig`
(``demo``).

Every run saves its resolved config next to what it wrote (``gen_config.yaml``, ``config.yaml`` in a run
folder, ``import_config.yaml``), so a result can always be traced back to the options that made it.

The options of the image augmentation (:class:`AugmentOptions`, its presets and the parser of ``--augment``
specs) live here too, below the image code of :mod:`easyocr_ko.synth.augment`, so that a verb's config can
reject a bad ``--augment`` when it is built, before anything is written.
"""
from __future__ import annotations

import math
import os
import reprlib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import yaml

from easyocr_ko.errors import EasyOcrKoError

__all__ = [
    "to_dict", "build_config", "save_config", "check_types", "shown", "AugmentOptions", "AUGMENT_PRESET_NAMES",
    "GenConfig", "FinetuneConfig",
]


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_dict(config: Any) -> dict:
    """A dataclass config as plain YAML-safe types (paths as strings, tuples as lists).  A field with metadata
    ``omit_if_none=True`` is left out while it is ``None`` (so files written before it existed read the same)."""
    return {f.name: _plain(getattr(config, f.name)) for f in fields(config)
            if not (f.metadata.get("omit_if_none") and getattr(config, f.name) is None)}


_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxtuple, _SHOWN.maxdict = 2, 4, 4, 4
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlong = 60, 60, 40


def shown(value: Any) -> str:
    """``repr(value)`` cut short (at most a few items per level, two levels, 60 characters per string), for
    one-line messages about values read from files: a YAML alias bomb ("billion laughs") is shown in a line,
    never expanded.

    >>> shown([[1, 2, 3, 4, 5, 6]] * 9)
    '[[1, 2, 3, 4, ...], [1, 2, 3, 4, ...], [1, 2, 3, 4, ...], [1, 2, 3, 4, ...], ...]'
    """
    return _SHOWN.repr(value)


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def _field_types(cls: type) -> dict[str, Any]:
    """The resolved annotations of a config dataclass's fields (``from __future__ import annotations`` keeps
    them as strings), cached per class."""
    if cls not in _FIELD_TYPES:
        hints = get_type_hints(cls)
        _FIELD_TYPES[cls] = {f.name: hints[f.name] for f in fields(cls)}
    return _FIELD_TYPES[cls]


def _is_union(hint: Any) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def _matches(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the annotation ``hint``: ``int`` (not a bool), ``float`` (an int or float, finite),
    ``str``, ``bool``, ``Path`` (a str or path-like), ``None``, ``Any``, another class (an instance of it), a union
    of these, ``tuple[X, ...]`` (a tuple or list of X), or ``Mapping[...]`` (any mapping; its content is checked
    where it is parsed)."""
    if _is_union(hint):
        return any(_matches(value, arg) for arg in get_args(hint))
    origin = get_origin(hint) or hint
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        try:
            return math.isfinite(value)
        except OverflowError:  # an int too large for a float
            return False
    if hint is str:
        return isinstance(value, str)
    if hint is Path:
        return isinstance(value, (str, os.PathLike))
    if origin is tuple:
        args = get_args(hint)
        if not isinstance(value, (tuple, list)):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_matches(item, args[0]) for item in value)
        return len(value) == len(args) and all(_matches(item, arg) for item, arg in zip(value, args))
    if origin in (Mapping, dict):
        return isinstance(value, Mapping)
    if isinstance(hint, type):  # a class of its own (AugmentOptions)
        return isinstance(value, hint)
    raise TypeError(f"config annotation {hint!r} is not supported by check_types")


_NAMES = {int: "an integer", float: "a finite number", str: "a string", bool: "true or false", Path: "a path",
          type(None): "null"}
_ITEM_NAMES = {int: "integers", float: "numbers", str: "strings", bool: "true/false values", Path: "paths"}


def _expected(hint: Any) -> str:
    """What ``hint`` asks for, in words: ``an integer``, ``a list of paths``, ``a string or null``."""
    if _is_union(hint):
        words = [_expected(arg) for arg in get_args(hint)]
        return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
    if get_origin(hint) is tuple:
        args = get_args(hint)
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else (args[0] if args else Any)
        count = "" if len(args) == 2 and args[1] is Ellipsis else f"{len(args)} "
        return f"a list of {count}{_ITEM_NAMES.get(item, 'values')}"
    if (get_origin(hint) or hint) in (Mapping, dict):
        return "a mapping"
    if isinstance(hint, type) and hint not in _NAMES:
        return f"{'an' if hint.__name__[0] in 'AEIOU' else 'a'} {hint.__name__}"
    return _NAMES.get(hint, str(hint))


def check_types(config: Any) -> None:
    """Check every field of a config dataclass against its annotation (see :func:`_matches`); what the config
    dataclasses call first in ``__post_init__``, so a value of the wrong type from a ``--config`` file, a saved
    ``config.yaml`` or the Python API is one line before any other check uses it.

    Args:
        config: an instance of a config dataclass (:class:`GenConfig`, :class:`FinetuneConfig`,
            :class:`easyocr_ko.datasets.importers.ImportConfig`).

    Raises:
        EasyOcrKoError: the first field whose value does not match, e.g. ``seed must be an integer, got 'abc'``
            (the value shown cut short: :func:`shown`).

    >>> check_types(FinetuneConfig(data=("d",)))
    >>> FinetuneConfig(data=("d",), num_iter=1.5)
    Traceback (most recent call last):
    ...
    easyocr_ko.errors.EasyOcrKoError: num_iter must be an integer, got 1.5
    """
    for name, hint in _field_types(type(config)).items():
        value = getattr(config, name)
        if not _matches(value, hint):
            raise EasyOcrKoError(f"{name} must be {_expected(hint)}, got {shown(value)}")


def _coerce(cls: type, name: str, value: Any) -> Any:
    """YAML/CLI value -> the field's type: lists become tuples, strings become Paths where the field holds
    paths (annotation mentions ``Path`` or metadata ``paths=True``), and one path where a list of paths goes
    becomes a list of one.  Anything else is left as it is, for :func:`check_types` to judge."""
    spec = {f.name: f for f in fields(cls)}[name]
    hint = _field_types(cls)[name]
    holds_paths = "Path" in str(hint) or spec.metadata.get("paths", False)
    if isinstance(value, (list, tuple)):
        return tuple(Path(v) if holds_paths and isinstance(v, str) else v for v in value)
    if holds_paths and isinstance(value, str):
        return (Path(value),) if get_origin(hint) is tuple else Path(value)
    return value


def build_config(cls: type, yaml_file: Path | None, options: Mapping[str, Any]) -> Any:
    """Resolve a config: ``cls`` defaults, overridden by ``yaml_file``'s keys, overridden by ``options``.

    Args:
        cls: a config dataclass (:class:`GenConfig`, :class:`FinetuneConfig`).
        yaml_file: a YAML mapping of option: value, or ``None``.
        options: only what the user set explicitly (``None`` values, and keys that are no field of ``cls``,
            such as a verb's own flags, are ignored).

    Returns:
        An instance of ``cls``; YAML lists become tuples and path options :class:`~pathlib.Path` (one path
        where a list of paths goes becomes a list of one).

    Raises:
        EasyOcrKoError: the YAML file is unreadable, not a mapping, or has keys ``cls`` does not know; a required
            option is missing; a value is not of its field's type (:func:`check_types`, which ``cls`` runs
            first); or ``cls``'s own checks reject a value (e.g. a bad ``augment`` spec).
    """
    values: dict[str, Any] = {}
    known = {f.name for f in fields(cls)}
    if yaml_file is not None:
        try:
            loaded = yaml.safe_load(Path(yaml_file).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise EasyOcrKoError(f"cannot read config {yaml_file}: {str(err).splitlines()[0]}") from err
        if not isinstance(loaded, dict):
            raise EasyOcrKoError(f"config {yaml_file} must be a mapping of option: value")
        unknown = sorted(shown(k) if not isinstance(k, str) else k for k in set(loaded) - known)
        if unknown:
            raise EasyOcrKoError(f"config {yaml_file}: unknown keys {', '.join(unknown)}")
        values.update(loaded)
    values.update({k: v for k, v in options.items() if v is not None and k in known})
    values = {k: _coerce(cls, k, v) for k, v in values.items()}
    try:
        return cls(**values)
    except TypeError as err:
        raise EasyOcrKoError(f"bad configuration: {err}") from err


def save_config(config: Any, path: Path) -> None:
    """Write a config as YAML (atomically: a temporary file renamed over ``path``).

    Args:
        config: a dataclass config (e.g. :class:`GenConfig`); written with :func:`to_dict`, fields in order.
        path: the YAML file to (over)write.

    Raises:
        OSError: the file cannot be written (naming the path).
    """
    from easyocr_ko.fsutil import write_lines_atomic

    text = yaml.safe_dump(to_dict(config), allow_unicode=True, sort_keys=False)
    write_lines_atomic([text.rstrip("\n")], path)


# ---------------------------------------------------------------- augmentation options

@dataclass(frozen=True)
class AugmentOptions:
    """Which transforms of :mod:`easyocr_ko.synth.augment` run, how often (``*_p`` in [0, 1]) and how strongly.

    Pure data: the image code is :func:`easyocr_ko.synth.augment.apply`, and
    :func:`easyocr_ko.synth.augment.augment_transform` makes the ``f(gray, rng) -> gray`` of a spec.
    Strengths in px are px at imgH 64 and scale with the image height.  All ``*_p = 0`` (the ``none`` preset)
    makes ``apply`` the identity.  Build one with :meth:`parse` (a preset name and overrides) or directly;
    every field is range-checked so that no setting destroys legibility.

    Attributes (the transforms are functions of :mod:`easyocr_ko.synth.augment`):
        stroke_p / stroke_radius: ``vary_stroke_width``, radius in [0, 3] px.
        elastic_p / elastic_alpha / elastic_wave: ``elastic_warp``, local displacement in [0, 5] px,
            baseline wave in [0, 5] px.
        slant_p / slant_max: ``slant``, shear in [0, 0.7].
        ink_p / ink_lift: ``ink_pressure``, lightening along the line in [0, 150] grey levels.
        paper_p / paper_strength: ``paper_texture``, in [0, 1].
        lines_p: ``ruled_lines`` (never together with inverted polarity: signs are not ruled).
        polarity_p: ``invert_polarity`` (its paper, if any, is a plain sign: no fibres, no lines).
        perspective_p / perspective_shift: ``perspective``, corner shift in [0, 0.1] of the width
            (twice that fraction of the height).
        blur_p / blur_sigma: Gaussian blur, sigma in [0, 2.5] px; a fraction ``motion_fraction`` of the
            blurs are ``motion_blur`` of length up to ``motion_length`` in [2, 9] px.
        noise_p / noise_sigma: ``gaussian_noise``, sigma in [0, 30].
        jpeg_p / jpeg_quality: ``jpeg_artifacts``, lowest quality in [10, 95] (highest 95), an integer.

    Real pens (:mod:`easyocr_ko.synth.realpen`; all off unless asked for; the ``realpen`` preset turns on
    jamo and pen, which helped on real handwriting; crop and form made it worse in the issue-22 ablations):
        jamo_p / jamo_shift / jamo_scale / jamo_rotate: ``split_components``, each connected component (jamo
            or stroke) moved by up to ``jamo_shift`` in [0, 0.2] of the height, scaled by ``1 ± jamo_scale``
            in [0, 0.4] per axis and turned by up to ``jamo_rotate`` in [0, 30] degrees; each vertical vowel
            moved right by up to ``jamo_spread`` in [0, 0.4] of the height more (wide syllables; 0: off).
        pen_p / pen_width: ``pen_restroke``, mean pen width in [0.5, 6] px.
        crop_p / crop_margin / crop_rotate / crop_neighbour: ``detector_crop``, margins up to ``crop_margin``
            in [0, 1] of the text height, rotation up to ``crop_rotate`` in [0, 10] degrees, a fragment of a
            neighbouring word or line on each side with probability ``crop_neighbour`` in [0, 1].
        form_p: ``form_marks`` (form rules, cell borders, faint printed characters).

    Raises:
        EasyOcrKoError: (on construction) a field that is not a finite number or is out of its range.
    """

    stroke_p: float = 0.0
    stroke_radius: float = 1.2
    elastic_p: float = 0.0
    elastic_alpha: float = 2.0
    elastic_wave: float = 2.0
    slant_p: float = 0.0
    slant_max: float = 0.3
    ink_p: float = 0.0
    ink_lift: float = 80.0
    paper_p: float = 0.0
    paper_strength: float = 1.0
    lines_p: float = 0.0
    polarity_p: float = 0.0
    perspective_p: float = 0.0
    perspective_shift: float = 0.04
    blur_p: float = 0.0
    blur_sigma: float = 1.0
    motion_fraction: float = 0.3
    motion_length: float = 5.0
    noise_p: float = 0.0
    noise_sigma: float = 8.0
    jpeg_p: float = 0.0
    jpeg_quality: int = 35
    jamo_p: float = 0.0
    jamo_shift: float = 0.07
    jamo_scale: float = 0.2
    jamo_rotate: float = 6.0
    jamo_spread: float = 0.0
    pen_p: float = 0.0
    pen_width: float = 2.0
    crop_p: float = 0.0
    crop_margin: float = 0.45
    crop_rotate: float = 2.5
    crop_neighbour: float = 0.35
    form_p: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise EasyOcrKoError(f"augment option {f.name} must be a number, got {shown(value)}")
            lo, hi = (0, 1) if f.name.endswith("_p") else _AUGMENT_LIMITS[f.name]
            if not lo <= value <= hi:
                raise EasyOcrKoError(f"augment option {f.name} must be in [{lo}, {hi}], got {value}")
        if not isinstance(self.jpeg_quality, int) and not float(self.jpeg_quality).is_integer():
            raise EasyOcrKoError(f"augment option jpeg_quality must be an integer, got {self.jpeg_quality}")

    @classmethod
    def preset(cls, name: str) -> AugmentOptions:
        """The named preset (case and surrounding blanks ignored): one of :data:`AUGMENT_PRESET_NAMES`.

        Raises:
            EasyOcrKoError: unknown name (the message lists the presets).
        """
        key = name.strip().lower()
        if key not in _AUGMENT_PRESETS:
            raise EasyOcrKoError(f"unknown augment preset {name!r}: choose one of {', '.join(AUGMENT_PRESET_NAMES)}")
        return cls(**_AUGMENT_PRESETS[key])

    @classmethod
    def parse(cls, spec: str | Mapping[str, Any] | AugmentOptions | None) -> AugmentOptions:
        """Options from a preset name with optional overrides.

        Accepted forms: ``None`` or ``""`` (= ``none``); ``"handwriting"``;
        ``"handwriting,elastic_p=0.8,blur_sigma=1.5"`` (a preset then ``key=value`` overrides; without a
        leading preset name the base is ``none``); a mapping with an optional ``preset`` key and field
        overrides (as read from YAML); an :class:`AugmentOptions` (returned as is).

        Args:
            spec: the spec.

        Raises:
            EasyOcrKoError: unknown preset or option, an override that is not ``key=value``, a value that is
                not a number, or a value out of range; the message is one line and names the bad part.
        """
        if spec is None:
            return cls.preset("none")
        if isinstance(spec, AugmentOptions):
            return spec
        name, overrides = _split_augment_spec(spec)
        base = cls.preset(name)
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                raise EasyOcrKoError(f"unknown augment option {shown(key)}; known: {', '.join(known)}")
            values[key] = _augment_number(key, value, integer=key == "jpeg_quality")
        return replace(base, **values)


def _split_augment_spec(spec: Any) -> tuple[str, dict[str, Any]]:
    """``"full,noise_p=0.1"`` or ``{"preset": "full", "noise_p": 0.1}`` -> ``("full", {"noise_p": ...})``.

    Args:
        spec: a spec string or a mapping (see :meth:`AugmentOptions.parse`).

    Returns:
        The preset name (``"none"`` when not given) and the overrides as given (values not yet checked).

    Raises:
        EasyOcrKoError: a part after the first is not ``key=value``, or ``spec`` is neither a string nor a
            mapping.
    """
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(",") if p.strip()]
        name = "none"
        if parts and "=" not in parts[0]:
            name = parts.pop(0)
        overrides: dict[str, Any] = {}
        for part in parts:
            key, sep, value = part.partition("=")
            if not sep:
                raise EasyOcrKoError(f"augment option {part!r} must be key=value (a preset name goes first)")
            overrides[key.strip()] = value.strip()
        return name, overrides
    if isinstance(spec, Mapping):
        overrides = dict(spec)
        preset = overrides.pop("preset", "none")
        if not isinstance(preset, str):
            raise EasyOcrKoError(f"augment preset must be a name, got {shown(preset)}")
        return preset, overrides
    raise EasyOcrKoError(f"augment must be a preset name or a mapping, got {type(spec).__name__}")


def _augment_number(key: str, value: Any, integer: bool) -> float | int:
    """An override's value as a number (``int`` when ``integer``).

    Raises:
        EasyOcrKoError: a bool, a value ``float()`` cannot read, or (``integer``) a fractional value.
    """
    if isinstance(value, bool):
        raise EasyOcrKoError(f"augment option {key} must be a number, got {shown(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EasyOcrKoError(f"augment option {key} must be a number, got {shown(value)}") from None
    if integer:
        if not number.is_integer():
            raise EasyOcrKoError(f"augment option {key} must be an integer, got {shown(value)}")
        return int(number)
    return number


def _check_augment(spec: Any) -> None:
    """Raise :class:`EasyOcrKoError` if ``spec`` is not a valid augment spec (see :meth:`AugmentOptions.parse`)."""
    AugmentOptions.parse(spec)


# Ranges of the strength fields (the ``*_p`` fields are probabilities in [0, 1]).
_AUGMENT_LIMITS: dict[str, tuple[float, float]] = {
    "stroke_radius": (0, 3), "elastic_alpha": (0, 5), "elastic_wave": (0, 5), "slant_max": (0, 0.7),
    "ink_lift": (0, 150), "paper_strength": (0, 1), "perspective_shift": (0, 0.1),
    "blur_sigma": (0, 2.5), "motion_fraction": (0, 1), "motion_length": (2, 9),
    "noise_sigma": (0, 30), "jpeg_quality": (10, 95), "jamo_shift": (0, 0.2), "jamo_scale": (0, 0.4),
    "jamo_rotate": (0, 30), "jamo_spread": (0, 0.4), "pen_width": (0.5, 6), "crop_margin": (0, 1),
    "crop_rotate": (0, 10), "crop_neighbour": (0, 1),
}
_AUGMENT_PRESETS: dict[str, dict[str, Any]] = {
    "none": {},
    "light": dict(stroke_p=0.3, stroke_radius=0.8, elastic_p=0.3, elastic_alpha=1.2, elastic_wave=1.0,
                  slant_p=0.3, slant_max=0.2, ink_p=0.3, ink_lift=50, paper_p=0.3, paper_strength=0.5,
                  lines_p=0.05, polarity_p=0.03, perspective_p=0.15, perspective_shift=0.02,
                  blur_p=0.25, blur_sigma=0.8, noise_p=0.25, noise_sigma=6, jpeg_p=0.2, jpeg_quality=50),
    "handwriting": dict(stroke_p=0.5, stroke_radius=1.2, elastic_p=0.6, elastic_alpha=2.0, elastic_wave=2.0,
                        slant_p=0.5, slant_max=0.3, ink_p=0.5, ink_lift=80, paper_p=0.4, paper_strength=0.7,
                        lines_p=0.15, polarity_p=0.05, perspective_p=0.2, perspective_shift=0.03,
                        blur_p=0.3, blur_sigma=1.0, noise_p=0.3, noise_sigma=8, jpeg_p=0.3, jpeg_quality=40),
    "full": dict(stroke_p=0.6, stroke_radius=1.5, elastic_p=0.7, elastic_alpha=2.5, elastic_wave=2.5,
                 slant_p=0.6, slant_max=0.4, ink_p=0.6, ink_lift=100, paper_p=0.7, paper_strength=1.0,
                 lines_p=0.25, polarity_p=0.15, perspective_p=0.4, perspective_shift=0.04,
                 blur_p=0.4, blur_sigma=1.3, motion_fraction=0.35, motion_length=6, noise_p=0.5,
                 noise_sigma=10, jpeg_p=0.5, jpeg_quality=30),
    # handwriting + the two real-pen stages that helped on real handwriting in the issue-22 ablations (jamo
    # proportions, ballpoint re-stroking); detector crops and form marks made it worse and stay opt-in
    "realpen": dict(stroke_p=0.5, stroke_radius=1.2, elastic_p=0.6, elastic_alpha=2.0, elastic_wave=2.0,
                    slant_p=0.5, slant_max=0.3, ink_p=0.5, ink_lift=80, paper_p=0.4, paper_strength=0.7,
                    lines_p=0.15, polarity_p=0.05, perspective_p=0.2, perspective_shift=0.03,
                    blur_p=0.3, blur_sigma=1.0, noise_p=0.3, noise_sigma=8, jpeg_p=0.3, jpeg_quality=40,
                    jamo_p=0.6, pen_p=0.6),
}
AUGMENT_PRESET_NAMES = tuple(_AUGMENT_PRESETS)  # ("none", "light", "handwriting", "full", "realpen")


MAX_GEN_COUNT = 999_999_999
"""The largest ``GenConfig.count``: image files and DTRB's LMDB keys number samples with 9 digits."""


@dataclass(frozen=True)
class GenConfig:
    """Options of ``easyocr-ko gen``; the rendering options mirror trdg's CLI flags (in brackets).

    Attributes:
        output: dataset folder to create.
        count: images in all splits together [-c], at most :data:`MAX_GEN_COUNT`.
        val_fraction: share of ``count`` for the validation split, in [0, 1).
        val_count: validation images (overrides ``val_fraction``).
        split_by: ``word`` keeps train and validation vocabularies disjoint; ``sample`` shares them.
        dicts: dictionary files (default: the shipped ``dicts/ko_default.txt``) [--dict].
        corpora: plain-text corpora cut into short phrases.
        fonts: font files or folders (default: the shipped fonts) [-ft/-fd]; ``shipped`` names the shipped fonts
            folder.  Relative paths are read under ``fonts_root`` when it is given, else the current folder
            (``gen --font`` paths are made absolute first: only a ``--config`` file's are read under the root).
        fonts_root: folder that relative ``fonts`` entries are read under, or ``None`` (``gen --fonts-root`` or
            the environment variable ``EASYOCR_KO_FONTS``, which win over a ``--config`` file's value).
        val_fonts: fonts (file name, stem or family) used only in validation, never in training.
        exclude_fonts: fonts never used.
        height: image height in px [-f]; EasyOCR's gen2 imgH is 64.
        skew_angle / random_skew: rotation in degrees, or up to it at random [-k, -rk].
        blur / random_blur: Gaussian blur radius in px, or up to it at random [-bl, -rbl].
        background: 0 Gaussian noise, 1 plain white, 2 quasicrystal, 3 pictures from ``image_dir`` [-b, -id].
        distorsion / distorsion_orientation: 0 none, 1 sine, 2 cosine, 3 random; 0 vertical, 1 horizontal,
            2 both [-d, -do].
        margins: top, left, bottom, right in px [-m].
        space_width: width of a space as a multiple of the font's [-sw].
        character_spacing: extra px between characters [-cs].
        text_color: ``#rrggbb`` or a range ``#rrggbb,#rrggbb`` drawn per image [-tc].
        stroke_width / stroke_fill: outline width in px and colour (range allowed) [-stw, -stf].
        fit: crop tightly around the text [-fi].
        image_mode: Pillow mode of saved images (``L`` grey, ``RGB``) [-im].
        workers: rendering processes [-t].
        seed: makes images and labels reproducible, whatever the number of workers.
        sheet_samples: images on the contact sheet.
        text_mix: ``None``: every label is a dictionary entry (trdg's --dict behaviour).  Otherwise a
            :class:`easyocr_ko.text.generator.TextMix` spec such as ``word=0.4,sentence=0.2,digits=0.15,latin=0.15,
            name=0.1``: labels also include sentences, names and lines mixing digits or Latin letters.
        jitter_fraction: share of images drawn syllable by syllable with per-syllable jitter
            (:func:`easyocr_ko.synth.jitter.render_jittered`) instead of trdg, in [0, 1].
        augment: :class:`AugmentOptions` spec applied to every rendered image (``none``, ``light``,
            ``handwriting``, ``full``, ``preset,key=value,...``, or a mapping read from YAML); checked here, so a
            bad spec fails before gen writes anything.

    Raises:
        EasyOcrKoError: (on construction) an option of the wrong type (:func:`check_types`), out of range or
            inconsistent with another, or a bad ``augment`` spec; the one-line message names the option.
    """

    output: Path
    count: int = 300
    val_fraction: float = 0.1
    val_count: int | None = None
    split_by: str = "word"
    dicts: tuple[Path, ...] = field(default=(), metadata={"paths": True})
    corpora: tuple[Path, ...] = field(default=(), metadata={"paths": True})
    fonts: tuple[Path, ...] = field(default=(), metadata={"paths": True})
    fonts_root: Path | None = field(default=None, metadata={"omit_if_none": True})
    val_fonts: tuple[str, ...] = ()
    exclude_fonts: tuple[str, ...] = ()
    height: int = 64
    skew_angle: int = 2
    random_skew: bool = True
    blur: float = 1.0
    random_blur: bool = True
    background: int = 0
    image_dir: Path | None = None
    distorsion: int = 0
    distorsion_orientation: int = 0
    margins: tuple[int, ...] = (5, 5, 5, 5)
    space_width: float = 1.0
    character_spacing: int = 0
    text_color: str = "#000000,#404040"
    stroke_width: int = 0
    stroke_fill: str = "#282828"
    fit: bool = False
    image_mode: str = "L"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    seed: int = 0
    sheet_samples: int = 48
    text_mix: str | None = None
    jitter_fraction: float = 0.0
    augment: str | Mapping[str, Any] | AugmentOptions | None = "none"

    def __post_init__(self) -> None:
        check_types(self)
        checks = [
            (self.count >= 1, "count must be >= 1"),
            (self.count <= MAX_GEN_COUNT, f"count must be <= {MAX_GEN_COUNT:,} (image numbers have 9 digits)"),
            (0.0 <= self.jitter_fraction <= 1.0, "jitter_fraction must be in [0, 1]"),
            (0 <= self.val_fraction < 1, "val_fraction must be in [0, 1)"),
            (self.val_count is None or 0 <= self.val_count < self.count, "val_count must be in [0, count)"),
            (self.split_by in ("word", "sample"), "split_by must be 'word' or 'sample'"),
            (self.height >= 8, "height must be >= 8 px"),
            (self.background in (0, 1, 2, 3), "background must be 0, 1, 2 or 3"),
            (self.background != 3 or self.image_dir is not None, "background 3 needs an image_dir"),
            (self.image_dir is None or Path(self.image_dir).is_dir(), f"image_dir not found: {self.image_dir}"),
            (self.distorsion in (0, 1, 2, 3), "distorsion must be 0, 1, 2 or 3"),
            (self.distorsion_orientation in (0, 1, 2), "distorsion_orientation must be 0, 1 or 2"),
            (len(self.margins) == 4 and all(m >= 0 for m in self.margins), "margins needs 4 values >= 0"),
            (self.margins[0] + self.margins[2] < self.height, "vertical margins must leave room for text"),
            (self.image_mode in ("L", "RGB", "RGBA", "1"), "image_mode must be L, RGB, RGBA or 1"),
            (self.workers >= 1, "workers must be >= 1"),
            (self.skew_angle >= 0 and self.blur >= 0, "skew_angle and blur must be >= 0"),
        ]
        for ok, message in checks:
            if not ok:
                raise EasyOcrKoError(message)
        _check_augment(self.augment)

    @property
    def n_val(self) -> int:
        """Images in the validation split."""
        if self.val_count is not None:
            return self.val_count
        return int(round(self.count * self.val_fraction))


@dataclass(frozen=True)
class FinetuneConfig:
    """Options of ``easyocr-ko finetune`` (DTRB / EasyOCR trainer names in brackets).

    Attributes:
        data: training data (LMDB, DTRB folder, gen/import output, or a tree of LMDBs) [train_data].
        output: run folder (checkpoints, logs, export) [saved_model / experiment_name].
        valid_data: validation data; default: the ``validation`` split of gen/import outputs in ``data``.
        real_valid_data: real (not synthetic) validation sets, e.g. real pen handwriting: read in full at every
            validation beside ``valid_data`` and reported as ``real_accuracy`` / ``real_norm_ED`` / ``real_CER``
            in the log, ``metrics.jsonl`` and ``curves.png``.  Validation only: a path that is also in ``data``
            is refused.
        select_on: which validation chooses ``best_accuracy.pth`` / ``best_norm_ED.pth``: ``valid`` (DTRB's:
            the ``valid_data`` figures) or ``real`` (the ``real_valid_data`` figures).
        batch_ratio: share of each ``data`` source in a batch, like DTRB's select_data/batch_ratio.
        pretrained: ``korean_g2``, ``english_g2``, a path to a gen2 or DTRB .pth (or an easyocr-ko
            checkpoint), or ``none`` [saved_model + FT].
        Transformation / FeatureExtraction / SequenceModeling / Prediction: DTRB's four stages
            [Transformation: None|TPS, FeatureExtraction: VGG|RCNN|ResNet, SequenceModeling: None|BiLSTM,
            Prediction: CTC|Attn]; ``None`` (not given): the pretrained model's (EasyOCR gen2:
            None-VGG-BiLSTM-CTC).  Weights of ``pretrained`` whose name and shape fit the chosen network are
            loaded, the rest start random (DTRB's ``--FT``); the Prediction rows are carried over by character.
        num_fiducial: TPS fiducial points [num_fiducial, 20].
        imgW: TPS input and output width in px [imgW]; default ``round(imgH * 100 / 32)``, DTRB's 100 px at
            its imgH 32 (200 at imgH 64).  Only TPS uses it: without TPS the width follows each batch, as
            EasyOCR's Reader.
        output_channel / hidden_size: FeatureExtraction channels and BiLSTM / attention size [output_channel,
            hidden_size]; default: the pretrained model's when the stage is the same, else 256 for VGG (gen2)
            and 512 for RCNN / ResNet (DTRB), hidden 256.
        download: allow downloading korean_g2/english_g2 from EasyOCR's release URL.
        character: explicit character list (fixed charset) [character].
        character_file: file holding the explicit character list (newlines ignored).
        add_ksx1001: add all 2,350 KS X 1001 Hangul syllables to the charset.
        skip_unknown: drop training samples whose label has a character outside a fixed charset
            (default: fail, naming the characters).
        num_iter: training steps (batches) [num_iter].
        val_interval: validate, log and checkpoint every this many steps [valInterval].
        batch_size: samples per batch [batch_size].
        optim: ``adadelta`` (DTRB default) or ``adam`` [optim].
        lr: learning rate; default 1.0 for Adadelta, 1e-4 for Adam [lr].
        rho / eps: Adadelta decay and epsilon [rho, eps]; beta1: Adam's beta1 [beta1].
        grad_clip: gradient norm clipping [grad_clip].
        schedule: learning-rate schedule over the steps: ``constant`` (DTRB) or ``cosine`` (half a cosine from
            ``lr`` down to 0 at ``num_iter``, after the warm-up).  A pure function of (step, options), so
            ``--resume`` continues it exactly; a resume with a larger ``num_iter`` stretches the rest of a cosine.
        warmup_steps: steps of linear warm-up from ``lr / warmup_steps`` to ``lr`` (0 = none).
        freeze_feature_extraction / freeze_sequence_modeling: keep those stages fixed
            [freeze_FeatureFxtraction, freeze_SequenceModeling].
        augment: training-time augmentation: an :class:`AugmentOptions` spec (``none``, ``light``, ...,
            ``preset,key=value,...``); checked here, before the run folder is created.
        imgH: input height in px [imgH]; must equal the pretrained model's (gen2: 64).
        max_width: cap on the padded width of a training batch in px (EasyOCR's Reader has none).
        batch_max_length: longer labels are left out and counted [batch_max_length].
        val_samples: validation samples used (a fixed, seeded subset; 0 = all).
        seed: seed of initialisation, data order and augmentation [manualSeed].
        device: ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps`` (Apple GPUs; untested on Apple hardware).
        amp: mixed precision for training steps (bf16/fp16 on CUDA, bf16 on CPUs with native bf16).
        num_threads: CPU threads for torch (default: all cores).
        show_examples: rows of the ground truth / prediction table in each log block.
        export_name: NAME of the NAME.pth/.yaml/.py trio exported at the end (CTC models only: EasyOCR's Reader
            does not decode Attn).
        logger: experiment logging besides ``metrics.jsonl``: ``none`` or ``tensorboard`` (event files in
            ``RUN/tensorboard``; needs the ``tensorboard`` extra).

    Raises:
        EasyOcrKoError: (on construction) no ``data``, an option of the wrong type (:func:`check_types`; floats
            must be finite: an infinite or NaN ``lr`` is refused), out of range or inconsistent with another, or
            a bad ``augment`` spec; the one-line message names the option.
    """

    data: tuple[Path, ...] = field(default=(), metadata={"paths": True})
    output: Path = Path("runs/finetune")
    valid_data: tuple[Path, ...] = field(default=(), metadata={"paths": True})
    real_valid_data: tuple[Path, ...] = field(default=(), metadata={"paths": True})
    select_on: str = "valid"
    batch_ratio: tuple[float, ...] = ()
    pretrained: str = "korean_g2"
    download: bool = False
    Transformation: str | None = None
    FeatureExtraction: str | None = None
    SequenceModeling: str | None = None
    Prediction: str | None = None
    num_fiducial: int = 20
    imgW: int | None = None
    output_channel: int | None = None
    hidden_size: int | None = None
    character: str | None = None
    character_file: Path | None = None
    add_ksx1001: bool = False
    skip_unknown: bool = False
    num_iter: int = 3000
    val_interval: int = 500
    batch_size: int = 32
    optim: str = "adadelta"
    lr: float | None = None
    rho: float = 0.95
    eps: float = 1e-8
    beta1: float = 0.9
    grad_clip: float = 5.0
    schedule: str = "constant"
    warmup_steps: int = 0
    freeze_feature_extraction: bool = False
    freeze_sequence_modeling: bool = False
    augment: str | Mapping[str, Any] | AugmentOptions | None = "none"
    imgH: int = 64
    max_width: int = 1600
    batch_max_length: int = 50
    val_samples: int = 2000
    seed: int = 1111
    device: str = "auto"
    amp: bool = True
    num_threads: int | None = None
    show_examples: int = 10
    export_name: str = "custom"
    logger: str = "none"

    def __post_init__(self) -> None:
        check_types(self)
        checks = [
            (self.Transformation in (None, "None", "TPS"), "Transformation must be None or TPS"),
            (self.FeatureExtraction in (None, "VGG", "RCNN", "ResNet"), "FeatureExtraction must be VGG, RCNN or "
                                                                          "ResNet"),
            (self.SequenceModeling in (None, "None", "BiLSTM"), "SequenceModeling must be None or BiLSTM"),
            (self.Prediction in (None, "CTC", "Attn"), "Prediction must be CTC or Attn"),
            (self.num_fiducial >= 4 and self.num_fiducial % 2 == 0, "num_fiducial must be even and >= 4"),
            (self.imgW is None or self.imgW >= 8, "imgW must be >= 8"),
            (self.output_channel is None or (self.output_channel >= 16 and self.output_channel % 16 == 0),
             "output_channel must be a positive multiple of 16"),
            (self.hidden_size is None or self.hidden_size >= 1, "hidden_size must be >= 1"),
            (self.logger in ("none", "tensorboard"), "logger must be none or tensorboard"),
            (len(self.data) >= 1, "give at least one --data"),
            (self.select_on in ("valid", "real"), "select_on must be valid or real"),
            (self.select_on != "real" or len(self.real_valid_data) >= 1, "select_on real needs --real-valid-data"),
            (not {Path(p).resolve() for p in self.real_valid_data} & {Path(p).resolve() for p in self.data},
             "a --real-valid-data set is also in --data: real validation data must never be trained on"),
            (self.num_iter >= 1 and self.val_interval >= 1, "num_iter and val_interval must be >= 1"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (self.optim in ("adadelta", "adam"), "optim must be adadelta or adam"),
            (self.lr is None or self.lr > 0, "lr must be > 0"),
            (self.grad_clip > 0, "grad_clip must be > 0"),
            (self.schedule in ("constant", "cosine"), "schedule must be constant or cosine"),
            (self.warmup_steps >= 0, "warmup_steps must be >= 0"),
            (self.imgH >= 16 and self.max_width >= self.imgH, "imgH must be >= 16 and max_width >= imgH"),
            (self.batch_max_length >= 1, "batch_max_length must be >= 1"),
            (self.val_samples >= 0, "val_samples must be >= 0"),
            (not self.batch_ratio or len(self.batch_ratio) == len(self.data),
             "give one batch_ratio value per --data"),
            (self.device in ("auto", "cpu", "mps") or self.device.startswith("cuda"),
             "device must be auto, cpu, cuda, cuda:N or mps"),
            (self.character is None or self.character_file is None, "give character or character_file, not both"),
        ]
        for ok, message in checks:
            if not ok:
                raise EasyOcrKoError(message)
        _check_augment(self.augment)

    @property
    def stage_options(self) -> dict[str, str]:
        """The DTRB stage options given (``Transformation`` ... ``Prediction``), without those left to the
        pretrained model."""
        given = {"Transformation": self.Transformation, "FeatureExtraction": self.FeatureExtraction,
                 "SequenceModeling": self.SequenceModeling, "Prediction": self.Prediction}
        return {k: v for k, v in given.items() if v is not None}

    @property
    def tps_imgW(self) -> int:
        """TPS width in px: ``imgW``, else DTRB's 100 px scaled from its imgH 32 to ``imgH``."""
        return self.imgW if self.imgW is not None else round(self.imgH * 100 / 32)

    @property
    def learning_rate(self) -> float:
        """``lr`` or the optimizer's default (Adadelta 1.0 as DTRB, Adam 1e-4)."""
        if self.lr is not None:
            return self.lr
        return 1.0 if self.optim == "adadelta" else 1e-4

    def lr_at(self, step: int) -> float:
        """Learning rate of the training step that takes the model from ``step`` to ``step + 1`` (0-based):
        linear warm-up over ``warmup_steps``, then ``learning_rate`` (constant) or half a cosine to 0 at
        ``num_iter`` (cosine, as ``torch.optim.lr_scheduler.CosineAnnealingLR`` with eta_min 0).

        >>> config = FinetuneConfig(data=("d",), optim="adam", lr=1e-3, schedule="cosine", warmup_steps=10,
        ...                         num_iter=110)
        >>> config.lr_at(60)
        0.0005
        """
        base = self.learning_rate
        if step < self.warmup_steps:
            return base * (step + 1) / self.warmup_steps
        if self.schedule == "cosine":
            t = min((step - self.warmup_steps) / max(self.num_iter - self.warmup_steps, 1), 1.0)
            return base * 0.5 * (1.0 + math.cos(math.pi * t))
        return base
