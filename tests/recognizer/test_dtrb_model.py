"""DTRB stage combinations (easyocr_ko/recognizer/dtrb.py): shapes, DTRB state-dict names, gen2 compatibility,
attention decoding and training; the file holds the network only (it is shipped as every trio's NAME.py)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.datasets.dtrb import decode_gray
from easyocr_ko.recognizer import dtrb
from easyocr_ko.recognizer.dtrb import Model, is_dtrb_params, stage_string
from easyocr_ko.recognizer.model import network_params_from_state_dict
from easyocr_ko.recognizer.transforms import reader_tensor
from easyocr_ko.training.losses import attention_loss

from _tiny import render_png

CHARS = "abcdefghij"
TINY = {"output_channel": 32, "hidden_size": 16}


def _combo(text: str) -> dict:
    return dict(zip(("Transformation", "FeatureExtraction", "SequenceModeling", "Prediction"), text.split("-")))


def test_the_shipped_network_file_holds_the_network_only():
    """dtrb.py is copied verbatim as NAME.py into users' EasyOCR folders: it imports nothing from easyocr_ko
    (only torch, numpy and easyocr) and defines no label codec and no loss."""
    tree = ast.parse(Path(dtrb.__file__).read_text(encoding="utf-8"))
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {m.split(".")[0] for m in imported} <= {"__future__", "collections", "numpy", "torch", "easyocr"}, imported
    names = [node.name for node in ast.walk(tree)
             if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    assert not [n for n in names if "codec" in n.lower() or "loss" in n.lower()], names
    assert "Model" in names and "Attention" in names


# ---------------------------------------------------------------- shapes

@pytest.mark.parametrize("stages, width, steps", [
    ("None-VGG-BiLSTM-CTC", 100, 100 // 4 - 1),  # VGG: W/4 - 1
    ("TPS-ResNet-BiLSTM-CTC", 100, 48 // 4 + 1),  # TPS resamples to imgW 48; ResNet: W/4 + 1
    ("TPS-ResNet-BiLSTM-Attn", 100, 7 + 1),  # batch_max_length + 1 ([s])
    ("None-RCNN-None-CTC", 100, 100 // 4 + 1),  # RCNN: W/4 + 1
])
def test_logit_shapes(stages, width, steps):
    num_class = len(CHARS) + (2 if stages.endswith("Attn") else 1)
    model = Model(num_class=num_class, imgH=32, imgW=48, batch_max_length=7, **TINY, **_combo(stages)).eval()
    with torch.no_grad():
        logits = model(torch.rand(3, 1, 32, width) * 2 - 1)
        reader_style = model(torch.zeros(3, 1, 32, width), torch.zeros(3, width // 10 + 1, dtype=torch.long))
    assert logits.shape == (3, steps, num_class) and logits.dtype == torch.float32
    assert reader_style.shape == logits.shape
    assert stage_string(model.network_params) == stages
    assert is_dtrb_params(model.network_params) and not is_dtrb_params({"input_channel": 1, "output_channel": 256})


def test_tps_output_width_is_fixed_and_ctc_width_follows_input():
    tps = Model(num_class=5, Transformation="TPS", FeatureExtraction="ResNet", imgH=32, imgW=48, **TINY).eval()
    plain = Model(num_class=5, FeatureExtraction="ResNet", **TINY).eval()
    with torch.no_grad():
        assert tps(torch.zeros(1, 1, 32, 64)).shape == tps(torch.zeros(1, 1, 32, 160)).shape == (1, 13, 5)
        assert plain(torch.zeros(1, 1, 32, 64)).shape[1] == 17 and plain(torch.zeros(1, 1, 32, 160)).shape[1] == 41


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="FeatureExtraction must be one of"):
        Model(num_class=5, FeatureExtraction="CRNN")
    with pytest.raises(ValueError, match="multiple of 16"):
        Model(num_class=5, FeatureExtraction="ResNet", output_channel=40)
    with pytest.raises(ValueError, match="num_fiducial"):
        Model(num_class=5, Transformation="TPS", num_fiducial=7)
    with pytest.raises(TypeError):
        Model(5)  # keyword arguments only, as Reader calls it


# ---------------------------------------------------------------- DTRB state-dict names (from DTRB's modules/*.py)

def _bn(p: str, c: int) -> dict:
    return {f"{p}.weight": (c,), f"{p}.bias": (c,), f"{p}.running_mean": (c,), f"{p}.running_var": (c,),
            f"{p}.num_batches_tracked": ()}


def _conv(p: str, c_in: int, c_out: int, k: int, bias: bool) -> dict:
    return {f"{p}.weight": (c_out, c_in, k, k), **({f"{p}.bias": (c_out,)} if bias else {})}


def _linear(p: str, c_in: int, c_out: int, bias: bool = True) -> dict:
    return {f"{p}.weight": (c_out, c_in), **({f"{p}.bias": (c_out,)} if bias else {})}


def _bilstm(p: str, c_in: int, h: int) -> dict:
    out = {}
    for suffix in ("", "_reverse"):
        out.update({f"{p}.rnn.weight_ih_l0{suffix}": (4 * h, c_in), f"{p}.rnn.weight_hh_l0{suffix}": (4 * h, h),
                    f"{p}.rnn.bias_ih_l0{suffix}": (4 * h,), f"{p}.rnn.bias_hh_l0{suffix}": (4 * h,)})
    return {**out, **_linear(f"{p}.linear", 2 * h, h)}


def _dtrb_tps(F: int, c: int, H: int, W: int) -> dict:
    p = "Transformation.LocalizationNetwork"
    out = {}
    for index, (c_in, c_out) in zip((0, 4, 8, 12), ((c, 64), (64, 128), (128, 256), (256, 512))):
        out.update(_conv(f"{p}.conv.{index}", c_in, c_out, 3, False), **_bn(f"{p}.conv.{index + 1}", c_out))
    out.update(_linear(f"{p}.localization_fc1.0", 512, 256), **_linear(f"{p}.localization_fc2", 256, 2 * F))
    out.update({"Transformation.GridGenerator.inv_delta_C": (F + 3, F + 3),
                "Transformation.GridGenerator.P_hat": (H * W, F + 3)})
    return out


def _dtrb_resnet(c: int, oc: int) -> dict:
    p = "FeatureExtraction.ConvNet"
    out = {**_conv(f"{p}.conv0_1", c, oc // 16, 3, False), **_bn(f"{p}.bn0_1", oc // 16),
           **_conv(f"{p}.conv0_2", oc // 16, oc // 8, 3, False), **_bn(f"{p}.bn0_2", oc // 8)}
    inplanes = oc // 8
    for layer, (planes, blocks) in enumerate(((oc // 4, 1), (oc // 2, 2), (oc, 5), (oc, 3)), start=1):
        for b in range(blocks):
            q = f"{p}.layer{layer}.{b}"
            out.update(_conv(f"{q}.conv1", inplanes, planes, 3, False), **_bn(f"{q}.bn1", planes),
                       **_conv(f"{q}.conv2", planes, planes, 3, False), **_bn(f"{q}.bn2", planes))
            if b == 0 and inplanes != planes:
                out.update(_conv(f"{q}.downsample.0", inplanes, planes, 1, False), **_bn(f"{q}.downsample.1", planes))
            inplanes = planes
    for name, ch, k in (("1", oc // 4, 3), ("2", oc // 2, 3), ("3", oc, 3), ("4_1", oc, 2), ("4_2", oc, 2)):
        out.update(_conv(f"{p}.conv{name}", ch, ch, k, False), **_bn(f"{p}.bn{name}", ch))
    return out


def _dtrb_rcnn(c: int, oc: int) -> dict:
    p = "FeatureExtraction.ConvNet"
    out = _conv(f"{p}.0", c, oc // 8, 3, True)
    for index, (c_in, c_out) in zip((3, 5, 7), ((oc // 8, oc // 8), (oc // 8, oc // 4), (oc // 4, oc // 2))):
        q = f"{p}.{index}"
        out.update(_conv(f"{q}.wgf_u", c_in, c_out, 1, False), **_conv(f"{q}.wgr_x", c_out, c_out, 1, False),
                   **_conv(f"{q}.wf_u", c_in, c_out, 3, False), **_conv(f"{q}.wr_x", c_out, c_out, 3, False),
                   **_bn(f"{q}.BN_x_init", c_out))
        for i in range(5):
            for bn in ("BN_gfu", "BN_grx", "BN_fu", "BN_rx", "BN_Gx"):
                out.update(_bn(f"{q}.GRCL.{i}.{bn}", c_out))
    return {**out, **_conv(f"{p}.9", oc // 2, oc, 2, False), **_bn(f"{p}.10", oc)}


def _dtrb_attn(c_in: int, h: int, n: int) -> dict:
    p = "Prediction.attention_cell"
    return {**_linear(f"{p}.i2h", c_in, h, bias=False), **_linear(f"{p}.h2h", h, h),
            **_linear(f"{p}.score", h, 1, bias=False),
            f"{p}.rnn.weight_ih": (4 * h, c_in + n), f"{p}.rnn.weight_hh": (4 * h, h),
            f"{p}.rnn.bias_ih": (4 * h,), f"{p}.rnn.bias_hh": (4 * h,), **_linear("Prediction.generator", h, n)}


def _random_state(shapes: dict) -> dict:
    g = torch.Generator().manual_seed(1)
    return {k: (torch.tensor(7) if k.endswith("num_batches_tracked") else
                torch.rand(s, generator=g) + (0.5 if k.endswith("running_var") else -0.5)) for k, s in shapes.items()}


def test_dtrb_named_state_dict_loads_strictly():
    n, F, H, W, oc, h = len(CHARS) + 2, 20, 32, 40, 32, 16
    shapes = {**_dtrb_tps(F, 1, H, W), **_dtrb_resnet(1, oc), **_bilstm("SequenceModeling.0", oc, h),
              **_bilstm("SequenceModeling.1", h, h), **_dtrb_attn(h, h, n)}
    model = Model(num_class=n, Transformation="TPS", FeatureExtraction="ResNet", Prediction="Attn", imgH=H, imgW=W,
                  output_channel=oc, hidden_size=h, num_fiducial=F)
    ours = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert ours == shapes  # same names and shapes as DTRB, nothing more, nothing less
    dtrb = {"module." + k: v for k, v in _random_state(shapes).items()}  # DTRB saves DataParallel state dicts
    model.load_state_dict({k[7:]: v for k, v in dtrb.items()}, strict=True)
    assert all(torch.equal(model.state_dict()[k[7:]], v) for k, v in dtrb.items())

    rcnn = {**_dtrb_rcnn(1, oc), **_linear("Prediction", oc, len(CHARS) + 1)}
    plain = Model(num_class=len(CHARS) + 1, FeatureExtraction="RCNN", SequenceModeling="None", output_channel=oc)
    assert {k: tuple(v.shape) for k, v in plain.state_dict().items()} == rcnn
    plain.load_state_dict(_random_state(rcnn), strict=True)


def test_tps_buffers_are_the_thin_plate_spline_system():
    model = Model(num_class=5, Transformation="TPS", imgH=8, imgW=12, num_fiducial=6, output_channel=32)
    grid = model.Transformation.GridGenerator
    P_hat = grid.P_hat  # (H*W, F+3): [1, x, y, rbf...], x fastest
    assert P_hat.shape == (96, 9) and torch.all(P_hat[:, 0] == 1)
    assert torch.allclose(P_hat[:12, 1], (torch.arange(-12, 12, 2) + 1.0) / 12)
    assert torch.allclose(P_hat[::12, 2], (torch.arange(-8, 8, 2) + 1.0) / 8)
    # An identity rectification: with C' = C (the base points), the grid is the output pixel centres.
    C = torch.tensor([[-1, -1], [0, -1], [1, -1], [-1, 1], [0, 1], [1, 1]], dtype=torch.float32)
    assert torch.allclose(grid.build_P_prime(C[None]), P_hat[None, :, 1:3], atol=1e-4)


# ---------------------------------------------------------------- EasyOCR gen2 = None-VGG-BiLSTM-CTC, 256

def test_english_g2_loads_and_gives_easyocr_logits():
    easyocr_en_models = pytest.importorskip("easyocr_en_models")
    from easyocr.model.vgg_model import Model as Gen2

    path = Path(easyocr_en_models.model_dir()) / "english_g2.pth"
    state = {k[7:] if k.startswith("module.") else k: v
             for k, v in torch.load(path, map_location="cpu", weights_only=True).items()}
    num_class = state["Prediction.weight"].shape[0]
    ours = Model(num_class=num_class, output_channel=256, hidden_size=256).eval()
    ours.load_state_dict(state, strict=True)
    theirs = Gen2(input_channel=1, output_channel=256, hidden_size=256, num_class=num_class).eval()
    theirs.load_state_dict(state, strict=True)
    images = torch.cat([reader_tensor([decode_gray(render_png("Seoul 2024", 64))]), torch.rand(1, 1, 64, 192) * 2 - 1]
                       [:1], 0)
    images = torch.cat([images, torch.rand(1, 1, 64, images.shape[3]) * 2 - 1])
    with torch.no_grad():
        a, b = ours(images), theirs(images, None)
    torch.testing.assert_close(a, b, rtol=0, atol=1e-5)
    assert network_params_from_state_dict(state)["output_channel"] == 256
    from easyocr_ko.charset import easyocr_characters

    text = CTCCodec(easyocr_characters("english_g2")).decode_greedy(a[:1].argmax(2))[0]
    assert len(text) >= 5 and text[0] == "S"  # a real model reading the handwriting-font crop (not a blank)


# ---------------------------------------------------------------- attention decoding and training

def test_attn_greedy_decoding_feeds_back_its_own_argmax():
    model = Model(num_class=len(CHARS) + 2, FeatureExtraction="ResNet", Prediction="Attn", batch_max_length=5,
                  **TINY).eval()
    images = torch.rand(2, 1, 32, 64) * 2 - 1
    with torch.no_grad():
        greedy = model(images)  # text=None, is_train=False
        go = torch.zeros(2, 1, dtype=torch.long)
        forced = model(images, torch.cat([go, greedy.argmax(2)[:, :-1]], 1), is_train=True)
    assert greedy.shape == (2, 6, len(CHARS) + 2)
    torch.testing.assert_close(forced, greedy)
    with pytest.raises(ValueError, match="teacher forcing"):
        model(images, None, is_train=True)


def test_attn_teacher_forcing_learns():
    codec = AttnCodec(CHARS)
    model = Model(num_class=codec.num_class, FeatureExtraction="VGG", SequenceModeling="None", Prediction="Attn",
                  batch_max_length=3, output_channel=16, hidden_size=16)
    images = -torch.ones(2, 1, 32, 48)
    images[0, :, :, :24] = 1  # two images the network can tell apart
    images[1, :, :, 24:] = 1
    text, _ = codec.encode(["abc", "de"], batch_max_length=3)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(200):
        loss = attention_loss(model(images, text[:, :-1], is_train=True), text)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.1 * losses[0]
    with torch.no_grad():
        assert codec.decode_logits(model.eval()(images)) == ["abc", "de"]
