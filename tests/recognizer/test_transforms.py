"""EasyOCR-identical preprocessing: the package's tensors equal what easyocr.Reader feeds its recognizer."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from easyocr_ko.recognizer.transforms import align_collate, batch_width, crop_ratio, reader_tensor, resize_to_height

SHAPES = [(64, 93), (37, 201), (80, 80), (50, 20), (64, 128), (33, 67), (120, 31)]


def _crop(h: int, w: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return cv2.GaussianBlur(rng.integers(0, 256, (h, w), dtype=np.uint8), (5, 5), 0)


@pytest.fixture(scope="module")
def english_reader():
    import easyocr
    import easyocr_en_models

    return easyocr.Reader(["en"], gpu=False, model_storage_directory=easyocr_en_models.model_dir(),
                          download_enabled=False, detector=False, verbose=False, quantize=False)


@pytest.mark.slow  # builds an easyocr.Reader
@pytest.mark.parametrize("shape", SHAPES)
def test_reader_tensor_equals_what_reader_feeds_the_model(english_reader, shape):
    captured = []
    model = english_reader.recognizer
    handle = model.register_forward_pre_hook(lambda _m, args: captured.append(args[0].clone()))
    try:
        crop = _crop(*shape, seed=sum(shape))
        english_reader.recognize(crop, contrast_ths=0.0)  # one pass: no contrast retry
    finally:
        handle.remove()
    ours = reader_tensor([crop])
    assert captured[0].shape == ours.shape
    assert torch.equal(captured[0], ours)


def test_align_collate_equals_easyocr_align_collate():
    from easyocr.recognition import AlignCollate

    crops = [_crop(64, w, seed=w) for w in (70, 130, 250)]
    width = 256
    theirs = AlignCollate(imgH=64, imgW=width, keep_ratio_with_pad=True)([Image.fromarray(c, "L") for c in crops])
    ours = align_collate(crops, 64, width)
    assert torch.equal(theirs, ours)


def test_second_pass_contrast_equals_easyocr():
    from easyocr.recognition import AlignCollate

    crop = (_crop(64, 150, 3) // 4 + 100).astype(np.uint8)  # low contrast
    collate = AlignCollate(imgH=64, imgW=192, keep_ratio_with_pad=True, adjust_contrast=0.5)
    theirs = collate([Image.fromarray(crop, "L")])
    assert torch.equal(theirs, align_collate([crop], 64, 192, adjust_contrast=0.5))


def test_padding_repeats_last_column_and_range():
    crop = np.tile(np.linspace(0, 255, 64, dtype=np.uint8), (64, 1))  # 64x64, last column white
    out = align_collate([crop], 64, 192)
    assert out.shape == (1, 1, 64, 192)
    assert out.min() >= -1 and out.max() <= 1
    assert torch.equal(out[0, 0, :, 64:], out[0, 0, :, 63:64].expand(64, 128))


def test_resize_to_height_and_ratio():
    img, ratio = resize_to_height(np.zeros((32, 100), np.uint8), 64)
    assert img.shape == (64, 200) and ratio == pytest.approx(100 / 32)
    tall, ratio = resize_to_height(np.zeros((100, 20), np.uint8), 64)
    assert tall.shape == (320, 64) and ratio == 5.0  # EasyOCR's vertical-text branch
    assert crop_ratio(20, 100) == 5.0
    assert batch_width([2.01, 1.5], 64) == 3 * 64 == 192
    assert batch_width([30.0], 64, max_width=1600) == 1600
    with pytest.raises(ValueError):
        resize_to_height(np.zeros((64, 64, 3), np.uint8))


def test_batch_width_uses_original_ratio_not_resized_width():
    # int(64 * 2.01) = 128 -> 2.0 after resizing, but Reader pads to ceil(2.01) * 64 = 192.
    crop = _crop(100, 201, 1)
    assert reader_tensor([crop]).shape[-1] == math.ceil(201 / 100) * 64 == 192
