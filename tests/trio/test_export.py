"""Export round trip: the trio loads in easyocr.Reader and gives the package's own logits and strings."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.dtrb import decode_gray
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.model import build_model
from easyocr_ko.recognizer.pretrained import load_checkpoint_file
from easyocr_ko.recognizer.transforms import reader_tensor
from easyocr_ko.trio.export import export_checkpoint, yaml_text

from _tiny import TINY_PARAMS, WORDS, reader_first_passes, recognize, render_png, tiny_checkpoint

SPECIAL = ' !"#\'가나다:라마바사아자\\{}-'  # starts with a space and '!"': plain YAML would break


def _reader(model_dir: Path, network_dir: Path, name: str, quantize: bool = False):
    import easyocr

    sys.modules.pop(name, None)
    return easyocr.Reader(["ko"], gpu=False, model_storage_directory=str(model_dir),
                          user_network_directory=str(network_dir), recog_network=name, download_enabled=False,
                          detector=False, verbose=False, quantize=quantize)


@pytest.fixture
def trio(tmp_path):
    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", character=SPECIAL, imgH=64, seed=3)
    paths = export_checkpoint(ckpt, tmp_path / "model", tmp_path / "net", name="custom_export_test")
    return ckpt, paths


def test_trio_files(trio):
    ckpt, paths = trio
    state = torch.load(paths["pth"], map_location="cpu", weights_only=True)
    assert all(k.startswith("module.") for k in state)
    data = yaml.load(paths["yaml"].read_text(encoding="utf-8"), Loader=yaml.FullLoader)
    assert data["character_list"] == SPECIAL
    assert data["network_params"] == TINY_PARAMS and data["imgH"] == 64 and data["lang_list"] == ["ko", "en"]
    assert "from easyocr.model.vgg_model import Model" in paths["py"].read_text(encoding="utf-8")


@pytest.mark.slow  # builds an easyocr.Reader
def test_reader_gives_the_same_logits_and_strings(trio):
    ckpt, paths = trio
    reader = _reader(paths["pth"].parent, paths["yaml"].parent, "custom_export_test")
    ours = build_model(len(SPECIAL) + 1, **TINY_PARAMS).eval()
    ours.load_state_dict(load_checkpoint_file(ckpt)["model"])
    crops = [decode_gray(render_png(w, 64)) for w in WORDS[:6]]
    theirs, firsts = reader_first_passes(reader, crops)
    with torch.no_grad():
        for crop, logits in zip(crops, firsts):
            torch.testing.assert_close(ours(reader_tensor([crop]), None), logits, rtol=0, atol=1e-5)
    mine = recognize(ours, CTCCodec(SPECIAL), crops, imgH=64)
    assert [t for t, _ in mine] == [t for t, _ in theirs]
    assert np.allclose([c for _, c in mine], [c for _, c in theirs], atol=1e-6)


def test_export_from_run_folder_and_bad_inputs(trio, tmp_path):
    ckpt, _ = trio
    with pytest.raises(EasyOcrKoError, match="identifier"):
        export_checkpoint(ckpt, tmp_path / "m", tmp_path / "n", name="my-model")
    state = load_checkpoint_file(ckpt)
    state["character"] = state["character"][:-1]
    torch.save(state, tmp_path / "mismatch.pth")
    with pytest.raises(EasyOcrKoError, match="Prediction has 20 rows but its character list has 18"):
        export_checkpoint(tmp_path / "mismatch.pth", tmp_path / "m", tmp_path / "n")
    torch.save(build_model(5, **TINY_PARAMS).state_dict(), tmp_path / "plain.pth")
    with pytest.raises(EasyOcrKoError, match="not an easyocr-ko checkpoint"):
        export_checkpoint(tmp_path / "plain.pth", tmp_path / "m", tmp_path / "n")
    from easyocr_ko.trio.export import export_run

    with pytest.raises(FileNotFoundError, match="best_accuracy.pth"):
        export_run(tmp_path / "not_a_run")


def test_yaml_round_trip_of_awkward_characters():
    for chars in [SPECIAL, "'\"", ": -", "#가", "\\n"]:
        text = yaml_text(chars, dict(TINY_PARAMS), 64, ["ko", "en"])
        assert yaml.safe_load(text)["character_list"] == chars


@pytest.mark.slow  # builds an easyocr.Reader
def test_cli_export_and_read(trio, tmp_path):
    from click.testing import CliRunner

    from easyocr_ko.cli import main

    ckpt, _ = trio
    result = CliRunner().invoke(main, ["export", str(ckpt), "--model-dir", str(tmp_path / "m2"), "--network-dir",
                                       str(tmp_path / "n2"), "--name", "custom_cli_test"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m2" / "custom_cli_test.pth").is_file()
    image = tmp_path / "word.png"
    image.write_bytes(render_png("가나다", 64))
    sys.modules.pop("custom_cli_test", None)
    result = CliRunner().invoke(main, ["read", str(image), "--no-detector", "--json", "--name", "custom_cli_test",
                                       "--model-dir", str(tmp_path / "m2"), "--network-dir", str(tmp_path / "n2")])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.stdout)[str(image)]
    assert len(rows) == 1 and set(rows[0]) == {"box", "text", "confidence"}
    missing = CliRunner().invoke(main, ["read", str(image), "--name", "nope", "--model-dir", str(tmp_path / "m2"),
                                        "--network-dir", str(tmp_path / "n2")])
    assert missing.exit_code == 1 and "nope.pth is missing" in missing.stderr
