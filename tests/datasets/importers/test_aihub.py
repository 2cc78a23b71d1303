"""Tests of easyocr_ko.datasets.importers.aihub: COCO-like and per-image AI Hub JSON files, their field options,
malformed or non-UTF-8 JSON, and the box forms ``parse_box`` reads."""
from __future__ import annotations

import json

import numpy as np
import pytest

from easyocr_ko.datasets.importers import parse_box
from easyocr_ko.errors import EasyOcrKoError

from _import_helpers import crops, gt, photo, run, sources, write_image, write_json


def test_aihub_coco_style_crops_labels_and_skips(tmp_path, aihub_src):
    src, img = aihub_src
    out = tmp_path / "out"
    summary = run("aihub", src, out)
    assert gt(out) == [("images/000000001.png", "한글"), ("images/000000002.png", "한"),
                       ("images/000000003.png", "가장자리"), ("images/000000004.png", "둘")]
    got = crops(out)
    np.testing.assert_array_equal(got[0], img["p1"][6:16, 5:25])
    np.testing.assert_array_equal(got[1], img["p1"][0:10, 0:10])
    np.testing.assert_array_equal(got[2], img["p1"][30:40, 0:18])
    np.testing.assert_array_equal(got[3], img["p2"][2:8, 1:12])
    assert [c.shape for c in got] == [(10, 20, 3), (10, 10, 3), (10, 18, 3), (6, 11)]
    assert sources(out) == [
        ["1", "images/000000001.png", "images/p1.png", "labels/ann.json#annoations[0]", "5,6,20,10"],
        ["2", "images/000000002.png", "images/p1.png", "labels/ann.json#annoations[1]", "0,0,10,10"],
        ["3", "images/000000003.png", "images/p1.png", "labels/ann.json#annoations[7]", "0,30,18,10"],
        ["4", "images/000000004.png", "images/p2.png", "labels/ann.json#annoations[10]", "1,2,11,6"],
    ]
    assert summary["skipped"] == {
        "unreadable marker 'xx'": 1, "empty text": 1, "no text": 1, "empty box": 1, "tab in label": 1,
        "annotation for an unknown image_id": 1, "malformed box": 1, "box outside the image": 2}
    assert summary["samples"] == 13 == summary["written"] + sum(summary["skipped"].values())
    assert summary["adjusted"] == {"box clipped to the image": 1}
    assert summary["splits"] == {"train": {"crops": 4, "source_images": 2}}
    assert summary["problems"] == ["labels/ann.json: annoations[11]: image_id '9' is not in images",
                                   "labels/ann.json: annoations[12]: box is not numbers"]
    assert sorted(p.name for p in out.iterdir()) == ["import_config.yaml", "lmdb", "summary.json", "train"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["written"] == 4


def test_aihub_per_image_variants(tmp_path):
    src = tmp_path / "src"
    # 다양한 형태의 한글 문자 OCR style: Images.identifier + type, a "bbox" list of 4-point x/y polygons with
    # "data"; the image lives in a parallel source/ tree, and is a PNG although "type" says JPG (found by stem)
    doc1 = write_image(src / "source" / "sub" / "doc1.png", photo(20, 30, 3))
    write_json(src / "label" / "sub" / "doc1.json", {
        "Images": {"identifier": "doc1", "type": "JPG", "width": 30, "height": 20},
        "bbox": [{"data": "가나", "id": 0, "x": [2, 12, 12, 2], "y": [3, 3, 9, 9]},
                 {"data": "다", "id": 1, "x": [15, 25, 25, 15], "y": [10, 10, 18, 18]}]})
    # image.file_name + text.word[] with wordbox x1,y1,x2,y2 and value
    doc2 = write_image(src / "source" / "doc2.jpg", photo(16, 40, 4), ext=".jpg")
    write_json(src / "label" / "doc2.json", {
        "image": {"file_name": "doc2.jpg", "width": 40, "height": 16},
        "text": {"word": [{"wordbox": [1, 1, 11, 6], "value": "라"}, {"wordbox": [20, 2, 30, 8], "value": "마바"}]}})
    # no image record at all: the image is named like the JSON file
    doc3 = write_image(src / "source" / "doc3.png", photo(8, 8, 17))
    write_json(src / "label" / "doc3.json", {"bbox": [{"data": "사", "x": [0, 4], "y": [1, 5]}]})
    # 한국어 글자체 이미지 (handwriting) style: one annotation per pre-cropped image, no bbox: the whole image
    hw1 = write_image(src / "hand" / "1_syllable" / "00000001.png", photo(12, 12, 5, channels=1))
    hw2 = write_image(src / "hand" / "1_word" / "00000002.png", photo(12, 30, 6, channels=1))
    write_image(src / "hand" / "1_word" / "00000003.png", photo(12, 30, 7, channels=1))
    write_json(src / "hand" / "handwriting_data_info1.json", {
        "images": [{"id": "00000001", "file_name": "00000001.png"}, {"id": "00000002", "file_name": "00000002.png"},
                   {"id": "00000003", "file_name": "00000003.png"}],
        "annotations": [
            {"id": "00000001", "image_id": "00000001", "text": "궤", "attributes": {"type": "글자(음절)"}},
            {"id": "00000002", "image_id": "00000002", "text": "사과", "attributes": {"type": "단어(어절)"}},
            {"id": "00000003", "image_id": "00000003", "text": "하나"},   # two box-less annotations on
            {"id": "00000004", "image_id": "00000003", "text": "둘"}]})   # one image: which part is which?
    out = tmp_path / "out"
    summary = run("aihub", src, out)
    assert [label for _, label in gt(out)] == ["궤", "사과", "라", "마바", "사", "가나", "다"]
    got = crops(out)
    np.testing.assert_array_equal(got[0], hw1)
    np.testing.assert_array_equal(got[1], hw2)
    np.testing.assert_array_equal(got[2], doc2[1:6, 1:11])
    np.testing.assert_array_equal(got[3], doc2[2:8, 20:30])
    np.testing.assert_array_equal(got[4], doc3[1:5, 0:4])
    np.testing.assert_array_equal(got[5], doc1[3:9, 2:12])
    np.testing.assert_array_equal(got[6], doc1[10:18, 15:25])
    assert [row[2] for row in sources(out)] == ["hand/1_syllable/00000001.png", "hand/1_word/00000002.png",
                                                "source/doc2.jpg", "source/doc2.jpg", "source/doc3.png",
                                                "source/sub/doc1.png", "source/sub/doc1.png"]
    assert summary["skipped"] == {"no box (and not the image's only annotation)": 2}
    assert summary["annotation_files"] == 4


def test_aihub_field_options(tmp_path):
    src = tmp_path / "src"
    img = write_image(src / "a.png", photo(20, 20, 8))
    write_json(src / "a.json", {"images": [{"id": 1, "file_name": "a.png"}],
                                "annotations": [{"image_id": 1, "label": "커스텀", "box": [2, 3, 12, 13]}]})
    out = tmp_path / "out"
    run("aihub", src, out, text_fields=("label",), bbox_fields=("box",), bbox_format="xyxy")
    assert gt(out) == [("images/000000001.png", "커스텀")]
    np.testing.assert_array_equal(crops(out)[0], img[3:13, 2:12])
    with pytest.raises(EasyOcrKoError, match="no usable crop .*1 x no text"):   # default fields: no text found
        run("aihub", src, tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_malformed_and_non_utf8_json_are_reported_and_the_rest_imports(tmp_path):
    src = tmp_path / "src"
    write_image(src / "a.png", photo(10, 10, 9))
    write_json(src / "a.json", {"images": [{"id": 1, "file_name": "a.png"}],
                                "annotations": [{"image_id": 1, "text": "좋음", "bbox": [0, 0, 5, 5]}]})
    (src / "b.json").write_text('{\n "images": [\n  {"id": 1,\n', encoding="utf-8")
    (src / "c.json").write_bytes('{"text": "한글"}'.encode("cp949"))
    (src / "d.json").write_text('[1, 2]', encoding="utf-8")
    out = tmp_path / "out"
    summary = run("aihub", src, out)
    assert gt(out) == [("images/000000001.png", "좋음")]
    assert summary["problems"][0].startswith("b.json:4: malformed JSON (column 1: Expecting property name")
    assert summary["problems"][1:] == ["c.json: not UTF-8 (byte 10): file skipped",
                                       "d.json: JSON is not an object: file skipped"]
    assert summary["skipped_files"] == {"malformed JSON file": 1, "annotation file not UTF-8": 1,
                                        "JSON without annotations": 1}
    assert summary["annotation_files"] == 4


def test_parse_box():
    assert parse_box({"bbox": [1, 2, 3, 4]}) == ("ok", (1, 2, 4, 6))
    assert parse_box({"bbox": [1, 2, 3, 4]}, bbox_format="xyxy") == ("ok", (1, 2, 3, 4))
    assert parse_box({"bbox": [0, 0, -3, 4]}) == ("empty", None)
    assert parse_box({"bbox": [[1, 2], [5, 2], [5, 9], [1, 9]]}) == ("ok", (1, 2, 5, 9))
    assert parse_box({"bbox": [True, 2, 3, 4]}) == ("malformed", None)
    assert parse_box({"x": [1.2, 4.5], "y": [2, 3]}) == ("ok", (1, 2, 5, 3))
    assert parse_box({"x": [1, 1], "y": [2, 3]}) == ("empty", None)
    assert parse_box({"points": [0, 0, 4, 0, 4, 2, 0, 2]}) == ("ok", (0, 0, 4, 2))
    assert parse_box({"text": "a"}) == ("none", None)
