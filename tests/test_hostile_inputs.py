"""The hostile-input suite (issue 12): the 20 defects a run of bad inputs and faults against every verb found,
one test (or a small group) per numbered defect, plus the ``--debug`` contract.

README's promise is checked here case by case: bad input ends with ONE line ``easyocr-ko: error: ...`` on stderr
and exit status 1; nothing half-written (no ``.tmp`` leftovers, no mixed old/new trio); nothing lost (an earlier
dataset or trio survives a failed replacement); no code from an untrusted ``.pth`` ever runs.  Full disks and
read-only file systems are simulated by monkeypatching the writers to raise ``OSError`` (the disk is never
filled).  Everything runs on the CPU with the tiny models and datasets of ``_tiny.py``; the case that killed the
process before its fix (SIGBUS on a truncated LMDB, defect 8) runs its CLI calls in a subprocess.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import lmdb
import numpy as np
import pytest
import torch
import yaml
from click.testing import CliRunner, Result

from easyocr_ko.cli import main
from easyocr_ko.config import GenConfig
from easyocr_ko.datasets.dtrb import LmdbDataset, decode_gray, write_lmdb
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.synth import generate as synth

from _cli import one_line_error as _assert_one_line_error
from _tiny import WORDS, render_png, tiny_checkpoint
from conftest import TINY_WORDS

TRIO = "hostile_trio"  # recog_network name of the tiny exported trio (not an importable module)


# ---------------------------------------------------------------- helpers

def _run(*args: object, env: dict | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def _leftovers(folder: Path) -> list[Path]:
    """Temporary files and staging folders a writer left behind."""
    return [p for p in Path(folder).rglob("*") if p.name.endswith((".tmp", ".old")) or ".tmp-" in p.name
            or p.name.startswith(".gen-tmp-")]


class _Pickled:
    """An object whose unpickling runs code: ``exec`` creates ``marker`` (what a malicious .pth would do)."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').close()",)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _huge_png(width: int = 40000, height: int = 40000) -> bytes:
    """A PNG whose header says width x height (1-bit grey) with a tiny body: over OpenCV's 2^30-pixel limit."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _png_chunk(b"IEND", b""))


def _corrupt_body(png: bytes) -> bytes:
    """The PNG's signature and IHDR chunk kept (its size reads fine), every byte after them zeroed."""
    return png[:33] + bytes(len(png) - 33)


@pytest.fixture
def trio(tmp_path: Path) -> Path:
    """A freshly exported tiny trio ``TRIO`` in ``tmp_path/trio/{model,user_network}``; returns ``tmp_path/trio``."""
    from easyocr_ko.trio.export import export_checkpoint

    source = tiny_checkpoint(tmp_path / "tiny64.pth", imgH=64)
    folder = tmp_path / "trio"
    export_checkpoint(source, folder / "model", folder / "user_network", name=TRIO)
    return folder


def _finetune_config(tmp_path: Path, data: Path, init: Path, **extra) -> Path:
    values = dict(data=[str(data)], pretrained=str(init), imgH=32, batch_size=16, num_iter=2, val_interval=1,
                  optim="adam", lr=3e-3, seed=7, num_threads=1, show_examples=1)
    values.update(extra)
    path = tmp_path / "finetune.yaml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1. untrusted .pth files never run code

def _malicious_trio(trio: Path, marker: Path) -> Path:
    pth = trio / "model" / f"{TRIO}.pth"
    torch.save({"module.Prediction.weight": torch.zeros(2, 2), "payload": _Pickled(marker)}, pth)
    return pth


def test_d01_read_refuses_pickle_pth(tmp_path: Path, trio: Path) -> None:
    marker = tmp_path / "code_ran"
    _malicious_trio(trio, marker)
    image = tmp_path / "word.png"
    image.write_bytes(render_png("가나", 64))
    result = _run("read", image, "--name", TRIO, "--model-dir", trio / "model", "--network-dir",
                  trio / "user_network", "--no-detector")
    _assert_one_line_error(result, f"{TRIO}.pth", "weights_only=True")
    assert not marker.exists(), "the .pth's code ran"


