"""The recognizer: EasyOCR's gen2 network (None-VGG-BiLSTM-CTC) by default, or any DTRB stage combination
(:mod:`easyocr_ko.recognizer.dtrb`), built by a plain factory from ``network_params``.

``easyocr.model.vgg_model.Model`` is used as is (it is also what ``user_network/custom.py`` exports), so the
state-dict keys and shapes are exactly those of korean_g2.pth / english_g2.pth:

* FeatureExtraction: VGG, input (N, input_channel, imgH, W) -> (N, output_channel, 1, W/4 - 1) for imgH 64;
* AdaptiveAvgPool + squeeze: -> (N, T, output_channel) with T = W/4 - 1;
* SequenceModeling: 2 x BidirectionalLSTM(hidden_size) -> (N, T, hidden_size);
* Prediction: Linear(hidden_size, num_class) -> logits (N, T, num_class), class 0 = CTC blank.

``network_params`` that name DTRB's stage options (``Transformation``, ``FeatureExtraction``,
``SequenceModeling``, ``Prediction``) build :class:`easyocr_ko.recognizer.dtrb.Model` instead; weights of gen2's
layout (no ``Transformation.*`` keys, VGG, BiLSTM, CTC) are always built as gen2, whatever their
``output_channel`` (DTRB's None-VGG-BiLSTM-CTC is the same network).

Weights tell their own configuration: :func:`infer_network_params` reads gen2's three sizes
(:func:`network_params_of`) or DTRB's stage options and sizes (:func:`network_params_from_state_dict`), and
:func:`model_from_state_dict` rebuilds a DTRB model from its weights alone.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import torch
from torch import nn

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.recognizer.dtrb import STAGE_KEYS, is_dtrb_params
from easyocr_ko.recognizer.dtrb import Model as DtrbModel

__all__ = ["GEN2_NETWORK_PARAMS", "build_model", "is_gen2_weights", "infer_network_params", "stages_of",
           "is_attention", "num_class_for", "codec_for", "strip_module_prefix", "add_module_prefix",
           "network_params_of", "load_detail", "network_params_from_state_dict", "model_from_state_dict"]

GEN2_NETWORK_PARAMS = {"input_channel": 1, "output_channel": 256, "hidden_size": 256}
"""EasyOCR's gen2 ``network_params`` (korean_g2.pth, english_g2.pth, ``user_network/custom.py``)."""


def build_model(num_class: int, **network_params: int | str) -> nn.Module:
    """The recognizer with ``num_class`` outputs for ``network_params``.

    Args:
        num_class: Prediction rows, >= 2: CTC ``len(character) + 1``, Attn ``len(character) + 2``.
        network_params: gen2's ``input_channel`` / ``output_channel`` / ``hidden_size`` (1, 256, 256 for
            korean_g2; tests use smaller values), or DTRB's stage options and sizes (every keyword of
            :class:`easyocr_ko.recognizer.dtrb.Model` but ``num_class``).

    Returns:
        gen2: ``easyocr.model.vgg_model.Model``; DTRB: :class:`easyocr_ko.recognizer.dtrb.Model`.
        ``model(images, None)`` maps float32 (N, 1, imgH, W) in [-1, 1] to logits (N, T, num_class), on the CPU,
        in training mode.

    Raises:
        ValueError: ``num_class`` < 2, an unknown stage option or a size the network cannot take.
        TypeError: an unknown keyword.
    """
    from easyocr.model.vgg_model import Model

    if is_dtrb_params(network_params):
        return DtrbModel(num_class=num_class, **network_params)  # type: ignore[arg-type]
    return _build_gen2(Model, num_class, **network_params)  # type: ignore[arg-type]


def _build_gen2(Model: type, num_class: int, input_channel: int = 1, output_channel: int = 256,
                hidden_size: int = 256) -> nn.Module:
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


_GEN2_KEYS = ("FeatureExtraction.ConvNet.0.weight", "FeatureExtraction.ConvNet.18.weight",
              "SequenceModeling.1.linear.weight", "Prediction.weight")


def is_gen2_weights(state_dict: Mapping[str, torch.Tensor]) -> bool:
    """True for EasyOCR's gen2 layout (None-VGG-BiLSTM-CTC: the keys :func:`network_params_of` reads, no
    ``Transformation.*``); a leading ``module.`` is ignored."""
    keys = set(strip_module_prefix(state_dict))
    return all(k in keys for k in _GEN2_KEYS) and not any(k.startswith("Transformation.") for k in keys)


