"""``easyocr-ko finetune``: fine-tune EasyOCR's gen2 recognizer with CTC, or any DTRB stage combination with CTC
or attention (:mod:`easyocr_ko.training.network`), DTRB-style.

Run folder (``FinetuneConfig.output``)::

    config.yaml          the resolved options          character.txt   the charset, one string
    log_train.txt        DTRB's log blocks (also on stderr)
    metrics.jsonl        one JSON object per validation   curves.png      loss / accuracy / norm_ED curves
    best_accuracy.pth    best_norm_ED.pth                 last.pth        (+ optimizer, step, RNG: --resume)
    export/model/NAME.pth, export/user_network/NAME.{yaml,py}   the EasyOCR trio of best_accuracy (CTC only)
    tensorboard/         metrics.jsonl's scalars as TensorBoard events (``--logger tensorboard``)

Checkpoints are dicts of plain types and tensors (``torch.load(..., weights_only=True)`` reads them), written
to a temporary file and renamed, so a kill at any moment leaves the previous checkpoint intact and loses at
most one ``val_interval`` of work.  SIGINT or SIGTERM (Ctrl-C, ``kill``, a scheduler's stop) saves ``last.pth`` at
the current step on the way out (see :class:`StopOnSignal`), so a stopped run loses no steps.  Data order and
augmentation depend only on (seed, step), so ``--resume`` continues with exactly the batches, model, optimizer and
RNG an uninterrupted run would have had.  ``--resume`` checks ``last.pth`` against the run folder (its keys and
their types, ``character.txt``, the network) before it uses any of it.  A run locks its folder while it runs
(:mod:`easyocr_ko.training.runlock`): a second run of the same folder is refused.
"""
from __future__ import annotations

import io
import json
import math
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO, cast

import numpy as np
import torch
import yaml
from torch import nn

from easyocr_ko.charset import (
    CTCCodec,
    build_charset,
    describe_chars,
    korean_g2_characters,
    ks_x_1001_hangul,
    outside_charset,
)
from easyocr_ko.config import FinetuneConfig, save_config, shown, to_dict
from easyocr_ko.datasets.batches import (
    BatchPrefetcher,
    PreparedBatch,
    RecognitionData,
    Sample,
    Streams,
    WidthGroupedBatches,
    collate_batch,
    eval_batches,
    find_datasets,
    prepare_batch,
)
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import names_os_errors, write_bytes_atomic, write_lines_atomic
from easyocr_ko.hangul import display_width
from easyocr_ko.plotting import korean_figure, korean_rc, save_figure
from easyocr_ko.recognizer.device import cpu_has_bf16, resolve_device
from easyocr_ko.recognizer.dtrb import AttnCodec, attention_loss, stage_string
from easyocr_ko.recognizer.model import codec_for, is_attention, num_class_for, stages_of
from easyocr_ko.recognizer.pretrained import (
    CHECKPOINT_FORMAT,
    Pretrained,
    check_finite,
    check_state_dict,
    load_checkpoint_file,
    load_pretrained,
)
from easyocr_ko.training.distributed import (
    DistContext,
    all_max,
    all_mean,
    barrier,
    convert_sync_batchnorm,
    data_parallel,
    gather_objects,
    init_distributed,
    on_main,
    shutdown,
)
from easyocr_ko.training.loggers import TensorBoardLogger, check_logger, open_logger
from easyocr_ko.training.network import init_model, run_network_params
from easyocr_ko.training.runlock import RunFolderLock, lock_run_folder

RUN_FILES = ("config.yaml", "character.txt", "log_train.txt", "metrics.jsonl", "curves.png", "last.pth",
             "best_accuracy.pth", "best_norm_ED.pth", "export", "tensorboard")


# ---------------------------------------------------------------- small pieces

class StopOnSignal:
    """Context manager that gives SIGINT and SIGTERM (Ctrl-C, ``kill``, a scheduler's stop) one meaning.

    While ``defer`` is False (the default: preparing, nothing to save yet) the first signal raises
    :class:`TrainingStopped` at once.  While it is True (the training loop and the export, under
    :meth:`deferring`; the whole run of a rank under torchrun) the first signal is a request, honoured where it
    is safe: after the current step with ``last.pth`` saved, after the export, or, for ranks, at the next point
    where all ranks meet and agree on it (:meth:`agreed`), so that every rank stops after the same step.  A second
    signal raises ``KeyboardInterrupt`` at once in both modes.

    The second signal interrupts a checkpoint being written: :func:`save_atomic` writes a temporary file and
    renames it, so the previous ``last.pth`` stays intact.  Handlers are installed only in the main thread and
    not for a signal the process ignores (``nohup ... &`` in a non-interactive shell starts jobs with SIGINT
    ignored); the previous handlers come back on exit.

    Attributes:
        signal_name: ``"SIGINT"`` / ``"SIGTERM"`` once a signal arrived, else ``None``.
        defer: whether the first signal waits for a safe point (True) or stops at once (False).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, defer: bool = False) -> None:
        self.signal_name: str | None = None
        self.defer = defer
        self._previous: dict[int, Any] = {}

    @property
    def requested(self) -> bool:
        return self.signal_name is not None

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.signal_name is not None:
            raise KeyboardInterrupt  # second signal: stop now
        self.signal_name = signal.Signals(signum).name
        if not self.defer:
            raise TrainingStopped(self.signal_name)

    @contextmanager
    def deferring(self) -> Iterator[StopOnSignal]:
        """Within the block, the first signal is a request (``defer`` True); ``defer`` comes back after it."""
        previous, self.defer = self.defer, True
        try:
            yield self
        finally:
            self.defer = previous

    def agreed(self, ctx: DistContext) -> int:
        """The signal number every rank acts on: the largest any rank received, 0 for none.  Under torchrun it is a
        collective (every rank must call it at the same point); for one process, this process's signal."""
        signum = signal.Signals[self.signal_name].value if self.signal_name is not None else 0
        return int(all_max(ctx, [signum])[0])

    def stop_if_requested(self, ctx: DistContext) -> None:
        """Raise :class:`TrainingStopped` on every rank if any rank received a signal (:meth:`agreed`).

        Raises:
            TrainingStopped: with the name of the (largest-numbered) signal received.
        """
        signum = self.agreed(ctx)
        if signum:
            raise TrainingStopped(signal.Signals(signum).name)

    def __enter__(self) -> StopOnSignal:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                previous = signal.getsignal(signum)
                if previous is signal.SIG_IGN:
                    continue
                self._previous[signum] = previous
                signal.signal(signum, self._handle)
        return self

    def __exit__(self, *_exc: Any) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()


class TrainingStopped(KeyboardInterrupt):
    """Raised by :func:`finetune` after it saved ``last.pth`` because of SIGINT / SIGTERM; the CLI exits 130."""


