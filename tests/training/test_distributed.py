"""finetune under torchrun on the CPU (gloo, 2 processes): the same step as one process with the global batch,
exact resume, and the one-line refusals.  Each torchrun launch starts two Python processes (~15 s here)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.recognizer.pretrained import load_checkpoint_file
from easyocr_ko.training.finetune import finetune

from _tiny import make_dataset

REPO = Path(__file__).resolve().parents[2]


SYLLABLES = "가나다라마바사아자"
# 48 distinct labels of two widths: a global batch of 32 holds different samples on each rank (BatchNorm
# statistics of one rank differ from the global ones) and mixed widths (ranks must agree on the padded width).
WORDS = [a + b for a in SYLLABLES[:6] for b in SYLLABLES[:5]] + [
    a + b + c for a, b, c in zip(SYLLABLES * 2, SYLLABLES[3:] * 3, SYLLABLES[::-1] * 2)][:18]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("tiny_data"), words=WORDS, val_words=WORDS[::6])



# Adadelta (DTRB's default): its update is a smooth function of the gradient, so float rounding of the gradient
# average over ranks stays float rounding in the weights (Adam's first step is lr * sign(g)).
OPTIONS = dict(imgH=32, num_iter=4, val_interval=2, optim="adadelta", seed=7, amp=False, device="cpu",
               show_examples=1, val_samples=8)


def _torchrun(tmp_path: Path, data: Path, init: Path, out: Path, *extra: str, nproc: int = 2,
              **options) -> subprocess.CompletedProcess:
    config = tmp_path / f"{out.name}.yaml"
    config.write_text(yaml.safe_dump({**OPTIONS, **options, "data": [str(data)], "pretrained": str(init)}))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "easyocr_ko.cli", "finetune", "--nproc", str(nproc), "-q", *extra]
    command += ["--resume", str(out)] if "--resume" in extra else ["--config", str(config), "--output", str(out)]
    if "--resume" in extra:
        command.remove("--resume")
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)


def _weights(run: Path) -> dict:
    return load_checkpoint_file(run / "last.pth")["model"]


def _losses(run: Path) -> list:
    return [json.loads(x)["train_loss"] for x in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory, data, init) -> Path:
    """4 steps of 2 processes x batch 16."""
    tmp = tmp_path_factory.mktemp("ddp")
    done = _torchrun(tmp, data, init, tmp / "ddp", batch_size=16)
    assert done.returncode == 0, done.stderr[-3000:]
    return tmp / "ddp"


@pytest.mark.slow  # torchrun: two real processes
def test_two_ranks_of_16_train_as_one_process_of_32(two_ranks, data, init, tmp_path):
    """Same samples in every step (each rank takes its half of the global batch, padded to the global width),
    gradients averaged by DDP and BatchNorm statistics over both ranks: loss and weights equal to one process
    with batch 32, to float rounding."""
    torch.set_num_threads(1)
    single = tmp_path / "single"
    finetune(FinetuneConfig(**{**OPTIONS, "batch_size": 32}, data=(data,), pretrained=str(init), output=single),
             log_stream=None)
    a, b = _weights(single), _weights(two_ranks)
    assert load_checkpoint_file(two_ranks / "last.pth")["world_size"] == 2
    for key in a:
        assert torch.allclose(a[key].float(), b[key].float(), rtol=1e-4, atol=1e-5), key
    moved = max(float((a[key].float() - load_checkpoint_file(init)["model"][key].float()).abs().max())
                for key in a if key.endswith("weight"))
    assert moved > 1e-3  # the steps did change the weights: the comparison is not between two untouched models
    la, lb = _losses(single), _losses(two_ranks)
    assert la[0] is None and lb[0] is None
    assert lb[1:] == pytest.approx(la[1:], rel=1e-5)
    log = (two_ranks / "log_train.txt").read_text(encoding="utf-8")
    assert "2 processes (gloo)" in log and log.count("[4/4] Train loss") == 1  # rank 0 alone writes the log


@pytest.mark.slow  # torchrun: two real processes
def test_two_rank_resume_continues_exactly(two_ranks, data, init, tmp_path):
    parted = tmp_path / "parted"
    first = _torchrun(tmp_path, data, init, parted, batch_size=16, num_iter=2)
    assert first.returncode == 0, first.stderr[-3000:]
    assert load_checkpoint_file(parted / "last.pth")["step"] == 2
    assert len(load_checkpoint_file(parted / "last.pth")["rng_ranks"]) == 2
    again = _torchrun(tmp_path, data, init, parted, "--resume", "--num-iter", "4")
    assert again.returncode == 0, again.stderr[-3000:]
    a, b = _weights(two_ranks), _weights(parted)
    for key in a:
        assert torch.equal(a[key], b[key]), key
    assert _losses(parted) == _losses(two_ranks)


@pytest.mark.slow  # torchrun: two real processes
def test_resume_with_another_number_of_processes_is_refused(two_ranks, tmp_path):
    import shutil

    from easyocr_ko.errors import EasyOcrKoError
    from easyocr_ko.training.state import load_run_config

    run = tmp_path / "copy"
    shutil.copytree(two_ranks, run)
    with pytest.raises(EasyOcrKoError, match="trained with 2 process"):
        finetune(load_run_config(run, {"num_iter": 6}), resume=True, log_stream=None)


def test_sync_batchnorm_without_a_process_group_is_batchnorm():
    from easyocr_ko.training.distributed import SyncBatchNorm2d, convert_sync_batchnorm

    torch.manual_seed(0)
    plain = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4))
    synced = convert_sync_batchnorm(torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4)),
                                    torch.device("cpu"))
    synced.load_state_dict(plain.state_dict())
    assert isinstance(synced[1], SyncBatchNorm2d) and list(synced.state_dict()) == list(plain.state_dict())
    x = torch.randn(3, 1, 8, 8)
    assert torch.equal(plain(x), synced(x))
    assert torch.equal(plain[1].running_var, synced[1].running_var)
