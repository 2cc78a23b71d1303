"""easyocr_ko.datasets.dtrb: DTRB gt files and LMDBs (keys image-%09d / label-%09d / num-samples, from 1)."""
from __future__ import annotations

import io
import multiprocessing as mp
import pickle
import re
import unicodedata
from collections import Counter
from pathlib import Path

import cv2
import lmdb
import numpy as np
import pytest
from PIL import Image

from easyocr_ko.config import GenConfig
from easyocr_ko.datasets.dtrb import (
    FolderDataset,
    LmdbDataset,
    decode_gray,
    decode_image,
    encode_png,
    folder_to_lmdb,
    image_key,
    label_key,
    read_gt,
    write_lmdb,
)
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.synth.generate import generate

NFD_SCHOOL = unicodedata.normalize("NFD", "학교")


def _read_all(path: Path) -> dict[bytes, bytes]:
    """Every key/value of an LMDB, read with the lmdb package directly."""
    env = lmdb.open(str(path), readonly=True, lock=False)
    try:
        with env.begin() as txn:
            return {bytes(k): bytes(v) for k, v in txn.cursor()}
    finally:
        env.close()


def _png(value: int, width: int = 12, ext: str = ".png") -> bytes:
    img = np.full((8, width), value, dtype=np.uint8)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def _expected_keys(n: int) -> set[bytes]:
    return ({b"num-samples"} | {b"image-%09d" % i for i in range(1, n + 1)}
            | {b"label-%09d" % i for i in range(1, n + 1)})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A hand-made DTRB folder: 3 images (PNG, JPEG, PNG at the top level), NFD label, spaces in a label."""
    root = tmp_path / "data"
    (root / "images").mkdir(parents=True)
    (root / "images" / "a.png").write_bytes(_png(10))
    (root / "images" / "b.jpg").write_bytes(_png(200, ext=".jpg"))
    (root / "c.png").write_bytes(_png(90, width=20))
    (root / "gt.txt").write_text(f"images/a.png\t가방\nimages/b.jpg\t{NFD_SCHOOL}\n\nc.png\tHello World 1\n",
                                 encoding="utf-8")
    return root


def _nothing_left(output: Path) -> bool:
    return not output.exists() and not list(output.parent.glob(f".{output.name}.tmp-*"))


# ---------------------------------------------------------------- keys and small helpers


def test_keys() -> None:
    assert image_key(1) == b"image-000000001"
    assert label_key(123456789) == b"label-123456789"


def test_decode_gray() -> None:
    img = decode_gray(_png(77, width=5))
    assert img.dtype == np.uint8 and img.shape == (8, 5) and int(img[0, 0]) == 77
    assert decode_gray(b"") is None
    assert decode_gray(b"\x89PNG but not really") is None


def test_decode_image_keeps_what_opencv_gives_and_refuses_what_it_cannot_decode() -> None:
    bgr = np.zeros((4, 6, 3), np.uint8)
    bgr[:, :, 0] = 200  # blue
    ok, buf = cv2.imencode(".png", bgr)
    assert ok
    assert np.array_equal(decode_image(buf.tobytes(), cv2.IMREAD_UNCHANGED), bgr)
    assert decode_image(buf.tobytes(), cv2.IMREAD_GRAYSCALE).shape == (4, 6)
    for bad in (b"", b"\x89PNG but not really", _png(10)[:20]):
        assert decode_image(bad, cv2.IMREAD_UNCHANGED) is None


def test_encode_png_round_trip() -> None:
    image = Image.frombytes("L", (3, 2), bytes([0, 50, 100, 150, 200, 250]))
    with Image.open(io.BytesIO(encode_png(image))) as back:
        assert back.format == "PNG" and back.tobytes() == image.tobytes()
    grey = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert np.array_equal(decode_gray(encode_png(grey)), grey)
    bgr = np.zeros((3, 4, 3), np.uint8)
    bgr[:, :, 2] = 255  # red in OpenCV's order: stored as red
    with Image.open(io.BytesIO(encode_png(bgr[:, 1:]))) as back:  # a view, as a crop is
        assert back.mode == "RGB" and back.getpixel((0, 0)) == (255, 0, 0)
    assert np.array_equal(decode_image(encode_png(bgr), cv2.IMREAD_COLOR), bgr)
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((3, 4), np.float32))


# ---------------------------------------------------------------- read_gt


def test_read_gt(tmp_path: Path) -> None:
    gt = tmp_path / "gt.txt"
    gt.write_bytes(("\ufeffa.png\t가방\r\n\r\nb.png\t" + NFD_SCHOOL + "\nc.png\t \n").encode("utf-8"))
    entries = read_gt(gt)
    assert [(e.line, e.image, e.label) for e in entries] == [(1, "a.png", "가방"), (3, "b.png", "학교"),
                                                             (4, "c.png", " ")]
    assert read_gt(gt, nfc=False)[1].label == NFD_SCHOOL


@pytest.mark.parametrize(
    "line, problem",
    [("a.png 가방", "no tab between image path and label"), ("a.png\t가\t방", "tab inside label"),
     ("\t가방", "empty image path"), ("a.png\t", "empty"), ("a.png\t가\x07방", "control character in label")],
)
def test_read_gt_malformed_line(tmp_path: Path, line: str, problem: str) -> None:
    gt = tmp_path / "gt.txt"
    gt.write_text(f"ok.png\t좋아\n{line}\n", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match=f"^{gt}:2: {problem}$"):
        read_gt(gt)
    skipped = Counter()
    assert [e.image for e in read_gt(gt, strict=False, skipped=skipped)] == ["ok.png"]
    assert skipped == {problem: 1}


def test_read_gt_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="gt file not found"):
        read_gt(tmp_path / "nope.txt")
    bad = tmp_path / "gt.txt"
    bad.write_bytes("a.png\t가방\n".encode("cp949"))
    with pytest.raises(EasyOcrKoError, match="is not UTF-8"):
        read_gt(bad)


# ---------------------------------------------------------------- write_lmdb


def test_write_lmdb_keys_and_batches(tmp_path: Path) -> None:
    n = 2345  # crosses the 1,000-sample transaction commits
    out = tmp_path / "db"
    summary = write_lmdb(((b"img%d" % i, f"라벨{i}") for i in range(1, n + 1)), out)
    assert (summary.written, summary.output) == (n, out)
    data = _read_all(out)
    assert set(data) == _expected_keys(n)
    assert data[b"num-samples"] == b"2345"
    assert data[b"image-000000001"] == b"img1" and data[b"image-000002345"] == b"img2345"
    assert data[b"label-000001000"].decode("utf-8") == "라벨1000"
    assert sorted(p.name for p in out.iterdir()) == ["data.mdb", "lock.mdb"]


def test_write_lmdb_bad_label_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "db"
    with pytest.raises(EasyOcrKoError, match=r"sample 2: tab in label"):
        write_lmdb([(b"x", "좋아"), (b"y", "가\t방")], out)
    assert _nothing_left(out)


def test_write_lmdb_interrupted_leaves_nothing(tmp_path: Path) -> None:
    def samples():
        yield b"x", "가"
        raise KeyboardInterrupt

    out = tmp_path / "db"
    with pytest.raises(KeyboardInterrupt):
        write_lmdb(samples(), out)
    assert _nothing_left(out)


def test_write_lmdb_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "db"
    write_lmdb([(b"x", "가")], out)
    with pytest.raises(EasyOcrKoError, match="already exists"):
        write_lmdb([(b"y", "나")], out)
    write_lmdb([(b"y", "나"), (b"z", "다")], out, overwrite=True)
    assert _read_all(out)[b"num-samples"] == b"2"
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match="holds files other than an LMDB"):
        write_lmdb([(b"y", "나")], out, overwrite=True)
    assert (out / "notes.txt").is_file()


# ---------------------------------------------------------------- folder_to_lmdb


def test_folder_to_lmdb(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "lmdb"
    summary = folder_to_lmdb(folder, out)
    assert summary.written == 3 and summary.skipped == Counter()
    data = _read_all(out)
    assert set(data) == _expected_keys(3)
    assert data[b"num-samples"] == b"3"
    assert data[b"image-000000001"] == (folder / "images" / "a.png").read_bytes()
    assert data[b"image-000000002"] == (folder / "images" / "b.jpg").read_bytes()  # bytes unchanged, not re-encoded
    assert data[b"image-000000003"] == (folder / "c.png").read_bytes()
    labels = [data[b"label-%09d" % i].decode("utf-8") for i in (1, 2, 3)]
    assert labels == ["가방", "학교", "Hello World 1"]
    assert labels[1] != NFD_SCHOOL


def test_folder_to_lmdb_without_nfc_keeps_label_bytes(folder: Path, tmp_path: Path) -> None:
    folder_to_lmdb(folder, tmp_path / "lmdb", nfc=False)
    assert _read_all(tmp_path / "lmdb")[b"label-000000002"] == NFD_SCHOOL.encode("utf-8")


def test_folder_to_lmdb_other_gt_file(folder: Path, tmp_path: Path) -> None:
    gt = tmp_path / "val.txt"
    gt.write_text("c.png\t하나\n", encoding="utf-8")
    summary = folder_to_lmdb(folder, tmp_path / "lmdb", gt_file=gt)
    assert summary.written == 1 and LmdbDataset(tmp_path / "lmdb")[0] == ((folder / "c.png").read_bytes(), "하나")


def _add_line(folder: Path, line: str) -> None:
    with open(folder / "gt.txt", "a", encoding="utf-8") as f:
        f.write(line + "\n")


@pytest.mark.parametrize(
    "line, error, message",
    [("images/missing.png\t없음", FileNotFoundError, r":5: image not found: .*missing.png"),
     ("broken.png\t깨짐", EasyOcrKoError, r":5: not a decodable image: .*broken.png"),
     ("empty.png\t빈", EasyOcrKoError, r":5: not a decodable image: .*empty.png"),
     ("c.png 탭없음", EasyOcrKoError, r":5: no tab between image path and label$"),
     ("c.png\t탭\t있음", EasyOcrKoError, r":5: tab inside label$")],
)
def test_folder_to_lmdb_bad_sample_is_an_error(folder: Path, tmp_path: Path, line: str, error: type,
                                               message: str) -> None:
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (folder / "empty.png").write_bytes(b"")
    _add_line(folder, line)  # gt.txt line 5 (line 3 is blank)
    out = tmp_path / "lmdb"
    with pytest.raises(error, match=re.escape(str(folder / "gt.txt")) + message):
        folder_to_lmdb(folder, out)
    assert _nothing_left(out)


def test_folder_to_lmdb_skip_bad_counts(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.png").write_bytes(b"not an image")
    for line in ("images/missing.png\t없음", "broken.png\t깨짐", "c.png 탭없음", "c.png\t탭\t있음", "c.png\t끝"):
        _add_line(folder, line)
    out = tmp_path / "lmdb"
    summary = folder_to_lmdb(folder, out, skip_bad=True)
    assert summary.written == 4
    assert summary.skipped == {"image not found": 1, "undecodable image": 1,
                               "no tab between image path and label": 1, "tab inside label": 1}
    assert LmdbDataset(out).labels() == ["가방", "학교", "Hello World 1", "끝"]


def test_folder_to_lmdb_without_check_valid_keeps_undecodable(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.png").write_bytes(b"not an image")
    _add_line(folder, "broken.png\t깨짐")
    summary = folder_to_lmdb(folder, tmp_path / "lmdb", check_valid=False)
    assert summary.written == 4 and LmdbDataset(tmp_path / "lmdb")[3] == (b"not an image", "깨짐")


def test_folder_to_lmdb_nothing_usable(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    (root / "gt.txt").write_text("missing.png\t없음\n", encoding="utf-8")
    out = tmp_path / "lmdb"
    with pytest.raises(EasyOcrKoError, match="yields no sample: nothing written"):
        folder_to_lmdb(root, out, skip_bad=True)
    assert _nothing_left(out)


def test_folder_to_lmdb_missing_gt(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="gt file not found"):
        folder_to_lmdb(tmp_path, tmp_path / "lmdb")
    assert _nothing_left(tmp_path / "lmdb")


# ---------------------------------------------------------------- gen's LMDB round trip


def test_gen_lmdb_round_trip(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "gen"
    generate(GenConfig(output=out, count=20, val_count=5, dicts=(tiny_dict,), fonts=tuple(two_fonts), workers=1,
                       sheet_samples=4), progress=False)
    for split, n in (("train", 15), ("validation", 5)):
        data = _read_all(out / "lmdb" / split)
        assert set(data) == _expected_keys(n)
        assert data[b"num-samples"] == str(n).encode()
        lines = (out / split / "gt.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n
        for i, line in enumerate(lines, start=1):
            image, label = line.split("\t")
            assert data[b"image-%09d" % i] == (out / split / image).read_bytes()
            assert data[b"label-%09d" % i].decode("utf-8") == label
        # converting gen's DTRB folder gives the same LMDB as gen wrote
        folder_to_lmdb(out / split, tmp_path / f"again-{split}")
        assert _read_all(tmp_path / f"again-{split}") == data


# ---------------------------------------------------------------- readers


def test_lmdb_dataset(folder: Path, tmp_path: Path) -> None:
    folder_to_lmdb(folder, tmp_path / "lmdb")
    db = LmdbDataset(tmp_path / "lmdb")
    assert len(db) == 3
    assert db[0] == ((folder / "images" / "a.png").read_bytes(), "가방")
    assert db.labels() == ["가방", "학교", "Hello World 1"]
    with pytest.raises(IndexError):
        db[3]
    with pytest.raises(IndexError):
        db[-1]
    state = pickle.loads(pickle.dumps(db)).__dict__  # the environment is never pickled
    assert state["_env"] is None and state["n_samples"] == 3


_FORKED_DB: LmdbDataset | None = None  # inherited by fork()ed workers, as a DataLoader's dataset is


def _label_in_worker(i: int) -> str:
    return _FORKED_DB[i][1]


def test_lmdb_dataset_in_forked_worker(folder: Path, tmp_path: Path) -> None:
    global _FORKED_DB
    folder_to_lmdb(folder, tmp_path / "lmdb")
    _FORKED_DB = LmdbDataset(tmp_path / "lmdb")  # as torch's DataLoader(num_workers > 0) on Linux
    try:
        with mp.get_context("fork").Pool(1) as pool:
            assert pool.map(_label_in_worker, [0, 1, 2]) == ["가방", "학교", "Hello World 1"]
    finally:
        _FORKED_DB = None


def test_lmdb_dataset_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no LMDB"):
        LmdbDataset(tmp_path)
    env = lmdb.open(str(tmp_path / "raw"), map_size=1 << 20)
    with env.begin(write=True) as txn:
        txn.put(b"image-000000001", b"x")
    env.close()
    with pytest.raises(EasyOcrKoError, match="no 'num-samples' key"):
        LmdbDataset(tmp_path / "raw")


def test_folder_dataset(folder: Path) -> None:
    ds = FolderDataset(folder)
    assert len(ds) == 3 and ds.labels() == ["가방", "학교", "Hello World 1"]
    assert ds[2] == ((folder / "c.png").read_bytes(), "Hello World 1")
    (folder / "c.png").unlink()
    with pytest.raises(FileNotFoundError, match=r"gt.txt:4: image not found"):
        FolderDataset(folder)
    (folder / "gt.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match="lists no sample"):
        FolderDataset(folder)
