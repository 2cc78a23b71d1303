"""Export of DTRB checkpoints: a TPS-ResNet-BiLSTM-CTC trio reads in a real easyocr.Reader exactly as easyocr-ko
reads the same model (float and quantized), check_trio and eval load it, Attn and mismatches are refused."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.dtrb import decode_gray
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.models import resolve_model
from easyocr_ko.recognizer import dtrb
from easyocr_ko.recognizer.dtrb import Model, stage_string
from easyocr_ko.recognizer.predict import quantize_like_reader, read_batch
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT, load_checkpoint_file
from easyocr_ko.recognizer.transforms import reader_tensor
from easyocr_ko.resources import TrioLocation, user_network_dir
from easyocr_ko.trio.check import check_trio
from easyocr_ko.trio.export import export_checkpoint

from _tiny import reader_first_passes, recognize, render_png

CHARS = "abcdefghij"
TINY = {"output_channel": 32, "hidden_size": 16}  # ResNet channels 4/8/16/32: fast on a CPU
WORDS = ("abc", "hij", "bad face", "e", "gif")
NAME = "dtrb_tps_export_test"


def _combo(stages: str) -> dict:
    return dict(zip(("Transformation", "FeatureExtraction", "SequenceModeling", "Prediction"), stages.split("-")))


def _checkpoint(path: Path, stages: str, seed: int = 0) -> tuple[Path, Model]:
    """A finetune-like checkpoint of a tiny DTRB model at imgH 64 (EasyOCR gen2's height, Reader's imgH path)."""
    torch.manual_seed(seed)
    num_class = len(CHARS) + (2 if stages.endswith("Attn") else 1)
    model = Model(num_class=num_class, imgH=64, imgW=96, batch_max_length=10, **TINY, **_combo(stages))
    with torch.no_grad():
        if stages.endswith("CTC"):
            model.Prediction.weight *= 5  # sharper logits: the random model emits characters
        if stages.startswith("TPS"):  # DTRB starts from the identity warp; make the TPS stage matter
            model.Transformation.LocalizationNetwork.localization_fc2.weight.normal_(0, 0.01)
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": CHARS,
                "network_params": dict(model.network_params), "imgH": 64}, path)
    return path, model.eval()


def _reader(loc: TrioLocation, quantize: bool):
    import easyocr

    sys.modules.pop(loc.name, None)
    return easyocr.Reader(["en"], gpu=False, model_storage_directory=str(loc.model_dir),
                          user_network_directory=str(loc.network_dir), recog_network=loc.name,
                          download_enabled=False, detector=False, verbose=False, quantize=quantize)


@pytest.fixture(scope="module")
def tps(tmp_path_factory) -> tuple[TrioLocation, Model]:
    """The TPS-ResNet-BiLSTM-CTC checkpoint exported as a run's ``export/`` folder, and its model."""
    tmp = tmp_path_factory.mktemp("dtrb_export")
    ckpt, model = _checkpoint(tmp / "tps.pth", "TPS-ResNet-BiLSTM-CTC")
    paths = export_checkpoint(ckpt, tmp / "export" / "model", tmp / "export" / "user_network", name=NAME)
    loc = TrioLocation(NAME, tmp / "export" / "model", tmp / "export" / "user_network")
    assert paths == loc.files
    return loc, model


@pytest.fixture(scope="module")
def crops() -> list[np.ndarray]:
    return [decode_gray(render_png(w, 64)) for w in WORDS]


