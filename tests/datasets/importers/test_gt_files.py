"""Tests of easyocr_ko.datasets.importers.gt_files: ``gt.txt`` / ``labels.txt`` files, tab or space separated."""
from __future__ import annotations

import numpy as np
import pytest

from easyocr_ko.errors import EasyOcrKoError

from _import_helpers import crops, gt, photo, run, sources, write_image


def test_gt_tab_and_space_files_are_detected(tmp_path):
    src = tmp_path / "src"
    a = write_image(src / "set1" / "a.png", photo(8, 20, 12))
    b = write_image(src / "set1" / "sub" / "b.png", photo(8, 24, 13))
    j10 = write_image(src / "set2" / "10.jpg", photo(16, 16, 14), ext=".jpg")
    j11 = write_image(src / "set2" / "11.jpg", photo(16, 40, 15), ext=".jpg")
    (src / "set1" / "gt.txt").write_text("a.png\t여기에\r\nsub/b.png\t두 단어\nc.png\n\nd.png\t\n", encoding="utf-8")
    (src / "set2" / "labels.txt").write_text("10.jpg 여기에\n11.jpg 띄어 쓴  말\n12.jpg\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run("gt", src, out)
    assert [label for _, label in gt(out)] == ["여기에", "두 단어", "여기에", "띄어 쓴 말"]
    for got, want in zip(crops(out), (a, b, j10, j11)):
        np.testing.assert_array_equal(got, want)
    assert summary["problems"] == ["set1/gt.txt:3: malformed gt line: no tab between image path and label",
                                   "set2/labels.txt:3: malformed gt line: no space between image path and label"]
    assert summary["skipped"] == {"malformed gt line": 2, "empty text": 1}
    assert [row[3] for row in sources(out)] == ["set1/gt.txt:1", "set1/gt.txt:2", "set2/labels.txt:1",
                                                "set2/labels.txt:2"]


def test_gt_single_file_and_explicit_format(tmp_path):
    src = tmp_path / "src"
    write_image(src / "x 1.png", photo(8, 8, 16))
    (src / "mine.txt").write_text("x 1.png\tㄱ ㄴ\n", encoding="utf-8")
    out = tmp_path / "out"
    run("gt", src / "mine.txt", out)
    assert gt(out) == [("images/000000001.png", "ㄱ ㄴ")]
    with pytest.raises(EasyOcrKoError, match=r"no usable crop .*\(1 x tab in label\); nothing written"):
        run("gt", src / "mine.txt", tmp_path / "out2", gt_format="space")  # path 'x', label '1.png<TAB>ㄱ ㄴ'
    assert not (tmp_path / "out2").exists()
