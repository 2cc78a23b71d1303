"""Tests of easyocr_ko.config: precedence of defaults, --config file and explicit options; rejected keys; frozen
configs; save_config's atomic YAML round trip; the range checks of GenConfig, FinetuneConfig and AugmentOptions."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml

from easyocr_ko.config import (
    AUGMENT_PRESET_NAMES,
    AugmentOptions,
    FinetuneConfig,
    GenConfig,
    build_config,
    save_config,
    to_dict,
)
from easyocr_ko.errors import EasyOcrKoError


def write_yaml(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- build_config: precedence

def test_defaults_then_file_then_explicit_options(tmp_path: Path) -> None:
    config_file = write_yaml(tmp_path / "gen.yaml", {"output": "from_file", "count": 50, "height": 48, "seed": 3})
    config = build_config(GenConfig, config_file, {"count": 80, "seed": None, "val_fraction": None})
    assert config.count == 80  # explicit option beats the file
    assert config.height == 48 and config.seed == 3  # file beats the defaults; a None option is not "set"
    assert config.output == Path("from_file")
    assert config.val_fraction == 0.1 and config.augment == "none"  # neither file nor option: the default


def test_defaults_alone_and_an_empty_file(tmp_path: Path) -> None:
    assert build_config(GenConfig, None, {"output": "o"}) == GenConfig(output=Path("o"))
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert build_config(GenConfig, empty, {"output": "o"}) == GenConfig(output=Path("o"))


def test_explicit_options_that_are_no_field_are_ignored() -> None:
    """The CLI passes its own flags (overwrite, quiet ...) beside the config's options."""
    config = build_config(GenConfig, None, {"output": "o", "quiet": True, "overwrite": False})
    assert config == GenConfig(output=Path("o"))


def test_values_are_coerced_to_the_fields_types(tmp_path: Path) -> None:
    config_file = write_yaml(tmp_path / "gen.yaml", {"dicts": ["a.txt", "b.txt"], "margins": [1, 2, 3, 4],
                                                     "val_fonts": ["Bandal"], "image_dir": str(tmp_path)})
    config = build_config(GenConfig, config_file, {"output": str(tmp_path / "out")})
    assert config.dicts == (Path("a.txt"), Path("b.txt"))  # metadata paths=True: a tuple of Paths
    assert config.margins == (1, 2, 3, 4) and config.val_fonts == ("Bandal",)  # tuples of plain values
    assert config.image_dir == tmp_path and isinstance(config.image_dir, Path)  # annotation mentions Path
    assert config.output == tmp_path / "out"
    finetune = build_config(FinetuneConfig, None, {"data": ("d1", "d2"), "batch_ratio": [0.5, 0.5]})
    assert finetune.data == (Path("d1"), Path("d2")) and finetune.batch_ratio == (0.5, 0.5)


# ---------------------------------------------------------------- build_config: rejected input

def test_unknown_keys_in_the_file_are_rejected(tmp_path: Path) -> None:
    config_file = write_yaml(tmp_path / "gen.yaml", {"count": 5, "colour": "red", "fnt": "x"})
    with pytest.raises(EasyOcrKoError, match=r"gen.yaml: unknown keys colour, fnt$"):
        build_config(GenConfig, config_file, {"output": "o"})


