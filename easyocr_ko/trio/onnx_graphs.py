"""The two graphs ``read --engine onnx`` adds to ``export --onnx``'s: EasyOCR's CRAFT detector, and a recognizer's
convolutional front (everything before its BiLSTM), each checked against PyTorch with onnxruntime.

**CRAFT** (``craft_mlt_25k.pth``; ONNX opset :data:`CRAFT_OPSET` = 17), made from ``easyocr.craft.CRAFT`` with the
weights loaded as EasyOCR's ``easyocr.detection.get_detector`` loads them (``copyStateDict``), by torch's
TorchScript exporter (``torch.onnx.export(dynamo=False)``), BatchNorm folded into the convolutions:

* input :data:`CRAFT_INPUT` ``"image"``: float32 (batch, 3, height, width), **dynamic** batch, height and width
  (EasyOCR feeds multiples of 32 px): an RGB image resized and normalised as ``easyocr.detection.test_net`` does
  (:func:`craft_input`: ``easyocr.imgproc.resize_aspect_ratio`` then ``normalizeMeanVariance``, channels first);
* output :data:`CRAFT_OUTPUT` ``"score"``: float32 (batch, height / 2, width / 2, 2), the region score (channel 0)
  and the affinity (link) score (channel 1), CRAFT's ``y``; its second output (the 32-channel feature map,
  which ``test_net`` throws away) is left out.

:func:`check_craft_onnx` runs the file with onnxruntime's ``CPUExecutionProvider`` and the network with PyTorch on
the same inputs, two sizes of one rendered two-line page (:func:`render_check_page`), so both spatial axes change;
it passes when the largest absolute score difference is at most :data:`CRAFT_ATOL` and
``easyocr.craft_utils.getDetBoxes`` finds the same boxes in both score maps (EasyOCR's default thresholds).

**The recognizer's front** (:func:`features_onnx_bytes`): Transformation, FeatureExtraction and the pooling over
the feature height of a CTC recognizer (gen2, as :class:`easyocr_ko.recognizer.dtrb.Model` with the same weights,
or any DTRB CTC combination), without SequenceModeling and Prediction:

* input ``"image"`` as ``export --onnx``'s graph (:data:`easyocr_ko.trio.onnx.INPUT_NAME`): float32 (batch,
  input_channel, imgH, width) in [-1, 1], dynamic batch and width;
* output :data:`FEATURES_OUTPUT` ``"features"``: float32 (batch, steps, channels), what the BiLSTM reads.

It exists because Reader's CPU default runs the BiLSTM and the Linear layers in int8
(``torch.quantization.quantize_dynamic``), whose activations are quantized with the range of each forward pass: to
give Reader's strings, the engine runs the front in onnxruntime (float in Reader too) and the rest with Reader's own
quantized modules, one crop at a time (:mod:`easyocr_ko.trio.onnx_engine`).  :func:`check_features_onnx` compares
the front with PyTorch on rendered crops, each alone and all as one batch: largest absolute difference at most
:data:`easyocr_ko.trio.onnx.DEFAULT_ATOL`, and the same greedy strings when the float model's own
SequenceModeling and Prediction read both.
"""
from __future__ import annotations

import copy
import inspect
import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.dtrb import Model as DtrbModel
from easyocr_ko.recognizer.model import model_from_state_dict
from easyocr_ko.resources import fonts_dir
from easyocr_ko.trio.onnx import CHECK_FONT, DEFAULT_ATOL, INPUT_NAME, render_check_crops

__all__ = ["CRAFT_OPSET", "CRAFT_INPUT", "CRAFT_OUTPUT", "CRAFT_ATOL", "FEATURES_OUTPUT", "GraphCheck", "load_craft",
           "craft_onnx_bytes", "craft_input", "render_check_page", "check_craft_onnx", "split_recognizer",
           "recognizer_back", "features_onnx_bytes", "check_features_onnx"]

CRAFT_OPSET = 17
"""ONNX opset of the CRAFT graph."""
CRAFT_INPUT = "image"
"""Name of the graph's input: float32 (batch, 3, height, width), normalised RGB."""
CRAFT_OUTPUT = "score"
"""Name of the graph's output: float32 (batch, height / 2, width / 2, 2), region and affinity scores."""
CRAFT_ATOL = 1e-4
"""Largest absolute score difference onnxruntime vs PyTorch the check accepts.  Float32 rounding gives about 1e-6
(7e-07 measured on the road-sign photo); CRAFT's thresholds are 0.4 and 0.7."""
FEATURES_OUTPUT = "features"
"""Name of the recognizer front's output: float32 (batch, steps, channels)."""

