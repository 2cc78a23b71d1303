"""Decoding and reading as easyocr.Reader does: greedy CTC, ignored classes, Reader's confidence, top-n, batches."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.dtrb import decode_gray
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.model import build_model
from easyocr_ko.recognizer.predict import (
    Reading,
    RecognizeOptions,
    custom_mean,
    decode,
    language_characters,
    preprocess_crops,
    quantize_like_reader,
    read_batch,
    read_passes,
    reader_ignore_idx,
    reader_probabilities,
    top_n,
)
from easyocr_ko.recognizer.transforms import batch_width, resize_to_height

from _tiny import TINY_PARAMS, WORDS, recognize, render_png

CHARS = "abc"  # class 1 = a, 2 = b, 3 = c, 0 = blank


def _logits(path: list[int], num_class: int = 4, high: float = 6.0, seed: int = 0) -> torch.Tensor:
    """float32 (1, T, num_class): class ``path[t]`` clearly the best at step t, small noise elsewhere."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.rand(1, len(path), num_class, generator=g)
    for t, cls in enumerate(path):
        logits[0, t, cls] += high
    return logits


class _Fixed(torch.nn.Module):
    """A stand-in recognizer that returns fixed logits whatever it is given."""

    def __init__(self, logits: torch.Tensor):
        super().__init__()
        self.logits = logits

    def forward(self, images: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        return self.logits


def _reader_predict(logits: torch.Tensor, character: str, ignore_idx: list[int]) -> list[tuple[str, float]]:
    """EasyOCR's own ``recognizer_predict`` on these logits (the model is a stub that returns them)."""
    from easyocr.recognition import recognizer_predict
    from easyocr.utils import CTCLabelConverter

    images = torch.zeros(logits.shape[0], 1, 32, 64)
    out = recognizer_predict(_Fixed(logits), CTCLabelConverter(character), [images], 6, ignore_idx, None)
    return [(text, float(conf)) for text, conf in out]


# ---------------------------------------------------------------- decode

def test_decode_collapses_repeats_and_drops_blanks():
    # a a _ a b b _ _ c: repeats collapse, a blank separates two a's
    (text, _), = decode(_logits([1, 1, 0, 1, 2, 2, 0, 0, 3]), CTCCodec(CHARS))
    assert text == "aabc"


def test_decode_all_blank_is_empty_with_confidence_zero():
    assert decode(_logits([0, 0, 0]), CTCCodec(CHARS)) == [("", 0.0)]


def test_ignored_classes_are_never_emitted():
    logits = _logits([2, 0, 1])
    logits[0, 0, 3] += 5.0  # c is second best where b is best
    assert decode(logits, CTCCodec(CHARS))[0][0] == "ba"
    assert decode(logits, CTCCodec(CHARS), ignore_idx=[2])[0][0] == "ca"
    prob = reader_probabilities(logits, [2])
    assert prob.dtype == np.float32 and prob.shape == (1, 3, 4)
    assert (prob[:, :, 2] == 0).all()
    np.testing.assert_allclose(prob.sum(axis=2), 1.0, atol=1e-6)


@pytest.mark.parametrize("ignore", [[], [2]])
def test_text_and_confidence_are_readers(ignore):
    logits = torch.cat([_logits([1, 1, 0, 2, 3, 0], seed=1, high=1.5), _logits([0, 3, 3, 0, 1, 2], seed=2, high=0.8),
                        _logits([0, 0, 0, 0, 0, 0], seed=3)])
    mine = decode(logits, CTCCodec(CHARS), ignore)
    theirs = _reader_predict(logits, CHARS, ignore)
    assert [t for t, _ in mine] == [t for t, _ in theirs]
    np.testing.assert_allclose([c for _, c in mine], [c for _, c in theirs], rtol=0, atol=1e-7)


def test_custom_mean_is_easyocrs():
    from easyocr.recognition import custom_mean as theirs

    probs = np.array([0.9, 0.5, 0.99, 0.7], dtype=np.float32)
    assert custom_mean(probs) == pytest.approx(float(theirs(probs)))
    assert custom_mean(probs) == pytest.approx(float(np.prod(probs) ** (2 / np.sqrt(4))))
    assert custom_mean(np.array([1.0])) == 1.0


# ---------------------------------------------------------------- top-n

def test_top_n_orders_candidates_and_follows_the_greedy_path():
    logits = _logits([1, 1, 0, 2, 0, 3], seed=4, high=2.0)
    codec = CTCCodec(CHARS)
    (cands,) = top_n(logits, codec, n=3)
    assert [c.step for c in cands] == [0, 3, 5]  # one candidate per emitted character
    assert "".join(c.options[0][0] for c in cands) == decode(logits, codec)[0][0] == "abc"
    for cand in cands:
        probs = [p for _, p in cand.options]
        assert len(probs) == 3 and probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
    (wide,) = top_n(logits, codec, n=10)  # n above the class count: every class, blank as ''
    assert len(wide[0].options) == 4 and "" in [c for c, _ in wide[0].options]


def test_top_n_leaves_out_ignored_classes_and_refuses_n_below_one():
    logits = _logits([2, 0, 1], seed=5)
    (cands,) = top_n(logits, CTCCodec(CHARS), n=4, ignore_idx=[2])
    assert all(c != "b" for cand in cands for c, _ in cand.options)
    with pytest.raises(ValueError, match="n must be >= 1"):
        top_n(logits, CTCCodec(CHARS), n=0)


# ---------------------------------------------------------------- the allow-list

def test_allow_list_follows_reader_languages():
    assert "a" in language_characters("en") and "가" in language_characters("ko")
    assert reader_ignore_idx("ab가", ["ko", "en"], None) == []
    assert reader_ignore_idx("ab가", ["ko"], "b") == [1]  # the model's symbols are allowed too
    with pytest.raises(EasyOcrKoError, match="unknown language code 'xx'"):
        reader_ignore_idx("ab", ["xx"], None)


# ---------------------------------------------------------------- reading crops

@pytest.fixture(scope="module")
def tiny():
    """A random tiny gen2 model over 9 syllables (imgH 32) and its codec."""
    torch.manual_seed(0)
    character = "가나다라마바사아자"
    return build_model(len(character) + 1, **TINY_PARAMS).eval(), CTCCodec(character)


def test_read_batch_returns_one_reading_per_crop_with_logits(tiny):
    model, codec = tiny
    crops = [decode_gray(render_png(w, 32)) for w in WORDS[:3]] + [decode_gray(render_png("가", 40))]
    readings = read_batch(model, codec, crops, RecognizeOptions(imgH=32, keep_logits=True))
    assert len(readings) == 4 and all(isinstance(r, Reading) for r in readings)
    width = batch_width([resize_to_height(c, 32)[1] for c in crops], 32)
    for r in readings:
        assert set(r.text) <= set(codec.character) and 0.0 <= r.confidence <= 1.0
        assert r.logits is not None and r.logits.dtype == torch.float32
        assert tuple(r.logits.shape) == (width // 4 - 1, codec.num_class)  # T = W/4 - 1 steps
    assert all(r.logits is None for r in read_batch(model, codec, crops, RecognizeOptions(imgH=32)))


def test_contrast_pass_only_below_the_threshold(tiny):
    model, codec = tiny
    crops = [decode_gray(render_png(w, 32)) for w in WORDS[:3]]
    first = read_batch(model, codec, crops, RecognizeOptions(imgH=32, contrast_ths=0.0))
    assert not any(r.contrast_pass for r in first)
    retried = read_batch(model, codec, crops, RecognizeOptions(imgH=32, contrast_ths=1.01))  # every crop read twice
    for a, b in zip(first, retried):
        assert b.confidence >= a.confidence  # the more confident pass is kept
        assert b.contrast_pass or (b.text, b.confidence) == (a.text, a.confidence)


def test_same_width_batch_equals_one_by_one(tiny):
    model, codec = tiny
    crops = [decode_gray(render_png(w, 32)) for w in WORDS[:4]]  # two syllables each: one width class
    widths = {batch_width([resize_to_height(c, 32)[1]], 32) for c in crops}
    assert len(widths) == 1
    batched = read_batch(model, codec, crops, RecognizeOptions(imgH=32))
    alone = recognize(model, codec, crops, imgH=32)
    assert [r.text for r in batched] == [t for t, _ in alone]
    np.testing.assert_allclose([r.confidence for r in batched], [c for _, c in alone], rtol=0, atol=1e-5)


def test_read_passes_takes_any_forward_and_preprocess_crops_gives_readers_batch(tiny):
    model, codec = tiny
    crops = [decode_gray(render_png(w, 32)) for w in WORDS[:2]] + [decode_gray(render_png("가", 40))]
    resized, width = preprocess_crops(crops, 32)
    alone = [resize_to_height(c, 32) for c in crops]  # a tall crop is resized to width imgH, as Reader does
    assert all(np.array_equal(r, a) for r, (a, _) in zip(resized, alone))
    assert width == batch_width([ratio for _, ratio in alone], 32)
    seen = []

    def forward(images: torch.Tensor) -> torch.Tensor:  # another engine: here the same model, run by hand
        seen.append(tuple(images.shape))
        return model(images, None).float()

    options = RecognizeOptions(imgH=32, contrast_ths=1.01, keep_logits=True)  # every crop read twice
    theirs = read_passes(forward, codec, crops, options)
    assert seen == [(3, 1, 32, width), (3, 1, 32, width)]
    ours = read_batch(model, codec, crops, options)
    assert [(r.text, r.contrast_pass) for r in theirs] == [(r.text, r.contrast_pass) for r in ours]
    np.testing.assert_allclose([r.confidence for r in theirs], [r.confidence for r in ours], rtol=0, atol=1e-6)


def test_read_batch_refuses_a_colour_crop(tiny):
    model, codec = tiny
    with pytest.raises(ValueError, match="uint8 \\(H, W\\)"):
        read_batch(model, codec, [np.zeros((32, 64, 3), np.uint8)], RecognizeOptions(imgH=32))


def test_quantize_like_reader_copies(tiny):
    model, codec = tiny
    quantized = quantize_like_reader(model)
    assert quantized is not model
    assert type(model.Prediction) is torch.nn.Linear  # the float model is left as it was
    assert type(quantized.Prediction) is not torch.nn.Linear
    crop = decode_gray(render_png("가나", 32))
    (r,) = read_batch(quantized, codec, [crop], RecognizeOptions(imgH=32))
    assert 0.0 <= r.confidence <= 1.0
