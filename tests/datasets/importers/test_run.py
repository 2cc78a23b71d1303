"""Tests of easyocr_ko.datasets.importers.run: one import end to end: both output formats, undecodable images,
splits by source image, the output folder's rules and interruption."""
from __future__ import annotations

from pathlib import Path

import pytest

from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset, decode_gray
from easyocr_ko.datasets.importers import run as import_run
from easyocr_ko.errors import EasyOcrKoError

from _import_helpers import gt, photo, run, sources, write_image, write_json


def test_output_lmdb_and_folder_hold_the_same_samples(tmp_path, aihub_src):
    src, _ = aihub_src
    out = tmp_path / "out"
    run("aihub", src, out)
    lmdb, folder = LmdbDataset(out / "lmdb" / "train"), FolderDataset(out / "train")
    assert len(lmdb) == len(folder) == 4
    assert [lmdb[i] for i in range(4)] == [folder[i] for i in range(4)]
    assert all(decode_gray(folder[i][0]) is not None for i in range(4))  # what EasyOCR/DTRB training reads
    assert (out / "lmdb" / "train" / "sources.tsv").read_bytes() == (out / "train" / "sources.tsv").read_bytes()


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