def infer_network_params(state_dict: Mapping[str, torch.Tensor], **hints: int) -> dict:
    """``network_params`` and ``num_class`` of any recognizer's weights.

    Gen2 weights (:func:`is_gen2_weights`) give gen2's three keys (:func:`network_params_of`); others DTRB's
    full set (:func:`network_params_from_state_dict`, with ``hints`` = its keyword
    arguments ``imgH`` / ``imgW`` / ``batch_max_length`` / ``hidden_size`` / ``num_fiducial`` for what the
    weights cannot tell).

    Raises:
        ValueError: neither gen2 nor a DTRB stage combination.
    """
    state = strip_module_prefix(state_dict)
    if is_gen2_weights(state):
        return network_params_of(state)
    return network_params_from_state_dict(state, **hints)


# ---------------------------------------------------------------- DTRB configuration from weights

def _absent_stage(state_dict: Mapping[str, torch.Tensor], stage: str, options: str) -> str:
    """``"None"``, the option of an optional DTRB ``stage`` (``Transformation``, ``SequenceModeling``) whose
    known weights are not in ``state_dict``.

    Raises:
        ValueError: ``state_dict`` has other keys under ``stage.`` (``options`` names what DTRB has).
    """
    if any(k.startswith(f"{stage}.") for k in state_dict):
        raise ValueError(f"unknown {stage} weights (DTRB has {options})")
    return "None"


