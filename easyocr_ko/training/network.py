"""The network a finetune run trains and how the pretrained weights are carried into it.

* :func:`run_network_params`: with no stage option given, the pretrained model's network (EasyOCR gen2 for
  korean_g2 / english_g2 / ``none``); with DTRB's ``--Transformation --FeatureExtraction --SequenceModeling
  --Prediction`` (any subset; the others are the pretrained model's), that DTRB stage combination with DTRB's
  hyperparameters (``num_fiducial`` 20, ``output_channel`` 512 for RCNN / ResNet, ``hidden_size`` 256,
  ``imgW`` for TPS, ``batch_max_length``).  None-VGG-BiLSTM-CTC stays EasyOCR's gen2 network (same weights, same
  trio).
* :func:`init_model`: the same network as the weights: every tensor loads strictly and the Prediction rows are
  carried over by character; another network: every tensor whose name and shape fit is loaded and the rest
  start random, as DTRB's ``--FT`` (``load_state_dict(strict=False)``), the Prediction rows carried over by
  character when the Prediction kind and its input size are the same.

Class layouts: CTC row 0 = blank, row ``i + 1`` = ``character[i]``; Attn row 0 = [GO], 1 = [s], ``i + 2`` =
``character[i]`` (DTRB ``AttnLabelConverter``), also the columns of the attention LSTM's one-hot input.
"""
from __future__ import annotations

import torch
from torch import nn

from easyocr_ko.charset import adapt_prediction
from easyocr_ko.config import FinetuneConfig
from easyocr_ko.recognizer.dtrb import STAGE_KEYS, default_output_channel, is_dtrb_params
from easyocr_ko.recognizer.model import GEN2_NETWORK_PARAMS, build_model, num_class_for, stages_of
from easyocr_ko.recognizer.pretrained import Pretrained

__all__ = ["GEN2_STAGES", "run_network_params", "init_model", "adapt_attention"]

GEN2_STAGES = dict(zip(STAGE_KEYS, ("None", "VGG", "BiLSTM", "CTC")))
"""EasyOCR's gen2 network as DTRB stage options."""

_ATTN_ROWS = ("Prediction.generator.weight", "Prediction.generator.bias")
_ATTN_COLUMNS = "Prediction.attention_cell.rnn.weight_ih"


def run_network_params(config: FinetuneConfig, pretrained: Pretrained) -> dict:
    """``network_params`` of the run's model (every keyword of ``build_model`` but ``num_class``).

    Args:
        config: the run's options (stage options, ``output_channel``, ``hidden_size``, ``num_fiducial``,
            ``imgH``, ``imgW``, ``batch_max_length``).
        pretrained: the weights to start from; their network fills the options not given.

    Returns:
        gen2's ``{input_channel, output_channel, hidden_size}`` for None-VGG-BiLSTM-CTC, else the full DTRB
        configuration (:class:`easyocr_ko.recognizer.dtrb.Model`'s keywords).
    """
    old = pretrained.network_params
    old_stages = stages_of(old)
    stages = {**old_stages, **config.stage_options}
    same_features = stages["FeatureExtraction"] == old_stages["FeatureExtraction"]
    output_channel = config.output_channel or (old.get("output_channel") if same_features else None) \
        or default_output_channel(stages["FeatureExtraction"])
    hidden_size = config.hidden_size or old.get("hidden_size") or 256
    if stages == GEN2_STAGES:
        return {**GEN2_NETWORK_PARAMS, "output_channel": int(output_channel), "hidden_size": int(hidden_size)}
    imgW = config.imgW
    if imgW is None and is_dtrb_params(old) and old.get("Transformation") == "TPS":
        imgW = int(old["imgW"])  # the TPS grid of the pretrained weights
    return {**stages, "input_channel": 1, "output_channel": int(output_channel), "hidden_size": int(hidden_size),
            "num_fiducial": int(config.num_fiducial if config.Transformation is not None
                                else old.get("num_fiducial", config.num_fiducial)),
            "imgH": config.imgH, "imgW": int(imgW or config.tps_imgW), "batch_max_length": config.batch_max_length}


def _class_map(old_character: str, new_character: str, specials: int) -> list[tuple[int, int]]:
    """(new row, old row) pairs: the ``specials`` leading classes, then every character of both lists."""
    old_index = {c: i + specials for i, c in enumerate(old_character)}
    pairs = [(k, k) for k in range(specials)]
    pairs += [(i + specials, old_index[c]) for i, c in enumerate(new_character) if c in old_index]
    return pairs