def amp_setting(amp: bool, device: torch.device) -> tuple[bool, torch.dtype]:
    """Mixed precision for training steps: bf16 on CUDA that supports it (else fp16 with a GradScaler), bf16 on
    CPUs with native bf16; off otherwise or when ``amp`` is False.  Validation always runs in float32, as
    EasyOCR's Reader does."""
    if not amp:
        return False, torch.float32
    if device.type == "cuda":
        return True, torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "cpu" and cpu_has_bf16():
        return True, torch.bfloat16
    return False, torch.float32


def save_atomic(obj: Any, path: Path) -> None:
    """``torch.save`` to memory, then write the bytes to a temporary file in the same folder and rename it over
    ``path``.  (``torch.save`` to a file reports a full disk as a ``RuntimeError`` "PytorchStreamWriter failed
    writing file" and leaves its partial file; writing the bytes ourselves gives the ``OSError`` and cleans up.)

    Raises:
        OSError: naming ``path`` (full disk, read-only file system ...); ``path`` keeps its previous content and
            no temporary file is left.
    """
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    write_bytes_atomic(buffer.getvalue(), Path(path))


def ctc_loss(logits: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor, criterion: nn.CTCLoss) -> torch.Tensor:
    """CTC loss of logits (N, T, C) against concatenated targets (DTRB's ``CTC`` branch).

    The log-softmax is taken in float32 even under mixed precision.
    """
    log_probs = logits.float().log_softmax(2).permute(1, 0, 2)  # (N, T, C) -> (T, N, C)
    input_lengths = torch.full((logits.shape[0],), logits.shape[1], dtype=torch.int32)
    return criterion(log_probs, targets, input_lengths, lengths)