def test_d01_eval_and_install_model_refuse_pickle_pth(tmp_path: Path, trio: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from easyocr_ko.evaluation.models import resolve_model
    from easyocr_ko.trio.export import install_bundled

    marker = tmp_path / "code_ran"
    _malicious_trio(trio, marker)
    with pytest.raises(EasyOcrKoError, match="weights_only=True"):
        resolve_model(trio)
    # install-model: a bundled trio whose .pth is not plain weights is not installed where Reader would load it
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    for kind, sub in (("pth", "model"), ("yaml", "user_network"), ("py", "user_network")):
        shutil.copyfile(trio / sub / f"{TRIO}.{kind}", bundled / f"korean_hw.{kind}")
    monkeypatch.setattr("easyocr_ko.resources.bundled_model_dir", lambda: bundled)
    with pytest.raises(EasyOcrKoError, match="weights_only=True"):
        install_bundled(tmp_path / "m", tmp_path / "n", craft=False)
    assert not (tmp_path / "m" / "korean_hw.pth").exists()
    assert not marker.exists(), "the .pth's code ran"


# ---------------------------------------------------------------- 2. gen --overwrite loses nothing

def test_d02_gen_overwrite_keeps_the_old_dataset_until_the_new_one_is_complete(
        tmp_path: Path, tiny_dict: Path, two_fonts: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    old = {"gen_config.yaml": b"count: 5\n", "summary.json": b"{}\n", "train/gt.txt": b"images/1.png\t\xea\xb0\x80\n",
           "lmdb/train/data.mdb": b"old lmdb"}
    for name, content in old.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)

    def full_disk(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(synth, "_write_split", full_disk)
    config = GenConfig(output=out, dicts=(tiny_dict,), fonts=tuple(two_fonts), count=6, workers=1, sheet_samples=2)
    with pytest.raises(OSError, match="No space left on device"):
        synth.generate(config, overwrite=True, progress=False)
    assert {name: (out / name).read_bytes() for name in old} == old  # the earlier dataset is intact
    assert sorted(p.name for p in out.iterdir()) == ["gen_config.yaml", "lmdb", "summary.json", "train"]


# ---------------------------------------------------------------- 3. a corrupt PNG body

def _dataset_with_a_corrupt_image(root: Path) -> Path:
    images = [render_png(w) for w in WORDS]
    images[3] = _corrupt_body(images[3])
    write_lmdb(zip(images, WORDS), root / "lmdb" / "train")
    write_lmdb(((render_png(w, offset=1), w) for w in WORDS), root / "lmdb" / "validation")
    return root


def test_d03_corrupt_png_body_is_skipped_and_counted_by_finetune_and_eval(tmp_path: Path, init: Path) -> None:
    from easyocr_ko.config import FinetuneConfig
    from easyocr_ko.datasets.batches import RecognitionData
    from easyocr_ko.evaluation.sets import load_eval_set
    from easyocr_ko.training.finetune import finetune

    root = _dataset_with_a_corrupt_image(tmp_path / "data")
    scanned = RecognitionData([root / "lmdb" / "train"])
    assert scanned.skipped == {"undecodable image": 1} and len(scanned) == len(WORDS) - 1
    evalset = load_eval_set(root, split="train")
    assert len(evalset) == len(WORDS) - 1 and evalset.data.skipped == {"undecodable image": 1}
    # finetune draws every sample of the 15 in its first batch: it completes instead of aborting
    config = FinetuneConfig(data=(root,), output=tmp_path / "run", pretrained=str(init), imgH=32, batch_size=16,
                            num_iter=2, val_interval=2, optim="adam", lr=3e-3, num_threads=1, show_examples=1)
    summary = finetune(config, log_stream=None)
    assert summary["steps"] == 2 and summary["train_samples"] == len(WORDS) - 1


# ---------------------------------------------------------------- 4. export does not replace a trio silently

def test_d04_export_refuses_an_existing_trio_without_overwrite(tmp_path: Path, init: Path) -> None:
    args = ("export", init, "--model-dir", tmp_path / "m", "--network-dir", tmp_path / "n", "--name", TRIO)
    assert _run(*args).exit_code == 0
    before = (tmp_path / "m" / f"{TRIO}.pth").read_bytes()
    other = tiny_checkpoint(tmp_path / "other.pth", seed=5)
    result = _run(*(other if a == init else a for a in args))
    _assert_one_line_error(result, f"{TRIO}.pth exists", "--overwrite")
    assert (tmp_path / "m" / f"{TRIO}.pth").read_bytes() == before
    result = _run(*(other if a == init else a for a in args), "--overwrite")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / f"{TRIO}.pth").read_bytes() != before


# ---------------------------------------------------------------- 5. export is atomic per trio

def _trio_bytes(model_dir: Path, network_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for folder in (model_dir, network_dir) for p in sorted(folder.iterdir())}


def test_d05_export_failure_leaves_the_old_trio_whole(tmp_path: Path, init: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from easyocr_ko.trio import export

    m, n = tmp_path / "m", tmp_path / "n"
    export.export_checkpoint(init, m, n, name=TRIO)
    before = _trio_bytes(m, n)
    other = tiny_checkpoint(tmp_path / "other.pth", character="가나다라", seed=5)

    def full_disk(*_args, **_kwargs):  # NAME.py is written last
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(export.shutil, "copyfile", full_disk)
        with pytest.raises(OSError, match="No space left on device"):
            export.export_checkpoint(other, m, n, name=TRIO, overwrite=True)
    assert _trio_bytes(m, n) == before  # not a new .pth beside the old .yaml

    real_replace = os.replace

    def failing_third_rename(src, dst):  # the renames themselves: .pth and .yaml done, .py fails
        if Path(dst).name == f"{TRIO}.py" and Path(src).name.endswith(".tmp"):
            raise OSError(errno.EIO, "Input/output error", str(src), None, str(dst))
        return real_replace(src, dst)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", failing_third_rename)
        with pytest.raises(OSError, match="Input/output error"):
            export.export_checkpoint(other, m, n, name=TRIO, overwrite=True)
    assert _trio_bytes(m, n) == before
    assert not _leftovers(tmp_path / "m") and not _leftovers(tmp_path / "n")
    export.export_checkpoint(other, m, n, name=TRIO, overwrite=True)
    assert _trio_bytes(m, n) != before


# ---------------------------------------------------------------- 6. eval --output is checked before the work

def test_d06_eval_output_naming_a_file_fails_before_reading(tmp_path: Path, data: Path, init: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def no_work(*_args, **_kwargs):
        raise AssertionError("the evaluation ran although its output cannot be written")

    monkeypatch.setattr("easyocr_ko.evaluation.evaluate.read_eval_set", no_work)
    existing = tmp_path / "results.txt"
    existing.write_text("mine", encoding="utf-8")
    for output in (existing, existing / "sub"):
        result = _run("eval", "--data", data, "--model", init, "--output", output, "-q")
        _assert_one_line_error(result, str(existing), "is a file")
    assert existing.read_text(encoding="utf-8") == "mine"


# ---------------------------------------------------------------- 7. overflowing AI Hub boxes

def test_d07_aihub_overflowing_bbox_is_a_counted_problem(tmp_path: Path) -> None:
    import cv2

    from easyocr_ko.datasets.importers import ImportConfig, parse_box, run_import

    src = tmp_path / "src"
    (src / "images").mkdir(parents=True)
    ok, buf = cv2.imencode(".png", np.random.default_rng(0).integers(0, 256, (40, 60), dtype=np.uint8))
    (src / "images" / "p.png").write_bytes(buf.tobytes())
    boxes = [[1e308, 0, 1e308, 64], [float("nan"), 0, 10, 10], [0, float("inf"), 10, 10], [0, 0, 10 ** 400, 10],
             [-1e308, 0, 1e308, 5], [2, 3, 20, 10]]
    doc = {"images": [{"id": "1", "file_name": "p.png"}],
           "annotations": [{"image_id": "1", "text": f"글{i}", "bbox": box} for i, box in enumerate(boxes)]}
    (src / "ann.json").write_text(json.dumps(doc), encoding="utf-8")  # NaN / Infinity / 10**400 as JSON allows
    for box in boxes[:5]:
        assert parse_box({"bbox": box}) == ("malformed", None)
    summary = run_import(ImportConfig("aihub", src, tmp_path / "out", split=(1.0, 0.0, 0.0)), progress=False)
    assert summary["written"] == 1 and summary["skipped"] == {"malformed box": 5}
    assert summary["problems_total"] == 5 and all("box is not numbers" in p for p in summary["problems"])


# ---------------------------------------------------------------- 8. truncated data.mdb

_SUBPROCESS_CLI = """
import json, sys
from click.testing import CliRunner
from easyocr_ko.cli import main
out = {}
for name, args in json.loads(sys.argv[1]).items():
    r = CliRunner().invoke(main, args)
    out[name] = [r.exit_code, r.stderr, repr(r.exception)]
print(json.dumps(out))
"""


def _cli_in_subprocess(runs: dict[str, list[str]]) -> dict:
    """Run CLI invocations in a fresh interpreter (a SIGBUS there does not kill the tests)."""
    proc = subprocess.run([sys.executable, "-c", _SUBPROCESS_CLI, json.dumps(runs)], capture_output=True,
                          text=True, cwd=Path(__file__).parent, timeout=300)
    assert proc.returncode == 0, f"the process died (signal {-proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_d08_truncated_data_mdb_is_one_line_not_sigbus(tmp_path: Path, init: Path) -> None:
    root = tmp_path / "data"
    big = [(render_png(w) + bytes(20000), w) for w in WORDS]  # overflow pages: truncation cuts samples off
    write_lmdb(big, root / "lmdb" / "train")
    write_lmdb(big, root / "lmdb" / "validation")
    for split in ("train", "validation"):
        mdb = root / "lmdb" / split / "data.mdb"
        with open(mdb, "r+b") as f:
            f.truncate(mdb.stat().st_size // 2)
    config = _finetune_config(tmp_path, root, init)
    got = _cli_in_subprocess({
        "eval": ["eval", "--data", str(root), "--split", "train", "--model", str(init), "-q"],
        "finetune": ["finetune", "--config", str(config), "--output", str(tmp_path / "run")]})
    for name, (code, stderr, exception) in got.items():
        assert code == 1, (name, code, stderr, exception)
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("easyocr-ko: error: "), (name, stderr)
        assert "truncated" in lines[0], (name, stderr)


# ---------------------------------------------------------------- 9. a killed `easyocr-ko lmdb` leaves a hidden LMDB

def test_d09_hidden_partial_lmdb_is_ignored_and_cleaned(tmp_path: Path, init: Path) -> None:
    from easyocr_ko.datasets.batches import find_datasets
    from easyocr_ko.datasets.dtrb import folder_to_lmdb

    parent = tmp_path / "parent"
    write_lmdb(((render_png(w), w) for w in WORDS[:4]), parent / "good")
    partial = parent / ".db.tmp-x1y2z3"  # what a killed `easyocr-ko lmdb DIR --output parent/db` leaves
    partial.mkdir()
    (partial / "data.mdb").write_bytes(b"\0" * 4096)
    assert find_datasets(parent) == [parent / "good"]
    result = _run("eval", "--data", parent, "--model", init, "-q", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["samples"] == 4
    # the next run of `lmdb` for the same output removes the leftover
    src = tmp_path / "dtrb"
    src.mkdir()
    (src / "1.png").write_bytes(render_png("가나"))
    (src / "gt.txt").write_text("1.png\t가나\n", encoding="utf-8")
    folder_to_lmdb(src, parent / "db")
    assert not partial.exists() and len(LmdbDataset(parent / "db")) == 1


# ---------------------------------------------------------------- 10. finetune on a full disk

def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attempt to write a checkpoint's bytes to a file fails as on a full disk: ``torch.save`` to a path
    (its writer leaves a partial file and raises RuntimeError, as torch does) and ``Path.write_bytes`` (raises
    ENOSPC after writing part of the data, as ``write()`` does)."""
    real_save = torch.save

    def save(obj, f, *args, **kwargs):
        if isinstance(f, (str, os.PathLike)):
            Path(f).write_bytes(b"PK\x03\x04 partial")
            raise RuntimeError("[enforce fail at inline_container.cc:858] . PytorchStreamWriter failed writing file "
                               "data/0: file write failed")
        return real_save(obj, f, *args, **kwargs)

    real_write_bytes = Path.write_bytes

    def write_bytes(self, data):
        if self.name.endswith(".tmp") or ".pth" in self.name:
            with open(self, "wb") as f:
                f.write(bytes(data)[:100])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write_bytes(self, data)

    monkeypatch.setattr(torch, "save", save)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_d10_finetune_on_a_full_disk_is_one_line_and_leaves_no_tmp(tmp_path: Path, data: Path, init: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    config = _finetune_config(tmp_path, data, init)
    run = tmp_path / "run"
    _full_disk(monkeypatch)
    result = _run("finetune", "--config", config, "--output", run)
    _assert_one_line_error(result, str(run / "best_accuracy.pth"), "No space left on device", log_before=True)
    assert not _leftovers(run), _leftovers(run)
    assert not (run / "best_accuracy.pth").exists()


# ---------------------------------------------------------------- 11. gen on a read-only or full file system

def test_d11_gen_read_only_file_system_is_one_line(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    def read_only(config, path):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(synth, "save_config", read_only)
    result = _run("gen", "-o", out, "--dict", tiny_dict, *(x for f in two_fonts for x in ("--font", f)),
                  "--workers", 1, "-q", "-c", 4)
    _assert_one_line_error(result, str(out / "gen_config.yaml"), "Read-only file system")


def test_d11_gen_full_disk_is_one_line_naming_the_output(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    real_write_bytes = Path.write_bytes

    def write_bytes(self, data):
        if self.suffix == ".png":
            raise OSError(errno.ENOSPC, "No space left on device")  # write() names no file
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    result = _run("gen", "-o", out, "--dict", tiny_dict, *(x for f in two_fonts for x in ("--font", f)),
                  "--workers", 1, "-q", "-c", 4)
    _assert_one_line_error(result, str(out), "No space left on device")
    assert not _leftovers(out)


def test_d11_gen_lmdb_io_error_is_one_line(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    def io_error(path, *args, **kwargs):
        raise lmdb.Error(f"{path}: Input/output error")

    monkeypatch.setattr(lmdb, "open", io_error)
    result = _run("gen", "-o", out, "--dict", tiny_dict, *(x for f in two_fonts for x in ("--font", f)),
                  "--workers", 1, "-q", "-c", 4)
    _assert_one_line_error(result, "Input/output error", "LMDB")
    assert not _leftovers(out)


# ---------------------------------------------------------------- 12. a font with damaged glyph data

def _damaged_copy(font: Path, dest: Path) -> Path:
    """``font`` with all but the first tenth of its glyf table overwritten: the header and cmap are intact, but
    FreeType fails on most glyphs with ``invalid composite glyph``."""
    from fontTools.ttLib import TTFont

    entry = TTFont(str(font), lazy=True).reader.tables["glyf"]
    data = bytearray(font.read_bytes())
    start = entry.offset + entry.length // 10
    data[start:entry.offset + entry.length] = b"\xff" * (entry.offset + entry.length - start)
    dest.write_bytes(bytes(data))
    return dest


def test_d12_damaged_font_is_left_out_by_name(tmp_path: Path, bandal: Path, bangwool: Path,
                                              tiny_dict: Path) -> None:
    from easyocr_ko.synth.fonts import inspect_fonts

    damaged = _damaged_copy(bandal, tmp_path / "Damaged.ttf")
    out = tmp_path / "out"
    result = _run("gen", "-o", out, "--dict", tiny_dict, "--font", damaged, "--font", bangwool, "--workers", 1,
                  "-q", "-c", 4)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"easyocr-ko: warning: font {damaged} left out: damaged"), result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["fonts"]) == ["Bangwool.ttf"] and list(summary["rejected_fonts"]) == [str(damaged)]
    chars = {c for w in TINY_WORDS for c in w}
    rejected: dict[str, str] = {}
    infos = inspect_fonts([damaged, bangwool], chars, rejected)
    assert [i.name for i in infos] == ["Bangwool.ttf"]
    assert list(rejected) == [str(damaged)] and "invalid composite glyph" in rejected[str(damaged)]
    with pytest.raises(EasyOcrKoError, match=f"no usable font: {damaged} rejected"):
        inspect_fonts([damaged], chars)


# ---------------------------------------------------------------- 13. an image over OpenCV's pixel limit

def test_d13_image_over_opencv_pixel_limit_is_one_line(tmp_path: Path, init: Path, trio: Path) -> None:
    from easyocr_ko.datasets.importers import load_image
    from easyocr_ko.trio.reader import read_image

    huge = tmp_path / "huge.png"
    huge.write_bytes(_huge_png())
    assert decode_gray(huge.read_bytes()) is None and load_image(huge.read_bytes()) is None  # eval/finetune, import
    with pytest.raises(EasyOcrKoError, match="cannot read image"):
        read_image(None, huge, detector=False)
    _assert_one_line_error(_run("eval", "--image", huge, "--model", init), str(huge), "cannot read image")
    result = _run("read", huge, "--name", TRIO, "--model-dir", trio / "model", "--network-dir", trio / "user_network",
                  "--no-detector")
    _assert_one_line_error(result, str(huge), "cannot read image")


# ---------------------------------------------------------------- 14. read checks the trio as eval does

def test_d14_read_checks_the_trio(tmp_path: Path, trio: Path) -> None:
    yaml_file = trio / "user_network" / f"{TRIO}.yaml"
    config = yaml.safe_load(yaml_file.read_text(encoding="utf-8"))
    config["character_list"] = config["character_list"][:-2]  # does not match the Prediction rows
    yaml_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    image = tmp_path / "word.png"
    image.write_bytes(render_png("가나", 64))
    args = ("--name", TRIO, "--model-dir", trio / "model", "--network-dir", trio / "user_network")
    line = _assert_one_line_error(_run("read", image, *args, "--no-detector"), "Prediction rows")
    eval_line = _assert_one_line_error(_run("eval", "--image", image, "--model", yaml_file))
    assert line == eval_line  # one trio check for read and eval


# ---------------------------------------------------------------- 15. names that shadow importable modules

@pytest.mark.parametrize("name", ["json", "os", "torch", "yaml"])
def test_d15_export_refuses_names_of_importable_modules(tmp_path: Path, init: Path, name: str) -> None:
    from easyocr_ko.trio.export import install_bundled

    result = _run("export", init, "--model-dir", tmp_path / "m", "--network-dir", tmp_path / "n", "--name", name)
    _assert_one_line_error(result, f"--name {name!r}", "importable")
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())
    with pytest.raises(EasyOcrKoError, match="importable"):
        install_bundled(tmp_path / "m", tmp_path / "n", name=name, craft=False)


# ---------------------------------------------------------------- 16. a data.mdb that is not an LMDB

def test_d16_data_mdb_that_is_not_an_lmdb_is_one_line(tmp_path: Path, init: Path) -> None:
    from easyocr_ko.datasets.batches import RecognitionData

    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "data.mdb").write_bytes(b"this is not an LMDB file\n" * 400)
    with pytest.raises(EasyOcrKoError, match="is not an LMDB"):
        RecognitionData([fake])
    _assert_one_line_error(_run("eval", "--data", fake, "--model", init, "-q"), str(fake / "data.mdb"),
                           "not an LMDB")
    (fake / "data.mdb").write_bytes(b"")
    _assert_one_line_error(_run("eval", "--data", fake, "--model", init, "-q"), "not an LMDB")


# ---------------------------------------------------------------- 17. range errors: one line, exit 1

@pytest.mark.parametrize("verb, option, key", [("gen", "--count", "count"), ("gen", "--height", "height"),
                                               ("finetune", "--batch-size", "batch_size"),
                                               ("finetune", "--num-iter", "num_iter")])
def test_d17_range_errors_are_one_line_exit_1(tmp_path: Path, data: Path, verb: str, option: str, key: str) -> None:
    base = ["gen", "-o", tmp_path / "out"] if verb == "gen" else ["finetune", "--data", data, "-o", tmp_path / "run"]
    _assert_one_line_error(_run(*base, option, 0), option, "0")
    config = tmp_path / "config.yaml"
    config.write_text(f"{key}: 0\n", encoding="utf-8")
    _assert_one_line_error(_run(*base, "--config", config), key)
    assert not (tmp_path / "out").exists() and not (tmp_path / "run").exists()


# ---------------------------------------------------------------- 18. gen --resume keeps the kept split's counts

@pytest.mark.parametrize("older_output", [False, True], ids=["summary-after-each-split", "counted-from-fonts-tsv"])
def test_d18_resumed_gen_summary_counts_the_kept_split(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                                       monkeypatch: pytest.MonkeyPatch, older_output: bool) -> None:
    config = GenConfig(output=tmp_path / "out", dicts=(tiny_dict,), fonts=tuple(two_fonts), count=6, val_count=2,
                       workers=1, sheet_samples=2)
    real = synth.render_text
    calls = {"n": 0}

    def interrupt_in_validation(*args):
        calls["n"] += 1
        if calls["n"] > 4:  # the 4 train samples complete, validation is interrupted
            raise KeyboardInterrupt
        return real(*args)

    with monkeypatch.context() as patch:
        patch.setattr(synth, "render_text", interrupt_in_validation)
        with pytest.raises(KeyboardInterrupt):
            synth.generate(config, progress=False)
    if older_output:  # interrupted by a version that wrote summary.json only at the end
        (tmp_path / "out" / "summary.json").unlink()
    summary = synth.generate(config, resume=True, progress=False)
    assert summary["resumed_splits"] == ["train"]
    written = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    for counts in (summary["splits"], written["splits"]):
        assert {name: s["images"] for name, s in counts.items()} == {"train": 4, "validation": 2}
        assert sum(counts["train"]["fonts"].values()) == 4 and sum(counts["train"]["kinds"].values()) == 4
        assert counts["train"]["failed_attempts"] == (None if older_output else {})
    result = _run("gen", "-o", tmp_path / "out", "--dict", tiny_dict, *(x for f in two_fonts for x in ("--font", f)),
                  "--workers", 1, "-q", "-c", 6, "--val-count", 2, "--resume")  # nothing left to render
    assert result.exit_code == 0, result.output
    assert "train: 4 images, kept from the interrupted run" in result.stdout.splitlines()


# ---------------------------------------------------------------- 19. offline korean_g2

def test_d19_offline_korean_g2_names_download_folder_and_auto(tmp_path: Path, data: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))
    result = _run("finetune", "--data", data, "-o", tmp_path / "run", "--batch-size", 4)
    _assert_one_line_error(result, "korean_g2", "--download", str(tmp_path / "easyocr_home" / "model"),
                           "--pretrained auto")


# ---------------------------------------------------------------- 20. dacon csv without a label column

def test_d20_dacon_csv_without_label_column_names_the_cause(tmp_path: Path) -> None:
    src = tmp_path / "dacon"
    (src / "train").mkdir(parents=True)
    (src / "train" / "TRAIN_00000.png").write_bytes(render_png("가나"))
    (src / "train.csv").write_text("id,img_path,text\nTRAIN_00000,./train/TRAIN_00000.png,가나\n", encoding="utf-8")
    result = _run("import", "dacon", src, "-o", tmp_path / "out", "-q")
    _assert_one_line_error(result, "no usable crop", "train.csv:1", "'label'")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- only the project's errors become one line

def test_unexpected_errors_keep_their_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*_args, **_kwargs):
        raise ValueError("operands could not be broadcast together")  # a bug deep in numpy, not bad input

    monkeypatch.setattr(synth, "generate", bug)
    result = _run("gen", "-o", tmp_path / "out")
    assert isinstance(result.exception, ValueError)
    assert "easyocr-ko: error" not in result.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_reraises_user_errors_with_their_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         how: str) -> None:
    def user_error(*_args, **_kwargs):
        raise EasyOcrKoError("a user error")

    monkeypatch.setattr(synth, "generate", user_error)
    _assert_one_line_error(_run("gen", "-o", tmp_path / "out"), "a user error")
    if how == "flag":
        result = _run("--debug", "gen", "-o", tmp_path / "out")
    else:
        result = _run("gen", "-o", tmp_path / "out", env={"EASYOCR_KO_DEBUG": "1"})
    assert isinstance(result.exception, EasyOcrKoError) and "easyocr-ko: error" not in result.stderr
