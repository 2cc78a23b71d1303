"""Validation during fine-tuning: the validation samples read as EasyOCR's Reader reads a crop, the three
metrics (:mod:`easyocr_ko.evaluation.metrics`) and the valid loss (:mod:`easyocr_ko.training.losses`)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.datasets.batches import RecognitionData, Sample, eval_batches
from easyocr_ko.training.losses import attention_loss, ctc_loss

__all__ = ["Validation", "validate"]


@dataclass
class Validation:
    """One validation pass: loss (over encodable labels), the three metrics and the rows for the table."""

    loss: float
    accuracy: float
    norm_ED: float
    CER: float
    rows: list[tuple[str, str, float]] = field(default_factory=list)
    n: int = 0


@torch.no_grad()
def validate(model: nn.Module, data: RecognitionData, samples: list[Sample], codec: CTCCodec | AttnCodec,
             imgH: int, batch_size: int, device: torch.device, criterion: nn.CTCLoss | None = None) -> Validation:
    """Read the validation samples as EasyOCR's Reader reads a crop (float weights, i.e. ``quantize=False``):
    the same preprocessing and padding width per image, greedy decoding, Reader's confidence and its second,
    contrast-adjusted pass for readings below confidence 0.1 (:func:`easyocr_ko.recognizer.predict.read_batch` over
    batches of one padded-width class).

    Valid loss is the CTC loss of the logits of the reading Reader keeps, over labels whose characters are all
    in the charset.  Attn models (``codec`` an :class:`~easyocr_ko.charset.AttnCodec`) are read the
    same way with DTRB's greedy attention decoding; their valid loss is DTRB's: the attention loss of the
    greedily decoded logits against the labels (DTRB ``test.py``).  Metrics (easyocr_ko.evaluation.metrics):
    accuracy = exact match (NFC), norm_ED = ICDAR 2019 / DTRB, CER = total edit distance / total truth
    characters; all fractions.

    Args:
        model: the bare recognizer (float32, contiguous weights); left in eval mode.
        data: where ``samples`` are read from (uint8 greyscale crops).
        samples: the samples to read.
        codec: the model's codec; its character list decides which labels count for the loss.
        imgH: model input height in px.
        batch_size: crops per forward pass (batches hold crops of one padded width).
        device: where the model is.
        criterion: the CTC loss (CTC models; default ``nn.CTCLoss(zero_infinity=True)``).

    Returns:
        :class:`Validation`: ``loss`` NaN when no label is encodable; ``rows`` (truth, prediction, confidence)
        in reading order; ``n`` samples read.
    """
    from easyocr_ko.evaluation.metrics import summarize
    from easyocr_ko.recognizer.predict import RecognizeOptions, read_batch

    model.eval()
    rows, losses, weights = [], [], []
    encodable = set(codec.character)
    for batch in eval_batches(samples, batch_size, imgH):
        crops = [data.load_gray(s) for s in batch]
        labels = [s.label for s in batch]
        readings = read_batch(model, codec, crops, RecognizeOptions(imgH=imgH, device=device, keep_logits=True))
        rows += [(label, r.text, r.confidence) for label, r in zip(labels, readings)]
        keep = [k for k, label in enumerate(labels) if set(label) <= encodable]
        if keep:
            logits = torch.stack([torch.as_tensor(readings[k].logits) for k in keep]).float()
            losses.append(_valid_loss(logits, [labels[k] for k in keep], codec, criterion))
            weights.append(len(keep))
    summary = summarize([(t, p) for t, p, _ in rows])
    loss = float(np.average(losses, weights=weights)) if losses else float("nan")
    return Validation(loss, summary.accuracy, summary.norm_ED, summary.CER, rows, len(rows))


def _valid_loss(logits: torch.Tensor, labels: list[str], codec: CTCCodec | AttnCodec,
                criterion: nn.CTCLoss | None) -> float:
    """The loss of the logits (N, T, C) Reader keeps for ``labels`` (all encodable): attention (DTRB test.py)
    or CTC."""
    if isinstance(codec, AttnCodec):
        text, _ = codec.encode(labels, batch_max_length=logits.shape[1] - 1)
        return float(attention_loss(logits, text))
    targets, lengths = codec.encode(labels)
    return float(ctc_loss(logits, targets, lengths, criterion or nn.CTCLoss(zero_infinity=True)))
