"""Tests of easyocr_ko.datasets.importers.dacon: DACON csv rows, whole images, grey and alpha sources."""
from __future__ import annotations

import numpy as np

from _import_helpers import crops, gt, photo, run, sources, write_image


def test_dacon_csv_rows_whole_images_grey_and_alpha(tmp_path):
    src = tmp_path / "src"
    grey = write_image(src / "train" / "TRAIN_00000.png", photo(12, 30, 11, channels=1))
    rgba = np.zeros((4, 3, 4), np.uint8)
    rgba[:, 0] = (10, 20, 30, 255)    # opaque: kept
    rgba[:, 1] = (0, 0, 0, 0)         # transparent: white
    rgba[:, 2] = (0, 0, 0, 128)       # half: 255 * (1 - 128/255) = 127
    write_image(src / "train" / "TRAIN_00001.png", rgba)
    (src / "train" / "TRAIN_00003.png").write_bytes(b"garbage")
    (src / "train.csv").write_text(
        "id,img_path,label\n"
        "TRAIN_00000,./train/TRAIN_00000.png,가\n"
        'TRAIN_00001,./train/TRAIN_00001.png,"나,다"\n'
        "TRAIN_00002,./train/TRAIN_00002.png\n"
        "TRAIN_00003,./train/TRAIN_00003.png,라\n"
        "TRAIN_00004,./train/missing.png,마\n", encoding="utf-8")
    (src / "test.csv").write_text("id,img_path\nTEST_00000,./test/TEST_00000.png\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run("dacon", src, out)
    assert gt(out) == [("images/000000001.png", "가"), ("images/000000002.png", "나,다")]
    got = crops(out)
    np.testing.assert_array_equal(got[0], grey)
    expected = np.empty((4, 3, 3), np.uint8)
    expected[:, 0], expected[:, 1], expected[:, 2] = (10, 20, 30), (255, 255, 255), (127, 127, 127)
    np.testing.assert_array_equal(got[1], expected)
    assert summary["skipped"] == {"malformed csv row": 1, "image not found": 1, "undecodable image": 1}
    assert summary["samples"] == 5
    assert summary["problems"] == [
        "test.csv:1: no 'img_path' and 'label' columns (DACON: id,img_path,label): file skipped",
        "train.csv:4: malformed csv row: 2 fields, the header has 3",
        "train.csv:6: image not found: ./train/missing.png",
        "train/TRAIN_00003.png: undecodable image: skipped"]
    assert [row[3] for row in sources(out)] == ["train.csv:2", "train.csv:3"]
