"""easyocr_ko.training.state: stopping on a signal, the RNG state, atomic checkpoints, the run folder (made,
locked, its config read back for --resume) and the checks of last.pth."""
from __future__ import annotations

import random
import signal
from pathlib import Path

import numpy as np
import pytest
import torch

from easyocr_ko.config import FinetuneConfig, save_config
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import load_checkpoint_file
from easyocr_ko.training.finetune import finetune
from easyocr_ko.training.state import (
    LAST_KEYS,
    StopOnSignal,
    TrainingStopped,
    checked_last,
    load_run_config,
    prepare_run_dir,
    rng_state,
    save_atomic,
    set_rng_state,
)

from _tiny import tiny_finetune_config as _config

# ---------------------------------------------------------------- unit tests (no training)

def test_rng_state_round_trip_is_exact_and_weights_only_loadable(tmp_path):
    random.seed(1), np.random.seed(2), torch.manual_seed(3)
    state = rng_state()
    save_atomic(state, tmp_path / "rng.pth")
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    set_rng_state(load_checkpoint_file(tmp_path / "rng.pth"))  # weights_only=True inside
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_save_atomic_keeps_the_previous_file_on_a_full_disk(tmp_path, monkeypatch):
    path = tmp_path / "last.pth"
    save_atomic({"step": 1}, path)
    before = path.read_bytes()
    real_write = Path.write_bytes

    def full_disk(self, data):
        real_write(self, data[:10])  # part of it reached the disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError, match="last.pth"):
        save_atomic({"step": 2}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["last.pth"]  # no temporary file left


def test_stop_on_signal_raises_at_once_or_defers_and_puts_handlers_back():
    outer = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with pytest.raises(TrainingStopped, match="SIGTERM"), StopOnSignal():
            signal.raise_signal(signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        with StopOnSignal() as stop, stop.deferring():
            signal.raise_signal(signal.SIGTERM)  # a request, honoured at a safe point
            assert stop.requested and stop.signal_name == "SIGTERM" and stop.defer
            with pytest.raises(KeyboardInterrupt):
                signal.raise_signal(signal.SIGTERM)  # the second signal stops at once
        assert not stop.defer
    finally:
        signal.signal(signal.SIGTERM, outer)


def test_prepare_run_dir_makes_locks_and_refuses(tmp_path):
    config = FinetuneConfig(data=("d",), output=tmp_path / "run")
    lock = prepare_run_dir(config, resume=False)
    try:
        assert config.output.is_dir()
        with pytest.raises(EasyOcrKoError, match="not a finetune run folder"):
            prepare_run_dir(config, resume=True)  # no config.yaml
    finally:
        lock.release()
    (config.output / "x").write_text("x")
    with pytest.raises(EasyOcrKoError, match="is not empty: use --resume"):
        prepare_run_dir(config, resume=False)


def test_load_run_config_allows_num_iter_and_logger_only(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    save_config(FinetuneConfig(data=(str(tmp_path / "d"),), output=run, num_iter=5), run / "config.yaml")
    config = load_run_config(run, {"num_iter": 10, "logger": "none", "batch_size": None, "output": "elsewhere"})
    assert (config.num_iter, config.output) == (10, run)
    with pytest.raises(EasyOcrKoError, match="cannot change batch_size"):
        load_run_config(run, {"batch_size": 8})
    (run / "config.yaml").write_text("- a list\n", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match="is not a finetune config"):
        load_run_config(run, {})


def test_checked_last_names_what_is_missing(tmp_path):
    path = tmp_path / "last.pth"
    save_atomic({"format": "something else"}, path)
    with pytest.raises(EasyOcrKoError, match="is not a checkpoint finetune wrote"):
        checked_last(path, "abc", {})
    from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT

    save_atomic({"format": CHECKPOINT_FORMAT, "model": {}, "character": "abc"}, path)
    with pytest.raises(EasyOcrKoError, match="has no optimizer, rng, step, best, elapsed"):
        checked_last(path, "abc", {})
    assert LAST_KEYS[:2] == ("model", "character")


# ---------------------------------------------------------------- through finetune

def test_resume_refuses_changed_options(data, init, tmp_path):
    finetune(_config(data, init, tmp_path / "run", num_iter=5), log_stream=None)
    with pytest.raises(EasyOcrKoError, match="cannot change batch_size"):
        load_run_config(tmp_path / "run", {"batch_size": 8})


def test_resume_refuses_num_iter_below_the_step_reached(data, init, tmp_path):
    run = tmp_path / "run"
    finetune(_config(data, init, run, num_iter=5), log_stream=None)
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    with pytest.raises(EasyOcrKoError, match=r"--num-iter 3 is below the step the run reached \(5\)"):
        finetune(load_run_config(run, {"num_iter": 3}), resume=True, log_stream=None)
    assert {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()} == before  # nothing rewritten
    summary = finetune(load_run_config(run, {"num_iter": 5}), resume=True, log_stream=None)  # equal: a no-op run
    assert summary["steps"] == 5


def test_kill_during_checkpoint_write_keeps_previous(data, init, tmp_path, monkeypatch):
    run = tmp_path / "run"
    finetune(_config(data, init, run, num_iter=5), log_stream=None)
    before = (run / "last.pth").read_bytes()
    real_save = torch.save
    calls = {"n": 0}

    def dying_save(obj, f, *a, **k):
        calls["n"] += 1
        real_save(obj, f, *a, **k)  # the temporary file is complete ...
        raise KeyboardInterrupt  # ... but the process dies before the rename

    monkeypatch.setattr(torch, "save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        finetune(load_run_config(run, {"num_iter": 10}), resume=True, log_stream=None)
    monkeypatch.setattr(torch, "save", real_save)
    assert calls["n"] >= 1
    assert (run / "last.pth").read_bytes() == before
    assert load_checkpoint_file(run / "last.pth")["step"] == 5


def test_ignored_sigint_stays_ignored(data, init, tmp_path):
    """nohup / background jobs ignore SIGINT: finetune must not start catching it (README says: use SIGTERM)."""
    import signal

    outer = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        finetune(_config(data, init, tmp_path / "run", num_iter=2, val_interval=2), log_stream=None)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, outer)
