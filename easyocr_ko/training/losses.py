"""The training losses of the two Prediction stages (DTRB ``train.py``): CTC and the attention decoder's
cross-entropy.  Both are computed in float32, also under mixed precision."""
from __future__ import annotations

import torch
import torch.nn.functional as nnf
from torch import nn

__all__ = ["ctc_loss", "attention_loss"]


def ctc_loss(logits: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor, criterion: nn.CTCLoss) -> torch.Tensor:
    """CTC loss of logits against concatenated targets (DTRB's ``CTC`` branch).

    Args:
        logits: float (N, T, C), C = len(character) + 1, blank = 0.
        targets: int32 (sum of lengths,) from :meth:`easyocr_ko.charset.CTCCodec.encode`.
        lengths: int32 (N,), characters per label.
        criterion: the ``nn.CTCLoss`` (blank 0, its reduction).

    Returns:
        float32 scalar tensor.  The log-softmax is taken in float32 even under mixed precision.
    """
    log_probs = logits.float().log_softmax(2).permute(1, 0, 2)  # (N, T, C) -> (T, N, C)
    input_lengths = torch.full((logits.shape[0],), logits.shape[1], dtype=torch.int32)
    return criterion(log_probs, targets, input_lengths, lengths)


def attention_loss(logits: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
    """DTRB's attention loss: ``CrossEntropyLoss(ignore_index=0)`` of the teacher-forced logits against
    ``text[:, 1:]`` (padding = [GO] = 0 ignored), averaged over the non-padding steps (DTRB train.py).

    Args:
        logits: float (N, S, num_class) from ``model(images, text[:, :-1], is_train=True)``,
            S = batch_max_length + 1.
        text: int64 (N, S + 1) from :meth:`easyocr_ko.charset.AttnCodec.encode`.

    Returns:
        float scalar tensor.
    """
    target = text[:, 1:1 + logits.shape[1]]  # (N, S)
    return nnf.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=0)
