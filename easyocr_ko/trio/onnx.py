"""``easyocr-ko export --onnx``: the recognizer as one ONNX file, checked against PyTorch with onnxruntime.

The graph (ONNX opset :data:`ONNX_OPSET` = 17; TPS needs ``GridSample``, opset >= 16):

* input :data:`INPUT_NAME` ``"image"``: float32 (batch, input_channel, imgH, width), values in [-1, 1], with
  **dynamic** ``batch`` and ``width`` axes (the height is the training imgH).  Preprocess a greyscale crop as
  ``easyocr.Reader`` does (:func:`easyocr_ko.recognizer.transforms.reader_tensor`): resize to height imgH
  keeping the aspect ratio, ``(x / 255 - 0.5) / 0.5``; Reader also right-pads to ``ceil(w / h) * imgH`` px by
  repeating the last column, which the graph does not need but which gives Reader's numbers exactly;
* output :data:`OUTPUT_NAME` ``"logits"``: float32 (batch, steps, num_class), raw scores (no softmax); class 0
  is the CTC blank and class ``i + 1`` is ``character_list[i]`` (EasyOCR's ``CTCLabelConverter``).  ``steps``
  follows the input width (VGG: ``width / 4 - 1``; ResNet and RCNN: ``width / 4 + 1``), except under TPS, which
  resamples every input to its fixed imgH x imgW: the width is then dynamic at the input only and ``steps`` is a
  constant;
* ``metadata_props``: ``character_list`` (the string above), ``imgH`` (decimal), ``network_params`` (JSON: the
  checkpoint's gen2 ``input_channel`` / ``output_channel`` / ``hidden_size`` or DTRB's stage options and sizes,
  see :func:`easyocr_ko.recognizer.model.build_model`) and ``blank`` (``"0"``).

It is made by torch's TorchScript exporter (``torch.onnx.export(dynamo=False)`` with ``dynamic_axes``), which
writes each BiLSTM as ONNX ``LSTM`` nodes and needs no onnxscript.  EasyOCR's gen2 network
(``easyocr.model.vgg_model.Model``: korean_g2, english_g2, ``finetune``'s default) cannot be exported with a
dynamic width as it is (its ``AdaptiveAvgPool2d((None, 1))`` has a size that depends on the input, which the
exporter refuses), so it is exported as the DTRB None-VGG-BiLSTM-CTC :class:`easyocr_ko.recognizer.dtrb.Model`
with the same weights (same keys and shapes, the pooling written as a mean over the feature height); the check
below compares the file with the original network.  Only CTC models are exported (EasyOCR-style greedy CTC
decoding of the logits): an attention decoder (``Prediction: Attn``) is refused.  The float model is exported,
not the int8 one Reader makes on CPU (``quantize=True``).

The check (:func:`check_onnx`) runs the file with onnxruntime's ``CPUExecutionProvider`` and the model with
PyTorch on the same crops: each crop alone (Reader on CPU reads one box per batch) and all crops as one padded
batch, so both dynamic axes are exercised.  The export fails, and nothing is written, when the greedy strings
differ or the largest absolute logit difference exceeds the tolerance (:data:`DEFAULT_ATOL`).  The file is
written to a temporary sibling, checked there and renamed (:func:`easyocr_ko.fsutil.atomic_path`).
"""
from __future__ import annotations

import copy
import inspect
import io
import json
import math
import random
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.batches import find_datasets
from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset, decode_gray, read_gray_file
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import atomic_path
from easyocr_ko.recognizer.dtrb import Model as DtrbModel
from easyocr_ko.recognizer.dtrb import stage_string
from easyocr_ko.recognizer.model import model_from_state_dict, stages_of
from easyocr_ko.recognizer.pretrained import load_pretrained
from easyocr_ko.recognizer.transforms import reader_tensor
from easyocr_ko.resources import fonts_dir
from easyocr_ko.trio.check import require_ctc