def test_dtrb_trio_files(tps):
    loc, model = tps
    config = yaml.load(loc.yaml_file.read_text(encoding="utf-8"), Loader=yaml.FullLoader)  # Reader's loader
    assert config["network_params"] == model.network_params  # every keyword of Model but num_class
    assert config["network_params"]["Transformation"] == "TPS" and config["network_params"]["imgW"] == 96
    assert (config["imgH"], config["character_list"], config["lang_list"]) == (64, CHARS, ["ko", "en"])
    assert loc.py_file.read_bytes() == Path(dtrb.__file__).read_bytes()  # verbatim copy
    tree = ast.parse(loc.py_file.read_text(encoding="utf-8"))
    modules = {(n.module if isinstance(n, ast.ImportFrom) else n.names[0].name).split(".")[0]
               for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
    assert modules <= {"__future__", "collections", "typing", "numpy", "torch", "easyocr"}  # an EasyOCR user's
    state = torch.load(loc.pth, map_location="cpu", weights_only=True)
    assert list(state) == ["module." + k for k in model.state_dict()]
    assert "module.Transformation.GridGenerator.P_hat" in state
    for key, tensor in model.state_dict().items():
        assert torch.equal(state["module." + key], tensor)


@pytest.mark.slow  # builds an easyocr.Reader
@pytest.mark.parametrize("quantize", [False, True])
def test_reader_reads_the_dtrb_trio_like_easyocr_ko(tps, crops, quantize):
    loc, model = tps
    ours = quantize_like_reader(model) if quantize else model  # Reader quantizes on the CPU by default
    reader = _reader(loc, quantize)
    quantized = {type(m).__name__ for m in reader.recognizer.modules() if ".dynamic." in type(m).__module__}
    # Reader's quantize_dynamic turns every Linear (TPS localization fc1/fc2, BiLSTM projections, the CTC head)
    # and LSTM of the DTRB network into dynamic int8 modules (convolutions stay float), as quantize_like_reader
    # does to ours; it does not fail and fall back to float.
    assert ({"LSTM", "Linear"} <= quantized) if quantize else not quantized
    assert isinstance(reader.recognizer.Transformation.LocalizationNetwork.localization_fc2,
                      torch.ao.nn.quantized.dynamic.Linear) == quantize
    theirs, firsts = reader_first_passes(reader, crops)
    with torch.no_grad():
        logits = [ours(reader_tensor([crop], 64)) for crop in crops]
    for mine, reader_logits in zip(logits, firsts):
        torch.testing.assert_close(mine, reader_logits, rtol=0, atol=1e-5)
    assert not torch.allclose(logits[0][:, :5], logits[1][:, :5])  # the input matters
    mine = recognize(ours, CTCCodec(CHARS), crops, imgH=64)
    assert [t for t, _ in mine] == [t for t, _ in theirs] and all(t for t, _ in mine)
    assert np.allclose([c for _, c in mine], [c for _, c in theirs], rtol=1e-5, atol=1e-12)


def test_check_trio_and_eval_load_the_dtrb_trio(tps, crops):
    loc, model = tps
    trio = check_trio(loc)
    assert (trio.name, trio.character, trio.imgH, trio.symbols) == (NAME, CHARS, 64, CHARS)
    assert not trio.model.training and trio.model.network_params == model.network_params
    assert type(trio.model).__name__ == "Model" and type(trio.model) is not Model  # NAME.py's class
    spec = resolve_model(loc.network_dir.parent)  # eval --model RUN/export
    assert (spec.kind, spec.name, spec.imgH, spec.character) == ("trio", NAME, 64, CHARS)
    assert spec.model is not None and type(spec.model).__module__ == type(trio.model).__module__
    images = reader_tensor(crops[:1], 64)
    with torch.no_grad():
        torch.testing.assert_close(spec.model(images, None), model(images), rtol=0, atol=1e-6)
    codec = CTCCodec(CHARS)
    for quantize in (False, True):
        theirs = spec.model if not quantize else quantize_like_reader(spec.model)
        ours = model if not quantize else quantize_like_reader(model)
        assert [r.text for r in read_batch(theirs, codec, crops[:2])] == [r.text for r in read_batch(ours, codec,
                                                                                                    crops[:2])]


def test_check_trio_refuses_a_dtrb_trio_reader_cannot_read(tps, tmp_path):
    source, _ = tps
    loc = TrioLocation(NAME, tmp_path, tmp_path)
    for kind, path in source.files.items():
        loc.files[kind].write_bytes(path.read_bytes())
    config = yaml.safe_load(loc.yaml_file.read_text(encoding="utf-8"))
    for change, pattern in [({"Prediction": "Attn"}, r"^EasyOCR's Reader decodes CTC only: .*Prediction: Attn"),
                            ({"FeatureExtraction": "VGG"}, r"does not load into .*\.py's Model"),
                            ({"FeatureExtraction": "Dense"}, r"FeatureExtraction must be one of VGG\|RCNN\|ResNet")]:
        edited = {**config, "network_params": {**config["network_params"], **change}}
        loc.yaml_file.write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")
        with pytest.raises(EasyOcrKoError, match=pattern) as err:
            check_trio(loc)
        assert "\n" not in str(err.value)


def test_attn_export_is_refused_and_writes_nothing(tmp_path):
    ckpt, _ = _checkpoint(tmp_path / "attn.pth", "TPS-ResNet-BiLSTM-Attn")
    with pytest.raises(EasyOcrKoError, match=r"^EasyOCR's Reader decodes CTC only: .*TPS-ResNet-BiLSTM-Attn "
                                             r"model .*easyocr-ko read/eval .*--Prediction CTC") as err:
        export_checkpoint(ckpt, tmp_path / "model", tmp_path / "net", name="dtrb_attn_refused")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "model").exists() and not (tmp_path / "net").exists()