def network_params_from_state_dict(state_dict: Mapping[str, torch.Tensor], *, imgH: int = 64, imgW: int = 100,
                                   batch_max_length: int = 25, hidden_size: int = 256, num_fiducial: int = 20) -> dict:
    """Infer :class:`easyocr_ko.recognizer.dtrb.Model`'s keyword arguments (``num_class`` included) from a DTRB or
    EasyOCR state dict.

    Read from the weights: the four stage options, ``input_channel``, ``output_channel``, ``num_class``,
    ``hidden_size`` (when a BiLSTM or an attention decoder has one), ``num_fiducial`` and, for TPS, ``imgH`` and
    ``imgW`` (from the grid buffer ``P_hat``).  Not in the weights, so taken from the keyword arguments:
    ``batch_max_length``, and ``imgH`` / ``imgW`` / ``hidden_size`` / ``num_fiducial`` where the network does not
    use them.

    Args:
        state_dict: keys as DTRB ``model.py`` (a leading ``module.`` is ignored).
        imgH / imgW / batch_max_length / hidden_size / num_fiducial: values for what the weights cannot tell.

    Returns:
        ``{"Transformation", "FeatureExtraction", "SequenceModeling", "Prediction", "input_channel",
        "output_channel", "hidden_size", "num_fiducial", "imgH", "imgW", "batch_max_length", "num_class"}``.

    Raises:
        ValueError: the keys are not those of a DTRB stage combination.
    """
    sd = strip_module_prefix(state_dict)
    params: dict = {"num_fiducial": int(num_fiducial), "imgH": int(imgH), "imgW": int(imgW),
                    "hidden_size": int(hidden_size), "batch_max_length": int(batch_max_length)}
    if "Transformation.LocalizationNetwork.localization_fc2.weight" in sd:
        params["Transformation"] = "TPS"
        params["num_fiducial"] = int(sd["Transformation.LocalizationNetwork.localization_fc2.weight"].shape[0] // 2)
        P_hat = sd.get("Transformation.GridGenerator.P_hat")
        if P_hat is None:
            raise ValueError("TPS weights without the Transformation.GridGenerator.P_hat buffer")
        y = P_hat[:, 2]  # rows are pixel centres, x fastest: the first W rows share the top row's y
        params["imgW"] = int((y == y[0]).sum())
        params["imgH"] = int(P_hat.shape[0] // params["imgW"])
    else:
        params["Transformation"] = _absent_stage(sd, "Transformation", "None or TPS")

    if "FeatureExtraction.ConvNet.conv0_1.weight" in sd:
        params["FeatureExtraction"] = "ResNet"
        first = sd["FeatureExtraction.ConvNet.conv0_1.weight"]
        params["output_channel"] = int(sd["FeatureExtraction.ConvNet.conv4_2.weight"].shape[0])
    elif "FeatureExtraction.ConvNet.3.wgf_u.weight" in sd:
        params["FeatureExtraction"] = "RCNN"
        first = sd["FeatureExtraction.ConvNet.0.weight"]
        params["output_channel"] = int(sd["FeatureExtraction.ConvNet.9.weight"].shape[0])
    elif "FeatureExtraction.ConvNet.18.weight" in sd:
        params["FeatureExtraction"] = "VGG"
        first = sd["FeatureExtraction.ConvNet.0.weight"]
        params["output_channel"] = int(sd["FeatureExtraction.ConvNet.18.weight"].shape[0])
    else:
        raise ValueError("no VGG, RCNN or ResNet FeatureExtraction weights (keys FeatureExtraction.ConvNet.*)")
    params["input_channel"] = int(first.shape[1])

    lstm_hidden = None
    if "SequenceModeling.0.linear.weight" in sd:
        params["SequenceModeling"] = "BiLSTM"
        lstm_hidden = int(sd["SequenceModeling.0.linear.weight"].shape[0])
        params["hidden_size"] = lstm_hidden
    else:
        params["SequenceModeling"] = _absent_stage(sd, "SequenceModeling", "None or BiLSTM")

    if "Prediction.generator.weight" in sd:
        params["Prediction"] = "Attn"
        generator = sd["Prediction.generator.weight"]  # (num_class, hidden_size)
        params["num_class"] = int(generator.shape[0])
        if lstm_hidden is not None and lstm_hidden != generator.shape[1]:
            raise ValueError(f"BiLSTM hidden size {lstm_hidden} differs from the attention cell's "
                             f"{generator.shape[1]}: DTRB uses one hidden_size for both")
        params["hidden_size"] = int(generator.shape[1])
    elif "Prediction.weight" in sd:
        params["Prediction"] = "CTC"
        params["num_class"] = int(sd["Prediction.weight"].shape[0])
    else:
        raise ValueError("no CTC (Prediction.weight) or Attn (Prediction.generator.weight) weights")
    return params


def model_from_state_dict(state_dict: Mapping[str, torch.Tensor], **defaults: int) -> DtrbModel:
    """:class:`easyocr_ko.recognizer.dtrb.Model` configured by :func:`network_params_from_state_dict`
    (``defaults`` are its keyword arguments), with ``state_dict`` loaded strictly, in eval mode.

    Raises:
        ValueError: not a DTRB stage combination.
        RuntimeError: a key or shape does not match (``load_state_dict``'s message).
    """
    params = network_params_from_state_dict(state_dict, **defaults)
    model = DtrbModel(**params)
    model.load_state_dict(strip_module_prefix(state_dict), strict=True)
    return model.eval()


def stages_of(network_params: Mapping) -> dict[str, str]:
    """The four stage options of ``network_params`` (gen2's: None-VGG-BiLSTM-CTC), keyed as DTRB
    (``Transformation``, ``FeatureExtraction``, ``SequenceModeling``, ``Prediction``)."""
    if is_dtrb_params(network_params):
        return {k: str(network_params[k]) for k in STAGE_KEYS}
    return dict(zip(STAGE_KEYS, ("None", "VGG", "BiLSTM", "CTC")))


def is_attention(network_params: Mapping) -> bool:
    """True when ``network_params`` name DTRB's ``Prediction: Attn`` (classes [GO], [s], characters)."""
    return is_dtrb_params(network_params) and network_params.get("Prediction") == "Attn"


def num_class_for(character: str, network_params: Mapping) -> int:
    """Prediction rows for ``character``: ``len + 1`` for CTC (blank), ``len + 2`` for Attn ([GO], [s])."""
    return len(character) + (2 if is_attention(network_params) else 1)


def codec_for(character: str, network_params: Mapping) -> CTCCodec | AttnCodec:
    """The label codec of a model: :class:`~easyocr_ko.charset.AttnCodec` for Attn, else
    :class:`~easyocr_ko.charset.CTCCodec`.

    Raises:
        EasyOcrKoError: the character list is empty or has duplicates.
    """
    return AttnCodec(character) if is_attention(network_params) else CTCCodec(character)