__all__ = ["ONNX_OPSET", "INPUT_NAME", "OUTPUT_NAME", "DEFAULT_ATOL", "CHECK_FONT", "Recognizer", "OnnxCheck",
           "load_recognizer", "onnx_model_bytes", "check_onnx", "render_check_crops", "load_check_crops",
           "export_model_onnx", "export_checkpoint_onnx", "export_onnx"]

ONNX_OPSET = 17
"""ONNX opset of the exported graph (>= 16 for TPS's ``GridSample``)."""
INPUT_NAME = "image"
"""Name of the graph's input: float32 (batch, input_channel, imgH, width) in [-1, 1]."""
OUTPUT_NAME = "logits"
"""Name of the graph's output: float32 (batch, steps, num_class), class 0 = CTC blank."""
DEFAULT_ATOL = 1e-3
"""Largest absolute logit difference onnxruntime vs PyTorch that the check accepts (logit units).  Float32
rounding gave 4e-5 on english_g2, whose logits reach about 35 (README, section ONNX), and less on the tests' tiny
models; a wrong graph (e.g. BatchNorm traced in training mode) gives 1e-2 and more."""
CHECK_FONT = "Bandal.ttf"
"""Shipped font (Hangul and printable ASCII) that :func:`render_check_crops` draws the default check crops with."""
_CHECK_LENGTHS = (2, 6, 14)  # characters per default check crop: three padded widths at any imgH


@dataclass
class Recognizer:
    """A recognizer loaded for export.

    Attributes:
        model: the float network on the CPU, in eval mode (gen2 ``easyocr.model.vgg_model.Model`` or
            :class:`easyocr_ko.recognizer.dtrb.Model`); ``model(images, None)`` maps float32
            (N, input_channel, imgH, W) in [-1, 1] to logits (N, T, len(character) + 1).
        character: the character list (class ``i + 1`` = ``character[i]``, 0 = blank).
        imgH: input height in px the weights were trained at.
        network_params: gen2's or DTRB's ``network_params`` (without ``num_class``).
        source: what was loaded, for messages.
    """

    model: nn.Module
    character: str
    imgH: int
    network_params: dict
    source: str

    @property
    def stages(self) -> str:
        """``'None-VGG-BiLSTM-CTC'`` etc. (DTRB's experiment name; gen2 is None-VGG-BiLSTM-CTC)."""
        return stage_string(stages_of(self.network_params))


@dataclass
class OnnxCheck:
    """onnxruntime vs PyTorch on the same inputs.

    Attributes:
        max_abs_diff: largest absolute logit difference over every run, step and class (``inf`` when the output
            shapes differ).
        torch_texts / onnx_texts: greedy CTC strings of every image of every run, in run order.
        runs: ``(batch, width)`` of each input tensor, width in px.
        crops: number of crops (each run alone, then all together when there are several).
        atol: the tolerance :attr:`passed` uses.
    """

    max_abs_diff: float
    torch_texts: list[str]
    onnx_texts: list[str]
    runs: list[tuple[int, int]] = field(default_factory=list)
    crops: int = 0
    atol: float = DEFAULT_ATOL

    @property
    def same_texts(self) -> bool:
        """Identical greedy strings for every image of every run."""
        return self.torch_texts == self.onnx_texts

    @property
    def passed(self) -> bool:
        """``max_abs_diff <= atol`` and :attr:`same_texts`."""
        return self.max_abs_diff <= self.atol and self.same_texts

    def summary(self) -> str:
        """One line with the figures, e.g. for the CLI."""
        widths = "/".join(str(w) for w in sorted({w for _, w in self.runs}))
        batch = " and as one batch" if self.crops > 1 else ""
        same = sum(a == b for a, b in zip(self.torch_texts, self.onnx_texts))
        return (f"onnxruntime vs PyTorch on {self.crops} crop(s), widths {widths} px, each alone{batch}: "
                f"max |logit difference| {self.max_abs_diff:.1e} (tolerance {self.atol:.0e}), greedy strings "
                f"{'identical' if self.same_texts else 'DIFFERENT'} ({same}/{len(self.torch_texts)})")


# ---------------------------------------------------------------- loading

