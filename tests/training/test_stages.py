"""DTRB stage combinations in finetune: None-VGG-BiLSTM-CTC, TPS-ResNet-BiLSTM-CTC and TPS-ResNet-BiLSTM-Attn
train, resume exactly and evaluate on CPU with tiny data; DTRB checkpoints load as --pretrained."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from easyocr_ko.cli.main import main
from easyocr_ko.config import FinetuneConfig
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.models import resolve_model
from easyocr_ko.recognizer.dtrb import Model, stage_string
from easyocr_ko.recognizer.model import stages_of
from easyocr_ko.recognizer.pretrained import load_checkpoint_file, load_pretrained
from easyocr_ko.training.finetune import finetune
from easyocr_ko.training.state import load_run_config

from _tiny import WORDS, make_dataset, tiny_checkpoint

CHARS = "가나다라마바사아자"
SMALL = {"output_channel": 32, "hidden_size": 16}  # ResNet needs a multiple of 16
COMBOS = ["None-VGG-BiLSTM-CTC", "TPS-ResNet-BiLSTM-CTC", "TPS-ResNet-BiLSTM-Attn"]


def _stages(text: str) -> dict:
    return dict(zip(("Transformation", "FeatureExtraction", "SequenceModeling", "Prediction"), text.split("-")))



def _config(data: Path, out: Path, stages: str, **kw) -> FinetuneConfig:
    base = dict(data=(data,), output=out, pretrained="none", imgH=32, imgW=48, num_fiducial=6, batch_size=8,
                num_iter=6, val_interval=3, optim="adam", lr=3e-3, seed=7, num_threads=1, show_examples=2,
                batch_max_length=5, character=CHARS, **SMALL, **_stages(stages))
    base.update(kw)
    return FinetuneConfig(**base)


@pytest.mark.parametrize("stages", COMBOS)
def test_trains_resumes_exactly_and_evaluates(data, tmp_path, stages):
    straight, parted = tmp_path / "straight", tmp_path / "parted"
    summary = finetune(_config(data, straight, stages), log_stream=None)
    finetune(_config(data, parted, stages, num_iter=3), log_stream=None)
    resumed = finetune(load_run_config(parted, {"num_iter": 6}), resume=True, log_stream=None)
    assert summary["steps"] == 6 and resumed["resumed_from"] == 3

    a, b = load_checkpoint_file(straight / "last.pth"), load_checkpoint_file(parted / "last.pth")
    assert stage_string(stages_of(a["network_params"])) == stages
    for key in a["model"]:
        assert torch.equal(a["model"][key], b["model"][key]), key
    records = [json.loads(x) for x in (straight / "metrics.jsonl").read_text().splitlines()]
    assert [r["train_loss"] for r in records] == \
        [json.loads(x)["train_loss"] for x in (parted / "metrics.jsonl").read_text().splitlines()]
    assert all(r["valid_loss"] == r["valid_loss"] for r in records)  # a number, not NaN, for every kind
    log = (straight / "log_train.txt").read_text(encoding="utf-8")
    assert f"network: {stages}" in log and "parameters" in log

    spec = resolve_model(straight)  # what `easyocr-ko eval --model RUN` reads
    assert spec.character == CHARS
    with torch.no_grad():
        logits = spec.model(torch.zeros(1, 1, 32, 64), None)
    assert logits.shape[-1] == len(CHARS) + (2 if stages.endswith("Attn") else 1)
    # `easyocr-ko eval` reads the run like its validation did (float weights: --no-quantize): same accuracy
    result = CliRunner().invoke(main, ["eval", "--data", str(data), "--model", str(straight), "--checkpoint", "last",
                                       "--no-quantize", "--json", "-q", "--device", "cpu", "--lang", "ko"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)["models"]["straight"]["metrics"]
    assert scores["n"] == len(WORDS) and scores["accuracy"] == pytest.approx(records[-1]["accuracy"])
    exported = straight / "export" / "model" / "custom.pth"
    assert exported.is_file() == stages.endswith("CTC")  # Attn: no trio, Reader decodes CTC only
    if stages.endswith("Attn"):
        assert "no trio exported" in log


@pytest.mark.slow  # 120 steps of an Attn network
def test_the_loss_falls_for_attn(data, tmp_path):
    # teacher forcing and the loss see the labels: a small decoder overfits 16 words
    same = make_dataset(tmp_path / "same", val_offset=0)  # validation = the training images
    finetune(_config(same, tmp_path / "run", "None-VGG-None-Attn", num_iter=120, val_interval=40, batch_size=16,
                     output_channel=64, hidden_size=64), log_stream=None)
    records = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert records[-1]["train_loss"] < 0.5 * records[1]["train_loss"]
    assert records[-1]["valid_loss"] < 0.5 * records[0]["valid_loss"]
    assert records[-1]["accuracy"] > 0.5


def _dtrb_saved_model(folder: Path, stages: str, character: str) -> tuple[Path, Model]:
    """What DTRB's train.py leaves in saved_models/<exp_name>/: a DataParallel state dict and opt.txt."""
    folder.mkdir(parents=True)
    num_class = len(character) + (2 if stages.endswith("Attn") else 1)
    torch.manual_seed(3)
    model = Model(num_class=num_class, imgH=32, imgW=48, num_fiducial=6, batch_max_length=5, **SMALL,
                  **_stages(stages))
    torch.save({"module." + k: v for k, v in model.state_dict().items()}, folder / "best_accuracy.pth")
    options = {"exp_name": "x", "batch_max_length": 5, "imgH": 32, "imgW": 48, "rgb": False,
               "character": character, "sensitive": False, "PAD": False, **_stages(stages), "num_fiducial": 6,
               "input_channel": 1, "output_channel": 32, "hidden_size": 16, "num_class": num_class}
    lines = ["------------ Options -------------"] + [f"{k}: {v}" for k, v in options.items()]
    (folder / "opt.txt").write_text("\n".join(lines + ["---------------------------------------", ""]),
                                    encoding="utf-8")
    return folder / "best_accuracy.pth", model


