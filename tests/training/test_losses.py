"""easyocr_ko.training.losses: CTC and DTRB's attention loss, against hand-built references."""
from __future__ import annotations

import torch
from torch import nn

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.training.losses import attention_loss, ctc_loss


def test_ctc_loss_is_torchs_ctc_of_the_float32_log_softmax():
    logits = torch.randn(2, 7, 4, dtype=torch.bfloat16)  # (N, T, C), blank 0: half precision as under autocast
    targets, lengths = CTCCodec("abc").encode(["ab", "c"])
    criterion = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
    loss = ctc_loss(logits, targets, lengths, criterion)
    log_probs = logits.float().log_softmax(2).transpose(0, 1)  # (T, N, C)
    expected = criterion(log_probs, targets, torch.tensor([7, 7]), lengths)
    assert loss.dtype == torch.float32 and loss.dim() == 0
    torch.testing.assert_close(loss, expected)


def test_attention_loss_ignores_the_padding():
    codec = AttnCodec("abcdefghij")
    text, _ = codec.encode(["abc", "j", ""], batch_max_length=4)  # (3, 6): [GO] ... [s] then 0 padding
    logits = torch.randn(3, 5, codec.num_class)  # (N, batch_max_length + 1, C)
    target = text[:, 1:]
    mask = target != 0
    manual = torch.nn.functional.cross_entropy(logits[mask], target[mask])  # mean over the non-padding steps
    torch.testing.assert_close(attention_loss(logits, text), manual)
