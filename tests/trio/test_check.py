"""The one trio check and loader: what it returns, what it refuses, and which trio a path names."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
import yaml

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.resources import TrioLocation
from easyocr_ko.trio.check import Trio, check_trio, locate_trio, trio_names
from easyocr_ko.trio.export import export_checkpoint

from _tiny import tiny_checkpoint

NAME = "check_test_tiny"
CHARS = "가나다라마바사아자"


@pytest.fixture
def export(tmp_path) -> Path:
    """A run-like ``export/`` folder: ``model/NAME.pth`` + ``user_network/NAME.{yaml,py}``."""
    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=32)
    folder = tmp_path / "run" / "export"
    export_checkpoint(ckpt, folder / "model", folder / "user_network", name=NAME)
    return folder


def _edit_yaml(loc: TrioLocation, **changes) -> None:
    config = yaml.safe_load(loc.yaml_file.read_text(encoding="utf-8"))
    config.update(changes)
    loc.yaml_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def test_check_trio_loads_what_reader_loads(export):
    loc = TrioLocation(NAME, export / "model", export / "user_network")
    trio = check_trio(loc)
    assert isinstance(trio, Trio) and trio.location == loc and (trio.name, trio.pth) == (NAME, loc.pth)
    assert (trio.character, trio.imgH, trio.symbols) == (CHARS, 32, CHARS)
    assert not trio.model.training and not any(k.startswith("module.") for k in trio.state)
    with torch.no_grad():
        assert tuple(trio.model(torch.zeros(1, 1, 32, 64), None).shape) == (1, 15, len(CHARS) + 1)
    _edit_yaml(loc, symbols="가나")
    assert check_trio(loc).symbols == "가나"  # Reader's allow-list: the yaml's symbols first


def test_check_trio_refusals_are_one_line(export):
    loc = TrioLocation(NAME, export / "model", export / "user_network")
    _edit_yaml(loc, character_list=CHARS[:-1])
    with pytest.raises(EasyOcrKoError, match="8 characters .* 10 Prediction rows"):
        check_trio(loc)
    _edit_yaml(loc, character_list=CHARS, imgH=None)
    with pytest.raises(EasyOcrKoError, match="has no imgH"):
        check_trio(loc)
    for bad in ("64", 64.5, -1, True):  # Reader would fail later, deep in its resize arithmetic
        _edit_yaml(loc, imgH=bad)
        with pytest.raises(EasyOcrKoError, match="imgH must be a positive whole number"):
            check_trio(loc)
    _edit_yaml(loc, imgH=32, trio_sha256=None)  # the files are edited by hand below: no SHA-256 record to match
    state = torch.load(loc.pth, weights_only=True)
    torch.save({k[7:]: v for k, v in state.items()}, loc.pth)
    with pytest.raises(EasyOcrKoError, match="must start with 'module.'"):
        check_trio(loc)
    loc.py_file.write_text("x = 1\n", encoding="utf-8")
    torch.save(state, loc.pth)
    with pytest.raises(EasyOcrKoError, match="defines no Model class"):
        check_trio(loc)
    loc.yaml_file.unlink()
    with pytest.raises(FileNotFoundError, match=f"{NAME}.yaml is missing"):
        check_trio(loc)


def test_locate_trio_in_every_layout(export, tmp_path):
    expected = TrioLocation(NAME, export / "model", export / "user_network")
    assert locate_trio(export) == expected  # model/ + user_network/
    assert locate_trio(export.parent) == expected  # a run folder's export/
    assert locate_trio(expected.yaml_file) == expected  # NAME.yaml, NAME.pth in ../model
    assert locate_trio(expected.py_file) == expected
    assert locate_trio(expected.pth) == expected  # NAME.pth, NAME.yaml in ../user_network
    flat = tmp_path / "flat"
    flat.mkdir()
    for path in expected.files.values():
        shutil.copy(path, flat / path.name)
    assert locate_trio(flat) == TrioLocation(NAME, flat, flat)
    assert locate_trio(flat / f"{NAME}.yaml") == TrioLocation(NAME, flat, flat)
    assert trio_names(flat, flat) == [NAME]
    for kind, path in expected.files.items():
        shutil.copy(path, flat / f"other.{kind}")
    with pytest.raises(EasyOcrKoError, match=f"several trios \\({NAME}, other\\)"):
        locate_trio(flat)
    assert locate_trio(tmp_path / "tiny.pth") is None  # a checkpoint, not a trio
    assert locate_trio(tmp_path) is None