def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise EasyOcrKoError(f"the {module} package is not installed: pip install onnx onnxruntime "
                             "(from a checkout: pip install -e '.[onnx]')") from None


def load_recognizer(checkpoint: Path | str) -> Recognizer:
    """Load what ``export --onnx`` exports.

    Args:
        checkpoint: an easyocr-ko checkpoint (``finetune``'s ``.pth``: a dict with ``format`` =
            :data:`easyocr_ko.recognizer.pretrained.CHECKPOINT_FORMAT`, ``model``, ``character``,
            ``network_params``, ``imgH``) of gen2 or any DTRB CTC combination; or bare weights (a plain state dict
            such as english_g2.pth or a trio's NAME.pth), resolved as ``--pretrained PATH`` is
            (:func:`easyocr_ko.recognizer.pretrained.load_pretrained`: the character list from the ``NAME.yaml``
            beside it, or korean_g2's / english_g2's for 1,009 / 97 classes).

    Returns:
        The network with its weights, character list, imgH and network_params.

    Raises:
        FileNotFoundError: no such file.
        EasyOcrKoError: unreadable or foreign file, an Attn model, a character list that does not match the
            Prediction rows, weights that do not load.
    """
    path = Path(checkpoint)
    # load_pretrained reads the file once and takes both kinds; an absolute path is never a built-in's name
    pretrained = load_pretrained(path.resolve())
    params = pretrained.network_params
    require_ctc(params, f"{path} is a {stage_string(stages_of(params))} model: ONNX export covers CTC models only "
                        "(EasyOCR-style greedy CTC decoding of the logits), not Prediction: Attn")
    return Recognizer(pretrained.build().float(), pretrained.character, pretrained.imgH,
                      dict(pretrained.network_params), pretrained.source)


# ---------------------------------------------------------------- export

