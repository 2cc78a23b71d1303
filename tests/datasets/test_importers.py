"""Tests of easyocr_ko.datasets.importers and the ``import`` command: every format end to end on fixtures drawn here."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import click
import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from easyocr_ko.cli import main as cli_main
from easyocr_ko.cli.import_cmd import import_cmd
from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset, decode_gray, read_gt
from easyocr_ko.datasets.importers import (
    ImportConfig,
    assign_splits,
    crop_box,
    load_image,
    parse_box,
    parse_split,
    run_import,
    split_counts,
)
from easyocr_ko.datasets.importers import run as import_run
from easyocr_ko.errors import EasyOcrKoError

from _tiny import WORDS, render_png, tiny_checkpoint

# ---------------------------------------------------------------- helpers

def photo(h: int, w: int, seed: int, channels: int = 3) -> np.ndarray:
    """Random uint8 pixels: every crop of it is distinguishable from every other."""
    shape = (h, w) if channels == 1 else (h, w, channels)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def write_image(path: Path, img: np.ndarray, ext: str = ".png") -> np.ndarray:
    """Write ``img``; return the pixels a decoder reads back (JPEG is lossy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    path.write_bytes(buf.tobytes())
    return cv2.imdecode(np.frombuffer(buf.tobytes(), np.uint8), cv2.IMREAD_UNCHANGED)


def read_image(path: Path) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_UNCHANGED)