# EasyOCR's Reader.readtext defaults (easyocr/easyocr.py), used by the check's box comparison
_TEXT_THRESHOLD, _LINK_THRESHOLD, _LOW_TEXT = 0.7, 0.4, 0.4
_CANVAS_SIZE, _MAG_RATIO = 2560, 1.0
_TORCHSCRIPT_EXPORTER = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


@dataclass
class GraphCheck:
    """onnxruntime vs PyTorch on the same inputs.

    Attributes:
        graph: what was checked (``"CRAFT"``, ``"recognizer front"``), for messages.
        max_abs_diff: largest absolute output difference over every run (``inf`` when shapes differ or a value
            is NaN).
        same: the decisions agree on every run: CRAFT's boxes (``getDetBoxes``, to the pixel), the front's greedy
            strings.
        runs: the input shape of each run, (batch, height, width).
        atol: the tolerance :attr:`passed` uses.
    """

    graph: str
    max_abs_diff: float = 0.0
    same: bool = True
    runs: list[tuple[int, int, int]] = field(default_factory=list)
    atol: float = CRAFT_ATOL

    @property
    def passed(self) -> bool:
        """``max_abs_diff <= atol`` and :attr:`same`."""
        return self.max_abs_diff <= self.atol and self.same

    def add(self, ours: np.ndarray, theirs: np.ndarray, same: bool) -> None:
        """Record one run: PyTorch's and onnxruntime's outputs and whether their decisions agree."""
        diff = float(np.abs(ours - theirs).max()) if ours.shape == theirs.shape else float("inf")
        self.max_abs_diff = max(self.max_abs_diff, diff if diff == diff else float("inf"))  # NaN fails
        self.same &= ours.shape == theirs.shape and same

    def summary(self) -> str:
        """One line with the figures."""
        runs = ", ".join(f"{b}x{h}x{w}" for b, h, w in self.runs)
        what = "boxes" if self.graph == "CRAFT" else "greedy strings"
        return (f"{self.graph} onnxruntime vs PyTorch on inputs {runs}: max |difference| {self.max_abs_diff:.1e} "
                f"(tolerance {self.atol:.0e}), {what} {'identical' if self.same else 'DIFFERENT'}")


