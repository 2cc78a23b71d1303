"""--pretrained resolution: english_g2 from the offline package, korean_g2-shaped files, paths, errors."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest
import torch

from easyocr_ko.charset import easyocr_characters, korean_g2_characters
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.model import add_module_prefix, build_model
from easyocr_ko.recognizer.pretrained import find_builtin, load_pretrained


@pytest.fixture
def empty_easyocr_home(tmp_path, monkeypatch):
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))
    monkeypatch.delenv("MODULE_PATH", raising=False)
    return tmp_path / "easyocr_home"


def test_english_g2_from_offline_package(empty_easyocr_home):
    pre = load_pretrained("english_g2")
    assert pre.character == easyocr_characters("english_g2")
    assert pre.state_dict["Prediction.weight"].shape == (97, 256)
    assert pre.network_params == {"input_channel": 1, "output_channel": 256, "hidden_size": 256}
    build_model(97, **pre.network_params).load_state_dict(pre.state_dict, strict=True)


def test_korean_g2_missing_without_download_names_the_options(empty_easyocr_home):
    with pytest.raises(EasyOcrKoError) as err:
        load_pretrained("korean_g2", download=False)
    message = str(err.value)
    assert "korean_g2.pth" in message and "english_g2" in message and "none" in message and "\n" not in message


def test_korean_g2_download_failure_is_one_line(empty_easyocr_home, monkeypatch):
    import easyocr.utils

    def offline(*_a, **_k):
        raise OSError("no network")

    monkeypatch.setattr(easyocr.utils, "download_and_unzip", offline)
    with pytest.raises(EasyOcrKoError, match="could not be downloaded"):
        find_builtin("korean_g2", download=True)


def _korean_g2_shaped(path: Path) -> Path:
    torch.manual_seed(0)
    model = build_model(len(korean_g2_characters()) + 1)
    torch.save(add_module_prefix(model.state_dict()), path)
    return path


def test_korean_g2_builtin_found_and_md5_checked(empty_easyocr_home, monkeypatch):
    from easyocr.config import recognition_models

    from easyocr_ko.recognizer.pretrained import md5_file

    path = _korean_g2_shaped(_mk(empty_easyocr_home))
    with pytest.raises(EasyOcrKoError, match="wrong md5"):
        load_pretrained("korean_g2")
    monkeypatch.setitem(recognition_models["gen2"]["korean_g2"], "md5sum", md5_file(path))
    pre = load_pretrained("korean_g2")
    assert pre.character == korean_g2_characters() and len(pre.character) == 1008
    assert pre.state_dict["Prediction.weight"].shape == (1009, 256)


def _mk(home: Path) -> Path:
    (home / "model").mkdir(parents=True)
    return home / "model" / "korean_g2.pth"


def test_path_to_korean_g2_shaped_checkpoint_infers_charset(tmp_path):
    pre = load_pretrained(_korean_g2_shaped(tmp_path / "some_model.pth"))
    assert pre.character == korean_g2_characters()


def test_path_with_easyocr_yaml_beside_it(tmp_path):
    chars = "가나다"
    model = build_model(len(chars) + 1, output_channel=32, hidden_size=32)
    torch.save(add_module_prefix(model.state_dict()), tmp_path / "mine.pth")
    (tmp_path / "mine.yaml").write_text(f"character_list: {chars}\nimgH: 64\n", encoding="utf-8")
    pre = load_pretrained(tmp_path / "mine.pth")
    assert pre.character == chars and pre.network_params["output_channel"] == 32


def test_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_pretrained(tmp_path / "missing.pth")
    corrupt = tmp_path / "corrupt.pth"
    corrupt.write_bytes(b"not a checkpoint at all")
    with pytest.raises(EasyOcrKoError, match="cannot read"):
        load_pretrained(corrupt)
    # a state dict that is not gen2 (e.g. a CRAFT-like or gen1 file)
    torch.save(OrderedDict(foo=torch.zeros(3)), tmp_path / "other.pth")
    with pytest.raises(EasyOcrKoError, match="neither an EasyOCR gen2 nor a DTRB recognizer"):
        load_pretrained(tmp_path / "other.pth")
    # gen2 keys, but an unknown class count and no yaml: no character list
    torch.save(build_model(7, output_channel=32, hidden_size=32).state_dict(), tmp_path / "odd.pth")
    with pytest.raises(EasyOcrKoError, match="no character list"):
        load_pretrained(tmp_path / "odd.pth")
    # wrong shape: a layer that does not fit the inferred network_params
    state = build_model(97, output_channel=32, hidden_size=32).state_dict()
    state["SequenceModeling.0.linear.weight"] = torch.zeros(32, 10)
    torch.save(state, tmp_path / "wrong.pth")
    with pytest.raises(EasyOcrKoError, match="SequenceModeling.0.linear.weight has shape"):
        load_pretrained(tmp_path / "wrong.pth")


class NotATensor:
    """An arbitrary pickled object: weights_only loading must refuse it."""


def test_weights_only_refuses_pickled_objects(tmp_path):
    torch.save({"model": NotATensor()}, tmp_path / "evil.pth")
    with pytest.raises(EasyOcrKoError, match="cannot read"):
        load_pretrained(tmp_path / "evil.pth")
