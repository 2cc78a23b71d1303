"""The run's network from the stage options and the pretrained model; Attn class rows carried over by character."""
from __future__ import annotations

import torch

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.recognizer.dtrb import Model
from easyocr_ko.recognizer.model import GEN2_NETWORK_PARAMS
from easyocr_ko.recognizer.pretrained import Pretrained
from easyocr_ko.training.network import adapt_attention, init_model, run_network_params

GEN2 = Pretrained(None, "", dict(GEN2_NETWORK_PARAMS), "none")


def _config(**kw) -> FinetuneConfig:
    return FinetuneConfig(data=("d",), **kw)


def test_no_stage_option_keeps_the_pretrained_network():
    assert run_network_params(_config(), GEN2) == GEN2_NETWORK_PARAMS
    small = Pretrained(None, "", {"input_channel": 1, "output_channel": 64, "hidden_size": 32}, "x")
    assert run_network_params(_config(), small) == small.network_params
    # gen2's own stages, named: still the gen2 network (same weights, same trio)
    assert run_network_params(_config(Transformation="None", FeatureExtraction="VGG", SequenceModeling="BiLSTM",
                                      Prediction="CTC"), small) == small.network_params


def test_stage_options_give_dtrb_configurations_with_dtrb_defaults():
    tps = run_network_params(_config(Transformation="TPS"), GEN2)
    assert tps == {"Transformation": "TPS", "FeatureExtraction": "VGG", "SequenceModeling": "BiLSTM",
                   "Prediction": "CTC", "input_channel": 1, "output_channel": 256, "hidden_size": 256,
                   "num_fiducial": 20, "imgH": 64, "imgW": 200, "batch_max_length": 50}
    resnet = run_network_params(_config(FeatureExtraction="ResNet", Prediction="Attn", imgH=32,
                                        batch_max_length=25), GEN2)
    assert (resnet["output_channel"], resnet["hidden_size"], resnet["imgW"]) == (512, 256, 100)
    assert run_network_params(_config(FeatureExtraction="RCNN", output_channel=128), GEN2)["output_channel"] == 128


def test_a_tps_pretrained_model_keeps_its_grid():
    model = Model(num_class=4, Transformation="TPS", imgH=32, imgW=48, num_fiducial=6, output_channel=32,
                  hidden_size=16)
    pre = Pretrained(model.state_dict(), "abc", dict(model.network_params), "dtrb", imgH=32)
    params = run_network_params(_config(imgH=32, batch_max_length=9), pre)
    assert params == {**model.network_params, "batch_max_length": 9}
    rebuilt, info = init_model(pre, "abc", 0, params)
    assert info["same_network"] and info["loaded_tensors"] == info["total_tensors"]  # strict, every tensor


def test_attn_rows_and_onehot_columns_follow_the_characters():
    old = Model(num_class=5, Prediction="Attn", output_channel=16, hidden_size=8)  # [GO], [s], a, b, c
    state = {k: v.clone() for k, v in old.state_dict().items()}
    weight, columns = state["Prediction.generator.weight"].clone(), state["Prediction.attention_cell.rnn.weight_ih"]
    first = columns.shape[1] - 5  # contextual-feature columns come first
    copied = adapt_attention(state, "abc", "cbxd", torch.Generator().manual_seed(0))
    assert copied == 2
    new_weight, new_columns = state["Prediction.generator.weight"], state["Prediction.attention_cell.rnn.weight_ih"]
    assert new_weight.shape == (6, 8) and new_columns.shape == (columns.shape[0], first + 6)
    for new, old_row in ((0, 0), (1, 1), (2, 4), (3, 3)):  # [GO], [s], c, b
        assert torch.equal(new_weight[new], weight[old_row])
        assert torch.equal(new_columns[:, first + new], columns[:, first + old_row])
    assert torch.equal(new_columns[:, :first], columns[:, :first])
    bias = state["Prediction.generator.bias"]
    assert bias[4] == bias[5] == old.state_dict()["Prediction.generator.bias"].min()  # x, d: new, never favoured
    new = Model(num_class=6, Prediction="Attn", output_channel=16, hidden_size=8)
    new.load_state_dict(state, strict=True)