def _refused(tmp_path: Path, state: dict, pattern: str) -> None:
    torch.save(state, tmp_path / "bad.pth")
    with pytest.raises(EasyOcrKoError, match=pattern) as err:
        export_checkpoint(tmp_path / "bad.pth", tmp_path / "m", tmp_path / "n", name="dtrb_refused")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "m").exists() and not (tmp_path / "n").exists()


def test_dtrb_export_refuses_mismatches(tmp_path):
    ckpt, model = _checkpoint(tmp_path / "rcnn.pth", "None-RCNN-None-CTC")
    state = load_checkpoint_file(ckpt)
    _refused(tmp_path, {**state, "character": CHARS[:-1]},
             r"Prediction has 11 rows but its character list has 9 characters \(\+1 blank\)")
    _refused(tmp_path, {**state, "network_params": {**model.network_params, "output_channel": 64}},
             r"has shape .*expected .* for network_params")
    _refused(tmp_path, {**state, "network_params": {**model.network_params, "SequenceModeling": "BiLSTM"}},
             r"does not match the None-RCNN-BiLSTM-CTC architecture: missing")
    _refused(tmp_path, {**state, "network_params": {**model.network_params, "FeatureExtraction": "Dense"}},
             r"cannot build None-Dense-None-CTC .*FeatureExtraction must be one of")
    weights = {k: v for k, v in state["model"].items() if not k.startswith("FeatureExtraction.")}
    _refused(tmp_path, {**state, "model": weights}, r"neither an EasyOCR gen2 nor a DTRB recognizer checkpoint")
    _refused(tmp_path, {**state, "model": "weights"}, r"needs 'model' \(a state dict\)")


def test_dtrb_params_are_read_from_the_weights_without_stage_options(tmp_path):
    ckpt, model = _checkpoint(tmp_path / "rcnn.pth", "None-RCNN-None-CTC")
    state = load_checkpoint_file(ckpt)
    state["network_params"] = {"input_channel": 1, "output_channel": 32, "hidden_size": 16}  # gen2-style keys
    torch.save(state, tmp_path / "inferred.pth")
    paths = export_checkpoint(tmp_path / "inferred.pth", tmp_path / "m", tmp_path / "n", name="dtrb_inferred")
    params = yaml.safe_load(paths["yaml"].read_text(encoding="utf-8"))["network_params"]
    # hidden_size (unused without BiLSTM) from the saved params, imgW and batch_max_length (unused by
    # None-RCNN-None-CTC) are dtrb.Model's defaults
    assert params == {**model.network_params, "imgW": 100, "batch_max_length": 25}
    assert stage_string(params) == "None-RCNN-None-CTC"
    assert paths["py"].read_bytes() == Path(dtrb.__file__).read_bytes()


def test_gen2_layout_saved_with_stage_options_exports_as_gen2(tmp_path, crops):
    ckpt, model = _checkpoint(tmp_path / "vgg.pth", "None-VGG-BiLSTM-CTC")
    paths = export_checkpoint(ckpt, tmp_path / "m", tmp_path / "n", name="dtrb_gen2_layout")
    config = yaml.safe_load(paths["yaml"].read_text(encoding="utf-8"))
    assert config["network_params"] == {"input_channel": 1, "output_channel": 32, "hidden_size": 16}
    assert paths["py"].read_bytes() == (user_network_dir() / "custom.py").read_bytes()  # EasyOCR's own network
    trio = check_trio(TrioLocation("dtrb_gen2_layout", tmp_path / "m", tmp_path / "n"))
    images = reader_tensor(crops[:2], 64)
    with torch.no_grad():
        torch.testing.assert_close(trio.model(images, None), model(images), rtol=0, atol=1e-6)