@pytest.mark.parametrize("stages", ["TPS-ResNet-BiLSTM-CTC", "TPS-ResNet-BiLSTM-Attn"])
def test_a_dtrb_checkpoint_loads_as_pretrained(data, tmp_path, stages):
    path, model = _dtrb_saved_model(tmp_path / "saved_models" / "x", stages, CHARS + " ")
    pre = load_pretrained(path)
    assert pre.character == CHARS + " " and pre.imgH == 32  # from opt.txt; the space is a character
    assert stage_string(pre.network_params) == stages and pre.network_params["imgW"] == 48
    built = pre.build()
    images = torch.rand(2, 1, 32, 60) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(built(images), model.eval()(images))

    run = tmp_path / "run"
    finetune(_config(data, run, stages, pretrained=str(path), num_iter=1, val_interval=1, character=None),
             log_stream=None)
    log = (run / "log_train.txt").read_text(encoding="utf-8")
    total = len(model.state_dict())
    assert f"pretrained tensors loaded {total} of {total}" in log  # the same network: every tensor, strictly
    assert "Prediction rows copied 10, new 0" in log  # 9 Hangul + the space, by character


def test_another_network_loads_the_fitting_tensors(data, tmp_path):
    init = tiny_checkpoint(tmp_path / "gen2.pth", character=CHARS)  # gen2: VGG 64, hidden 64
    run = tmp_path / "run"
    finetune(_config(data, run, "TPS-VGG-BiLSTM-CTC", pretrained=str(init), output_channel=None, hidden_size=None,
                     num_iter=1, val_interval=1), log_stream=None)
    state = load_checkpoint_file(run / "last.pth")
    assert state["network_params"]["output_channel"] == 64 and state["network_params"]["hidden_size"] == 64
    log = (run / "log_train.txt").read_text(encoding="utf-8")
    assert "a different network: the rest start random" in log
    gen2 = load_checkpoint_file(init)["model"]
    loaded = int(log.split("pretrained tensors loaded ")[1].split(" of")[0])
    assert loaded == len(gen2)  # everything but TPS came from the gen2 weights
    tps = [k for k in state["model"] if k.startswith("Transformation.")]
    assert tps and len(state["model"]) == len(gen2) + len(tps)


def test_bad_stage_options_fail_in_one_line(data, tmp_path):
    with pytest.raises(EasyOcrKoError, match="FeatureExtraction must be VGG, RCNN or ResNet"):
        _config(data, tmp_path / "run", "None-VGG-BiLSTM-CTC", FeatureExtraction="CRNN")
    with pytest.raises(EasyOcrKoError, match="num_fiducial must be even"):
        _config(data, tmp_path / "run", "TPS-VGG-BiLSTM-CTC", num_fiducial=7)
    assert not (tmp_path / "run").exists()


def test_words_are_the_tiny_data():
    assert set("".join(WORDS)) <= set(CHARS)
