"""Tests of easyocr_ko.resources: the shipped folders, where a trio's three files are, the bundled model's lookup,
and EasyOCR's folders as EasyOCR 1.7.2 derives them from the environment. (Loading the bundled model:
tests/trio/test_bundled.py.)"""
from __future__ import annotations

from pathlib import Path

import pytest

from easyocr_ko import resources
from easyocr_ko.resources import (
    TrioLocation,
    default_dictionary,
    dicts_dir,
    easyocr_model_dir,
    easyocr_module_path,
    easyocr_network_dir,
    fonts_dir,
    user_network_dir,
)


def test_shipped_folders_are_found() -> None:
    assert (fonts_dir() / "manifest.json").is_file()
    assert default_dictionary() == dicts_dir() / "ko_default.txt" and default_dictionary().is_file()
    assert (user_network_dir() / "custom.py").is_file()


def test_a_missing_shipped_folder_is_named(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "_PKG", tmp_path / "easyocr_ko")
    with pytest.raises(FileNotFoundError, match="easyocr-ko's 'fonts/' folder is missing"):
        fonts_dir()


def test_trio_location_files_and_missing(tmp_path: Path) -> None:
    trio = TrioLocation("mine", str(tmp_path / "model"), tmp_path / "net")
    assert trio.model_dir == tmp_path / "model"  # str folders become paths
    assert trio.files == {"pth": tmp_path / "model" / "mine.pth", "yaml": tmp_path / "net" / "mine.yaml",
                          "py": tmp_path / "net" / "mine.py"}
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "mine.yaml").write_text("imgH: 64\n", encoding="utf-8")
    assert trio.missing() == [trio.pth, trio.py_file]


def test_bundled_trio_names_its_missing_file(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "bundled_model_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the bundled korean_hw model is not installed: .*korean_hw\.pth is "
                                                r"missing"):
        resources.bundled_trio()


def test_easyocr_folders_follow_its_environment_variables(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EASYOCR_MODULE_PATH", raising=False)
    monkeypatch.delenv("MODULE_PATH", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert easyocr_module_path() == tmp_path / "home" / ".EasyOCR"
    monkeypatch.setenv("MODULE_PATH", str(tmp_path / "m"))
    assert easyocr_module_path() == tmp_path / "m"
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "e"))
    assert (easyocr_model_dir(), easyocr_network_dir()) == (tmp_path / "e" / "model", tmp_path / "e" / "user_network")