def write_json(path: Path, doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def run(fmt: str, src: Path, out: Path, overwrite: bool = False, **options) -> dict:
    options.setdefault("split", (1.0, 0.0, 0.0))
    return run_import(ImportConfig(fmt, src, out, **options), overwrite=overwrite, progress=False)


def gt(out: Path, split: str = "train") -> list[tuple[str, str]]:
    return [(e.image, e.label) for e in read_gt(out / split / "gt.txt")]


def sources(out: Path, split: str = "train") -> list[list[str]]:
    lines = (out / split / "sources.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "index\timage\tsource\tannotation\tbox"
    return [line.split("\t") for line in lines[1:]]


def crops(out: Path, split: str = "train") -> list[np.ndarray]:
    return [read_image(out / split / image) for image, _ in gt(out, split)]


# ---------------------------------------------------------------- AI Hub JSON

@pytest.fixture
def aihub_src(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    """A COCO-like AI Hub file (with the 'annoations' misspelling), images in a separate folder."""
    src = tmp_path / "src"
    p1 = write_image(src / "images" / "p1.png", photo(40, 60, 1))
    p2 = write_image(src / "images" / "p2.png", photo(30, 50, 2, channels=1))
    anns = [
        (1, "한글", [5, 6, 20, 10]),
        (1, unicodedata.normalize("NFD", "한"), [0, 0, 10, 10]),
        (1, "xx", [1, 1, 5, 5]),
        (1, "", [1, 1, 5, 5]),
        (1, None, [1, 1, 5, 5]),
        (1, "zero", [10, 10, 0, 5]),
        (1, "far", [100, 100, 10, 10]),
        (1, "가장자리", [-2, 30, 20, 10]),       # 18 x 10 of 20 x 10 inside: clipped
        (1, "mostly out", [55, 35, 10, 10]),    # 5 x 5 of 10 x 10 inside: < half, skipped
        (1, "tab\tin", [1, 1, 5, 5]),
        (2, "둘", [1.5, 2.2, 10, 5]),            # floats widen to whole pixels: x 1..12, y 2..8
        (9, "nobody", [1, 1, 5, 5]),
        (2, "bad", ["a", 1, 2, 3]),
    ]
    write_json(src / "labels" / "ann.json", {
        "images": [{"id": "1", "width": 60, "height": 40, "file_name": "p1.png"},
                   {"id": "2", "width": 50, "height": 30, "file_name": "p2.png"}],
        "annoations": [{"id": i, "image_id": str(img), "text": text, "bbox": box}
                       for i, (img, text, box) in enumerate(anns)],
    })
    return src, {"p1": p1, "p2": p2}


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


def test_output_lmdb_and_folder_hold_the_same_samples(tmp_path, aihub_src):
    src, _ = aihub_src
    out = tmp_path / "out"
    run("aihub", src, out)
    lmdb, folder = LmdbDataset(out / "lmdb" / "train"), FolderDataset(out / "train")
    assert len(lmdb) == len(folder) == 4
    assert [lmdb[i] for i in range(4)] == [folder[i] for i in range(4)]
    assert all(decode_gray(folder[i][0]) is not None for i in range(4))  # what EasyOCR/DTRB training reads
    assert (out / "lmdb" / "train" / "sources.tsv").read_bytes() == (out / "train" / "sources.tsv").read_bytes()


def test_margin_grows_crops_and_is_clipped_to_the_image(tmp_path, aihub_src):
    src, img = aihub_src
    out = tmp_path / "out"
    summary = run("aihub", src, out, margin=3)
    got = crops(out)
    np.testing.assert_array_equal(got[0], img["p1"][3:19, 2:28])   # 5..25 x 6..16 grown by 3
    np.testing.assert_array_equal(got[1], img["p1"][0:13, 0:13])   # cannot grow past the top-left corner
    assert sources(out)[1][4] == "0,0,13,13"
    assert summary["adjusted"] == {"box clipped to the image": 1}  # margins reaching out are not counted


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


def test_corrupt_image_is_skipped_with_all_its_boxes(tmp_path):
    src = tmp_path / "src"
    write_image(src / "good.png", photo(10, 10, 10))
    (src / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not a PNG")
    write_json(src / "a.json", {
        "images": [{"id": 1, "file_name": "bad.png"}, {"id": 2, "file_name": "good.png"}],
        "annotations": [{"image_id": 1, "text": "하나", "bbox": [0, 0, 5, 5]},
                        {"image_id": 1, "text": "둘", "bbox": [5, 5, 5, 5]},
                        {"image_id": 2, "text": "셋", "bbox": [0, 0, 5, 5]}]})
    out = tmp_path / "out"
    summary = run("aihub", src, out)
    assert gt(out) == [("images/000000001.png", "셋")]
    assert summary["skipped"] == {"undecodable image": 2}
    assert summary["skipped_files"] == {"undecodable image": 1}
    assert summary["problems"] == ["bad.png: undecodable image: skipped"]
    assert summary["splits"]["train"] == {"crops": 1, "source_images": 1}


# ---------------------------------------------------------------- DACON csv

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


# ---------------------------------------------------------------- gt.txt / labels.txt

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


def test_unreadable_markers_are_configurable(tmp_path):
    src = tmp_path / "src"
    labels = ["xx", "XX", "xxx", "Xx", "x", "box"]
    for i in range(len(labels)):
        write_image(src / f"{i}.png", photo(4, 4, 20 + i))
    (src / "gt.txt").write_text("".join(f"{i}.png\t{t}\n" for i, t in enumerate(labels)), encoding="utf-8")
    summary = run("gt", src, tmp_path / "a")
    assert [label for _, label in gt(tmp_path / "a")] == ["XX", "xxx", "Xx", "x", "box"]
    assert summary["skipped"] == {"unreadable marker 'xx'": 1}
    summary = run("gt", src, tmp_path / "b", skip_all_x=True)
    assert [label for _, label in gt(tmp_path / "b")] == ["box"]
    assert summary["skipped"] == {"unreadable marker 'xx'": 1, "unreadable marker (only x)": 4}
    summary = run("gt", src, tmp_path / "c", unreadable=("XX",))
    assert summary["skipped"] == {"unreadable marker 'XX'": 1}
    summary = run("gt", src, tmp_path / "d", unreadable=("",))   # --unreadable '': keep everything
    assert summary["written"] == 6 and summary["skipped"] == {}


# ---------------------------------------------------------------- path safety

def test_paths_escaping_the_dataset_root_are_rejected(tmp_path):
    outside = tmp_path / "outside.png"
    write_image(outside, photo(6, 6, 30))
    src = tmp_path / "src"
    ok = write_image(src / "ok.png", photo(6, 6, 31))
    (src / "link.png").symlink_to(outside)
    (src / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    (src / "inner_link.png").symlink_to(src / "ok.png")
    lines = [f"{outside}\tA", "../outside.png\tB", "sub/../../outside.png\tC", "link.png\tD", "C:\\x\\y.png\tE",
             "ok.png\tF", "linkdir/outside.png\tG", "inner_link.png\tH", "\\\\server\\share\\x.png\tI"]
    (src / "gt.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run("gt", src, out)
    assert [label for _, label in gt(out)] == ["F", "H"]
    for got in crops(out):
        np.testing.assert_array_equal(got, ok)
    assert summary["skipped"] == {"absolute image path": 3, "'..' in image path": 2,
                                  "image path leaves the dataset root": 2}
    assert summary["problems"][:2] == [f"gt.txt:1: absolute image path: {outside}",
                                       "gt.txt:2: '..' in image path: ../outside.png"]
    assert {r[2] for r in sources(out)} == {"ok.png"}   # the inner link resolves to ok.png: one source image
    assert summary["splits"]["train"]["source_images"] == 1


def test_aihub_names_escaping_the_root_are_rejected(tmp_path):
    outside = tmp_path / "secret.png"
    write_image(outside, photo(6, 6, 32))
    src = tmp_path / "src"
    write_image(src / "ok.png", photo(6, 6, 33))
    (src / "secret.png").symlink_to(outside)
    write_json(src / "a.json", {
        "images": [{"id": 1, "file_name": "../secret.png"}, {"id": 2, "file_name": "secret.png"},
                   {"id": 3, "file_name": str(outside)}, {"id": 4, "file_name": "ok.png"}],
        "annotations": [{"image_id": i, "text": f"t{i}", "bbox": [0, 0, 3, 3]} for i in (1, 2, 3, 4)]})
    summary = run("aihub", src, tmp_path / "out")
    assert gt(tmp_path / "out") == [("images/000000001.png", "t4")]
    assert summary["skipped"] == {"'..' in image path": 1, "image path leaves the dataset root": 1,
                                  "absolute image path": 1}


# ---------------------------------------------------------------- splits

def test_split_counts_and_assignment():
    assert split_counts(10, (0.8, 0.1, 0.1)) == [8, 1, 1]
    assert split_counts(5, (0.8, 0.1, 0.1)) == [4, 1, 0]
    assert split_counts(7, (0.5, 0.25, 0.25)) == [3, 2, 2]
    assert split_counts(3, (0.0, 0.0, 1.0)) == [0, 0, 3]
    assert split_counts(0, (0.8, 0.1, 0.1)) == [0, 0, 0]
    keys = [f"img/{i:03d}.png" for i in range(10)]
    a = assign_splits(keys, (0.8, 0.1, 0.1), seed=0)
    assert a == assign_splits(reversed(keys), (0.8, 0.1, 0.1), seed=0)   # independent of discovery order
    assert sorted(a.values()) == ["test"] + ["train"] * 8 + ["validation"]
    assert a != assign_splits(keys, (0.8, 0.1, 0.1), seed=1)


def test_parse_split_and_config_errors():
    assert parse_split("0.8,0.1,0.1") == (0.8, 0.1, 0.1)
    assert parse_split("1,0,0") == (1.0, 0.0, 0.0)
    for bad, why in [("0.8,0.2", "got '0.8,0.2'"), ("0.5,0.2,0.2", "sums to 0.9"), ("a,b,c", "got 'a,b,c'"),
                     ("1.5,-0.25,-0.25", "each must be in")]:
        with pytest.raises(EasyOcrKoError, match=f"--split takes three fractions.*{why}"):
            parse_split(bad)
    with pytest.raises(EasyOcrKoError, match="sums to 1.1"):
        ImportConfig("gt", Path("s"), Path("o"), split=(0.8, 0.2, 0.1))
    with pytest.raises(EasyOcrKoError, match="format must be one of aihub, dacon, gt"):
        ImportConfig("coco", Path("s"), Path("o"))
    assert ImportConfig("gt", Path("s"), Path("o"), split="0,0,1").split == (0.0, 0.0, 1.0)


@pytest.fixture
def twenty_photos(tmp_path: Path) -> Path:
    """20 photos with 3 boxes each in one AI Hub file."""
    src = tmp_path / "src"
    images, anns = [], []
    for i in range(20):
        write_image(src / "img" / f"{i:02d}.png", photo(12, 36, 100 + i))
        images.append({"id": i, "file_name": f"{i:02d}.png"})
        anns += [{"image_id": i, "text": f"w{i}-{k}", "bbox": [12 * k, 0, 12, 12]} for k in range(3)]
    write_json(src / "ann.json", {"images": images, "annotations": anns})
    return src


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".mdb" and p.name != "summary.json"}


def test_splits_are_by_source_image_disjoint_and_deterministic(tmp_path, twenty_photos):
    summary = run("aihub", twenty_photos, tmp_path / "a", split=(0.6, 0.2, 0.2), seed=7)
    assert summary["splits"] == {"train": {"crops": 36, "source_images": 12},
                                 "validation": {"crops": 12, "source_images": 4},
                                 "test": {"crops": 12, "source_images": 4}}
    per_split = {s: {row[2] for row in sources(tmp_path / "a", s)} for s in ("train", "validation", "test")}
    assert not (per_split["train"] & per_split["validation"] or per_split["train"] & per_split["test"]
                or per_split["validation"] & per_split["test"])
    assert set.union(*per_split.values()) == {f"img/{i:02d}.png" for i in range(20)}
    for s in per_split:   # all three crops of a photo, in box order, in its split
        labels = [label for _, label in gt(tmp_path / "a", s)]
        assert labels == [f"w{int(k[4:6])}-{j}" for k in sorted(per_split[s]) for j in range(3)]
        assert LmdbDataset(tmp_path / "a" / "lmdb" / s).labels() == labels

    run("aihub", twenty_photos, tmp_path / "b", split=(0.6, 0.2, 0.2), seed=7)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a.pop("import_config.yaml") != b.pop("import_config.yaml")   # only the output folder differs
    assert len(a) == 3 * 3 + 60 and a == b   # per split gt.txt and sources.tsv (folder + LMDB); 60 PNGs
    run("aihub", twenty_photos, tmp_path / "c", split=(0.6, 0.2, 0.2), seed=8)
    assert {row[2] for row in sources(tmp_path / "c", "test")} != per_split["test"]


def test_empty_split_is_not_written(tmp_path, twenty_photos):
    summary = run("aihub", twenty_photos, tmp_path / "out", split=(0.0, 0.0, 1.0))
    assert list(summary["splits"]) == ["test"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["import_config.yaml", "lmdb", "summary.json",
                                                                    "test"]
    assert [p.name for p in (tmp_path / "out" / "lmdb").iterdir()] == ["test"]


# ---------------------------------------------------------------- output folder and interruption

def test_output_folder_rules(tmp_path, twenty_photos):
    out = tmp_path / "out"
    run("aihub", twenty_photos, out, split=(0.0, 0.0, 1.0))
    with pytest.raises(EasyOcrKoError, match="is not empty: choose an empty folder or pass --overwrite"):
        run("aihub", twenty_photos, out)
    (out / ".import-tmp-stale").mkdir()            # a killed run's staging folder is cleaned up
    run("aihub", twenty_photos, out, overwrite=True, split=(1.0, 0.0, 0.0))
    assert sorted(p.name for p in out.iterdir()) == ["import_config.yaml", "lmdb", "summary.json", "train"]
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match=r"--overwrite refused: .* import did not write \(notes.txt\)"):
        run("aihub", twenty_photos, out, overwrite=True)
    with pytest.raises(EasyOcrKoError, match="no gt.txt / labels.txt annotation file found"):
        run("gt", twenty_photos, tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_output_inside_the_source_is_not_read_back(tmp_path):
    src = tmp_path / "src"
    write_image(src / "a.png", photo(6, 6, 40))
    (src / "gt.txt").write_text("a.png\t가\n", encoding="utf-8")
    first = run("gt", src, src / "out")
    second = run("gt", src, src / "out", overwrite=True)
    assert first["samples"] == second["samples"] == 1 and first["annotation_files"] == 1


def _interrupt_after(monkeypatch, n: int) -> None:
    real = import_run.encode_png
    calls = {"n": 0}

    def encode(image):
        calls["n"] += 1
        if calls["n"] > n:
            raise KeyboardInterrupt
        return real(image)

    monkeypatch.setattr(import_run, "encode_png", encode)


def test_interrupt_leaves_nothing_half_written(tmp_path, twenty_photos, monkeypatch):
    out = tmp_path / "out"
    _interrupt_after(monkeypatch, 40)   # inside the validation split, after train was written to the stage
    with pytest.raises(KeyboardInterrupt):
        run("aihub", twenty_photos, out, split=(0.6, 0.2, 0.2))
    assert not out.exists()

    monkeypatch.undo()
    run("aihub", twenty_photos, out, split=(0.0, 0.0, 1.0))
    before = _tree(out)
    _interrupt_after(monkeypatch, 40)
    with pytest.raises(KeyboardInterrupt):
        run("aihub", twenty_photos, out, overwrite=True, split=(0.6, 0.2, 0.2))
    assert _tree(out) == before   # the earlier import is untouched
    assert sorted(p.name for p in out.iterdir()) == ["import_config.yaml", "lmdb", "summary.json", "test"]


# ---------------------------------------------------------------- pieces

def test_parse_box_and_crop_box():
    assert parse_box({"bbox": [1, 2, 3, 4]}) == ("ok", (1, 2, 4, 6))
    assert parse_box({"bbox": [1, 2, 3, 4]}, bbox_format="xyxy") == ("ok", (1, 2, 3, 4))
    assert parse_box({"bbox": [0, 0, -3, 4]}) == ("empty", None)
    assert parse_box({"bbox": [[1, 2], [5, 2], [5, 9], [1, 9]]}) == ("ok", (1, 2, 5, 9))
    assert parse_box({"bbox": [True, 2, 3, 4]}) == ("malformed", None)
    assert parse_box({"x": [1.2, 4.5], "y": [2, 3]}) == ("ok", (1, 2, 5, 3))
    assert parse_box({"x": [1, 1], "y": [2, 3]}) == ("empty", None)
    assert parse_box({"points": [0, 0, 4, 0, 4, 2, 0, 2]}) == ("ok", (0, 0, 4, 2))
    assert parse_box({"text": "a"}) == ("none", None)
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


# ---------------------------------------------------------------- CLI

def _group() -> click.Group:
    """A group of the same class as ``easyocr-ko`` (it formats errors) holding only ``import``."""
    group = type(cli_main)(name="easyocr-ko")
    group.add_command(import_cmd)
    return group


def test_cli_import_gt(tmp_path):
    src = tmp_path / "src"
    write_image(src / "a.png", photo(6, 6, 60))
    write_image(src / "b.png", photo(6, 6, 61))
    (src / "gt.txt").write_text("a.png\t가\nb.png\t나\nc.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(_group(), ["import", "gt", str(src), "-o", str(out), "--split", "0.5,0.5,0",
                                           "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    assert "train: 1 crops from 1 source images" in result.stdout
    assert "validation: 1 crops from 1 source images" in result.stdout
    assert "skipped 1 x malformed gt line" in result.stdout
    assert result.stderr == "easyocr-ko: warning: gt.txt:3: malformed gt line: no tab between image path and label\n"
    saved = (out / "import_config.yaml").read_text(encoding="utf-8")
    assert "seed: 3" in saved and "- 0.5" in saved


def test_cli_bad_split_is_one_error_line(tmp_path):
    src = tmp_path / "src"
    write_image(src / "a.png", photo(6, 6, 62))
    (src / "gt.txt").write_text("a.png\t가\n", encoding="utf-8")
    result = CliRunner().invoke(_group(), ["import", "gt", str(src), "-o", str(tmp_path / "out"),
                                           "--split", "0.7,0.2"])
    assert result.exit_code == 1
    assert result.stderr == ("easyocr-ko: error: --split takes three fractions train,validation,test that sum "
                             "to 1, e.g. 0.8,0.1,0.1; got '0.7,0.2'\n")
    assert not (tmp_path / "out").exists()


def test_cli_config_file_and_options(tmp_path):
    src = tmp_path / "src"
    img = write_image(src / "a.png", photo(20, 20, 63))
    write_json(src / "a.json", {"images": [{"id": 1, "file_name": "a.png"}],
                                "annotations": [{"image_id": 1, "label": "값", "box": [5, 5, 10, 10]}]})
    config = tmp_path / "import.yaml"
    config.write_text("split: [0, 0, 1]\nmargin: 9\nbbox_format: xyxy\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(_group(), ["import", "aihub", str(src), "-o", str(out), "--config", str(config),
                                           "--margin", "1", "--text-field", "label", "--bbox-field", "box", "-q"])
    assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(read_image(out / "test" / "images" / "000000001.png"), img[4:11, 4:11])


# ---------------------------------------------------------------- import -> finetune -> eval

def test_import_output_trains_with_finetune_and_evaluates_with_eval(tmp_path):
    """An AI Hub-style set of 12 'photos' (two word boxes each) imports, fine-tunes a tiny model on its train
    split (validating on its validation split) and evaluates on its test split, all through the CLI."""
    src = tmp_path / "aihub"
    images, annotations = [], []
    for k in range(12):
        words = [WORDS[k % len(WORDS)], WORDS[(k + 5) % len(WORDS)]]
        crops = [cv2.imdecode(np.frombuffer(render_png(w, 32), np.uint8), cv2.IMREAD_GRAYSCALE) for w in words]
        page = np.full((90, 20 + max(c.shape[1] for c in crops)), 255, np.uint8)
        for j, crop in enumerate(crops):
            y = 10 + 40 * j
            page[y:y + crop.shape[0], 10:10 + crop.shape[1]] = crop
            annotations.append({"id": str(len(annotations) + 1), "image_id": str(k), "text": words[j],
                                "bbox": [10, y, crop.shape[1], crop.shape[0]]})
        write_image(src / f"page_{k:02d}.png", page)
        images.append({"id": str(k), "width": page.shape[1], "height": page.shape[0],
                       "file_name": f"page_{k:02d}.png"})
    write_json(src / "labels.json", {"images": images, "annotations": annotations})

    out = tmp_path / "crops"
    runner = CliRunner()
    result = runner.invoke(cli_main, ["import", "aihub", str(src), "--output", str(out), "--split", "0.5,0.25,0.25"])
    assert result.exit_code == 0, result.output
    assert {split: len(gt(out, split)) for split in ("train", "validation", "test")} == \
           {"train": 12, "validation": 6, "test": 6}

    init = tiny_checkpoint(tmp_path / "init.pth", imgH=64)  # the default imgH, as for EasyOCR's gen2 models
    run_dir = tmp_path / "run"
    result = runner.invoke(cli_main, ["finetune", "--data", str(out), "--output", str(run_dir), "--pretrained",
                                      str(init), "--num-iter", "4", "--val-interval", "2", "--batch-size", "4",
                                      "--num-threads", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "train 12, valid 6" in result.output
    assert (run_dir / "export" / "model" / "custom.pth").is_file()

    result = runner.invoke(cli_main, ["eval", "--data", str(out), "--split", "test", "--model", str(run_dir),
                                      "--no-quantize", "-q"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("run "))
    assert row.split("|")[1].strip() == "6"
