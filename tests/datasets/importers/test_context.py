"""Tests of easyocr_ko.datasets.importers.context: label cleaning (unreadable markers) and safe image paths
(nothing outside the dataset root is read)."""
from __future__ import annotations

import numpy as np

from _import_helpers import crops, gt, photo, run, sources, write_image, write_json


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