def set_seed(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and CUDA)."""
    random.seed(seed)
    np.random.seed(seed % (1 << 32))
    torch.manual_seed(seed)


def rng_state() -> dict:
    """RNG states as weights_only-loadable plain types/tensors."""
    np_state = cast(tuple, np.random.get_state(legacy=True))
    state = {"python": random.getstate(), "torch": torch.get_rng_state(),
             "numpy": [np_state[0], torch.from_numpy(np_state[1].astype(np.int64)), int(np_state[2]),
                       int(np_state[3]), float(np_state[4])]}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Inverse of :func:`rng_state`."""
    py = state["python"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state((n[0], n[1].numpy().astype(np.uint32), n[2], n[3], n[4]))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# ---------------------------------------------------------------- charset and model

def choose_charset(config: FinetuneConfig, pretrained: Pretrained, train_labels: list[str]) -> tuple[str, bool]:
    """The training charset and whether it is fixed (given by the user).

    Default: korean_g2's 1,008 characters in EasyOCR's order (or, when starting from an own checkpoint, that
    checkpoint's list), then every other character of the training labels, then (``add_ksx1001``) the rest
    of KS X 1001's 2,350 syllables.

    Raises:
        EasyOcrKoError: a fixed charset has duplicates, or the character file is not UTF-8.
    """
    if config.character is not None or config.character_file is not None:
        try:
            text = config.character if config.character is not None else \
                Path(str(config.character_file)).read_text(encoding="utf-8").replace("\n", "").replace("\r", "")
        except UnicodeDecodeError as err:
            raise EasyOcrKoError(f"{config.character_file} is not UTF-8 (byte {err.start})") from None
        return build_charset(text, (), ks_x_1001_hangul() if config.add_ksx1001 else ""), True
    base, _ = charset_base(config, pretrained)
    extra = ks_x_1001_hangul() if config.add_ksx1001 else ""
    return build_charset(base, train_labels, extra), False


def charset_base(config: FinetuneConfig, pretrained: Pretrained) -> tuple[str, str]:
    """The list a default (not fixed) charset starts from, and its name for the log: korean_g2's 1,008
    characters (``"korean_g2"``; for ``--pretrained`` korean_g2, english_g2 and none), or the character list of
    the ``--pretrained`` file itself (``"NAME.pth's N"``).

    >>> from easyocr_ko.recognizer.pretrained import Pretrained
    >>> own = Pretrained({}, "가나다", {}, "own.pth", path=Path("runs/a/own.pth"))
    >>> charset_base(FinetuneConfig(data=("d",), pretrained="runs/a/own.pth"), own)
    ('가나다', "own.pth's 3")
    """
    is_own = pretrained.state_dict is not None and str(config.pretrained) not in ("korean_g2", "english_g2")
    if is_own and pretrained.character:
        name = pretrained.path.name if pretrained.path is not None else str(config.pretrained)
        return pretrained.character, f"{name}'s {len(pretrained.character)}"
    return korean_g2_characters(), "korean_g2"


# ---------------------------------------------------------------- validation

@dataclass
class Validation:
    """One validation pass: loss (over encodable labels), the three metrics and the rows for the table."""

    loss: float
    accuracy: float
    norm_ED: float
    CER: float
    rows: list[tuple[str, str, float]] = field(default_factory=list)
    n: int = 0


@torch.no_grad()
def validate(model: nn.Module, data: RecognitionData, samples: list[Sample], codec: CTCCodec | AttnCodec,
             imgH: int, batch_size: int, device: torch.device, criterion: nn.CTCLoss | None = None) -> Validation:
    """Read the validation samples as EasyOCR's Reader reads a crop (float weights, i.e. ``quantize=False``):
    the same preprocessing and padding width per image, greedy decoding, Reader's confidence and its second,
    contrast-adjusted pass for readings below confidence 0.1 (:func:`easyocr_ko.recognizer.predict.read_batch` over
    batches of one padded-width class).

    Valid loss is the CTC loss of the logits of the reading Reader keeps, over labels whose characters are all
    in the charset.  Attn models (``codec`` an :class:`~easyocr_ko.recognizer.dtrb.AttnCodec`) are read the
    same way with DTRB's greedy attention decoding; their valid loss is DTRB's: the attention loss of the
    greedily decoded logits against the labels (DTRB ``test.py``).  Metrics (easyocr_ko.evaluation.metrics):
    accuracy = exact match (NFC), norm_ED = ICDAR 2019 / DTRB, CER = total edit distance / total truth
    characters; all fractions.
    """
    from easyocr_ko.evaluation.metrics import summarize
    from easyocr_ko.recognizer.predict import read_batch

    model.eval()
    rows, losses, weights = [], [], []
    encodable = set(codec.character)
    for batch in eval_batches(samples, batch_size, imgH):
        crops = [data.load_gray(s) for s in batch]
        labels = [s.label for s in batch]
        readings = read_batch(model, codec, crops, imgH, device=device, keep_logits=True)
        rows += [(label, r.text, r.confidence) for label, r in zip(labels, readings)]
        keep = [k for k, label in enumerate(labels) if set(label) <= encodable]
        if keep:
            logits = torch.stack([torch.as_tensor(readings[k].logits) for k in keep]).float()
            losses.append(_valid_loss(logits, [labels[k] for k in keep], codec, criterion))
            weights.append(len(keep))
    summary = summarize([(t, p) for t, p, _ in rows])
    loss = float(np.average(losses, weights=weights)) if losses else float("nan")
    return Validation(loss, summary.accuracy, summary.norm_ED, summary.CER, rows, len(rows))


def _valid_loss(logits: torch.Tensor, labels: list[str], codec: CTCCodec | AttnCodec,
                criterion: nn.CTCLoss | None) -> float:
    if isinstance(codec, AttnCodec):
        text, _ = codec.encode(labels, batch_max_length=logits.shape[1] - 1)
        return float(attention_loss(logits, text))
    targets, lengths = codec.encode(labels)
    return float(ctc_loss(logits, targets, lengths, criterion or nn.CTCLoss(zero_infinity=True)))


# ---------------------------------------------------------------- logging

def pad_display(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (Hangul and other wide characters take 2)."""
    return text + " " * max(0, width - display_width(text))


class RunLog:
    """DTRB-style log blocks to stderr and ``log_train.txt``, metrics.jsonl and curves.png."""

    def __init__(self, run_dir: Path, stream: TextIO | None = sys.stderr, enabled: bool = True,
                 select_on: str = "valid"):
        self.run_dir = run_dir
        self.stream = stream
        self.enabled = enabled  # False on ranks other than 0: they write nothing
        self.select_on = select_on  # which validation's accuracy marks best_accuracy.pth in curves.png

    def line(self, text: str) -> None:
        if not self.enabled:
            return
        with open(self.run_dir / "log_train.txt", "a", encoding="utf-8") as f:
            f.write(text + "\n")
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def block(self, step: int, num_iter: int, train_loss: float | None, val: Validation, best_acc: float,
              best_ned: float, elapsed: float, examples: int, real: Validation | None = None) -> None:
        """One DTRB log block (train.py's format); ``real``: the real-data validation, one more line."""
        dash = "-" * 88
        train = "n/a (before fine-tuning)" if train_loss is None else f"{train_loss:0.5f}"
        lines = [
            f"[{step}/{num_iter}] Train loss: {train}, Valid loss: {val.loss:0.5f}, "
            f"Elapsed_time: {elapsed:0.1f}",
            f"{'Current_accuracy':17s}: {val.accuracy:0.4f}, {'Current_norm_ED':17s}: {val.norm_ED:0.4f}, "
            f"CER: {val.CER:0.4f}",
        ]
        if real is not None:
            lines.append(f"{'Real_accuracy':17s}: {real.accuracy:0.4f}, {'Real_norm_ED':17s}: {real.norm_ED:0.4f}, "
                         f"CER: {real.CER:0.4f} ({real.n} real images, loss {real.loss:0.5f})")
        lines += [
            f"{'Best_accuracy':17s}: {best_acc:0.4f}, {'Best_norm_ED':17s}: {best_ned:0.4f}"
            f"{' (on the real data)' if real is not None and self.select_on == 'real' else ''}",
            dash,
            f"{'Ground Truth':25s} | {'Prediction':25s} | Confidence Score & T/F",
            dash,
        ]
        for gt, pred, conf in val.rows[:examples]:
            lines.append(f"{pad_display(gt, 25)} | {pad_display(pred, 25)} | {conf:0.4f}\t{gt == pred}")
        lines.append(dash)
        for text in lines:
            self.line(text)

    def metrics(self, record: dict) -> None:
        if not self.enabled:
            return
        with open(self.run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        self.plot()

    def read_metrics(self) -> list[dict]:
        path = self.run_dir / "metrics.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def truncate_metrics(self, step: int) -> None:
        """Drop records after ``step`` (written after the checkpoint a resumed run starts from)."""
        if not self.enabled:
            return
        kept = [r for r in self.read_metrics() if r["step"] <= step]
        write_lines_atomic([json.dumps(r) for r in kept], self.run_dir / "metrics.jsonl")

    def plot(self) -> None:
        """``curves.png``: losses (log scale) and validation accuracy / norm_ED / CER against the step, with the
        step of ``best_accuracy.pth`` marked.  CER can exceed 1 (predictions longer than the truth), so that
        axis grows with it; steps are integers."""
        records = self.read_metrics()
        if not records:
            return
        import matplotlib
        from matplotlib.ticker import MaxNLocator

        steps = [r["step"] for r in records]
        best = _best_accuracy_step(records, "real_accuracy" if self.select_on == "real" else "accuracy")
        with matplotlib.rc_context(korean_rc()):
            fig = korean_figure(figsize=(11, 4))
            ax1, ax2 = fig.subplots(1, 2)
            trained = [r for r in records if r["train_loss"] is not None]
            ax1.plot([r["step"] for r in trained], [r["train_loss"] for r in trained], label="train loss")
            ax1.plot(steps, [r["valid_loss"] for r in records], label="valid loss")
            real = [r for r in records if r.get("real_CER") is not None]
            if real:
                ax1.plot([r["step"] for r in real], [r["real_valid_loss"] for r in real], label="real valid loss")
            ax1.set_yscale("log")
            ax2.plot(steps, [r["accuracy"] for r in records], label="accuracy", color="C0")
            ax2.plot(steps, [r["norm_ED"] for r in records], label="norm_ED", color="C1")
            ax2.plot(steps, [r["CER"] for r in records], label="CER", color="C2")
            if real:
                ax2.plot([r["step"] for r in real], [r["real_accuracy"] for r in real], "--", color="C0",
                         label="real accuracy")
                ax2.plot([r["step"] for r in real], [r["real_CER"] for r in real], "--", color="C2", label="real CER")
            ax2.set_ylim(0, max(1.0, *(r["CER"] for r in records), *(r["real_CER"] for r in real)) * 1.02)
            for ax in (ax1, ax2):
                ax.axvline(best, color="grey", linestyle=":", label=f"best_accuracy.pth (step {best})")
                ax.set_xlabel("step")
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.legend(fontsize=8)
            fig.tight_layout()
        save_figure(fig, self.run_dir / "curves.png", dpi=90)


def _best_accuracy_step(records: list[dict], key: str = "accuracy") -> int:
    """The step whose validation wrote ``best_accuracy.pth`` last: the first record with the highest ``key``
    (``accuracy``, or ``real_accuracy`` with ``select_on real``; a checkpoint is written only on a strict
    improvement)."""
    scored = [r for r in records if r.get(key) is not None] or records
    return max(scored, key=lambda r: (r.get(key, r["accuracy"]), -r["step"]))["step"]


# ---------------------------------------------------------------- the run

def _validation_paths(config: FinetuneConfig) -> list[Path]:
    if config.valid_data:
        return [p for path in config.valid_data for p in find_datasets(path, "validation")]
    found = [p for path in config.data for p in find_datasets(path, "validation")
             if (Path(path) / "lmdb" / "validation").is_dir()]
    if not found:
        raise EasyOcrKoError("no validation data: pass --valid-data (a gen/import output folder provides its "
                             "validation split automatically)")
    return found


def _model_checkpoint(run: _Run, step: int, metrics: dict | None) -> dict:
    return {"format": CHECKPOINT_FORMAT,
            "model": {k: v.detach().cpu().contiguous() for k, v in run.model.state_dict().items()},
            "character": run.character, "network_params": dict(run.network_params),
            "imgH": run.config.imgH, "config": to_dict(run.config), "step": step, "best": dict(run.best),
            "metrics": metrics or {}}


def _prepare_run_dir(config: FinetuneConfig, resume: bool) -> RunFolderLock:
    """Check what can be checked before the run folder is made or changed (``--logger``'s package), make the
    folder (a fresh run) and lock it for this process (:mod:`easyocr_ko.training.runlock`).

    Raises:
        EasyOcrKoError: ``--logger tensorboard`` without the package; ``resume`` of a folder without
            ``config.yaml``; a fresh run into a folder that is not empty; another process using the folder.
    """
    check_logger(config.logger)  # before anything is written: a refused run leaves no half-made folder
    out = config.output
    if resume:
        if not (out / "config.yaml").is_file():
            raise EasyOcrKoError(f"--resume: {out} is not a finetune run folder (no config.yaml)")
        return lock_run_folder(out)
    if out.exists() and any(out.iterdir()):
        raise EasyOcrKoError(f"run folder {out} is not empty: use --resume {out} to continue it, or another --output")
    out.mkdir(parents=True, exist_ok=True)
    lock = lock_run_folder(out)
    if any(out.iterdir()):  # another run started in it between the check and the lock
        lock.release()
        raise EasyOcrKoError(f"run folder {out} is not empty: use --resume {out} to continue it, or another --output")
    return lock


def load_run_config(run_dir: Path, overrides: dict) -> FinetuneConfig:
    """The config saved in ``run_dir``; ``overrides`` may only raise ``num_iter`` or switch ``logger`` (or repeat
    saved values).

    Raises:
        EasyOcrKoError: an override changes anything else (the continuation would not be exact).
    """
    try:
        saved = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise EasyOcrKoError(
            f"--resume: {run_dir / 'config.yaml'} is not readable YAML ({type(err).__name__})") from None
    if not isinstance(saved, dict):
        raise EasyOcrKoError(f"--resume: {run_dir / 'config.yaml'} is not a finetune config")
    from easyocr_ko.config import build_config

    config = build_config(FinetuneConfig, None, saved)
    changed = {}
    for key, value in overrides.items():
        if value is None or key == "output":
            continue
        current = getattr(config, key)
        if key in ("num_iter", "logger"):  # neither changes what the steps compute
            changed[key] = value
        elif (tuple(map(str, value)) if isinstance(value, tuple) else value) != \
                (tuple(map(str, current)) if isinstance(current, tuple) else current):
            raise EasyOcrKoError(f"--resume: cannot change {key} of an existing run (only --num-iter and --logger)")
    return replace(config, output=run_dir, **changed)


@dataclass
class _Run:
    """What a training run holds between steps (built by :func:`_setup`)."""

    config: FinetuneConfig
    dist: DistContext
    device: torch.device
    log: RunLog
    train: RecognitionData
    valid: RecognitionData
    valid_samples: list[Sample]
    pretrained: Pretrained
    character: str
    network_params: dict
    codec: CTCCodec | AttnCodec
    model: nn.Module  # the bare model: checkpoints, validation
    net: nn.Module  # what a training step calls: the model, or DistributedDataParallel around it
    params: list
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler
    criterion: nn.CTCLoss
    use_amp: bool
    amp_dtype: torch.dtype
    sampler: WidthGroupedBatches
    augment: Callable | None
    init_info: dict
    start_step: int = 0
    best: dict = field(default_factory=lambda: {"accuracy": -1.0, "norm_ED": -1.0})
    elapsed_before: float = 0.0
    partial: dict = field(default_factory=dict)
    t0: float = 0.0
    logger: TensorBoardLogger | None = None  # --logger tensorboard, rank 0
    real: RecognitionData | None = None  # --real-valid-data: read in full at every validation
    lock: RunFolderLock | None = None  # the run folder's lock (rank 0), released by finetune() at the end

    @property
    def run_dir(self) -> Path:
        return self.config.output

    def elapsed(self) -> float:
        return self.elapsed_before + time.perf_counter() - self.t0


@dataclass
class _Interval:
    """Training statistics since the last validation (global over ranks)."""

    loss_sum: float = 0.0
    loss_n: int = 0
    seen: int = 0
    start: float = field(default_factory=time.perf_counter)

    def saved(self) -> dict:
        return {"loss_sum": self.loss_sum, "loss_n": self.loss_n, "seen": self.seen}


@names_os_errors(lambda config, *args, **kwargs: config.output)
def finetune(config: FinetuneConfig, resume: bool = False, log_stream: TextIO | None = sys.stderr,
             augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
             progress: bool = False) -> dict:
    """Fine-tune and export.  See the module docstring for what is written.

    Under torchrun (``WORLD_SIZE`` > 1) every rank calls this: see :mod:`easyocr_ko.training.distributed`.
    ``config.batch_size`` is per rank; a step trains on ``world_size * batch_size`` samples.

    Args:
        config: resolved options (for ``resume``, from :func:`load_run_config`).
        resume: continue the run in ``config.output`` from its ``last.pth``.
        progress: show a tqdm bar over the steps on stderr (loss and samples/s of the current validation
            interval, steps and estimated seconds to the next validation).
        log_stream: where log blocks go besides ``log_train.txt`` (``None``: file only).
        augment: override of the augmentation function (tests); default from ``config.augment``.

    Returns:
        Summary: steps, seconds, samples/s, best values, data sizes, charset sizes, export paths (rank 0).

    Raises:
        FileNotFoundError / EasyOcrKoError: unusable data, pretrained weights, charset problems (characters
            outside a fixed charset without ``skip_unknown``), or a non-empty run folder without ``resume``.
        OSError: a file of the run cannot be written (full disk ...), naming it (or the run folder); checkpoints
            already written stay intact and ``--resume`` continues from the last one.
        TrainingStopped: SIGINT / SIGTERM arrived (:class:`StopOnSignal`): during the training loop, ``last.pth``
            was saved at the step reached; while preparing, at once (under torchrun: where the ranks next meet,
            all ranks); during the export, after it.
    """
    if not resume:  # saved paths must still work when --resume is run from another folder
        config = replace(config, data=tuple(Path(p).resolve() for p in config.data),
                         valid_data=tuple(Path(p).resolve() for p in config.valid_data),
                         real_valid_data=tuple(Path(p).resolve() for p in config.real_valid_data))
    with StopOnSignal() as stop:  # preparing: the first signal stops at once, nothing is saved yet
        ctx, device = init_distributed(resolve_device(config.device))
        stop.defer = ctx.active  # ranks stop together where they meet: a rank stopping alone leaves the rest hanging
        run = None
        try:
            run = _setup(config, resume, ctx, device, log_stream, augment)
            stop.stop_if_requested(ctx)
            if run.start_step == 0:
                _baseline_validation(run)
                stop.stop_if_requested(ctx)
            run.t0 = time.perf_counter()
            with stop.deferring():  # the loop stops after a step with last.pth saved; an export is completed
                step, last_val, seen, train_seconds = _train_loop(run, stop, progress)
                summary = _finish(run, step, time.perf_counter() - run.t0, seen, train_seconds, last_val)
            if stop.requested:  # arrived during the export, honoured after it (nothing is left to save)
                raise TrainingStopped(str(stop.signal_name))
            return summary
        finally:
            if run is not None and run.logger is not None:
                run.logger.close()
            if run is not None and run.lock is not None:
                run.lock.release()
            shutdown(ctx)


def _setup(config: FinetuneConfig, resume: bool, ctx: DistContext, device: torch.device,
           log_stream: TextIO | None, augment: Callable | None) -> _Run:
    """Run folder (locked on rank 0 until :func:`finetune` releases ``run.lock``), data, charset, model, optimizer,
    sampler; the state of ``last.pth`` when resuming."""
    lock = on_main(ctx, lambda: _prepare_run_dir(config, resume))
    try:
        run = _build_run(config, resume, ctx, device, log_stream, augment)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    run.lock = lock
    return run


def _build_run(config: FinetuneConfig, resume: bool, ctx: DistContext, device: torch.device,
               log_stream: TextIO | None, augment: Callable | None) -> _Run:
    """:func:`_setup` once the run folder is ready and locked."""
    log = RunLog(config.output, log_stream if ctx.is_main else None, enabled=ctx.is_main, select_on=config.select_on)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    set_seed(config.seed)
    train_paths = [p for path in config.data for p in find_datasets(path, "train")]
    train = RecognitionData(train_paths, config.batch_max_length)
    valid = RecognitionData(_validation_paths(config), config.batch_max_length)
    pretrained = load_pretrained(config.pretrained, download=config.download)
    if pretrained.state_dict is not None and pretrained.imgH != config.imgH:
        raise EasyOcrKoError(f"--imgH {config.imgH} differs from the pretrained model's {pretrained.imgH}")
    character, fixed = _run_charset(config, resume, pretrained, train)
    network_params = run_network_params(config, pretrained)
    model, init_info = init_model(pretrained, character, config.seed, network_params)
    model.to(device)
    if config.freeze_feature_extraction:
        model.FeatureExtraction.requires_grad_(False)
    if config.freeze_sequence_modeling:
        model.SequenceModeling.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    use_amp, amp_dtype = amp_setting(config.amp, device)
    run = _Run(config=config, dist=ctx, device=device, log=log, train=train, valid=valid,
               valid_samples=_valid_subset(config, valid), pretrained=pretrained, character=character,
               network_params=network_params, codec=codec_for(character, network_params), model=model, net=model,
               params=params,
               optimizer=_optimizer(config, params),
               criterion=nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True),
               scaler=torch.amp.GradScaler(device.type, enabled=use_amp and amp_dtype == torch.float16),
               use_amp=use_amp, amp_dtype=amp_dtype, sampler=_sampler(config, train, ctx.world_size),
               augment=_augment_fn(config, augment), init_info=init_info, real=_real_data(config))
    if resume and (config.output / "last.pth").is_file():
        _restore(run)
    else:
        on_main(ctx, lambda: _start_log(run, train_paths, fixed))
    if ctx.is_main:  # events after the resumed step are dropped, as metrics.jsonl's records are
        run.logger = open_logger(config.logger, config.output, run.start_step + 1 if run.start_step else 0)
    _wrap_for_training(run)
    barrier(ctx)  # every rank has read the run folder before rank 0 writes to it again
    return run


def _run_charset(config: FinetuneConfig, resume: bool, pretrained: Pretrained,
                 train: RecognitionData) -> tuple[str, bool]:
    """The run's charset (the saved one when resuming); samples outside a fixed charset are dropped with
    ``skip_unknown``, else refused."""
    if resume and (config.output / "character.txt").is_file():
        try:
            character, fixed = (config.output / "character.txt").read_text(encoding="utf-8").rstrip("\n"), True
        except UnicodeDecodeError as err:
            raise EasyOcrKoError(f"--resume: {config.output / 'character.txt'} is not UTF-8 (byte {err.start})") \
                from None
    else:
        character, fixed = choose_charset(config, pretrained, train.labels())
    unknown = outside_charset(train.labels(), character)
    if unknown:
        if not config.skip_unknown:
            raise EasyOcrKoError(f"{sum(unknown.values())} training label characters are outside the fixed "
                                 f"charset: {describe_chars(unknown)}; add them or pass --skip-unknown")
        train.drop_outside(character)
    return character, fixed


def _optimizer(config: FinetuneConfig, params: list) -> torch.optim.Optimizer:
    """DTRB's Adadelta (default) or Adam, with the multi-tensor (``foreach``) update: one kernel per operation
    over all parameters instead of a Python loop over them (same arithmetic)."""
    if config.optim == "adadelta":
        return torch.optim.Adadelta(params, lr=config.learning_rate, rho=config.rho, eps=config.eps, foreach=True)
    return torch.optim.Adam(params, lr=config.learning_rate, betas=(config.beta1, 0.999), foreach=True)


def _real_data(config: FinetuneConfig) -> RecognitionData | None:
    """The ``--real-valid-data`` sets (DTRB folders or LMDBs; a gen/import output gives its validation split)."""
    if not config.real_valid_data:
        return None
    return RecognitionData([p for path in config.real_valid_data for p in find_datasets(path, "validation")],
                           config.batch_max_length)


def _valid_subset(config: FinetuneConfig, valid: RecognitionData) -> list[Sample]:
    samples = [s for group in valid.samples for s in group]
    if config.val_samples and len(samples) > config.val_samples:
        pick = np.random.default_rng(config.seed).choice(len(samples), config.val_samples, replace=False)
        samples = [samples[i] for i in sorted(pick)]
    return samples


def _sampler(config: FinetuneConfig, train: RecognitionData, world_size: int) -> WidthGroupedBatches:
    """Global batches of ``world_size * batch_size`` samples (each rank takes its slice); a ``--data`` that
    expands to several LMDBs shares its ``batch_ratio`` among them."""
    ratios = list(config.batch_ratio) or [1.0] * len(config.data)
    per_path_ratio = []
    for path, ratio in zip(config.data, ratios):
        found = find_datasets(path, "train")
        per_path_ratio += [float(ratio) / len(found)] * len(found)
    return WidthGroupedBatches([len(s) for s in train.samples], per_path_ratio,
                               lambda d, i: train.samples[d][i].ratio, config.batch_size * world_size, config.seed)


def _augment_fn(config: FinetuneConfig, augment: Callable | None) -> Callable | None:
    if augment is None and config.augment != "none":
        from easyocr_ko.synth.augment import AugmentConfig

        return AugmentConfig.parse(config.augment)  # callable (gray, rng) -> gray
    return augment


def _start_log(run: _Run, train_paths: list[Path], fixed: bool) -> None:
    """Write config.yaml and character.txt and the run's opening log lines (rank 0)."""
    config, log, info = run.config, run.log, run.init_info
    save_config(config, run.run_dir / "config.yaml")
    write_lines_atomic([run.character], run.run_dir / "character.txt")
    valid_unknown = outside_charset(run.valid.labels(), run.character)
    log.line(f"pretrained: {run.pretrained.source}; charset {len(run.character)} characters "
             f"({'fixed' if fixed else charset_base(config, run.pretrained)[1] + ' + labels'}"
             f"{' + KS X 1001' if config.add_ksx1001 else ''}); "
             f"Prediction rows copied {info['copied_rows']}, new {info['new_rows']}")
    loaded = ("random initialisation" if run.pretrained.state_dict is None else
              f"pretrained tensors loaded {info['loaded_tensors']} of {info['total_tensors']}"
              f"{'' if info['same_network'] else ' (a different network: the rest start random, as DTRB --FT)'}")
    log.line(f"network: {stage_string(stages_of(run.network_params))} {run.network_params}; "
             f"{sum(p.numel() for p in run.model.parameters()):,} parameters; {loaded}")
    log.line(f"train: {len(run.train)} samples from {', '.join(map(str, train_paths))}; "
             f"skipped {run.train.skipped or 0}")
    log.line(f"valid: {len(run.valid_samples)} samples; characters outside the charset in valid labels: "
             f"{describe_chars(valid_unknown) if valid_unknown else 'none'}")
    if run.real is not None:
        log.line(f"real valid: {len(run.real)} samples from {', '.join(map(str, config.real_valid_data))} "
                 f"(validation only); checkpoints chosen on the {config.select_on} validation")
    ranks = f"; {run.dist.world_size} processes ({torch.distributed.get_backend()})" if run.dist.active else ""
    log.line(f"device {run.device}{' (AMP ' + str(run.amp_dtype).split('.')[-1] + ')' if run.use_amp else ''}; "
             f"batch {config.batch_size}{' per process' if run.dist.active else ''}; {config.optim} lr "
             f"{config.learning_rate}; {run.sampler.epoch_steps():.0f} steps per epoch{ranks}")


def _restore(run: _Run) -> None:
    """Load ``last.pth``: model, optimizer, scaler, this rank's RNG, step, best values, elapsed time, and the
    running interval's statistics when it was saved on a signal.

    Raises:
        EasyOcrKoError: ``last.pth`` is not one ``finetune`` wrote for this run (:func:`_checked_last`), its
            optimizer, scaler or RNG state does not load, or it was saved by another number of processes; one
            line naming the file.
    """
    path = run.run_dir / "last.pth"
    state = _checked_last(run, path)
    saved_world = state.get("world_size", 1)
    if saved_world != run.dist.world_size:
        raise EasyOcrKoError(f"--resume: this run trained with {saved_world} process(es), not "
                             f"{run.dist.world_size}: resume it with --nproc {saved_world} (the global batch is "
                             "processes x --batch-size)")
    run.model.load_state_dict(state["model"])
    try:
        run.optimizer.load_state_dict(state["optimizer"])
        if state.get("scaler"):
            run.scaler.load_state_dict(state["scaler"])
        ranks = state.get("rng_ranks") or [state["rng"]]
        set_rng_state(ranks[run.dist.rank] if run.dist.rank < len(ranks) else state["rng"])
    except (KeyError, IndexError, TypeError, ValueError, RuntimeError, AttributeError) as err:
        detail = str(err).splitlines()[0] if str(err) else ""
        raise EasyOcrKoError(f"--resume: {path}: its optimizer, scaler or RNG state does not load into this run "
                             f"({run.config.optim}, {stage_string(stages_of(run.network_params))}): "
                             f"{type(err).__name__}: {detail}") from None
    run.start_step, run.best, run.elapsed_before = state["step"], dict(state["best"]), float(state["elapsed"])
    partial = state.get("partial_interval")  # saved on a signal between two validations
    run.partial = partial if isinstance(partial, dict) else {}
    if run.dist.is_main:
        run.log.truncate_metrics(run.start_step)
    run.log.line(f"resumed from {path} at step {run.start_step}")


_LAST_KEYS = ("model", "character", "optimizer", "rng", "step", "best", "elapsed")
"""What every ``last.pth`` holds (:func:`_save_last`); ``best_*.pth`` have no ``optimizer``, ``rng``, ``elapsed``."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _checked_last(run: _Run, path: Path) -> dict:
    """``last.pth`` read and checked against the run before anything of it is used: an easyocr-ko checkpoint with
    every key :func:`_save_last` writes, values of the right types, the character list of ``character.txt``, and
    weights that load strictly into the run's network and are finite.

    Raises:
        EasyOcrKoError: one line naming ``path`` and what is wrong with it.
    """
    state = load_checkpoint_file(path)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise EasyOcrKoError(f"--resume: {path} is not a checkpoint finetune wrote")
    missing = [k for k in _LAST_KEYS if k not in state]
    if missing:
        raise EasyOcrKoError(f"--resume: {path} has no {', '.join(missing)}: it is not a last.pth finetune wrote "
                             "(a best_*.pth copied over it?); start a new run from it with --pretrained instead")
    best = state["best"]
    checks = [
        (isinstance(state["step"], int) and not isinstance(state["step"], bool) and state["step"] >= 0,
         "step", "an integer >= 0"),
        (_number(state["elapsed"]) and state["elapsed"] >= 0, "elapsed", "a number of seconds >= 0"),
        (isinstance(best, dict) and all(_number(best.get(k)) for k in ("accuracy", "norm_ED")), "best",
         "a mapping with accuracy and norm_ED"),
        (isinstance(state.get("world_size", 1), int) and state.get("world_size", 1) >= 1, "world_size",
         "an integer >= 1"),
        (isinstance(state["model"], dict) and all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                                  for k, v in state["model"].items()), "model",
         "a mapping of names to tensors"),
        (isinstance(state["optimizer"], dict), "optimizer", "an optimizer state (a mapping)"),
    ]
    for ok, key, expected in checks:
        if not ok:
            raise EasyOcrKoError(f"--resume: {path}: {key} must be {expected}, got {shown(state[key])}")
    if state["character"] != run.character:
        saved = state["character"]
        raise EasyOcrKoError(f"--resume: {run.run_dir / 'character.txt'} ({len(run.character)} characters) does not "
                             f"match the character list of {path} ("
                             f"{len(saved) if isinstance(saved, str) else shown(saved)} characters): put back the "
                             "run's character.txt")
    check_state_dict(state["model"], run.network_params, num_class_for(run.character, run.network_params),
                     f"--resume: {path}")
    check_finite(state["model"], f"--resume: {path}")
    return state


def _wrap_for_training(run: _Run) -> None:
    """channels_last weights for the training steps (oneDNN's and cuDNN's fast convolution and max-pool
    layout: 1.2x on a 2-core CPU, bench/bench_train.py); under torchrun, BatchNorm over all ranks and
    ``DistributedDataParallel``."""
    run.model.to(memory_format=torch.channels_last)
    if run.dist.active:
        convert_sync_batchnorm(run.model, run.device)
        run.net = data_parallel(run.model, run.device)


def _baseline_validation(run: _Run) -> None:
    """Step 0: the pretrained model on this validation set, the baseline fine-tuning must beat."""
    if run.dist.is_main:
        val, real = _validate(run), _validate_real(run)
        chosen = real if real is not None and run.config.select_on == "real" else val
        run.log.block(0, run.config.num_iter, None, val, chosen.accuracy, chosen.norm_ED, 0.0,
                      run.config.show_examples, real)
        run.log.truncate_metrics(-1)
        record = {"step": 0, "train_loss": None, "valid_loss": val.loss, "accuracy": val.accuracy,
                  "norm_ED": val.norm_ED, "CER": val.CER, "elapsed_s": 0.0, "samples_per_s": None,
                  **_real_record(real)}
        run.log.metrics(record)
        if run.logger is not None:
            run.logger.log(record)
    barrier(run.dist)


def _validate_real(run: _Run) -> Validation | None:
    """:func:`_validate` on every sample of ``--real-valid-data``; ``None`` without it."""
    if run.real is None:
        return None
    return _validate(run, run.real, [s for group in run.real.samples for s in group])


def _real_record(real: Validation | None) -> dict:
    """The real-data figures of a ``metrics.jsonl`` record (empty without ``--real-valid-data``)."""
    if real is None:
        return {}
    return {"real_valid_loss": real.loss, "real_accuracy": real.accuracy, "real_norm_ED": real.norm_ED,
            "real_CER": real.CER, "real_n": real.n}


def _validate(run: _Run, data: RecognitionData | None = None, samples: list[Sample] | None = None) -> Validation:
    """:func:`validate` (of the run's validation subset, or of ``data``/``samples``) on the bare model in the
    layout EasyOCR's Reader uses (contiguous float32 weights), then back to training mode and channels_last."""
    model, config = run.model, run.config
    model.to(memory_format=torch.contiguous_format)
    try:
        return validate(model, data or run.valid, run.valid_samples if samples is None else samples, run.codec,
                        config.imgH, config.batch_size, run.device, run.criterion)
    finally:
        model.to(memory_format=torch.channels_last)
        model.train()
        if config.freeze_feature_extraction:
            model.get_submodule("FeatureExtraction").eval()


def _make_batch(run: _Run, step: int) -> PreparedBatch:
    """This rank's slice of global batch ``step``, decoded, augmented and resized (runs in the prefetch
    thread)."""
    config, ctx = run.config, run.dist
    pairs = run.sampler.batch(step)[ctx.rank * config.batch_size:(ctx.rank + 1) * config.batch_size]
    samples = [run.train.samples[d][i] for d, i in pairs]
    return prepare_batch(run.train, samples, config.imgH, run.augment, rng_keys=(config.seed, Streams.AUGMENT, step),
                         first_pos=ctx.rank * config.batch_size)


def collate_for_step(run: _Run, prepared: PreparedBatch, stop: StopOnSignal) -> tuple[torch.Tensor, torch.Tensor,
                                                                                   torch.Tensor, int]:
    """Pad this rank's batch to the global batch's width (agreed over ranks with the stop request, in one
    collective) and move it to the device.  Returns (images, targets, lengths, signal number or 0)."""
    width = prepared.width(run.config.imgH, run.config.max_width)
    signum = signal.Signals[stop.signal_name].value if stop.signal_name is not None else 0
    width, signum = (int(v) for v in all_max(run.dist, [width, signum]))
    if isinstance(run.codec, AttnCodec):  # [GO] + classes + [s], padded: (N, batch_max_length + 2)
        images, _, _, labels = collate_batch(prepared, None, run.config.imgH, width)
        targets, lengths = run.codec.encode(labels, run.config.batch_max_length)
    else:
        images, ctc_targets, ctc_lengths, _ = collate_batch(prepared, run.codec, run.config.imgH, width)
        assert ctc_targets is not None and ctc_lengths is not None  # run.codec is set: labels are encoded
        targets, lengths = ctc_targets, ctc_lengths
    images = images.to(run.device).contiguous(memory_format=torch.channels_last)
    return images, targets, lengths, signum


def _train_step(run: _Run, step: int, images: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor) -> float:
    """One optimizer step (forward under autocast, CTC or attention loss in float32, backward, gradient
    clipping).  Returns the batch loss averaged over ranks.

    Raises:
        EasyOcrKoError: the loss is NaN or infinite (on any rank); raised before the weights change.
    """
    config = run.config
    attn = isinstance(run.codec, AttnCodec)
    with torch.autocast(device_type=run.device.type, dtype=run.amp_dtype, enabled=run.use_amp):
        # Attn: teacher forcing with [GO] + the label (DTRB: model(image, text[:, :-1], is_train=True))
        logits = run.net(images, targets[:, :-1].to(run.device), is_train=True) if attn else run.net(images, None)
    if attn:
        loss = attention_loss(logits.float(), targets.to(run.device))
    else:
        loss = ctc_loss(logits, targets, lengths, run.criterion)
    if config.schedule != "constant" or config.warmup_steps:
        for group in run.optimizer.param_groups:
            group["lr"] = config.lr_at(step)
    mean_loss = all_mean(run.dist, loss.detach())  # every rank sees the same value and stops together
    if not math.isfinite(mean_loss):
        raise EasyOcrKoError(
            f"training loss became {mean_loss} at step {step + 1} (lr {run.optimizer.param_groups[0]['lr']:g}); "
            f"stopped before the weights were changed (last.pth and best_*.pth hold the last validation's); "
            f"try a lower --lr, --warmup-steps, --no-amp, or look for broken images or labels in --data")
    run.optimizer.zero_grad(set_to_none=True)
    run.scaler.scale(loss).backward()
    run.scaler.unscale_(run.optimizer)
    torch.nn.utils.clip_grad_norm_(run.params, config.grad_clip, foreach=True)
    run.scaler.step(run.optimizer)
    run.scaler.update()
    return mean_loss


def _train_loop(run: _Run, stop: StopOnSignal, progress: bool) -> tuple[int, Validation | None, int, float]:
    """The steps from ``run.start_step`` to ``num_iter`` with validation and checkpoints every ``val_interval``
    steps, the next batch made in a background thread; on SIGINT / SIGTERM (of any rank) save ``last.pth`` at
    the step reached and raise :class:`TrainingStopped`.  Returns (step, last validation, samples seen,
    training seconds)."""
    from tqdm import tqdm

    config = run.config
    step, seen, train_seconds, last_val = run.start_step, 0, 0.0, None
    interval = _Interval(float(run.partial.get("loss_sum", 0.0)), int(run.partial.get("loss_n", 0)),
                         int(run.partial.get("seen", 0)))
    global_batch = config.batch_size * run.dist.world_size
    bar = tqdm(total=config.num_iter, initial=step, unit="step", desc="finetune", file=sys.stderr,
               disable=not (progress and run.dist.is_main), dynamic_ncols=True)
    run.model.train()
    if config.freeze_feature_extraction:
        run.model.get_submodule("FeatureExtraction").eval()
    with bar, BatchPrefetcher(lambda k: _make_batch(run, k), config.num_iter) as batches:
        while step < config.num_iter:
            images, targets, lengths, signum = collate_for_step(run, batches.get(step), stop)
            interval.loss_sum += _train_step(run, step, images, targets, lengths)
            interval.loss_n += 1
            interval.seen += global_batch
            seen += global_batch
            step += 1
            _show_progress(bar, interval, step, config)
            if step % config.val_interval == 0 or step == config.num_iter:
                train_seconds += time.perf_counter() - interval.start
                bar.clear()
                last_val = _validate_and_save(run, step, interval)
                interval = _Interval()
                signum = signum or stop.agreed(run.dist)  # a signal that reached any rank during the validation
            elif signum or (not run.dist.active and stop.requested):
                bar.clear()
                _save_last(run, step, None, interval.saved())
            else:
                continue
            if signum or (not run.dist.active and stop.requested):  # ranks act on agreed values only
                name = signal.Signals(signum).name if signum else str(stop.signal_name)
                barrier(run.dist)  # last.pth is written: a rank ending sooner would get the others killed by torchrun
                run.log.line(f"stopped by {name} at step {step}: saved last.pth; continue with: "
                             f"easyocr-ko finetune --resume {run.run_dir}")
                raise TrainingStopped(name)
    return step, last_val, seen, train_seconds


def _show_progress(bar: Any, interval: _Interval, step: int, config: FinetuneConfig) -> None:
    if bar.disable:
        return
    rate = interval.seen / max(time.perf_counter() - interval.start, 1e-9)
    to_val = min(-step % config.val_interval, config.num_iter - step)  # 0: validating after this step
    bar.set_postfix_str(f"loss {interval.loss_sum / interval.loss_n:.4f}, {rate:.1f} samples/s, next validation "
                        f"in {to_val} steps (~{to_val * config.batch_size / rate:.0f} s)", refresh=False)
    bar.update(1)


def _validate_and_save(run: _Run, step: int, interval: _Interval) -> Validation | None:
    """Validate on rank 0, write best_accuracy / best_norm_ED when improved and last.pth, log the block and the
    metrics record; the other ranks wait.  Returns the validation (``None`` on other ranks)."""
    seconds = time.perf_counter() - interval.start
    val = None
    real = None
    if run.dist.is_main:
        val, real = _validate(run), _validate_real(run)
        record = {"step": step, "train_loss": interval.loss_sum / max(interval.loss_n, 1), "valid_loss": val.loss,
                  "accuracy": val.accuracy, "norm_ED": val.norm_ED, "CER": val.CER,
                  "elapsed_s": round(run.elapsed(), 1), "lr": run.optimizer.param_groups[0]["lr"],
                  "samples_per_s": round(interval.seen / max(seconds, 1e-9), 2), **_real_record(real)}
        chosen = real if real is not None and run.config.select_on == "real" else val
        for metric, name in (("accuracy", "best_accuracy.pth"), ("norm_ED", "best_norm_ED.pth")):
            if getattr(chosen, metric) > run.best[metric]:
                run.best[metric] = getattr(chosen, metric)
                save_atomic(_model_checkpoint(run, step, record), run.run_dir / name)
    _save_last(run, step, record if run.dist.is_main else None, None)
    if run.dist.is_main:
        assert val is not None  # validated above on rank 0
        record.update(best_accuracy=run.best["accuracy"], best_norm_ED=run.best["norm_ED"])
        run.log.block(step, run.config.num_iter, record["train_loss"], val, run.best["accuracy"],
                      run.best["norm_ED"], record["elapsed_s"], run.config.show_examples, real)
        run.log.metrics(record)
        if run.logger is not None:
            run.logger.log(record)
    barrier(run.dist)
    return val


def _save_last(run: _Run, step: int, record: dict | None, partial: dict | None) -> None:
    """Write last.pth (rank 0) with everything an exact ``--resume`` needs: model, optimizer, scaler, every
    rank's RNG state, step, best values, elapsed time and, between validations, the interval's statistics.
    Every rank must call it (the RNG states are gathered)."""
    rngs = gather_objects(run.dist, rng_state())
    if not run.dist.is_main:
        return
    last = _model_checkpoint(run, step, record)
    last.update(optimizer=run.optimizer.state_dict(), scaler=run.scaler.state_dict(), rng=rngs[0],
                elapsed=run.elapsed(), world_size=run.dist.world_size)
    if run.dist.active:
        last["rng_ranks"] = rngs
    if partial is not None:
        last["partial_interval"] = partial
    save_atomic(last, run.run_dir / "last.pth")


def _finish(run: _Run, step: int, seconds: float, seen: int, train_seconds: float,
            last_val: Validation | None) -> dict:
    """Export the run's trio (rank 0) and build finetune's summary dict."""
    from easyocr_ko.trio.export import export_run

    exported: dict = {}
    if run.dist.is_main and is_attention(run.network_params):
        run.log.line("no trio exported: EasyOCR's Reader decodes CTC only; evaluate or read this Attn model with "
                     f"easyocr-ko eval --model {run.run_dir} / easyocr-ko read --model {run.run_dir}")
    elif run.dist.is_main:
        exported = export_run(run.run_dir, model_dir=run.run_dir / "export" / "model",
                              network_dir=run.run_dir / "export" / "user_network", name=run.config.export_name,
                              overwrite=True)  # the run's own export, renewed by --resume
    return {"steps": step, "resumed_from": run.start_step, "seconds": round(seconds, 1),
            "samples_per_s": round(seen / train_seconds, 2) if train_seconds > 0 and seen else None,
            "train_samples": len(run.train), "valid_samples": len(run.valid_samples), "charset": len(run.character),
            "copied_rows": run.init_info["copied_rows"], "best": run.best, "world_size": run.dist.world_size,
            "last": ({"accuracy": last_val.accuracy, "norm_ED": last_val.norm_ED, "CER": last_val.CER}
                     if last_val else None),
            "export": {k: str(v) for k, v in exported.items()}}