def adapt_attention(state: dict, old_character: str, new_character: str,
                    generator: torch.Generator | None = None) -> int:
    """Map an attention decoder's class-sized tensors onto ``new_character``, in place in ``state``.

    ``Prediction.generator`` rows (num_class, hidden) and bias, and the one-hot input columns of
    ``Prediction.attention_cell.rnn.weight_ih`` (4 hidden, input_size + num_class): [GO], [s] and every
    character of both lists are copied by class; new characters get N(0, 0.01) weights and the smallest old
    generator bias (as :func:`easyocr_ko.charset.adapt_prediction` does for CTC).

    Returns:
        Character rows carried over ([GO] and [s] not counted).

    Raises:
        KeyError: ``state`` has no attention decoder.
    """
    pairs = _class_map(old_character, new_character, 2)
    rows = len(new_character) + 2
    weight, bias = (state[k] for k in _ATTN_ROWS)
    new_weight = torch.randn(rows, weight.shape[1], generator=generator, dtype=weight.dtype) * 0.01
    new_bias = torch.full((rows,), float(bias.min()), dtype=bias.dtype)
    columns = state[_ATTN_COLUMNS]
    first = columns.shape[1] - (len(old_character) + 2)  # the contextual-feature columns come first
    new_columns = torch.randn(columns.shape[0], first + rows, generator=generator, dtype=columns.dtype) * 0.01
    new_columns[:, :first] = columns[:, :first]
    for new, old in pairs:
        new_weight[new], new_bias[new] = weight[old], bias[old]
        new_columns[:, first + new] = columns[:, first + old]
    state[_ATTN_ROWS[0]], state[_ATTN_ROWS[1]], state[_ATTN_COLUMNS] = new_weight, new_bias, new_columns
    return len(pairs) - 2


def _adapt_prediction(state: dict, pretrained: Pretrained, character: str, params: dict,
                      generator: torch.Generator) -> int:
    """Carry the Prediction rows of ``state`` over to ``character`` when the kind (CTC / Attn) is the same;
    returns the character rows copied (0 when the kinds differ, the rows are then left to the partial load)."""
    old_kind, new_kind = stages_of(pretrained.network_params)["Prediction"], stages_of(params)["Prediction"]
    if old_kind != new_kind:
        return 0
    if new_kind == "Attn":
        return adapt_attention(state, pretrained.character, character, generator)
    weight, bias, copied = adapt_prediction(state["Prediction.weight"], state["Prediction.bias"],
                                            pretrained.character, character, generator)
    state["Prediction.weight"], state["Prediction.bias"] = weight, bias
    return copied


def _without_length(params: dict) -> dict:
    """``params`` but ``batch_max_length``, which sets the Attn decoder's steps, not its weights."""
    return {k: v for k, v in params.items() if k != "batch_max_length"}


def init_model(pretrained: Pretrained, character: str, seed: int,
               network_params: dict | None = None) -> tuple[nn.Module, dict]:
    """Build the run's model for ``character`` and load the pretrained weights into it.

    Args:
        pretrained: the weights (``state_dict`` ``None``: random initialisation).
        character: the run's character list.
        seed: seeds the initialisation and the new Prediction rows.
        network_params: the run's network (:func:`run_network_params`); default: the pretrained model's.

    Returns:
        ``(model, info)``: the model on the CPU in training mode; ``info`` has ``copied_rows`` and
        ``new_rows`` (character rows carried over / started new), ``loaded_tensors`` and ``total_tensors``
        (state-dict entries taken from the pretrained weights / in the model) and ``same_network``.

    Raises:
        RuntimeError: the same network, but a tensor does not load (not after ``load_pretrained``'s check).
    """
    params = dict(network_params if network_params is not None else pretrained.network_params)
    torch.manual_seed(seed)
    model = build_model(num_class_for(character, params), **params)
    total = len(model.state_dict())
    same = _without_length(params) == _without_length(pretrained.network_params)
    info = {"copied_rows": 0, "new_rows": len(character), "loaded_tensors": 0, "total_tensors": total,
            "same_network": same}
    if pretrained.state_dict is None:
        return model, info
    state = dict(pretrained.state_dict)
    copied = _adapt_prediction(state, pretrained, character, params, torch.Generator().manual_seed(seed))
    target = model.state_dict()
    if same:
        model.load_state_dict(state, strict=True)
        loaded = total
    else:
        fitting = {k: v for k, v in state.items() if k in target and tuple(v.shape) == tuple(target[k].shape)}
        model.load_state_dict(fitting, strict=False)
        loaded = len(fitting)
        if not any(k.startswith("Prediction.") for k in fitting):
            copied = 0
    info.update(copied_rows=copied, new_rows=len(character) - copied, loaded_tensors=loaded)
    return model, info
