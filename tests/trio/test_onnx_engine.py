"""``read --engine onnx`` / ``eval --engine onnx``: CRAFT and the recognizer in onnxruntime give the Reader engine's
boxes and strings; the ONNX cache is keyed by the SHA-256 of the .pth (a stale file is rebuilt, never used);
onnxruntime missing is one line naming what to install."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from easyocr_ko.cli import main
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import file_sha256
from easyocr_ko.resources import TrioLocation
from easyocr_ko.trio.export import export_checkpoint

from _tiny import render_png, tiny_checkpoint

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from easyocr_ko.evaluation.read import read  # noqa: E402  (after the importorskips)
from easyocr_ko.trio.onnx_cache import (  # noqa: E402
    CACHE_ENV,
    SOURCE_KEY,
    cache_dir,
    physical_cores,
    require_onnxruntime,
)

CHARS = "가나다라마바사아자"
WORDS = ["가나", "다라마", "바사아자", "나가다라마바"]
REAL_PHOTO = Path(__file__).resolve().parent.parent / "data" / "easyocr_korean.png"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty ONNX cache for the test (``$EASYOCR_KO_CACHE``)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "onnx"


@pytest.fixture
def trio(tmp_path) -> TrioLocation:
    """A tiny gen2 trio (imgH 64) named tiny_hw."""
    folder = tmp_path / "trio"
    export_checkpoint(tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64), folder, folder, name="tiny_hw")
    sys.modules.pop("tiny_hw", None)
    return TrioLocation("tiny_hw", folder, folder)


@pytest.fixture
def lines(tmp_path) -> list[Path]:
    """Word images 64 px tall, one line each."""
    paths = []
    for k, word in enumerate(WORDS):
        paths.append(tmp_path / f"line{k}.png")
        paths[-1].write_bytes(render_png(word, 64))
    return paths


def _read(trio: TrioLocation, lines: list[Path], **kwargs) -> dict:
    sys.modules.pop(trio.name, None)
    return read(lines, name=trio.name, model_dir=trio.model_dir, network_dir=trio.network_dir, detector=False,
                **kwargs)


def _same(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for path in ours:
        assert [(r["box"], r["text"]) for r in ours[path]] == [(r["box"], r["text"]) for r in theirs[path]]
        assert [r["confidence"] for r in ours[path]] == pytest.approx([r["confidence"] for r in theirs[path]],
                                                                      abs=2e-3)


def _source_sha(path: Path) -> str:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.get_modelmeta().custom_metadata_map[SOURCE_KEY]


def test_tiny_trio_reads_as_the_reader_engine(trio, lines, cache):
    ours = _read(trio, lines, engine="onnx")
    _same(ours, _read(trio, lines))
    sha = file_sha256(trio.pth)
    assert sorted(p.name for p in cache.iterdir()) == [f"tiny_hw-{sha}.features.onnx"]  # int8: the front only
    floats = _read(trio, lines, engine="onnx", quantize=False)  # the whole network, float32, as Reader's float
    _same(floats, _read(trio, lines, quantize=False))
    assert (cache / f"tiny_hw-{sha}.onnx").is_file()


def test_a_stale_cache_is_rebuilt_never_used(trio, lines, cache, tmp_path):
    _read(trio, lines, engine="onnx")
    old_sha = file_sha256(trio.pth)
    old = cache / f"tiny_hw-{old_sha}.features.onnx"
    assert _source_sha(old) == old_sha
    # the .pth changes (new weights exported over the trio)
    export_checkpoint(tiny_checkpoint(tmp_path / "other.pth", CHARS, imgH=64, seed=7), trio.model_dir,
                      trio.network_dir, name="tiny_hw", overwrite=True)
    new_sha = file_sha256(trio.pth)
    assert new_sha != old_sha
    new = cache / f"tiny_hw-{new_sha}.features.onnx"
    shutil.copyfile(old, new)  # the old file where the new one belongs: its metadata gives it away
    reader = _read(trio, lines)
    _same(_read(trio, lines, engine="onnx"), reader)
    assert _source_sha(new) == new_sha
    new.write_bytes(new.read_bytes()[:1000])  # truncated (a crash elsewhere, a full disk): made again
    _same(_read(trio, lines, engine="onnx"), reader)
    assert _source_sha(new) == new_sha
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_onnxruntime_missing_is_one_line(trio, lines, monkeypatch, cache):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime raises ImportError
    with pytest.raises(EasyOcrKoError, match=r"pip install onnxruntime"):
        require_onnxruntime()
    result = CliRunner().invoke(main, ["read", str(lines[0]), "--name", trio.name, "--model-dir", str(trio.model_dir),
                                       "--network-dir", str(trio.network_dir), "--no-detector", "--engine", "onnx"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "pip install onnxruntime" in result.stderr and "pip install -e '.[onnx]'" in result.stderr
    assert not cache.exists()


def test_onnx_engine_refuses_a_gpu(trio, lines, cache):
    with pytest.raises(EasyOcrKoError, match="runs on the CPU"):
        _read(trio, lines, engine="onnx", gpu=True)


def test_threads_and_cache_folder(monkeypatch, tmp_path):
    assert 1 <= physical_cores() <= (os.cpu_count() or 1)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert cache_dir() == tmp_path / "onnx"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "easyocr-ko" / "onnx"


def test_eval_onnx_engine_gives_the_reader_engine_accuracy(data, init, cache):
    def run(*extra: str) -> dict:
        result = CliRunner().invoke(main, ["eval", "--data", str(data), "--model", str(init), "--json", "-q", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    reader, onnx = run(), run("--engine", "onnx")
    (ours,), (theirs,) = onnx["models"].values(), reader["models"].values()
    assert onnx["reading"]["engine"] == "onnx" and "onnxruntime" in onnx["reading"]["mode"]
    assert ours["metrics"]["n"] == theirs["metrics"]["n"] > 0
    assert abs(ours["metrics"]["accuracy"] - theirs["metrics"]["accuracy"]) <= 0.005
    assert ours["metrics"]["CER"] == pytest.approx(theirs["metrics"]["CER"], abs=1e-9)


@pytest.mark.slow
def test_onnx_engine_reads_the_road_sign_as_the_reader_engine(cache):
    """The bundled trio and EasyOCR's CRAFT: same boxes and strings as the Reader engine (CRAFT exported,
    checked and cached on first use)."""
    sys.modules.pop("korean_hw", None)
    ours = read(REAL_PHOTO, engine="onnx")
    sys.modules.pop("korean_hw", None)
    _same(ours, read(REAL_PHOTO))
    assert len(ours[str(REAL_PHOTO)]) == 6
    assert len([p for p in cache.iterdir() if p.name.startswith("craft_mlt_25k-")]) == 1