@pytest.mark.parametrize("content, message", [
    ("- a\n- b\n", "must be a mapping of option: value"),
    ("count: [1\n", "cannot read config"),
    (b"\xff\xfe count: 1", "cannot read config"),
])
def test_unreadable_or_wrong_files_fail_in_one_line(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "bad.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match=message) as err:
        build_config(GenConfig, path, {"output": "o"})
    assert "\n" not in str(err.value)


def test_a_missing_file_fails_naming_it(tmp_path: Path) -> None:
    with pytest.raises(EasyOcrKoError, match="cannot read config .*missing.yaml"):
        build_config(GenConfig, tmp_path / "missing.yaml", {"output": "o"})


def test_a_missing_required_option_is_a_configuration_error() -> None:
    with pytest.raises(EasyOcrKoError, match="bad configuration: .*output"):
        build_config(GenConfig, None, {"count": 5})


# ---------------------------------------------------------------- frozen, to_dict, save_config

def test_configs_are_frozen() -> None:
    config = GenConfig(output=Path("o"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.count = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        FinetuneConfig(data=("d",)).lr = 0.1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        AugmentOptions().blur_p = 1.0  # type: ignore[misc]


def test_to_dict_gives_plain_yaml_types() -> None:
    data = to_dict(GenConfig(output=Path("out"), dicts=(Path("a.txt"),), margins=(1, 2, 3, 4)))
    assert data["output"] == "out" and data["dicts"] == ["a.txt"] and data["margins"] == [1, 2, 3, 4]
    # every field, in order; fonts_root only when set (gen_config.yaml files read as before it existed)
    assert list(data) == [f.name for f in dataclasses.fields(GenConfig) if f.name != "fonts_root"]
    rooted = to_dict(GenConfig(output=Path("out"), fonts_root=Path("fonts")))
    assert list(rooted) == [f.name for f in dataclasses.fields(GenConfig)] and rooted["fonts_root"] == "fonts"
    yaml.safe_dump(data)  # safe types only


@pytest.mark.parametrize("config", [
    GenConfig(output=Path("out"), count=20, dicts=(Path("d.txt"),), val_fonts=("Bandal",), margins=(1, 2, 1, 2),
              text_mix="word=1,digits=1", jitter_fraction=0.5, augment="full,noise_p=0.1", workers=1),
    FinetuneConfig(data=(Path("a"), Path("b")), batch_ratio=(0.5, 0.5), optim="adam", lr=1e-3,
                   schedule="cosine", warmup_steps=10, augment="light", character="가나다"),
], ids=["gen", "finetune"])
def test_save_config_round_trips(tmp_path: Path, config: object) -> None:
    path = tmp_path / "sub" / "config.yaml"
    save_config(config, path)
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == to_dict(config)
    assert build_config(type(config), path, {}) == config
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.yaml"]  # no temporary file left


def test_save_config_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The YAML goes to a temporary sibling renamed over the target: a failed write keeps the old file whole."""
    path = tmp_path / "gen_config.yaml"
    save_config(GenConfig(output=Path("first")), path)
    before = path.read_bytes()
    renames = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        renames.append((Path(src).parent, Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    save_config(GenConfig(output=Path("second")), path)
    assert renames == [(tmp_path, path)]
    assert "second" in path.read_text(encoding="utf-8")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="gen_config.yaml"):
        save_config(GenConfig(output=Path("third")), path)
    assert "second" in path.read_text(encoding="utf-8") and path.read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen_config.yaml"]


# ---------------------------------------------------------------- __post_init__ checks

@pytest.mark.parametrize("options, message", [
    ({"count": 0}, "count must be >= 1"),
    ({"jitter_fraction": 1.5}, r"jitter_fraction must be in \[0, 1\]"),
    ({"val_fraction": 1.0}, r"val_fraction must be in \[0, 1\)"),
    ({"count": 10, "val_count": 10}, r"val_count must be in \[0, count\)"),
    ({"split_by": "font"}, "split_by must be 'word' or 'sample'"),
    ({"height": 4}, "height must be >= 8 px"),
    ({"background": 4}, "background must be 0, 1, 2 or 3"),
    ({"background": 3}, "background 3 needs an image_dir"),
    ({"image_dir": Path("/nonexistent/pictures")}, "image_dir not found"),
    ({"distorsion": 5}, "distorsion must be 0, 1, 2 or 3"),
    ({"distorsion_orientation": 3}, "distorsion_orientation must be 0, 1 or 2"),
    ({"margins": (1, 2, 3)}, "margins needs 4 values >= 0"),
    ({"margins": (30, 0, 40, 0)}, "vertical margins must leave room for text"),
    ({"image_mode": "CMYK"}, "image_mode must be L, RGB, RGBA or 1"),
    ({"workers": 0}, "workers must be >= 1"),
    ({"blur": -1.0}, "skew_angle and blur must be >= 0"),
    ({"augment": "bogus"}, "unknown augment preset 'bogus'"),
    ({"augment": "light,blur_p"}, "augment option 'blur_p' must be key=value"),
    ({"augment": "full,warp_p=0.5"}, "unknown augment option 'warp_p'"),
    ({"augment": "full,noise_p=2"}, r"augment option noise_p must be in \[0, 1\], got 2.0"),
    ({"augment": {"preset": "light", "blur_p": "often"}}, "augment option blur_p must be a number, got 'often'"),
])
def test_gen_config_checks(options: dict, message: str) -> None:
    with pytest.raises(EasyOcrKoError, match=message) as err:
        GenConfig(output=Path("o"), **options)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("augment", ["none", "light", "handwriting", " Full ", "full,noise_p=0.1,jpeg_quality=60",
                                     "blur_p=0.5", "", None, {"preset": "light", "noise_p": 1}])
def test_valid_augment_specs_are_kept_as_given(augment: object) -> None:
    assert GenConfig(output=Path("o"), augment=augment).augment == augment
    assert FinetuneConfig(data=("d",), augment=augment).augment == augment


@pytest.mark.parametrize("options, message", [
    ({"data": ()}, "give at least one --data"),
    ({"num_iter": 0}, "num_iter and val_interval must be >= 1"),
    ({"batch_size": 0}, "batch_size must be >= 1"),
    ({"optim": "sgd"}, "optim must be adadelta or adam"),
    ({"lr": 0.0}, "lr must be > 0"),
    ({"grad_clip": 0.0}, "grad_clip must be > 0"),
    ({"schedule": "step"}, "schedule must be constant or cosine"),
    ({"warmup_steps": -1}, "warmup_steps must be >= 0"),
    ({"imgH": 8}, "imgH must be >= 16"),
    ({"batch_max_length": 0}, "batch_max_length must be >= 1"),
    ({"val_samples": -1}, "val_samples must be >= 0"),
    ({"batch_ratio": (1.0,), "data": ("a", "b")}, "give one batch_ratio value per --data"),
    ({"device": "tpu"}, "device must be auto, cpu, cuda, cuda:N or mps"),
    ({"character": "가", "character_file": Path("c.txt")}, "give character or character_file, not both"),
    ({"augment": "bogus"}, "unknown augment preset 'bogus'"),
    ({"augment": "light,stroke_radius=9"}, r"augment option stroke_radius must be in \[0, 3\]"),
])
def test_finetune_config_checks(options: dict, message: str) -> None:
    options = {"data": ("d",), **options}
    with pytest.raises(EasyOcrKoError, match=message) as err:
        FinetuneConfig(**options)
    assert "\n" not in str(err.value)


def test_derived_values() -> None:
    assert GenConfig(output=Path("o"), count=300).n_val == 30
    assert GenConfig(output=Path("o"), count=300, val_count=7).n_val == 7
    assert FinetuneConfig(data=("d",)).learning_rate == 1.0
    assert FinetuneConfig(data=("d",), optim="adam").learning_rate == 1e-4
    constant = FinetuneConfig(data=("d",), lr=0.5, warmup_steps=4, num_iter=100)
    assert [constant.lr_at(s) for s in (0, 3, 4, 99)] == [0.125, 0.5, 0.5, 0.5]
    cosine = FinetuneConfig(data=("d",), lr=1.0, schedule="cosine", num_iter=100)
    assert cosine.lr_at(0) == 1.0 and cosine.lr_at(50) == pytest.approx(0.5) and cosine.lr_at(100) == 0.0


# ---------------------------------------------------------------- AugmentOptions

def test_augment_options_parse_presets_and_overrides() -> None:
    assert AUGMENT_PRESET_NAMES == ("none", "light", "handwriting", "full", "realpen")
    assert AugmentOptions.parse(None) == AugmentOptions.parse("") == AugmentOptions.preset("none") == AugmentOptions()
    full = AugmentOptions.parse(" Full , noise_p = 0.1, jpeg_quality=60")
    assert (full.noise_p, full.jpeg_quality, full.slant_p) == (0.1, 60, AugmentOptions.preset("full").slant_p)
    assert isinstance(full.jpeg_quality, int)
    assert AugmentOptions.parse(full) is full
    with pytest.raises(EasyOcrKoError, match="unknown augment preset 'fancy': choose one of none, light"):
        AugmentOptions.parse("fancy")
    with pytest.raises(EasyOcrKoError, match=r"slant_max must be in \[0, 0.7\]"):
        AugmentOptions(slant_max=2.0)


def test_augment_options_parse_overrides_without_a_preset_and_mappings() -> None:
    assert AugmentOptions.parse("handwriting") == AugmentOptions.preset(" Handwriting ")
    assert AugmentOptions.parse("blur_p=0.5") == AugmentOptions(blur_p=0.5)
    m = AugmentOptions.parse({"preset": "light", "noise_p": 1})
    assert m.noise_p == 1.0 and m.stroke_p == AugmentOptions.preset("light").stroke_p


@pytest.mark.parametrize("spec, message", [
    ("fancy", "unknown augment preset 'fancy': choose one of none, light, handwriting, full"),
    ("light,warp_p=0.5", "unknown augment option 'warp_p'"),
    ("light,blur_p", "augment option 'blur_p' must be key=value"),
    ("light,blur_p=often", "augment option blur_p must be a number, got 'often'"),
    ("light,blur_p=1.5", r"augment option blur_p must be in \[0, 1\], got 1.5"),
    ("elastic_alpha=40", r"augment option elastic_alpha must be in \[0, 5\], got 40.0"),
    ("jpeg_quality=33.5", "augment option jpeg_quality must be an integer"),
    ({"preset": "light", "noise_p": True}, "augment option noise_p must be a number, got True"),
    (3, "augment must be a preset name or a mapping, got int"),
])
def test_augment_options_parse_errors_are_clear_one_liners(spec: object, message: str) -> None:
    with pytest.raises(EasyOcrKoError, match=message) as err:
        AugmentOptions.parse(spec)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)
