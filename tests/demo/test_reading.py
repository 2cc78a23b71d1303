"""Tests of easyocr_ko.demo.reading, without a browser or a model: upload checks, the drawing's crop, the boxes
drawn on a photo."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from easyocr_ko.demo.reading import DemoInputError, _to_gray, check_upload, crop_drawing, draw_boxes


def test_bad_uploads_are_refused_with_a_message(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not an image")
    ok, png = cv2.imencode(".png", np.full((20, 40, 3), 200, np.uint8))
    (tmp_path / "small.png").write_bytes(png.tobytes())
    with pytest.raises(DemoInputError, match=r"empty \(0 bytes\)"):
        check_upload(tmp_path / "empty.png", 1000)
    with pytest.raises(DemoInputError, match="not an image"):
        check_upload(tmp_path / "notes.txt", 1000)
    with pytest.raises(DemoInputError, match="over the limit"):
        check_upload(tmp_path / "small.png", 10)
    with pytest.raises(DemoInputError, match="no file"):
        check_upload(tmp_path / "missing.png", 1000)
    assert check_upload(tmp_path / "small.png", 10_000).shape == (20, 40, 3)


def test_a_drawing_is_cut_to_its_ink_with_a_margin():
    pad = np.full((300, 900), 255, np.uint8)
    pad[100:160, 300:420] = 0
    crop = crop_drawing(pad)
    assert crop.shape == (60 + 2 * 6, 120 + 2 * 6)
    assert crop.min() == 0 and crop[0].min() == 255
    with pytest.raises(DemoInputError, match="empty"):
        crop_drawing(np.full((30, 90), 255, np.uint8))


def test_a_transparent_pad_counts_as_white_paper():
    rgba = np.zeros((10, 10, 4), np.uint8)  # transparent black everywhere
    rgba[5, 5] = (0, 0, 0, 255)
    gray = _to_gray(rgba)
    assert gray[0, 0] == 255 and gray[5, 5] == 0


def test_boxes_are_drawn_on_a_copy():
    image = np.full((120, 300, 3), 255, np.uint8)
    rows = [{"box": [[20, 40], [200, 40], [200, 90], [20, 90]], "text": "서울", "confidence": 0.85}]
    drawn = draw_boxes(image, rows)
    assert drawn.shape == image.shape and drawn.dtype == np.uint8
    assert (image == 255).all()
    assert tuple(drawn[65, 20]) == (230, 30, 30)  # the box's left edge, red in RGB
