"""Decoding and recognition exactly as ``easyocr.Reader`` does it (EasyOCR 1.7.2's ``easyocr/recognition.py``
and ``easyocr/easyocr.py``).

* probabilities (``recognizer_predict``): softmax over classes in torch, then in numpy float32 the classes of
  ``ignore_idx`` are zeroed and every step is renormalised to sum 1.  ``Reader`` ignores the characters of
  the model that are not in its allow-list (see :func:`reader_ignore_idx`); for a custom model whose yaml
  has a ``character_list`` and no ``symbols`` nothing is ignored;
* text: greedy CTC path (argmax per step), repeats collapsed, blanks dropped;
* confidence: ``custom_mean`` of the max probabilities of the non-blank steps,
  ``prod(p) ** (2 / sqrt(n))`` (0 when every step is blank);
* two passes (``get_text``): boxes read with confidence below ``contrast_ths`` (0.1) are read again after
  ``adjust_contrast_grey(target=adjust_contrast)`` (0.5) and the more confident reading is kept (the first
  one only when it is strictly more confident);
* model: on CPU ``Reader`` applies ``torch.quantization.quantize_dynamic(model, dtype=torch.qint8)`` unless
  ``quantize=False`` (:func:`quantize_like_reader`).  Dynamic quantization scales activations by the range
  of the whole batch, so a quantized model gives Reader's numbers only when every crop is its own batch, as
  the CPU ``Reader.recognize`` reads them (a :func:`read_batch` per crop).  A float model gives the same strings
  when crops of the same padded width are batched (:func:`read_batch`), up to float rounding.

Attention models (DTRB ``Prediction: Attn``, :class:`easyocr_ko.charset.AttnCodec`), which Reader
cannot decode, are read the same way (preprocessing, batches, the contrast pass) with DTRB's decoding instead
of CTC's: the greedy steps up to the first ``[s]``, confidence = the product of the steps' max probabilities up
to and including ``[s]`` (DTRB ``test.py``'s ``pred_max_prob.cumprod(dim=0)[-1]``), with Reader's ignored
classes zeroed first.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.transforms import align_collate, batch_width, resize_to_height

__all__ = ["READER_DEFAULT_SYMBOLS", "custom_mean", "language_characters", "reader_allowed_characters",
           "reader_ignore_idx", "reader_probabilities", "probabilities", "decode", "Candidate", "top_n",
           "quantize_like_reader", "Reading", "RecognizeOptions", "preprocess_crops", "read_passes", "read_batch"]

#: ``Reader.setLanguageList``'s allow-list symbols when a model gives neither ``symbols`` nor ``character_list``.
READER_DEFAULT_SYMBOLS = "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "


def custom_mean(probs: np.ndarray) -> float:
    """EasyOCR's confidence (``custom_mean``): ``prod(probs) ** (2 / sqrt(len(probs)))``.

    Args:
        probs: float (n,) probabilities in [0, 1], n >= 1 (the max probability of every non-blank step).

    Returns:
        The confidence, in [0, 1].
    """
    return float(probs.prod() ** (2.0 / np.sqrt(len(probs))))


# ---------------------------------------------------------------- the allow-list (Reader.setLanguageList)

@cache
def language_characters(lang: str) -> frozenset:
    """The characters of ``easyocr/character/<lang>_char.txt`` (one entry a line, UTF-8 with BOM allowed).

    Raises:
        EasyOcrKoError: EasyOCR has no character file for ``lang``.
    """
    import easyocr

    path = Path(easyocr.__file__).resolve().parent / "character" / f"{lang}_char.txt"
    if not path.is_file():
        raise EasyOcrKoError(f"unknown language code {lang!r}: EasyOCR has no character/{lang}_char.txt")
    return frozenset("".join(path.read_text(encoding="utf-8-sig").splitlines()))


def reader_allowed_characters(lang_list: Iterable[str], symbols: str | None) -> frozenset:
    """``Reader.lang_char``: the characters of the requested languages' files plus the model's ``symbols``
    (built-in models: ``easyocr.config``; custom: the yaml's ``symbols``, else its ``character_list``); with
    neither, Reader's default punctuation and digits (:data:`READER_DEFAULT_SYMBOLS`).

    Raises:
        EasyOcrKoError: EasyOCR has no character file for a language of ``lang_list``.
    """
    allowed: set[str] = set()
    for lang in lang_list:
        allowed |= language_characters(lang)
    return frozenset(allowed | set(symbols if symbols else READER_DEFAULT_SYMBOLS))


def reader_ignore_idx(character: str, lang_list: Iterable[str], symbols: str | None) -> list[int]:
    """Classes ``Reader.recognize`` zeroes without an allowlist/blocklist: those of the characters of
    ``character`` outside :func:`reader_allowed_characters`, as class indices (``character.index(c) + 1``),
    ascending.

    Raises:
        EasyOcrKoError: EasyOCR has no character file for a language of ``lang_list``.

    >>> reader_ignore_idx("ab가", ["ko"], None)  # ko_char.txt has no Latin letters
    [1, 2]
    """
    allowed = reader_allowed_characters(lang_list, symbols)
    return sorted(i + 1 for i, c in enumerate(character) if c not in allowed)


# ---------------------------------------------------------------- decoding (recognizer_predict)

def reader_probabilities(logits: torch.Tensor, ignore_idx: Sequence[int] = ()) -> np.ndarray:
    """Per-step class probabilities exactly as ``recognizer_predict`` computes them: softmax in float32, ignored
    classes zeroed, every step renormalised.

    Args:
        logits: float (N, T, num_class), class 0 = CTC blank.
        ignore_idx: classes to zero before renormalising (:func:`reader_ignore_idx`).

    Returns:
        float32 (N, T, num_class), every step summing to 1 (up to float rounding).
    """
    prob = F.softmax(logits.float(), dim=2).cpu().detach().numpy()
    if len(ignore_idx):
        prob[:, :, list(ignore_idx)] = 0.0
    norm = prob.sum(axis=2)
    return prob / np.expand_dims(norm, axis=-1)


def probabilities(logits: torch.Tensor, ignore_idx: Sequence[int] = ()) -> torch.Tensor:
    """:func:`reader_probabilities` as a float32 tensor (N, T, C)."""
    return torch.from_numpy(reader_probabilities(logits, ignore_idx))


def _decode_prob(prob: np.ndarray, codec: CTCCodec) -> list[tuple[str, float]]:
    # Text from torch's max over the float32 tensor, confidence from numpy's max/argmax: as recognizer_predict.
    _, index = torch.from_numpy(prob).max(2)
    texts = codec.decode_greedy(index)
    values, indices = prob.max(axis=2), prob.argmax(axis=2)
    out = []
    for text, v, i in zip(texts, values, indices):
        steps = v[i != 0]
        out.append((text, custom_mean(steps if len(steps) else np.array([0]))))
    return out


def _decode_attn(prob: np.ndarray, codec: AttnCodec) -> list[tuple[str, float]]:
    indices = prob.argmax(axis=2)  # (N, S)
    texts = codec.decode(torch.from_numpy(indices))
    out = []
    for text, p, i in zip(texts, prob.max(axis=2), indices):
        stop = np.flatnonzero(i == AttnCodec.EOS)
        end = int(stop[0]) + 1 if len(stop) else len(i)  # up to and including [s]
        out.append((text, float(np.prod(p[:end], dtype=np.float64))))
    return out


def decode(logits: torch.Tensor, codec: CTCCodec | AttnCodec,
           ignore_idx: Sequence[int] = ()) -> list[tuple[str, float]]:
    """Greedy-decode logits into ``(text, confidence)`` pairs, as Reader's ``recognizer_predict`` (CTC) or
    DTRB's ``test.py`` (Attn).

    Args:
        logits: float (N, T, num_class); CTC: class 0 = blank, class ``i + 1`` = ``codec.character[i]``;
            Attn: class 0 = [GO], 1 = [s], ``i + 2`` = ``codec.character[i]``, T = batch_max_length + 1.
        codec: the model's codec (:class:`~easyocr_ko.charset.CTCCodec` or
            :class:`~easyocr_ko.charset.AttnCodec`).
        ignore_idx: classes to ignore (zeroed before renormalising, so never emitted), as Reader's.

    Returns:
        Per image, CTC: the greedy path with repeats collapsed and blanks dropped, and :func:`custom_mean` of
        the max probabilities of its non-blank steps (0 when every step is blank); Attn: the steps before the
        first [s] and the product of the max probabilities up to and including it.  Confidence in [0, 1].
    """
    prob = reader_probabilities(logits, ignore_idx)
    if isinstance(codec, AttnCodec):
        return _decode_attn(prob, codec)
    return _decode_prob(prob, codec)


@dataclass
class Candidate:
    """One position of a greedy path with its ``n`` best characters.

    Attributes:
        step: the time step (0-based, of the T steps of the logits).
        options: ``(character, probability)``, best first; ``''`` stands for the CTC blank.
    """

    step: int
    options: list[tuple[str, float]]


def top_n(logits: torch.Tensor, codec: CTCCodec, n: int = 5, ignore_idx: Sequence[int] = ()) -> list[list[Candidate]]:
    """Top-``n`` candidates at each position where the greedy path emits a character.

    Args:
        logits: (N, T, num_class).
        codec: the model's codec.
        n: candidates per position (>= 1).
        ignore_idx: classes Reader ignores (their probability is 0, so they are never candidates).

    Returns:
        Per image, one :class:`Candidate` per emitted character (steps where the argmax is a new non-blank
        class), like the single-character ``predict(n)`` of KoOCR but for every position of a line.  The best
        options, joined, give the greedy text; probabilities are Reader's renormalised ones, in [0, 1];
        options of probability 0 (ignored classes, float underflow) are left out.

    Raises:
        ValueError: ``n`` < 1.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    prob = probabilities(logits, ignore_idx)
    best = prob.max(dim=2)[1]
    k = min(n, prob.shape[2])
    top_p, top_i = prob.topk(k, dim=2)
    out = []
    for b in range(prob.shape[0]):
        cands, prev = [], -1
        for t, cls in enumerate(best[b].tolist()):
            if cls != 0 and cls != prev:
                opts = [(codec.character[c - 1] if c else "", float(p))
                        for c, p in zip(top_i[b, t].tolist(), top_p[b, t].tolist()) if p > 0]
                cands.append(Candidate(t, opts))
            prev = cls
        out.append(cands)
    return out