class _LogitsOnly(nn.Module):
    """``model(image, None)``: the image as the only input (gen2's ``forward`` requires a ``text`` argument it
    never reads; DTRB CTC models ignore it)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.model(image, None)


def _input_channel(model: nn.Module) -> int:
    conv = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    return int(conv.in_channels)


def _exportable(model: nn.Module) -> DtrbModel | nn.Module:
    """A float CPU copy in eval mode; gen2 (or any DTRB-keyed network) becomes :class:`DtrbModel` with the same
    weights; a network of other keys is exported as it is."""
    model = copy.deepcopy(model).float().cpu().eval()
    if isinstance(model, DtrbModel):
        return model
    try:
        return model_from_state_dict(model.state_dict())
    except (ValueError, RuntimeError):
        return model


# torch >= 2.5 has both exporters (torch.export-based by default from 2.9); older torch only the TorchScript one.
_TORCHSCRIPT_EXPORTER = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def onnx_model_bytes(model: nn.Module, imgH: int, metadata: Mapping[str, str] | None = None, *,
                     example_width: int | None = None, opset: int = ONNX_OPSET) -> bytes:
    """Serialise a CTC recognizer as an ONNX model (see the module docstring for the graph).

    Args:
        model: gen2 ``easyocr.model.vgg_model.Model`` or a DTRB :class:`easyocr_ko.recognizer.dtrb.Model` with
            ``Prediction`` CTC; any device and dtype (a float32 CPU copy in eval mode is exported, ``model`` is
            left as it is).
        imgH: input height in px (the training imgH; fixed in the graph).
        metadata: strings stored in ``metadata_props``.
        example_width: width in px of the tracing input (default ``4 * imgH``); any width runs afterwards.
        opset: ONNX opset (>= 16 for TPS).

    Returns:
        The serialised ``onnx.ModelProto``, checked with ``onnx.checker``.

    Raises:
        EasyOcrKoError: an Attn model, or the onnx package is missing.
    """
    require_ctc(getattr(model, "network_params", {}),  # gen2's network has none: always CTC
                "ONNX export covers CTC models only (EasyOCR-style greedy CTC decoding of the logits): this is an "
                "Attn model")
    onnx = _require("onnx")
    exportable = _exportable(model)
    wrapped = _LogitsOnly(exportable).eval()
    example = torch.zeros(2, _input_channel(exportable), int(imgH), int(example_width or 4 * imgH))  # batch 2: not 1
    tps = isinstance(exportable, DtrbModel) and exportable.stages["Trans"] == "TPS"
    output_axes = {0: "batch"} if tps else {0: "batch", 1: "steps"}
    options: dict[str, Any] = {
        "input_names": [INPUT_NAME], "output_names": [OUTPUT_NAME], "opset_version": opset,
        "do_constant_folding": True, "dynamic_axes": {INPUT_NAME: {0: "batch", 3: "width"}, OUTPUT_NAME: output_axes},
        **_TORCHSCRIPT_EXPORTER}
    buffer = io.BytesIO()  # the TorchScript exporter writes to a file object too (torch annotates paths only)
    # The exporter warns that it is the legacy one, that LSTM's batch size is traced (it is not: the check runs
    # other batch sizes) and about rnn.py's Python booleans; check_onnx is what validates the graph.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(wrapped, (example,), cast(Any, buffer), **options)
    proto = onnx.load_from_string(buffer.getvalue())
    for key, value in (metadata or {}).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = str(key), str(value)
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


# ---------------------------------------------------------------- the check

def _session(onnx_model: Path | str | bytes) -> Any:
    ort = _require("onnxruntime")
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: no warnings about unused initializers
    source = onnx_model if isinstance(onnx_model, bytes) else str(onnx_model)
    return ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])


def check_onnx(model: nn.Module, onnx_model: Path | str | bytes, crops: Sequence[np.ndarray], character: str,
               imgH: int, atol: float = DEFAULT_ATOL) -> OnnxCheck:
    """Run the ONNX model with onnxruntime (CPUExecutionProvider) and ``model`` with PyTorch on the same crops.

    Args:
        model: the PyTorch recognizer the file was exported from (CTC; its float32 CPU copy is run).
        onnx_model: the ``.onnx`` file, or its bytes.
        crops: uint8 (H, W) greyscale crops; each is run alone and, when there are several, all are run as one
            batch, preprocessed as Reader does (:func:`easyocr_ko.recognizer.transforms.reader_tensor`;
            repeated over the channels of a model with ``input_channel`` > 1).
        character: the character list, for greedy CTC decoding (class ``i + 1`` = ``character[i]``).
        imgH: input height in px.
        atol: tolerance of :attr:`OnnxCheck.passed` (absolute, in logit units).

    Returns:
        The figures; a mismatch does not raise (look at :attr:`OnnxCheck.passed`).

    Raises:
        EasyOcrKoError: no crops, an empty character list, or onnxruntime is missing.
        ValueError: a crop is not uint8 (H, W) (:func:`easyocr_ko.recognizer.transforms.resize_to_height`).
    """
    if not crops:
        raise EasyOcrKoError("no crops to check the ONNX model on")
    codec = CTCCodec(character)
    session = _session(onnx_model)
    model = copy.deepcopy(model).float().cpu().eval()
    channels = _input_channel(model)
    batches = [reader_tensor([crop], imgH) for crop in crops]
    if len(crops) > 1:
        batches.append(reader_tensor(list(crops), imgH))
    check = OnnxCheck(0.0, [], [], crops=len(crops), atol=atol)
    for images in batches:
        images = images.expand(-1, channels, -1, -1).contiguous()
        with torch.no_grad():
            ours = model(images, None).float()
        theirs = torch.from_numpy(session.run([OUTPUT_NAME], {INPUT_NAME: images.numpy()})[0])
        diff = float((ours - theirs).abs().max()) if theirs.shape == ours.shape else math.inf
        diff = math.inf if math.isnan(diff) else diff  # a NaN on either side fails the check
        check.max_abs_diff = max(check.max_abs_diff, diff)
        check.torch_texts += codec.decode_greedy(ours.argmax(dim=2))
        check.onnx_texts += codec.decode_greedy(theirs.argmax(dim=2))
        check.runs.append((int(images.shape[0]), int(images.shape[3])))
    return check


def render_check_crops(character: str, imgH: int, lengths: Sequence[int] = _CHECK_LENGTHS, seed: int = 0,
                       font: Path | str | None = None) -> list[np.ndarray]:
    """The default check crops: lines of characters drawn from ``character`` (seeded), black on white, rendered
    with a shipped font (:data:`CHECK_FONT`) at ``imgH`` px height, one line per entry of ``lengths``, so that
    they reach the model at several padded widths.

    Returns:
        uint8 (imgH, w) greyscale arrays, w growing with the length.

    Raises:
        FileNotFoundError: the font is missing from the installation.
    """
    from PIL import Image, ImageDraw, ImageFont

    drawable = [c for c in character if not c.isspace()] or list(character)
    pil_font = ImageFont.truetype(str(font or fonts_dir() / CHECK_FONT), max(int(imgH * 0.75), 1))
    rng = random.Random(seed)
    crops = []
    for length in lengths:
        text = "".join(rng.choice(drawable) for _ in range(length))
        width = int(pil_font.getlength(text)) + imgH // 4
        image = Image.new("L", (max(width, 1), imgH), 255)
        ImageDraw.Draw(image).text((imgH // 8, imgH // 16), text, font=pil_font, fill=0)
        crops.append(np.asarray(image, dtype=np.uint8).copy())
    return crops


def _dataset_crops(path: Path, limit: int, rng: random.Random) -> list[np.ndarray]:
    crops: list[np.ndarray] = []
    for folder in find_datasets(path, "validation") or find_datasets(path, "train"):
        dataset = LmdbDataset(folder) if (folder / "data.mdb").is_file() else FolderDataset(folder)
        for i in sorted(rng.sample(range(len(dataset)), min(len(dataset), limit))):
            gray = decode_gray(dataset[i][0])
            if gray is not None:  # an undecodable image is left out
                crops.append(gray)
    return rng.sample(crops, min(len(crops), limit))


def load_check_crops(paths: Sequence[Path | str], per_dataset: int = 8, seed: int = 0) -> list[np.ndarray]:
    """Crops for the check from the user's data.

    Args:
        paths: image files (each one crop, read as EasyOCR reads a file: ``cv2.IMREAD_GRAYSCALE``) or datasets
            (an LMDB, a DTRB folder, a gen/import output: its validation split, else its train split; a folder
            tree of LMDBs: :func:`easyocr_ko.datasets.batches.find_datasets`).
        per_dataset: crops sampled from each dataset (seeded; an undecodable image drawn is left out, so there
            may be fewer).
        seed: sampling seed.

    Returns:
        uint8 (H, W) greyscale crops, in the order of ``paths``.

    Raises:
        FileNotFoundError: a path does not exist.
        EasyOcrKoError: an undecodable image file, a folder that holds no dataset, or no crop at all.
    """
    rng = random.Random(seed)
    crops: list[np.ndarray] = []
    for path in map(Path, paths):
        if path.is_file():
            crops.append(read_gray_file(path))
        else:
            found = _dataset_crops(path, per_dataset, rng)
            if not found:
                raise EasyOcrKoError(f"{path}: no decodable image to check the ONNX model on")
            crops += found
    if not crops:
        raise EasyOcrKoError("no crops to check the ONNX model on")
    return crops


# ---------------------------------------------------------------- export + check, atomically

def _check_target(path: Path | str, overwrite: bool, atol: float) -> Path:
    path = Path(path)
    if path.is_dir():
        raise EasyOcrKoError(f"{path} is a folder: --onnx takes the path of the .onnx file to write")
    if path.exists() and not overwrite:
        raise EasyOcrKoError(f"{path} exists: pass --overwrite to replace it")
    if not atol > 0:
        raise EasyOcrKoError(f"the ONNX check's tolerance must be > 0, got {atol}")
    return path


def export_model_onnx(recognizer: Recognizer, path: Path | str, crops: Sequence[np.ndarray] | None = None,
                      atol: float = DEFAULT_ATOL, overwrite: bool = False) -> OnnxCheck:
    """Export ``recognizer`` to ``path`` as ONNX (:func:`onnx_model_bytes`, with the metadata of the module
    docstring) and keep the file only if :func:`check_onnx` passes.

    The file is written to a hidden temporary sibling, checked there with onnxruntime, and renamed over ``path``
    only when the check passes; otherwise the temporary file is deleted and ``path`` is left as it was.

    Args:
        recognizer: what to export (:func:`load_recognizer`, or built by hand).
        path: the ``.onnx`` file; its folder is created if missing.
        crops: uint8 (H, W) greyscale crops for the check (default: :func:`render_check_crops`, 3 widths).
        atol: largest accepted absolute logit difference (> 0).
        overwrite: replace an existing ``path``.

    Returns:
        The check's figures (passed).

    Raises:
        EasyOcrKoError: ``path`` exists (and not ``overwrite``) or is a folder, ``atol`` <= 0, an Attn model,
            onnx / onnxruntime missing, or the check failed (the message carries its figures).
        OSError: ``path`` cannot be written (naming it).
    """
    path = _check_target(path, overwrite, atol)
    metadata = {"character_list": recognizer.character, "imgH": str(int(recognizer.imgH)),
                "network_params": json.dumps(recognizer.network_params, ensure_ascii=False), "blank": "0"}
    data = onnx_model_bytes(recognizer.model, recognizer.imgH, metadata)
    crops = list(crops) if crops is not None else render_check_crops(recognizer.character, recognizer.imgH)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
        check = check_onnx(recognizer.model, tmp, crops, recognizer.character, recognizer.imgH, atol)
        if not check.passed:
            raise EasyOcrKoError(f"the ONNX model does not match PyTorch, nothing written: {check.summary()}")
    return check


def export_checkpoint_onnx(checkpoint: Path | str, path: Path | str, crops: Sequence[np.ndarray] | None = None,
                           atol: float = DEFAULT_ATOL, overwrite: bool = False) -> tuple[Recognizer, OnnxCheck]:
    """``easyocr-ko export CHECKPOINT --onnx PATH``: :func:`load_recognizer` then :func:`export_model_onnx`.

    Returns:
        The loaded recognizer (for its stages, imgH, classes) and the check's figures.

    Raises:
        FileNotFoundError: no such checkpoint.
        EasyOcrKoError / OSError: as :func:`load_recognizer` and :func:`export_model_onnx`; nothing is written.
    """
    _check_target(path, overwrite, atol)  # before the (slow) load
    recognizer = load_recognizer(checkpoint)
    return recognizer, export_model_onnx(recognizer, path, crops, atol, overwrite)


def export_onnx(source: Path | str, path: Path | str, checkpoint: str = "best_accuracy",
                check_data: Sequence[Path | str] = (), overwrite: bool = False) -> tuple[Recognizer, OnnxCheck]:
    """``easyocr-ko export SOURCE --onnx PATH [--check-data ...]``: the recognizer as one ONNX file, checked
    against PyTorch with onnxruntime before it is renamed into place.

    Args:
        source: a finetune run folder (its ``<checkpoint>.pth``), a checkpoint ``.pth`` or EasyOCR gen2 weights.
        path: the ``.onnx`` file to write.
        checkpoint: ``best_accuracy``, ``best_norm_ED`` or ``last`` (run folders only).
        check_data: image files or datasets to take the check's crops from (:func:`load_check_crops`); empty:
            three lines rendered with a shipped font.
        overwrite: replace an existing ``path``.

    Returns:
        The loaded :class:`Recognizer` and the :class:`OnnxCheck` figures.

    Raises:
        FileNotFoundError: no such run, checkpoint or check data.
        EasyOcrKoError / OSError: an Attn model, onnx/onnxruntime missing, the check fails, or ``path`` exists
            without ``overwrite``; nothing is written then.
    """
    from easyocr_ko.trio.export import resolve_checkpoint

    crops = load_check_crops(check_data) if check_data else None
    return export_checkpoint_onnx(resolve_checkpoint(Path(source), checkpoint), path, crops, overwrite=overwrite)
