"""The network factory (gen2 and DTRB) and its state-dict helpers: prefixes, configuration read back from weights."""
from __future__ import annotations

from collections import OrderedDict

import pytest
import torch

from easyocr_ko.recognizer.dtrb import STAGE_KEYS, Model
from easyocr_ko.recognizer.model import (
    GEN2_NETWORK_PARAMS,
    add_module_prefix,
    build_model,
    load_detail,
    model_from_state_dict,
    network_params_from_state_dict,
    network_params_of,
    strip_module_prefix,
)

from _tiny import TINY_PARAMS


@pytest.mark.parametrize("imgH,width", [(32, 64), (32, 96), (64, 128)])
def test_build_model_maps_images_to_logits(imgH, width):
    model = build_model(10, **TINY_PARAMS).eval()
    with torch.no_grad():
        logits = model(torch.zeros(2, 1, imgH, width), None)
    assert logits.dtype == torch.float32
    assert tuple(logits.shape) == (2, width // 4 - 1, 10)  # T = W/4 - 1, one row per class


def test_build_model_is_easyocrs_gen2_network():
    from easyocr.model.vgg_model import Model

    model = build_model(97, **GEN2_NETWORK_PARAMS)
    assert type(model) is Model
    assert model.Prediction.weight.shape == (97, 256)
    with pytest.raises(ValueError, match="num_class must be >= 2"):
        build_model(1)


def test_module_prefix_round_trip():
    state = OrderedDict([("a.weight", torch.ones(1)), ("module.b.bias", torch.zeros(1))])
    prefixed = add_module_prefix(state)
    assert list(prefixed) == ["module.a.weight", "module.b.bias"]  # never prefixed twice
    assert prefixed["module.a.weight"] is state["a.weight"]  # tensors shared, not copied
    assert list(strip_module_prefix(prefixed)) == ["a.weight", "b.bias"]
    assert list(strip_module_prefix(state)) == ["a.weight", "b.bias"]


def test_network_params_of_reads_the_shapes():
    for params in (TINY_PARAMS, GEN2_NETWORK_PARAMS):
        state = build_model(12, **params).state_dict()
        assert network_params_of(state) == {**params, "num_class": 12}
    state = build_model(12, **TINY_PARAMS).state_dict()
    del state["Prediction.weight"]
    with pytest.raises(KeyError, match="Prediction.weight"):
        network_params_of(state)


def test_load_detail_names_the_mismatch():
    model = build_model(5, **TINY_PARAMS)
    state = build_model(6, **TINY_PARAMS).state_dict()
    with pytest.raises(RuntimeError) as err:
        model.load_state_dict(state, strict=True)
    detail = load_detail(err.value)
    assert "Prediction" in detail and "Error(s) in loading" not in detail
    assert load_detail(RuntimeError("one line")) == "one line"
    assert load_detail(RuntimeError()) == "RuntimeError"


@pytest.mark.parametrize("stages", ["None-VGG-BiLSTM-CTC", "TPS-ResNet-BiLSTM-CTC", "TPS-ResNet-BiLSTM-Attn",
                                    "None-RCNN-None-CTC", "TPS-VGG-None-Attn"])
def test_network_params_from_state_dict(stages):
    num_class = 10 + (2 if stages.endswith("Attn") else 1)
    model = Model(num_class=num_class, imgH=32, imgW=56, num_fiducial=10, output_channel=32, hidden_size=16,
                  **dict(zip(STAGE_KEYS, stages.split("-"))))
    state = {"module." + k: v for k, v in model.state_dict().items()}
    hints = {"imgH": 32, "imgW": 56, "num_fiducial": 10, "hidden_size": 16}  # for what the weights cannot tell
    params = network_params_from_state_dict(state, **hints)
    assert params == {**model.network_params, "num_class": num_class}
    rebuilt = model_from_state_dict(state, **hints)
    x = torch.rand(2, 1, 32, 64)
    with torch.no_grad():
        torch.testing.assert_close(rebuilt(x), model.eval()(x))
    if stages.startswith("TPS"):  # imgH and imgW come from the grid buffer, not from the hints
        inferred = network_params_from_state_dict(state, imgH=64, imgW=100)
        assert (inferred["imgH"], inferred["imgW"], inferred["num_fiducial"]) == (32, 56, 10)
    with pytest.raises(ValueError, match="FeatureExtraction"):
        network_params_from_state_dict({"Prediction.weight": torch.zeros(3, 4)})
