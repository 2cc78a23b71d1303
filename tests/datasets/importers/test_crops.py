"""Tests of easyocr_ko.datasets.importers.crops: cutting a box (margin, clipping, mostly outside) and decoding
source images of any depth."""
from __future__ import annotations

import cv2
import numpy as np

from easyocr_ko.datasets.importers import crop_box, load_image

from _import_helpers import crops, photo, run, sources


def test_margin_grows_crops_and_is_clipped_to_the_image(tmp_path, aihub_src):
    src, img = aihub_src
    out = tmp_path / "out"
    summary = run("aihub", src, out, margin=3)
    got = crops(out)
    np.testing.assert_array_equal(got[0], img["p1"][3:19, 2:28])   # 5..25 x 6..16 grown by 3
    np.testing.assert_array_equal(got[1], img["p1"][0:13, 0:13])   # cannot grow past the top-left corner
    assert sources(out)[1][4] == "0,0,13,13"
    assert summary["adjusted"] == {"box clipped to the image": 1}  # margins reaching out are not counted


def test_crop_box():
    img = photo(10, 20, 50)
    crop, note, rect = crop_box(img, (15, 5, 25, 10))   # half inside: kept, clipped
    assert (note, rect) == ("clipped", (15, 5, 5, 5))
    np.testing.assert_array_equal(crop, img[5:10, 15:20])
    assert crop_box(img, (16, 5, 26, 10))[:2] == (None, "outside")   # 4/10 of the width inside
    assert crop_box(img, None)[2] == (0, 0, 20, 10)


def test_load_image_depths():
    grey16 = np.array([[0, 257, 65535]], np.uint16)
    ok, buf = cv2.imencode(".png", grey16)
    np.testing.assert_array_equal(load_image(buf.tobytes()), np.array([[0, 1, 255]], np.uint8))
    assert load_image(b"") is None and load_image(b"not an image") is None