class _ScoreOnly(nn.Module):
    """CRAFT's ``y`` alone (``forward`` returns ``(y, feature)``; ``test_net`` uses ``y``)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.net(image)[0]


def load_craft(state: Mapping[str, torch.Tensor]) -> nn.Module:
    """``easyocr.craft.CRAFT`` with ``state`` loaded as ``easyocr.detection.get_detector`` loads it on a CPU
    (``copyStateDict`` drops a ``module.`` prefix), float32, in eval mode, not quantized (``quantize_dynamic`` finds
    no Linear or LSTM layer in CRAFT, so Reader's is float too).

    Args:
        state: the weights, e.g. ``torch.load(craft_mlt_25k.pth, weights_only=True)``.

    Raises:
        EasyOcrKoError: the weights do not fit CRAFT.
    """
    from easyocr.craft import CRAFT
    from easyocr.detection import copyStateDict

    net = CRAFT()
    try:
        net.load_state_dict(copyStateDict(state))
    except RuntimeError as err:
        raise EasyOcrKoError(f"the weights are not EasyOCR's CRAFT: {str(err).splitlines()[0]}") from None
    return net.float().eval()


def _export(module: nn.Module, example: torch.Tensor, input_name: str, output_name: str,
            axes: dict[str, dict[int, str]], metadata: Mapping[str, str] | None) -> bytes:
    """``module`` (one input, one output) as a serialised ONNX model with ``metadata``, checked by ``onnx.checker``."""
    try:
        import onnx
    except ImportError:
        raise EasyOcrKoError("the onnx package is not installed, which making the ONNX files needs: pip install "
                             "onnx onnxruntime (from a checkout: pip install -e '.[onnx]')") from None
    options: dict[str, Any] = {"input_names": [input_name], "output_names": [output_name], "opset_version": CRAFT_OPSET,
                               "do_constant_folding": True, "dynamic_axes": axes, **_TORCHSCRIPT_EXPORTER}
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():  # the exporter warns that it is the legacy one
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), (example,), cast(Any, buffer), **options)
    proto = onnx.load_from_string(buffer.getvalue())
    for key, value in (metadata or {}).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = str(key), str(value)
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


def craft_onnx_bytes(net: nn.Module, metadata: Mapping[str, str] | None = None) -> bytes:
    """Serialise CRAFT as an ONNX model (see the module docstring for the graph).

    Args:
        net: :func:`load_craft`'s network.
        metadata: strings stored in ``metadata_props``.

    Returns:
        The serialised ``onnx.ModelProto``, checked with ``onnx.checker``.

    Raises:
        EasyOcrKoError: the onnx package is missing.
    """
    axes = {CRAFT_INPUT: {0: "batch", 2: "height", 3: "width"}, CRAFT_OUTPUT: {0: "batch", 1: "height_2", 2: "width_2"}}
    return _export(_ScoreOnly(net), torch.zeros(1, 3, 96, 128), CRAFT_INPUT, CRAFT_OUTPUT, axes, metadata)


def craft_input(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """CRAFT's input for one image, as ``easyocr.detection.test_net`` makes it with Reader's defaults
    (``canvas_size`` 2560, ``mag_ratio`` 1: the image is shrunk only when its longer side exceeds 2560 px, then
    zero-padded to multiples of 32 and normalised with ImageNet's mean and variance).

    Args:
        rgb: uint8 (H, W, 3), RGB order.

    Returns:
        ``(x, ratio)``: float32 (1, 3, H32, W32) and the resize ratio (boxes are scaled back by ``1 / ratio``).
    """
    import cv2
    from easyocr.imgproc import normalizeMeanVariance, resize_aspect_ratio

    resized, ratio, _ = resize_aspect_ratio(rgb, _CANVAS_SIZE, interpolation=cv2.INTER_LINEAR, mag_ratio=_MAG_RATIO)
    return np.ascontiguousarray(np.transpose(normalizeMeanVariance(resized), (2, 0, 1))[None]), ratio


def render_check_page(height: int = 128, width: int = 224) -> np.ndarray:
    """A small page for the check: two lines of Hangul, Latin and digits, dark on light, drawn with a shipped
    font (:data:`easyocr_ko.trio.onnx.CHECK_FONT`).

    Returns:
        uint8 (height, width, 3), RGB.

    Raises:
        FileNotFoundError: the font is missing from the installation.
    """
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(fonts_dir() / CHECK_FONT), max(height // 5, 8))
    page = Image.new("RGB", (width, height), (236, 232, 224))
    draw = ImageDraw.Draw(page)
    draw.text((width // 12, height // 8), "서울 Seoul", font=font, fill=(20, 20, 30))
    draw.text((width // 6, height // 2), "평양 205Km", font=font, fill=(40, 30, 20))
    return np.asarray(page, dtype=np.uint8).copy()


def _boxes(score: np.ndarray) -> list[list[float]]:
    from easyocr.craft_utils import getDetBoxes

    boxes, _, _ = getDetBoxes(score[:, :, 0], score[:, :, 1], _TEXT_THRESHOLD, _LINK_THRESHOLD, _LOW_TEXT)
    return [np.asarray(b).round(3).tolist() for b in boxes]


def check_craft_onnx(net: nn.Module, session: Any, pages: Sequence[np.ndarray] | None = None,
                     atol: float = CRAFT_ATOL) -> GraphCheck:
    """Run CRAFT with onnxruntime and with PyTorch on the same inputs and compare the score maps and boxes.

    Args:
        net: :func:`load_craft`'s network.
        session: an ``onnxruntime.InferenceSession`` of the file.
        pages: uint8 (H, W, 3) RGB images (default: :func:`render_check_page` at 128x224 and 160x288 px).
        atol: tolerance of :attr:`GraphCheck.passed`.

    Returns:
        The figures; a mismatch does not raise (look at :attr:`GraphCheck.passed`).
    """
    pages = list(pages) if pages is not None else [render_check_page(128, 224), render_check_page(160, 288)]
    check = GraphCheck("CRAFT", atol=atol)
    for page in pages:
        x, _ = craft_input(page)
        with torch.no_grad():
            ours = net(torch.from_numpy(x))[0].numpy()
        theirs = session.run([CRAFT_OUTPUT], {CRAFT_INPUT: x})[0]
        check.add(ours, theirs, ours.shape == theirs.shape and _boxes(ours[0]) == _boxes(theirs[0]))
        check.runs.append((int(x.shape[0]), int(x.shape[2]), int(x.shape[3])))
    return check


# ---------------------------------------------------------------- the recognizer's front

class _Features(nn.Module):
    """:class:`easyocr_ko.recognizer.dtrb.Model`'s forward up to SequenceModeling: (N, C, H, W) -> (N, T, C_f)."""

    def __init__(self, model: DtrbModel):
        super().__init__()
        self.model = model

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        if self.model.stages["Trans"] == "TPS":
            image = self.model.Transformation(image)  # (N, C, H, W) -> (N, C, imgH, imgW)
        visual = self.model.FeatureExtraction(image)  # (N, C_f, h, w)
        return visual.mean(dim=2).permute(0, 2, 1)  # (N, C_f, w) -> (N, T = w, C_f), as Model.forward


def _has_sequence(model: nn.Module) -> bool:
    stages = getattr(model, "stages", None)  # gen2 (easyocr.model.vgg_model.Model) has none: always a BiLSTM
    return not isinstance(stages, dict) or stages.get("Seq") == "BiLSTM"


class _Back(nn.Module):
    """A recognizer's SequenceModeling and Prediction (its own modules): (N, T, C_f) -> (N, T, num_class)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        m: Any = self.model
        contextual = m.SequenceModeling(features) if _has_sequence(m) else features  # (N, T, hidden)
        return m.Prediction(contextual.contiguous())  # (N, T, num_class)


def split_recognizer(model: nn.Module) -> tuple[nn.Module, nn.Module]:
    """Cut a CTC recognizer before its SequenceModeling.

    Args:
        model: gen2 ``easyocr.model.vgg_model.Model`` (a trio's ``NAME.py``) or a DTRB CTC model, float.

    Returns:
        ``(front, back)``: ``front(images)`` maps float32 (N, C, imgH, W) to features (N, T, C_f), a float32 CPU
        copy built as :class:`easyocr_ko.recognizer.dtrb.Model` with the same weights; ``back(features)`` maps
        them to logits (N, T, num_class) with ``model``'s own SequenceModeling and Prediction modules (not
        copied: quantize ``model`` first to get Reader's int8 modules).

    Raises:
        EasyOcrKoError: an Attn model, or a network whose weights are not gen2's or DTRB's.
    """
    stages = getattr(model, "stages", None)
    if isinstance(stages, dict) and stages.get("Pred", "CTC") != "CTC":
        raise EasyOcrKoError("the onnx engine reads CTC models only (EasyOCR's greedy CTC decoding), not Attn")
    try:
        dtrb = model_from_state_dict(copy.deepcopy(model).float().cpu().state_dict())
    except (ValueError, RuntimeError):
        raise EasyOcrKoError("the onnx engine reads gen2 and DTRB CTC networks; this network's weights are "
                             "neither") from None
    return _Features(dtrb).eval(), recognizer_back(model)


def recognizer_back(model: nn.Module) -> nn.Module:
    """``back`` of :func:`split_recognizer` alone, for any copy of the network, quantized ones included:
    ``back(features (N, T, C_f))`` -> logits (N, T, num_class) with ``model``'s own SequenceModeling (when it has
    one) and Prediction modules."""
    return _Back(model).eval()


def features_onnx_bytes(front: nn.Module, imgH: int, metadata: Mapping[str, str] | None = None) -> bytes:
    """Serialise :func:`split_recognizer`'s front as an ONNX model (see the module docstring).

    Args:
        front: the front (float32, CPU, eval mode).
        imgH: input height in px (fixed in the graph).
        metadata: strings stored in ``metadata_props``.

    Raises:
        EasyOcrKoError: the onnx package is missing.
    """
    channels = next(m for m in front.modules() if isinstance(m, nn.Conv2d)).in_channels
    example = torch.zeros(2, int(channels), int(imgH), 4 * int(imgH))  # batch 2: the exporter must not fix it
    axes = {INPUT_NAME: {0: "batch", 3: "width"}, FEATURES_OUTPUT: {0: "batch", 1: "steps"}}
    return _export(front, example, INPUT_NAME, FEATURES_OUTPUT, axes, metadata)


def check_features_onnx(front: nn.Module, back: nn.Module, session: Any, character: str, imgH: int,
                        crops: Sequence[np.ndarray] | None = None, atol: float = DEFAULT_ATOL) -> GraphCheck:
    """Run the front with onnxruntime and with PyTorch on the same crops, each alone and all as one batch.

    Args:
        front / back: :func:`split_recognizer` of the float model.
        session: an ``onnxruntime.InferenceSession`` of the file.
        character: the character list (class ``i + 1`` = ``character[i]``), for the greedy strings.
        imgH: input height in px.
        crops: uint8 (H, W) greyscale crops (default :func:`easyocr_ko.trio.onnx.render_check_crops`).
        atol: tolerance of :attr:`GraphCheck.passed` (absolute, feature units).

    Returns:
        The figures; a mismatch does not raise.
    """
    from easyocr_ko.charset import CTCCodec
    from easyocr_ko.recognizer.transforms import reader_tensor

    codec = CTCCodec(character)
    crops = list(crops) if crops is not None else render_check_crops(character, imgH)
    batches = [reader_tensor([c], imgH) for c in crops] + ([reader_tensor(crops, imgH)] if len(crops) > 1 else [])
    check = GraphCheck("recognizer front", atol=atol)
    for images in batches:
        with torch.no_grad():
            ours = front(images)
            theirs = torch.from_numpy(session.run([FEATURES_OUTPUT], {INPUT_NAME: images.numpy()})[0])
            texts = [codec.decode_greedy(back(f).argmax(dim=2)) for f in (ours, theirs)]
        check.add(ours.numpy(), theirs.numpy(), texts[0] == texts[1])
        check.runs.append((int(images.shape[0]), int(images.shape[2]), int(images.shape[3])))
    return check
