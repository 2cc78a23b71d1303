"""Decoding and recognition exactly as ``easyocr.Reader`` does it (easyocr/recognition.py 1.7.2).

* probabilities: softmax over classes, renormalised after zeroing ignored classes (none for a custom
  model whose ``character_list`` is entirely in its allow-list);
* text: greedy CTC path (argmax per step), repeats collapsed, blanks dropped;
* confidence: ``custom_mean`` of the max probabilities of the non-blank steps,
  ``prod(p) ** (2 / sqrt(n))`` (0 when every step is blank);
* two passes: boxes read with confidence below ``contrast_ths`` (0.1) are read again after
  ``adjust_contrast_grey(target=adjust_contrast)`` (0.5) and the more confident reading is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from easyocr_ko.charset import CTCCodec
from easyocr_ko.transforms import align_collate, batch_width, resize_to_height


def custom_mean(probs: np.ndarray) -> float:
    """EasyOCR's confidence: ``prod(probs) ** (2 / sqrt(len(probs)))``, in [0, 1]."""
    return float(probs.prod() ** (2.0 / np.sqrt(len(probs))))


def probabilities(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over classes, renormalised as Reader does (float32, (N, T, C))."""
    prob = F.softmax(logits.float(), dim=2)
    return prob / prob.sum(dim=2, keepdim=True)


def decode(logits: torch.Tensor, codec: CTCCodec) -> list[tuple[str, float]]:
    """Greedy-decode logits (N, T, num_class) into (text, confidence) pairs, as Reader."""
    prob = probabilities(logits)
    values, indices = prob.max(dim=2)
    texts = codec.decode_greedy(indices)
    out = []
    for text, v, i in zip(texts, values.cpu().numpy(), indices.cpu().numpy()):
        steps = v[i != 0]
        out.append((text, custom_mean(steps if len(steps) else np.array([0.0]))))
    return out


@dataclass
class Candidate:
    """One position of a greedy path with its ``n`` best characters: (character, probability), best first;
    ``''`` stands for the CTC blank."""

    step: int
    options: list[tuple[str, float]]


def top_n(logits: torch.Tensor, codec: CTCCodec, n: int = 5) -> list[list[Candidate]]:
    """Top-``n`` candidates at each position where the greedy path emits a character.

    Args:
        logits: (N, T, num_class).
        codec: the model's codec.
        n: candidates per position.

    Returns:
        Per image, one :class:`Candidate` per emitted character (steps where the argmax is a new non-blank
        class), like the single-character ``predict(n)`` of KoOCR but for every position of a line.
    """
    prob = probabilities(logits)
    best = prob.argmax(dim=2)
    k = min(n, prob.shape[2])
    top_p, top_i = prob.topk(k, dim=2)
    out = []
    for b in range(prob.shape[0]):
        cands, prev = [], -1
        for t, cls in enumerate(best[b].tolist()):
            if cls != 0 and cls != prev:
                opts = [(codec.character[c - 1] if c else "", float(p))
                        for c, p in zip(top_i[b, t].tolist(), top_p[b, t].tolist())]
                cands.append(Candidate(t, opts))
            prev = cls
        out.append(cands)
    return out


@torch.no_grad()
def recognize(
    model: torch.nn.Module,
    codec: CTCCodec,
    crops: Sequence[np.ndarray],
    imgH: int = 64,
    contrast_ths: float = 0.1,
    adjust_contrast: float = 0.5,
    device: str | torch.device = "cpu",
) -> list[tuple[str, float]]:
    """Read greyscale crops one by one as a CPU ``Reader.recognize`` does (each crop its own batch).

    Args:
        model: gen2 recognizer in eval mode.
        codec: its codec.
        crops: uint8 (H, W) greyscale crops.
        imgH: model input height.
        contrast_ths / adjust_contrast: Reader's second-pass threshold and contrast target.

    Returns:
        (text, confidence) per crop.
    """
    model.eval()
    out = []
    for crop in crops:
        img, ratio = resize_to_height(crop, imgH)
        width = batch_width([ratio], imgH)
        first = decode(model(align_collate([img], imgH, width).to(device), None), codec)[0]
        if first[1] < contrast_ths:
            second = decode(model(align_collate([img], imgH, width, adjust_contrast).to(device), None), codec)[0]
            first = first if first[1] > second[1] else second
        out.append(first)
    return out
