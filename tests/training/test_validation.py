"""easyocr_ko.training.validation: the validation samples read as Reader reads them, the metrics and the valid
loss over the labels the charset can encode."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from easyocr_ko.charset import AttnCodec, CTCCodec
from easyocr_ko.datasets.batches import RecognitionData, find_datasets
from easyocr_ko.evaluation.metrics import summarize
from easyocr_ko.recognizer.dtrb import Model
from easyocr_ko.recognizer.model import build_model
from easyocr_ko.training.losses import ctc_loss
from easyocr_ko.training.validation import Validation, _valid_loss, validate

from _tiny import TINY_PARAMS, WORDS

CHARS = "가나다라마바사아자"


@pytest.fixture(scope="module")
def valid(data) -> RecognitionData:
    return RecognitionData(find_datasets(data, "validation"), 25)


def test_validate_reads_every_sample_and_its_metrics_are_the_rows(valid):
    torch.manual_seed(0)
    model = build_model(len(CHARS) + 1, **TINY_PARAMS)
    samples = [s for group in valid.samples for s in group]
    val = validate(model, valid, samples, CTCCodec(CHARS), 32, 4, torch.device("cpu"))
    assert isinstance(val, Validation) and val.n == len(samples) == len(WORDS) == len(val.rows)
    assert sorted(t for t, _, _ in val.rows) == sorted(s.label for s in samples)
    summary = summarize([(t, p) for t, p, _ in val.rows])
    assert (val.accuracy, val.norm_ED, val.CER) == (summary.accuracy, summary.norm_ED, summary.CER)
    assert all(0 <= c <= 1 for _, _, c in val.rows) and math.isfinite(val.loss) and val.loss > 0
    assert not model.training  # left in eval mode


def test_valid_loss_counts_only_encodable_labels(valid):
    torch.manual_seed(0)
    model = build_model(4, **TINY_PARAMS)  # a charset that encodes none of the labels
    samples = [s for group in valid.samples for s in group]
    assert math.isnan(validate(model, valid, samples, CTCCodec("xyz"), 32, 4, torch.device("cpu")).loss)


def test_valid_loss_is_ctc_or_attention():
    logits = torch.randn(2, 9, len(CHARS) + 1)
    targets, lengths = CTCCodec(CHARS).encode(["가나", "다"])
    expected = ctc_loss(logits, targets, lengths, nn.CTCLoss(zero_infinity=True))
    assert _valid_loss(logits, ["가나", "다"], CTCCodec(CHARS), None) == pytest.approx(float(expected))
    attn = Model(num_class=len(CHARS) + 2, FeatureExtraction="VGG", SequenceModeling="None", Prediction="Attn",
                 batch_max_length=3, output_channel=16, hidden_size=16).eval()
    with torch.no_grad():
        greedy = attn(torch.zeros(2, 1, 32, 48))  # (N, batch_max_length + 1, C)
    assert math.isfinite(_valid_loss(greedy, ["가나", "다"], AttnCodec(CHARS), None))