# ---------------------------------------------------------------- the model as Reader holds it

def quantize_like_reader(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` with Reader's CPU quantization: ``torch.quantization.quantize_dynamic(model,
    dtype=torch.qint8)`` (Linear and LSTM weights int8, activations quantized per batch).  As in
    ``easyocr.recognition.get_recognizer``, a model that cannot be quantized stays float."""
    model = copy.deepcopy(model).eval()
    try:
        torch.quantization.quantize_dynamic(model, dtype=torch.qint8, inplace=True)
    except Exception:  # Reader swallows quantization failures the same way
        pass
    return model


@dataclass
class Reading:
    """One crop's result.

    Attributes:
        text: the greedy CTC string.
        confidence: Reader's confidence, in [0, 1].
        contrast_pass: the kept reading is the second, contrast-adjusted one.
        logits: float32 (T, num_class) of the kept pass, only when asked for.
    """

    text: str
    confidence: float
    contrast_pass: bool = False
    logits: torch.Tensor | None = None


@dataclass(frozen=True)
class RecognizeOptions:
    """How :func:`read_batch` reads crops: Reader's ``recognize`` settings for one model.

    Attributes:
        imgH: model input height in px.
        ignore_idx: classes Reader ignores (:func:`reader_ignore_idx`).
        contrast_ths: crops read with a confidence below this are read a second time, contrast-adjusted
            (Reader's ``contrast_ths``, default 0.1).
        adjust_contrast: the contrast target of the second pass (Reader's ``adjust_contrast``, default 0.5).
        device: where the model is.
        keep_logits: return each kept pass's logits (T, num_class).
    """

    imgH: int = 64
    ignore_idx: tuple[int, ...] = ()
    contrast_ths: float = 0.1
    adjust_contrast: float = 0.5
    device: str | torch.device = "cpu"
    keep_logits: bool = False


def preprocess_crops(crops: Sequence[np.ndarray], imgH: int = 64) -> tuple[list[np.ndarray], int]:
    """Reader's preprocessing of a list of boxes read as one batch, before the tensor is built: every crop resized
    to ``imgH`` keeping its aspect ratio, and the padded width of the batch (``ceil(max ratio) * imgH``).

    Args:
        crops: uint8 (H, W) greyscale crops, at least one.
        imgH: model input height in px.

    Returns:
        ``(resized, width)``: uint8 (imgH, w) crops and the batch width in px; build the model input with
        :func:`easyocr_ko.recognizer.transforms.align_collate` (``adjust_contrast`` for the second pass).

    Raises:
        ValueError: a crop is not uint8 (H, W) or too thin to resize
            (:func:`easyocr_ko.recognizer.transforms.resize_to_height`).
    """
    resized, ratios = zip(*(resize_to_height(c, imgH) for c in crops))
    return list(resized), batch_width(ratios, imgH)


@torch.no_grad()
def read_passes(forward: Callable[[torch.Tensor], torch.Tensor], codec: CTCCodec | AttnCodec,
                crops: Sequence[np.ndarray], options: RecognizeOptions = RecognizeOptions()) -> list[Reading]:
    """Read crops as ONE batch with any forward function, as Reader's ``get_text`` does: preprocessing
    (:func:`preprocess_crops`), decoding (:func:`decode`), and a second, contrast-adjusted pass over the crops
    read with a confidence below ``options.contrast_ths``, keeping the more confident reading (the first only
    when strictly more confident).

    Args:
        forward: float32 (N, 1, imgH, W) in [-1, 1] -> logits (N, T, num_class) on the CPU (a torch model, or
            another engine running the same network).
        codec: the model's codec (CTC, or Attn for a DTRB attention model).
        crops: uint8 (H, W) greyscale crops, at least one.
        options: height, ignored classes, contrast retry, logits kept (``device`` is not used here).

    Returns:
        One :class:`Reading` per crop, in order.

    Raises:
        ValueError: as :func:`preprocess_crops`.
    """
    imgH = options.imgH
    resized, width = preprocess_crops(crops, imgH)
    logits = forward(align_collate(resized, imgH, width))
    first = decode(logits, codec, options.ignore_idx)
    keep = options.keep_logits
    out = [Reading(t, c, False, logits[k] if keep else None) for k, (t, c) in enumerate(first)]
    low = [k for k, (_, c) in enumerate(first) if c < options.contrast_ths]
    if low:
        logits2 = forward(align_collate([resized[k] for k in low], imgH, width, options.adjust_contrast))
        for j, (k, (text, conf)) in enumerate(zip(low, decode(logits2, codec, options.ignore_idx))):
            if not out[k].confidence > conf:
                out[k] = Reading(text, conf, True, logits2[j] if keep else None)
    return out


def _forward(model: torch.nn.Module, images: torch.Tensor, device: str | torch.device) -> torch.Tensor:
    # Reader passes a dummy text tensor of batch_max_length + 1 zeros (batch_max_length = int(imgW / 10)).
    text = torch.zeros(images.shape[0], int(images.shape[3] / 10) + 1, dtype=torch.long, device=device)
    return model(images.to(device), text).float().cpu()


@torch.no_grad()
def read_batch(model: torch.nn.Module, codec: CTCCodec | AttnCodec, crops: Sequence[np.ndarray],
               options: RecognizeOptions = RecognizeOptions()) -> list[Reading]:
    """Read crops as ONE batch with a torch model, as Reader's ``get_text`` does for a list of boxes: padded to
    the width of the widest (``ceil(max ratio) * imgH``), greedy decoding, then a second pass over the
    low-confidence crops with contrast adjustment (:func:`read_passes`).

    Reading crops of different padded widths in one batch pads them all to the widest: that is what Reader
    does for such a batch, but not what it does for a crop read alone; batch only crops of one width class
    (:func:`easyocr_ko.datasets.batches.eval_batches`) to get the single-crop results.

    Args:
        model: recognizer (float, or quantized with :func:`quantize_like_reader`); put in eval mode.
        codec: its codec (CTC, or Attn for a DTRB attention model).
        crops: uint8 (H, W) greyscale crops, at least one.
        options: height, ignored classes, contrast retry, the model's device, logits kept.

    Returns:
        One :class:`Reading` per crop, in order.

    Raises:
        ValueError: a crop is not uint8 (H, W) or too thin to resize
            (:func:`easyocr_ko.recognizer.transforms.resize_to_height`).
    """
    model.eval()
    return read_passes(lambda images: _forward(model, images, options.device), codec, crops, options)
