"""easyocr_ko.datasets.writer: the DTRB split writer of gen and import, commit of a split, output-folder rules."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from easyocr_ko.datasets import writer
from easyocr_ko.datasets.dtrb import FolderDataset, LmdbDataset
from easyocr_ko.datasets.writer import (
    Manifest,
    OutputFolder,
    SplitRecord,
    commit_split,
    read_manifest,
    write_split,
)
from easyocr_ko.errors import EasyOcrKoError

MANIFEST = Manifest("fonts.tsv", ("font", "kind"), tallied=("font", "kind"))
OWN = OutputFolder("gen", frozenset({"summary.json", "train", "lmdb"}), "choose an empty folder or pass --overwrite")


def _png(value: int, width: int = 10) -> bytes:
    ok, buf = cv2.imencode(".png", np.full((8, width), value, dtype=np.uint8))
    assert ok
    return buf.tobytes()


def _records(n: int, numbers: list[int] | None = None) -> list[SplitRecord]:
    fonts = ["A.ttf", "B.ttf", "A.ttf", "C.ttf", "A.ttf"]
    return [SplitRecord(_png(20 * i), f"가{i}", (fonts[i % 5], "word" if i % 2 else "digits"),
                        None if numbers is None else numbers[i]) for i in range(n)]


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


# ---------------------------------------------------------------- write_split

def test_write_split_writes_folder_manifest_and_lmdb_in_one_order(tmp_path: Path) -> None:
    records = _records(5)
    summary = write_split(tmp_path, "train", iter(records), MANIFEST)
    assert summary.name == "train" and summary.images == 5
    assert summary.tallies == {"font": {"A.ttf": 3, "B.ttf": 1, "C.ttf": 1}, "kind": {"digits": 3, "word": 2}}
    assert list(summary.tallies["font"]) == ["A.ttf", "B.ttf", "C.ttf"]  # order of first appearance
    split = tmp_path / "train"
    gt = (split / "gt.txt").read_text(encoding="utf-8")
    assert gt == "".join(f"images/{i + 1:09d}.png\t가{i}\n" for i in range(5))
    assert (split / "fonts.tsv").read_text(encoding="utf-8").splitlines() == [
        "index\timage\tfont\tkind", *(f"{i + 1}\timages/{i + 1:09d}.png\t{r.row[0]}\t{r.row[1]}"
                                      for i, r in enumerate(records))]
    assert (tmp_path / "lmdb" / "train" / "fonts.tsv").read_bytes() == (split / "fonts.tsv").read_bytes()
    folder, db = FolderDataset(split), LmdbDataset(tmp_path / "lmdb" / "train")
    assert [folder[i] for i in range(5)] == [db[i] for i in range(5)] == [(r.png, r.label) for r in records]
    assert _listing(tmp_path) == ["lmdb", "lmdb/train", "lmdb/train/data.mdb", "lmdb/train/fonts.tsv",
                                  "lmdb/train/lock.mdb", "train", "train/fonts.tsv", "train/gt.txt",
                                  "train/images", *(f"train/images/{i:09d}.png" for i in range(1, 6))]


def test_write_split_numbers_files_by_record_number_and_indexes_by_lmdb_order(tmp_path: Path) -> None:
    write_split(tmp_path, "validation", _records(3, numbers=[2, 5, 6]), MANIFEST)  # gen: samples 1, 3, 4 failed
    rows = read_manifest(tmp_path / "validation" / "fonts.tsv")
    assert [(r["index"], r["image"]) for r in rows] == [("1", "images/000000002.png"), ("2", "images/000000005.png"),
                                                        ("3", "images/000000006.png")]
    assert rows[0] == {"index": "1", "image": "images/000000002.png", "font": "A.ttf", "kind": "digits"}
    assert LmdbDataset(tmp_path / "lmdb" / "validation")[1] == ((tmp_path / "validation" / rows[1]["image"])
                                                               .read_bytes(), "가1")


def test_write_split_without_records_leaves_nothing(tmp_path: Path) -> None:
    summary = write_split(tmp_path, "test", [], MANIFEST)
    assert summary.images == 0 and summary.tallies == {"font": {}, "kind": {}}
    assert _listing(tmp_path) == ["lmdb"]


def test_write_split_draws_records_one_at_a_time(tmp_path: Path) -> None:
    seen = []

    def records():
        for i, record in enumerate(_records(3)):
            if i:  # the previous sample is on disk before the next one is made
                seen.append(sorted(p.name for p in (tmp_path / "train" / "images").iterdir()))
            yield record

    write_split(tmp_path, "train", records(), MANIFEST)
    assert seen == [["000000001.png"], ["000000001.png", "000000002.png"]]


def test_write_split_invalid_label_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EasyOcrKoError, match="sample 2"):
        write_split(tmp_path, "train", [SplitRecord(_png(1), "ok", ("A", "w")),
                                        SplitRecord(_png(2), "tab\there", ("A", "w"))], MANIFEST)
    assert not (tmp_path / "lmdb" / "train").exists()  # the LMDB is built beside and never renamed in


def test_read_manifest_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "sources.tsv"
    path.write_text("index\timage\tsource\n1\timages/1.png\ta.jpg\n\n2\timages/2.png\tb.jpg\n", encoding="utf-8")
    assert [r["source"] for r in read_manifest(path)] == ["a.jpg", "b.jpg"]
    assert Manifest("sources.tsv", ("source", "annotation", "box")).header() == "index\timage\tsource\tannotation\tbox"


# ---------------------------------------------------------------- commit_split

def test_commit_split_moves_a_split_and_replaces_an_earlier_one(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    (dest / "lmdb" / "train").mkdir(parents=True)  # a half-committed split of a killed run
    (dest / "lmdb" / "train" / "data.mdb").write_bytes(b"stale")
    stage = tmp_path / "out" / ".gen-tmp-1"
    write_split(stage, "train", _records(2), MANIFEST)
    commit_split(stage, dest, "train")
    assert len(LmdbDataset(dest / "lmdb" / "train")) == 2 and len(FolderDataset(dest / "train")) == 2
    assert _listing(stage) == ["lmdb"]
    assert not list(dest.rglob("*.old"))


# ---------------------------------------------------------------- OutputFolder

def test_output_folder_existing_checks_and_cleans(tmp_path: Path) -> None:
    assert OWN.stage_prefix == ".gen-tmp-"
    assert OWN.existing(tmp_path / "missing") == []
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match="exists and is not a folder"):
        OWN.existing(tmp_path / "file")
    out = tmp_path / "out"
    (out / ".gen-tmp-killed" / "train").mkdir(parents=True)
    (out / ".import-tmp-other").mkdir()  # another verb's staging folder is not gen's to delete
    (out / "train").mkdir()
    assert OWN.existing(out) == [out / ".import-tmp-other", out / "train"]


def test_output_folder_replaceable_rules(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert OWN.replaceable(out, [], overwrite=False) == []
    present = [out / "lmdb", out / "train"]
    with pytest.raises(EasyOcrKoError, match=f"output folder {out} is not empty: choose an empty folder or pass "
                                             "--overwrite"):
        OWN.replaceable(out, present, overwrite=False)
    assert OWN.replaceable(out, present, overwrite=True) == present
    with pytest.raises(EasyOcrKoError, match=r"--overwrite refused: .* holds files gen did not write \(a.txt, "
                                             r"notes\)"):
        OWN.replaceable(out, [out / "notes", *present, out / "a.txt"], overwrite=True)


def _earlier_and_new(tmp_path: Path) -> tuple[Path, Path, list[Path]]:
    out = tmp_path / "out"
    (out / "train").mkdir(parents=True)
    (out / "train" / "gt.txt").write_text("old", encoding="utf-8")
    (out / "summary.json").write_text("old", encoding="utf-8")
    new = out / ".gen-tmp-new"
    (new / "train").mkdir(parents=True)
    (new / "train" / "gt.txt").write_text("new", encoding="utf-8")
    (new / "lmdb").mkdir()
    (new / "summary.json").write_text("new", encoding="utf-8")
    return out, new, [out / "summary.json", out / "train"]


def test_swap_in_replaces_the_earlier_outputs(tmp_path: Path) -> None:
    out, new, old = _earlier_and_new(tmp_path)
    OWN.swap_in(new, out, old)
    assert (out / "train" / "gt.txt").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in out.iterdir()) == [".gen-tmp-new", "lmdb", "summary.json", "train"]
    assert list(new.iterdir()) == []


def test_swap_in_failure_puts_the_earlier_outputs_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, new, old = _earlier_and_new(tmp_path)
    real_replace = os.replace

    def failing(src, dst):
        if Path(src) == new / "train":  # after lmdb and summary.json were moved in
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", failing)
    with pytest.raises(OSError, match="Input/output error"):
        OWN.swap_in(new, out, old)
    monkeypatch.undo()
    assert (out / "train" / "gt.txt").read_text(encoding="utf-8") == "old"
    assert (out / "summary.json").read_text(encoding="utf-8") == "old"
    assert not (out / "lmdb").exists()
    assert sorted(p.name for p in out.iterdir()) == [".gen-tmp-new", "summary.json", "train"]
