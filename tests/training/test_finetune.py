"""Fine-tuning on CPU with a tiny gen2 model: loss falls, resume is exact, checkpoints are atomic, charset
problems are loud."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import load_checkpoint_file
from easyocr_ko.training.finetune import finetune
from easyocr_ko.training.state import TrainingStopped, load_run_config

from _tiny import WORDS, make_dataset, render_png
from _tiny import tiny_finetune_config as _config


def test_overfit_sixteen_samples_lowers_the_loss(data, init, tmp_path):
    summary = finetune(_config(data, init, tmp_path / "run", num_iter=60, val_interval=30), log_stream=None)
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [0, 30, 60]  # step 0: the pretrained model before fine-tuning
    assert records[0]["train_loss"] is None
    assert records[-1]["valid_loss"] < 0.5 * records[0]["valid_loss"]
    assert records[-1]["train_loss"] < records[1]["train_loss"]
    assert summary["train_samples"] == len(WORDS) and summary["steps"] == 60
    for name in ("config.yaml", "character.txt", "log_train.txt", "curves.png", "best_accuracy.pth",
                 "best_norm_ED.pth", "last.pth"):
        assert (tmp_path / "run" / name).is_file(), name
    log = (tmp_path / "run" / "log_train.txt").read_text(encoding="utf-8")
    assert "[60/60] Train loss:" in log and "Best_norm_ED" in log and "Ground Truth" in log
    best = load_checkpoint_file(tmp_path / "run" / "best_accuracy.pth")  # weights_only=True inside
    assert best["character"] == (tmp_path / "run" / "character.txt").read_text(encoding="utf-8").rstrip("\n")
    assert best["config"]["num_iter"] == 60
    assert (tmp_path / "run" / "export" / "model" / "custom.pth").is_file()


@pytest.mark.slow
def test_overfit_sixteen_samples_reads_them(init, tmp_path):
    same = make_dataset(tmp_path / "same", val_offset=0)  # validation = the training images
    summary = finetune(_config(same, init, tmp_path / "run", num_iter=600, val_interval=300), log_stream=None)
    assert summary["best"]["accuracy"] >= 0.9


def test_resume_continues_exactly(data, init, tmp_path):
    straight = tmp_path / "straight"
    finetune(_config(data, init, straight), log_stream=None)
    parted = tmp_path / "parted"
    finetune(_config(data, init, parted, num_iter=5), log_stream=None)
    config = load_run_config(parted, {"num_iter": 10})
    summary = finetune(config, resume=True, log_stream=None)
    assert summary["resumed_from"] == 5
    a = load_checkpoint_file(straight / "last.pth")
    b = load_checkpoint_file(parted / "last.pth")
    assert a["step"] == b["step"] == 10
    for key in a["model"]:
        assert torch.equal(a["model"][key], b["model"][key]), key
    ra = [json.loads(x) for x in (straight / "metrics.jsonl").read_text().splitlines()]
    rb = [json.loads(x) for x in (parted / "metrics.jsonl").read_text().splitlines()]
    assert [r["train_loss"] for r in ra] == [r["train_loss"] for r in rb]
    assert [r["valid_loss"] for r in ra] == [r["valid_loss"] for r in rb]


def test_bad_inputs(data, init, tmp_path):
    from easyocr_ko.datasets.dtrb import write_lmdb

    empty = tmp_path / "empty"
    write_lmdb(iter([]), empty / "lmdb" / "train")
    write_lmdb(iter([]), empty / "lmdb" / "validation")
    with pytest.raises(EasyOcrKoError, match="no usable sample"):
        finetune(_config(empty, init, tmp_path / "r1"), log_stream=None)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    with pytest.raises(EasyOcrKoError, match="not empty"):
        finetune(_config(data, init, tmp_path / "busy"), log_stream=None)
    no_val = tmp_path / "noval"
    write_lmdb(iter([(render_png("가나"), "가나")]), no_val / "train_only")
    with pytest.raises(EasyOcrKoError, match="no validation data"):
        finetune(_config(no_val / "train_only", init, tmp_path / "r2"), log_stream=None)
    with pytest.raises(EasyOcrKoError, match="imgH"):
        finetune(_config(data, init, tmp_path / "r3", imgH=64), log_stream=None)
    with pytest.raises(EasyOcrKoError, match="CUDA"):
        if torch.cuda.is_available():
            pytest.skip("a GPU is present")
        finetune(_config(data, init, tmp_path / "r4", device="cuda"), log_stream=None)


def test_cli_finetune_and_resume(data, init, tmp_path):
    from click.testing import CliRunner

    from easyocr_ko.cli import main

    run = tmp_path / "run"
    args = ["finetune", "--data", str(data), "--output", str(run), "--pretrained", str(init), "--num-iter", "4",
            "--val-interval", "2", "--batch-size", "8", "--num-threads", "1", "--seed", "3"]
    config = tmp_path / "opts.yaml"
    config.write_text("imgH: 32\noptim: adam\nlr: 0.003\n", encoding="utf-8")
    result = CliRunner().invoke(main, args + ["--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "4 steps" in result.stdout and "best_accuracy" in result.stdout
    assert "[4/4] Train loss" in (run / "log_train.txt").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["finetune", "--resume", str(run), "--num-iter", "6"])
    assert again.exit_code == 0, again.output
    assert load_checkpoint_file(run / "last.pth")["step"] == 6
    busy = CliRunner().invoke(main, args + ["--config", str(config)])
    assert busy.exit_code == 1 and busy.stderr.startswith("easyocr-ko: error: run folder")
    assert busy.stderr.count("\n") == 1
    missing = CliRunner().invoke(main, ["finetune", "--data", str(tmp_path / "nope"), "--output", str(tmp_path / "r")])
    assert missing.exit_code == 1 and "dataset not found" in missing.stderr


def _signal_at_batch(monkeypatch, n: int, signum) -> None:
    """Send ``signum`` to this process while the ``n``-th training batch is being made ready for its step (as a
    user's Ctrl-C or a scheduler's SIGTERM arrives mid-step)."""
    import os

    import easyocr_ko.training.finetune as train_mod

    real = train_mod.collate_for_step
    calls = {"n": 0}

    def collate_for_step(*a, **k):
        calls["n"] += 1
        if calls["n"] == n:
            os.kill(os.getpid(), signum)
        return real(*a, **k)

    monkeypatch.setattr(train_mod, "collate_for_step", collate_for_step)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_signal_saves_last_and_resume_is_exact(data, init, tmp_path, monkeypatch, signame):
    """SIGTERM / SIGINT between two validations: the step in progress finishes, last.pth is saved at that step
    (no lost steps), and --resume continues exactly as an uninterrupted run."""
    import signal

    straight = tmp_path / "straight"
    finetune(_config(data, init, straight), log_stream=None)
    parted = tmp_path / "parted"
    signum = getattr(signal, signame)
    # A job started in the background by a script (CI, nohup) has SIGINT ignored, and finetune leaves an ignored
    # signal alone: give this process the handler an interactive Python has.
    outer = signal.signal(signum, signal.default_int_handler if signame == "SIGINT" else signal.SIG_DFL)
    try:
        _signal_at_batch(monkeypatch, 3, signum)
        with pytest.raises(TrainingStopped):
            finetune(_config(data, init, parted), log_stream=None)
        monkeypatch.undo()
        assert signal.getsignal(signum) in (signal.default_int_handler, signal.SIG_DFL)  # handlers put back
    finally:
        signal.signal(signum, outer)
    assert load_checkpoint_file(parted / "last.pth")["step"] == 3
    assert f"stopped by {signame} at step 3" in (parted / "log_train.txt").read_text()
    summary = finetune(load_run_config(parted, {}), resume=True, log_stream=None)
    assert summary["resumed_from"] == 3
    a = load_checkpoint_file(straight / "last.pth")
    b = load_checkpoint_file(parted / "last.pth")
    assert a["step"] == b["step"] == 10
    for key in a["model"]:
        assert torch.equal(a["model"][key], b["model"][key]), key
    ra = [json.loads(x) for x in (straight / "metrics.jsonl").read_text().splitlines()]
    rb = [json.loads(x) for x in (parted / "metrics.jsonl").read_text().splitlines()]
    assert [r["train_loss"] for r in ra] == [r["train_loss"] for r in rb]  # the interrupted interval's loss too


def test_second_signal_during_the_save_keeps_the_previous_last(data, init, tmp_path, monkeypatch):
    import os
    import signal

    run = tmp_path / "run"
    finetune(_config(data, init, run, num_iter=5), log_stream=None)
    before = (run / "last.pth").read_bytes()
    _signal_at_batch(monkeypatch, 2, signal.SIGTERM)  # step 7 of the resumed run
    real_save = torch.save

    def save_then_signal(obj, f, *a, **k):
        real_save(obj, f, *a, **k)
        os.kill(os.getpid(), signal.SIGTERM)  # the impatient second signal, before the rename

    monkeypatch.setattr(torch, "save", save_then_signal)
    with pytest.raises(KeyboardInterrupt):
        finetune(load_run_config(run, {"num_iter": 10}), resume=True, log_stream=None)
    monkeypatch.undo()
    assert (run / "last.pth").read_bytes() == before
    from easyocr_ko.training.state import RUN_FILES

    assert {p.name for p in run.iterdir()} <= set(RUN_FILES)  # no temporary file left


def test_progress_bar_on_stderr_only_when_asked(data, init, tmp_path, capsys):
    finetune(_config(data, init, tmp_path / "bar", num_iter=4, val_interval=4), log_stream=None, progress=True)
    err = capsys.readouterr().err
    assert "4/4" in err and "samples/s, next validation in" in err
    finetune(_config(data, init, tmp_path / "quiet", num_iter=4, val_interval=4), log_stream=None)
    assert "next validation" not in capsys.readouterr().err


def test_cosine_schedule_with_warmup_follows_lr_at_and_resumes_exactly(data, init, tmp_path, monkeypatch):
    """The schedule is a function of (step, options): a run stopped at step 6 (SIGTERM) and resumed with the same
    options ends with the weights of an uninterrupted run."""
    import signal

    kw = dict(schedule="cosine", warmup_steps=3, num_iter=10, val_interval=5)
    straight = tmp_path / "straight"
    finetune(_config(data, init, straight, **kw), log_stream=None)
    records = [json.loads(x) for x in (straight / "metrics.jsonl").read_text().splitlines()]
    config = _config(data, init, straight, **kw)
    assert [r["lr"] for r in records[1:]] == [config.lr_at(4), config.lr_at(9)]  # the lr of each interval's last step
    assert config.lr_at(0) == pytest.approx(1e-3) and config.lr_at(2) == pytest.approx(3e-3)  # warm-up to lr 3e-3
    assert config.lr_at(9) < 0.05 * 3e-3  # cosine nearly down to 0 at num_iter
    parted = tmp_path / "parted"
    _signal_at_batch(monkeypatch, 6, signal.SIGTERM)
    with pytest.raises(TrainingStopped):
        finetune(_config(data, init, parted, **kw), log_stream=None)
    monkeypatch.undo()
    assert load_checkpoint_file(parted / "last.pth")["step"] == 6
    with pytest.raises(EasyOcrKoError, match="cannot change schedule"):
        load_run_config(parted, {"schedule": "constant"})
    finetune(load_run_config(parted, {}), resume=True, log_stream=None)
    a = load_checkpoint_file(straight / "last.pth")
    b = load_checkpoint_file(parted / "last.pth")
    for key in a["model"]:
        assert torch.equal(a["model"][key], b["model"][key]), key


def test_bad_schedule_is_one_line():
    with pytest.raises(EasyOcrKoError, match="schedule must be constant or cosine"):
        FinetuneConfig(data=("d",), schedule="linear")


def _real_folder(root: Path, words: list[str]) -> Path:
    """A DTRB folder (gt.txt + images) standing in for real handwriting: other pixels than the training data."""
    (root / "images").mkdir(parents=True)
    lines = []
    for k, word in enumerate(words):
        (root / "images" / f"{k}.png").write_bytes(render_png(word, 32, offset=3))
        lines.append(f"images/{k}.png\t{word}")
    (root / "gt.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_real_validation_is_logged_and_can_choose_the_checkpoint(data, init, tmp_path):
    real = _real_folder(tmp_path / "real", WORDS[:5])
    out = tmp_path / "run"
    finetune(_config(data, init, out, real_valid_data=(real,), select_on="real"), log_stream=None)
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [0, 5, 10]
    for r in records:  # every validation reads all 5 real images beside the font validation
        assert r["real_n"] == 5 and 0 <= r["real_accuracy"] <= 1 and r["real_CER"] >= 0
    assert records[-1]["best_accuracy"] == max(r["real_accuracy"] for r in records[1:])
    log = (out / "log_train.txt").read_text(encoding="utf-8")
    assert log.count("Real_accuracy") == 3 and "(5 real images" in log and "on the real data" in log
    assert "real valid: 5 samples" in log
    best = load_checkpoint_file(out / "best_accuracy.pth")
    chosen = max(records[1:], key=lambda r: (r["real_accuracy"], -r["step"]))
    assert best["step"] == chosen["step"]


def test_real_validation_data_is_never_trained_on(data, init, tmp_path):
    with pytest.raises(EasyOcrKoError, match="never be trained on"):
        _config(data, init, tmp_path / "run", real_valid_data=(data,))
    with pytest.raises(EasyOcrKoError, match="select_on real needs"):
        _config(data, init, tmp_path / "run", select_on="real")


def test_nan_loss_stops_with_one_line_before_the_weights_change(data, init, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import easyocr_ko.training.finetune as F
    from easyocr_ko.cli import main

    real_loss, calls = F.ctc_loss, []

    def nan_at_third_step(*args, **kwargs):
        loss = real_loss(*args, **kwargs)
        if not torch.is_grad_enabled():  # validation (no_grad): not a training step
            return loss
        calls.append(1)
        return loss * float("nan") if len(calls) == 3 else loss

    monkeypatch.setattr(F, "ctc_loss", nan_at_third_step)
    run = tmp_path / "run"
    config = tmp_path / "opts.yaml"
    config.write_text("imgH: 32\noptim: adam\nlr: 0.003\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["finetune", "--data", str(data), "--output", str(run), "--pretrained",
                                       str(init), "--num-iter", "6", "--val-interval", "2", "--batch-size", "8",
                                       "--num-threads", "1", "--config", str(config), "-q"])
    assert result.exit_code == 1
    assert result.stderr.startswith("easyocr-ko: error: training loss became nan at step 3")
    assert result.stderr.count("\n") == 1 and "--lr" in result.stderr
    saved = load_checkpoint_file(run / "last.pth")  # from the validation at step 2: untouched by the NaN
    assert saved["step"] == 2 and all(torch.isfinite(v).all() for v in saved["model"].values() if v.is_floating_point())
