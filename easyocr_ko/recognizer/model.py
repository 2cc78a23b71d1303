"""The recognizer: EasyOCR's gen2 network (None-VGG-BiLSTM-CTC), built by a plain factory.

``easyocr.model.vgg_model.Model`` is used as is (it is also what ``user_network/custom.py`` exports), so the
state-dict keys and shapes are exactly those of korean_g2.pth / english_g2.pth:

* FeatureExtraction: VGG, input (N, input_channel, imgH, W) -> (N, output_channel, 1, W/4 - 1) for imgH 64;
* AdaptiveAvgPool + squeeze: -> (N, T, output_channel) with T = W/4 - 1;
* SequenceModeling: 2 x BidirectionalLSTM(hidden_size) -> (N, T, hidden_size);
* Prediction: Linear(hidden_size, num_class) -> logits (N, T, num_class), class 0 = CTC blank.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import torch
from torch import nn

__all__ = ["GEN2_NETWORK_PARAMS", "build_model", "strip_module_prefix", "add_module_prefix", "network_params_of",
           "load_detail"]

GEN2_NETWORK_PARAMS = {"input_channel": 1, "output_channel": 256, "hidden_size": 256}
"""EasyOCR's gen2 ``network_params`` (korean_g2.pth, english_g2.pth, ``user_network/custom.py``)."""


def build_model(num_class: int, input_channel: int = 1, output_channel: int = 256, hidden_size: int = 256) -> nn.Module:
    """EasyOCR gen2 recognizer with ``num_class`` outputs (``len(character) + 1``).

    Args:
        num_class: Prediction rows, >= 2.
        input_channel / output_channel / hidden_size: EasyOCR's ``network_params`` (gen2: 1, 256, 256;
            tests use smaller values).

    Returns:
        ``easyocr.model.vgg_model.Model``; ``model(images, None)`` maps float32 (N, 1, imgH, W) in [-1, 1]
        to logits (N, T, num_class), on the CPU, in training mode.

    Raises:
        ValueError: ``num_class`` < 2.
    """
    from easyocr.model.vgg_model import Model

    if num_class < 2:
        raise ValueError("num_class must be >= 2 (blank + at least one character)")
    return Model(input_channel=input_channel, output_channel=output_channel, hidden_size=hidden_size,
                 num_class=num_class)


def strip_module_prefix(state_dict: Mapping[str, torch.Tensor]) -> OrderedDict[str, torch.Tensor]:
    """Remove a leading ``module.`` (DataParallel) from every key that has it; other keys and the order are
    kept, the tensors are shared, not copied."""
    return OrderedDict((k[7:] if k.startswith("module.") else k, v) for k, v in state_dict.items())


def add_module_prefix(state_dict: Mapping[str, torch.Tensor]) -> OrderedDict[str, torch.Tensor]:
    """Prefix every key with ``module.``, as EasyOCR's Reader expects of a custom ``.pth`` (it strips the first
    7 characters of every key on CPU and wraps the model in DataParallel on GPU).  Keys that already have it
    are not prefixed twice; the tensors are shared, not copied."""
    return OrderedDict(("module." + k, v) for k, v in strip_module_prefix(state_dict).items())


def network_params_of(state_dict: Mapping[str, torch.Tensor]) -> dict:
    """Infer gen2 ``network_params`` and ``num_class`` from a state dict (no ``module.`` prefix).

    Returns:
        ``{"input_channel", "output_channel", "hidden_size", "num_class"}``.

    Raises:
        KeyError: a gen2 key is missing (not a gen2 checkpoint).
    """
    conv0 = state_dict["FeatureExtraction.ConvNet.0.weight"]  # (output_channel / 8, input_channel, 3, 3)
    last = state_dict["FeatureExtraction.ConvNet.18.weight"]  # (output_channel, output_channel, 2, 2)
    pred = state_dict["Prediction.weight"]  # (num_class, hidden_size)
    return {"input_channel": int(conv0.shape[1]), "output_channel": int(last.shape[0]),
            "hidden_size": int(pred.shape[1]), "num_class": int(pred.shape[0])}


def load_detail(err: Exception) -> str:
    """The informative line of a ``load_state_dict`` error (its first line only says "Error(s) in loading"):
    the second non-empty line, else the first, else the exception's type name."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else type(err).__name__)
