"""``easyocr-ko finetune``: fine-tune EasyOCR's gen2 recognizer with CTC, DTRB-style.

Run folder (``FinetuneConfig.output``)::

    config.yaml          the resolved options          character.txt   the charset, one string
    log_train.txt        DTRB's log blocks (also on stderr)
    metrics.jsonl        one JSON object per validation   curves.png      loss / accuracy / norm_ED curves
    best_accuracy.pth    best_norm_ED.pth                 last.pth        (+ optimizer, step, RNG: --resume)
    export/model/NAME.pth, export/user_network/NAME.{yaml,py}   the EasyOCR trio of best_accuracy

Checkpoints are dicts of plain types and tensors (``torch.load(..., weights_only=True)`` reads them), written
to a temporary file and renamed, so a kill at any moment leaves the previous checkpoint intact and loses at
most one ``val_interval`` of work.  SIGINT or SIGTERM (Ctrl-C, ``kill``, a scheduler's stop) saves ``last.pth`` at
the current step on the way out (see :class:`StopOnSignal`), so a stopped run loses no steps.  Data order and augmentation depend only on (seed, step), so ``--resume``
continues with exactly the batches, model, optimizer and RNG an uninterrupted run would have had.
"""
from __future__ import annotations

import io
import json
import math
import os
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, TextIO

import numpy as np
import torch
import yaml
from torch import nn

from easyocr_ko.charset import (CTCCodec, adapt_prediction, build_charset, describe_chars, korean_g2_characters,
                                ks_x_1001_hangul, outside_charset)
from easyocr_ko.config import FinetuneConfig, save_config, to_dict
from easyocr_ko.data import (RecognitionData, Sample, WidthGroupedBatches, eval_batches, find_datasets,
                             make_batch)
from easyocr_ko.dictionary import write_lines_atomic
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import names_os_errors, write_bytes_atomic
from easyocr_ko.model import build_model
from easyocr_ko.pretrained import CHECKPOINT_FORMAT, Pretrained, load_checkpoint_file, load_pretrained

RUN_FILES = ("config.yaml", "character.txt", "log_train.txt", "metrics.jsonl", "curves.png", "last.pth",
             "best_accuracy.pth", "best_norm_ED.pth", "export")


# ---------------------------------------------------------------- small pieces

class StopOnSignal:
    """Context manager that turns the first SIGINT / SIGTERM into a request the training loop honours after the
    current step (save ``last.pth``, then stop), and a second one into an immediate ``KeyboardInterrupt``.

    The second signal interrupts a checkpoint being written: :func:`save_atomic` writes a temporary file and
    renames it, so the previous ``last.pth`` stays intact.  Handlers are installed only in the main thread and
    not for a signal the process ignores (``nohup ... &`` in a non-interactive shell starts jobs with SIGINT
    ignored); the previous handlers come back on exit.

    Attributes:
        signal_name: ``"SIGINT"`` / ``"SIGTERM"`` once a signal arrived, else ``None``.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signal_name: str | None = None
        self._previous: dict[int, Any] = {}

    @property
    def requested(self) -> bool:
        return self.signal_name is not None

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.signal_name is not None:
            raise KeyboardInterrupt  # second signal: stop now
        self.signal_name = signal.Signals(signum).name

    def __enter__(self) -> "StopOnSignal":
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


def resolve_device(name: str) -> torch.device:
    """``auto`` -> CUDA if available else CPU.

    Raises:
        EasyOcrKoError: CUDA requested but not available, or not a device name torch knows.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise EasyOcrKoError(f"--device {name}: CUDA is not available on this machine (use cpu or auto)")
    try:
        return torch.device(name)
    except (RuntimeError, ValueError):
        raise EasyOcrKoError(f"--device {name!r} is not a device: use auto, cpu, cuda or cuda:N") from None


def cpu_has_bf16() -> bool:
    """True if this CPU computes bf16 natively (AVX512-BF16 or AMX), where bf16 autocast speeds training up
    (1.8x measured on a 2-core AVX512-BF16 EPYC, bench/bench_train.py)."""
    probe = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool((probe and probe()) or (amx and amx()))


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
    np_state = np.random.get_state()
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
                Path(config.character_file).read_text(encoding="utf-8").replace("\n", "").replace("\r", "")
        except UnicodeDecodeError as err:
            raise EasyOcrKoError(f"{config.character_file} is not UTF-8 (byte {err.start})") from None
        return build_charset(text, (), ks_x_1001_hangul() if config.add_ksx1001 else ""), True
    is_own = pretrained.state_dict is not None and str(config.pretrained) not in ("korean_g2", "english_g2")
    base = pretrained.character if is_own and pretrained.character else korean_g2_characters()
    extra = ks_x_1001_hangul() if config.add_ksx1001 else ""
    return build_charset(base, train_labels, extra), False


def init_model(pretrained: Pretrained, character: str, seed: int) -> tuple[nn.Module, dict]:
    """Build the gen2 model for ``character`` and load the pretrained weights.

    Every tensor but the Prediction layer loads strictly; Prediction rows are carried over by character
    (:func:`easyocr_ko.charset.adapt_prediction`).

    Returns:
        (model, info) with ``info['copied_rows']`` and ``info['new_rows']``.
    """
    torch.manual_seed(seed)
    model = build_model(len(character) + 1, **pretrained.network_params)
    info = {"copied_rows": 0, "new_rows": len(character)}
    if pretrained.state_dict is None:
        return model, info
    state = dict(pretrained.state_dict)
    generator = torch.Generator().manual_seed(seed)
    weight, bias, copied = adapt_prediction(state["Prediction.weight"], state["Prediction.bias"],
                                            pretrained.character, character, generator)
    state["Prediction.weight"], state["Prediction.bias"] = weight, bias
    model.load_state_dict(state, strict=True)
    info.update(copied_rows=copied, new_rows=len(character) - copied)
    return model, info


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
def validate(model: nn.Module, data: RecognitionData, samples: list[Sample], codec: CTCCodec, imgH: int,
             batch_size: int, device: torch.device, criterion: nn.CTCLoss) -> Validation:
    """Read the validation samples as EasyOCR's Reader reads a crop (float weights, i.e. ``quantize=False``):
    the same preprocessing and padding width per image, greedy decoding, Reader's confidence and its second,
    contrast-adjusted pass for readings below confidence 0.1 (:func:`easyocr_ko.predict.read_batch` over
    batches of one padded-width class).

    Valid loss is the CTC loss of the logits of the reading Reader keeps, over labels whose characters are all
    in the charset.  Metrics (easyocr_ko.metrics): accuracy = exact match (NFC), norm_ED = ICDAR 2019 / DTRB,
    CER = total edit distance / total truth characters; all fractions.
    """
    from easyocr_ko.metrics import summarize
    from easyocr_ko.predict import read_batch

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
            targets, lengths = codec.encode([labels[k] for k in keep])
            losses.append(float(ctc_loss(logits, targets, lengths, criterion)))
            weights.append(len(keep))
    summary = summarize([(t, p) for t, p, _ in rows])
    loss = float(np.average(losses, weights=weights)) if losses else float("nan")
    return Validation(loss, summary.accuracy, summary.norm_ED, summary.CER, rows, len(rows))


# ---------------------------------------------------------------- logging

def pad_display(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (Hangul and other wide characters take 2)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


class RunLog:
    """DTRB-style log blocks to stderr and ``log_train.txt``, metrics.jsonl and curves.png."""

    def __init__(self, run_dir: Path, stream: TextIO | None = sys.stderr):
        self.run_dir = run_dir
        self.stream = stream

    def line(self, text: str) -> None:
        with open(self.run_dir / "log_train.txt", "a", encoding="utf-8") as f:
            f.write(text + "\n")
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def block(self, step: int, num_iter: int, train_loss: float | None, val: Validation, best_acc: float,
              best_ned: float, elapsed: float, examples: int) -> None:
        dash = "-" * 88
        train = "n/a (before fine-tuning)" if train_loss is None else f"{train_loss:0.5f}"
        lines = [
            f"[{step}/{num_iter}] Train loss: {train}, Valid loss: {val.loss:0.5f}, "
            f"Elapsed_time: {elapsed:0.1f}",
            f"{'Current_accuracy':17s}: {val.accuracy:0.4f}, {'Current_norm_ED':17s}: {val.norm_ED:0.4f}, "
            f"CER: {val.CER:0.4f}",
            f"{'Best_accuracy':17s}: {best_acc:0.4f}, {'Best_norm_ED':17s}: {best_ned:0.4f}",
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
        kept = [r for r in self.read_metrics() if r["step"] <= step]
        write_lines_atomic([json.dumps(r) for r in kept], self.run_dir / "metrics.jsonl")

    def plot(self) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        records = self.read_metrics()
        if not records:
            return
        steps = [r["step"] for r in records]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
        trained = [r for r in records if r["train_loss"] is not None]
        ax1.plot([r["step"] for r in trained], [r["train_loss"] for r in trained], label="train loss")
        ax1.plot(steps, [r["valid_loss"] for r in records], label="valid loss")
        ax1.set_xlabel("step")
        ax1.set_yscale("log")
        ax1.legend()
        ax2.plot(steps, [r["accuracy"] for r in records], label="accuracy")
        ax2.plot(steps, [r["norm_ED"] for r in records], label="norm_ED")
        ax2.plot(steps, [r["CER"] for r in records], label="CER")
        ax2.set_xlabel("step")
        ax2.set_ylim(0, 1)
        ax2.legend()
        fig.tight_layout()
        tmp = self.run_dir / ".curves.tmp.png"
        fig.savefig(tmp, dpi=90)
        plt.close(fig)
        os.replace(tmp, self.run_dir / "curves.png")


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


def _model_checkpoint(model: nn.Module, character: str, config: FinetuneConfig, network_params: dict, step: int,
                      best: dict, metrics: dict | None) -> dict:
    return {"format": CHECKPOINT_FORMAT, "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "character": character, "network_params": dict(network_params), "imgH": config.imgH,
            "config": to_dict(config), "step": step, "best": dict(best), "metrics": metrics or {}}


def _prepare_run_dir(config: FinetuneConfig, resume: bool) -> None:
    out = config.output
    if resume:
        if not (out / "config.yaml").is_file():
            raise EasyOcrKoError(f"--resume: {out} is not a finetune run folder (no config.yaml)")
        return
    if out.exists() and any(out.iterdir()):
        raise EasyOcrKoError(f"run folder {out} is not empty: use --resume {out} to continue it, or another --output")
    out.mkdir(parents=True, exist_ok=True)


def load_run_config(run_dir: Path, overrides: dict) -> FinetuneConfig:
    """The config saved in ``run_dir``; ``overrides`` may only raise ``num_iter`` (or repeat saved values).

    Raises:
        EasyOcrKoError: an override changes anything else (the continuation would not be exact).
    """
    try:
        saved = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise EasyOcrKoError(f"--resume: {run_dir / 'config.yaml'} is not readable YAML ({type(err).__name__})") from None
    if not isinstance(saved, dict):
        raise EasyOcrKoError(f"--resume: {run_dir / 'config.yaml'} is not a finetune config")
    from easyocr_ko.config import build_config

    config = build_config(FinetuneConfig, None, saved)
    changed = {}
    for key, value in overrides.items():
        if value is None or key == "output":
            continue
        current = getattr(config, key)
        if key == "num_iter":
            changed[key] = value
        elif (tuple(map(str, value)) if isinstance(value, tuple) else value) != \
                (tuple(map(str, current)) if isinstance(current, tuple) else current):
            raise EasyOcrKoError(f"--resume: cannot change {key} of an existing run (only --num-iter)")
    return replace(config, output=run_dir, **changed)


@names_os_errors(lambda config, *args, **kwargs: config.output)
def finetune(config: FinetuneConfig, resume: bool = False, log_stream: TextIO | None = sys.stderr,
             augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
             progress: bool = False) -> dict:
    """Fine-tune and export.  See the module docstring for what is written.

    Args:
        config: resolved options (for ``resume``, from :func:`load_run_config`).
        resume: continue the run in ``config.output`` from its ``last.pth``.
        progress: show a tqdm bar over the steps on stderr (loss and samples/s of the current validation
            interval, steps and estimated seconds to the next validation).
        log_stream: where log blocks go besides ``log_train.txt`` (``None``: file only).
        augment: override of the augmentation function (tests); default from ``config.augment``.

    Returns:
        Summary: steps, seconds, samples/s, best values, data sizes, charset sizes, export paths.

    Raises:
        FileNotFoundError / EasyOcrKoError: unusable data, pretrained weights, charset problems (characters
            outside a fixed charset without ``skip_unknown``), or a non-empty run folder without ``resume``.
        OSError: a file of the run cannot be written (full disk ...), naming it (or the run folder); checkpoints
            already written stay intact and ``--resume`` continues from the last one.
    """
    if not resume:  # saved paths must still work when --resume is run from another folder
        config = replace(config, data=tuple(Path(p).resolve() for p in config.data),
                         valid_data=tuple(Path(p).resolve() for p in config.valid_data))
    _prepare_run_dir(config, resume)
    run_dir = config.output
    log = RunLog(run_dir, log_stream)
    device = resolve_device(config.device)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    set_seed(config.seed)

    train_paths = [p for path in config.data for p in find_datasets(path, "train")]
    train = RecognitionData(train_paths, config.batch_max_length)
    valid = RecognitionData(_validation_paths(config), config.batch_max_length)
    pretrained = load_pretrained(config.pretrained, download=config.download)
    if pretrained.state_dict is not None and pretrained.imgH != config.imgH:
        raise EasyOcrKoError(f"--imgH {config.imgH} differs from the pretrained model's {pretrained.imgH}")

    if resume and (run_dir / "character.txt").is_file():
        character, fixed = (run_dir / "character.txt").read_text(encoding="utf-8").rstrip("\n"), True
    else:
        character, fixed = choose_charset(config, pretrained, train.labels())
    unknown = outside_charset(train.labels(), character)
    if unknown:
        if not config.skip_unknown:
            raise EasyOcrKoError(f"{sum(unknown.values())} training label characters are outside the fixed "
                                 f"charset: {describe_chars(unknown)}; add them or pass --skip-unknown")
        train.drop_outside(character)
    valid_unknown = outside_charset(valid.labels(), character)

    codec = CTCCodec(character)
    model, init_info = init_model(pretrained, character, config.seed)
    model.to(device)
    if config.freeze_feature_extraction:
        model.FeatureExtraction.requires_grad_(False)
    if config.freeze_sequence_modeling:
        model.SequenceModeling.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    if config.optim == "adadelta":
        optimizer = torch.optim.Adadelta(params, lr=config.learning_rate, rho=config.rho, eps=config.eps)
    else:
        optimizer = torch.optim.Adam(params, lr=config.learning_rate, betas=(config.beta1, 0.999))
    criterion = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
    use_amp, amp_dtype = amp_setting(config.amp, device)
    scaler = torch.amp.GradScaler(device.type, enabled=use_amp and amp_dtype == torch.float16)

    valid_samples = [s for group in valid.samples for s in group]
    if config.val_samples and len(valid_samples) > config.val_samples:
        pick = np.random.default_rng(config.seed).choice(len(valid_samples), config.val_samples, replace=False)
        valid_samples = [valid_samples[i] for i in sorted(pick)]
    ratios = list(config.batch_ratio) or [1.0] * len(config.data)
    per_path_ratio = []  # a --data may expand to several LMDBs: they share its ratio
    for path, ratio in zip(config.data, ratios):
        found = find_datasets(path, "train")
        per_path_ratio += [float(ratio) / len(found)] * len(found)
    sampler = WidthGroupedBatches([len(s) for s in train.samples], per_path_ratio,
                                  lambda d, i: train.samples[d][i].ratio, config.batch_size, config.seed)
    if augment is None and config.augment != "none":
        from easyocr_ko.augment import AugmentConfig

        augment = AugmentConfig.parse(config.augment)  # callable (gray, rng) -> gray

    start_step, best, elapsed_before = 0, {"accuracy": -1.0, "norm_ED": -1.0}, 0.0
    partial: dict = {}
    if resume and (run_dir / "last.pth").is_file():
        state = load_checkpoint_file(run_dir / "last.pth")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        set_rng_state(state["rng"])
        start_step, best, elapsed_before = state["step"], state["best"], state["elapsed"]
        partial = state.get("partial_interval") or {}  # saved on a signal between two validations
        log.truncate_metrics(start_step)
        log.line(f"resumed from {run_dir / 'last.pth'} at step {start_step}")
    else:
        save_config(config, run_dir / "config.yaml")
        write_lines_atomic([character], run_dir / "character.txt")
        log.line(f"pretrained: {pretrained.source}; charset {len(character)} characters ({'fixed' if fixed else 'korean_g2 + labels'}"
                 f"{' + KS X 1001' if config.add_ksx1001 else ''}); Prediction rows copied {init_info['copied_rows']}, "
                 f"new {init_info['new_rows']}")
        log.line(f"train: {len(train)} samples from {', '.join(map(str, train_paths))}; skipped {train.skipped or 0}")
        log.line(f"valid: {len(valid_samples)} samples; characters outside the charset in valid labels: "
                 f"{describe_chars(valid_unknown) if valid_unknown else 'none'}")
        log.line(f"device {device}{' (AMP ' + str(amp_dtype).split('.')[-1] + ')' if use_amp else ''}; "
                 f"batch {config.batch_size}; {config.optim} lr {config.learning_rate}; "
                 f"{sampler.epoch_steps():.0f} steps per epoch")

    if start_step == 0:  # the pretrained model on this validation set: the baseline fine-tuning must beat
        val = validate(model, valid, valid_samples, codec, config.imgH, config.batch_size, device, criterion)
        log.block(0, config.num_iter, None, val, val.accuracy, val.norm_ED, 0.0, config.show_examples)
        log.truncate_metrics(-1)
        log.metrics({"step": 0, "train_loss": None, "valid_loss": val.loss, "accuracy": val.accuracy,
                     "norm_ED": val.norm_ED, "CER": val.CER, "elapsed_s": 0.0, "samples_per_s": None})
    t0 = time.perf_counter()
    loss_sum, loss_n = float(partial.get("loss_sum", 0.0)), int(partial.get("loss_n", 0))
    interval_seen = int(partial.get("seen", 0))
    model.train()
    if config.freeze_feature_extraction:
        model.FeatureExtraction.eval()
    step = start_step
    stop = StopOnSignal()
    with stop:
        step, last_val, seen, train_seconds = _train_loop(
            step, config, model, train, sampler, codec, augment, device, amp_dtype, use_amp, criterion, optimizer,
            scaler, params, valid, valid_samples, character, pretrained, best, run_dir, log, elapsed_before, t0,
            loss_sum, loss_n, interval_seen, stop, progress)
    seconds = time.perf_counter() - t0
    return _finish(run_dir, config, step, start_step, seconds, seen, train_seconds, train, valid_samples, character,
                   init_info, best, last_val)


def _train_loop(step, config, model, train, sampler, codec, augment, device, amp_dtype, use_amp, criterion,
                optimizer, scaler, params, valid, valid_samples, character, pretrained, best, run_dir, log,
                elapsed_before, t0, loss_sum, loss_n, interval_seen, stop, progress=False):
    """The training steps from ``step`` to ``config.num_iter`` with validation and checkpoints every
    ``val_interval`` steps; on a SIGINT / SIGTERM (``stop``) save ``last.pth`` at the current step and raise
    :class:`TrainingStopped`.  Returns (step, last validation, samples seen, training seconds)."""
    from tqdm import tqdm

    seen, train_seconds = 0, 0.0  # samples and time of training steps only (no validation), for samples/s
    interval_start = time.perf_counter()
    last_val: Validation | None = None
    bar = tqdm(total=config.num_iter, initial=step, unit="step", desc="finetune", file=sys.stderr,
               disable=not progress, dynamic_ncols=True)
    try:
        return _steps(step, config, model, train, sampler, codec, augment, device, amp_dtype, use_amp, criterion,
                      optimizer, scaler, params, valid, valid_samples, character, pretrained, best, run_dir, log,
                      elapsed_before, t0, loss_sum, loss_n, interval_seen, stop, bar, seen, train_seconds,
                      interval_start, last_val)
    finally:
        bar.close()


def _steps(step, config, model, train, sampler, codec, augment, device, amp_dtype, use_amp, criterion, optimizer,
           scaler, params, valid, valid_samples, character, pretrained, best, run_dir, log, elapsed_before, t0,
           loss_sum, loss_n, interval_seen, stop, bar, seen, train_seconds, interval_start, last_val):
    while step < config.num_iter:
        batch = [train.samples[d][i] for d, i in sampler.batch(step)]
        images, targets, lengths, _ = make_batch(train, batch, codec, config.imgH, config.max_width, augment,
                                                 rng_keys=(config.seed, 3, step))
        images = images.to(device)
        with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=use_amp):
            logits = model(images, None)
        loss = ctc_loss(logits, targets, lengths, criterion)
        if config.schedule != "constant" or config.warmup_steps:
            for group in optimizer.param_groups:
                group["lr"] = config.lr_at(step)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(params, config.grad_clip)
        scaler.step(optimizer)
        scaler.update()
        loss_sum += float(loss.detach())
        loss_n += 1
        seen += len(batch)
        interval_seen += len(batch)
        step += 1
        if not bar.disable:
            rate = interval_seen / max(time.perf_counter() - interval_start, 1e-9)
            to_val = min(-step % config.val_interval, config.num_iter - step)  # 0: validating after this step
            bar.set_postfix_str(f"loss {loss_sum / loss_n:.4f}, {rate:.1f} samples/s, next validation in "
                                f"{to_val} steps (~{to_val * config.batch_size / rate:.0f} s)", refresh=False)
            bar.update(1)
        if step % config.val_interval == 0 or step == config.num_iter:
            interval_seconds = time.perf_counter() - interval_start
            train_seconds += interval_seconds
            elapsed = elapsed_before + time.perf_counter() - t0
            val = validate(model, valid, valid_samples, codec, config.imgH, config.batch_size, device, criterion)
            model.train()
            if config.freeze_feature_extraction:
                model.FeatureExtraction.eval()
            record = {"step": step, "train_loss": loss_sum / max(loss_n, 1), "valid_loss": val.loss,
                      "accuracy": val.accuracy, "norm_ED": val.norm_ED, "CER": val.CER,
                      "elapsed_s": round(elapsed, 1), "lr": optimizer.param_groups[0]["lr"],
                      "samples_per_s": round(interval_seen / max(interval_seconds, 1e-9), 2)}
            if val.accuracy > best["accuracy"]:
                best["accuracy"] = val.accuracy
                save_atomic(_model_checkpoint(model, character, config, pretrained.network_params, step, best, record),
                            run_dir / "best_accuracy.pth")
            if val.norm_ED > best["norm_ED"]:
                best["norm_ED"] = val.norm_ED
                save_atomic(_model_checkpoint(model, character, config, pretrained.network_params, step, best, record),
                            run_dir / "best_norm_ED.pth")
            last = _model_checkpoint(model, character, config, pretrained.network_params, step, best, record)
            last.update(optimizer=optimizer.state_dict(), scaler=scaler.state_dict(), rng=rng_state(),
                        elapsed=elapsed)
            save_atomic(last, run_dir / "last.pth")
            record.update(best_accuracy=best["accuracy"], best_norm_ED=best["norm_ED"])
            bar.clear()
            log.block(step, config.num_iter, record["train_loss"], val, best["accuracy"], best["norm_ED"], elapsed,
                      config.show_examples)
            log.metrics(record)
            loss_sum, loss_n = 0.0, 0
            last_val = val
            interval_seen, interval_start = 0, time.perf_counter()
            if stop.requested:
                log.line(f"stopped by {stop.signal_name} at step {step} (last.pth saved); continue with: "
                         f"easyocr-ko finetune --resume {run_dir}")
                raise TrainingStopped(stop.signal_name)
        elif stop.requested:
            elapsed = elapsed_before + time.perf_counter() - t0
            last = _model_checkpoint(model, character, config, pretrained.network_params, step, best, None)
            last.update(optimizer=optimizer.state_dict(), scaler=scaler.state_dict(), rng=rng_state(),
                        elapsed=elapsed,
                        partial_interval={"loss_sum": loss_sum, "loss_n": loss_n, "seen": interval_seen})
            save_atomic(last, run_dir / "last.pth")
            bar.clear()
            log.line(f"stopped by {stop.signal_name} at step {step}: saved last.pth; continue with: "
                     f"easyocr-ko finetune --resume {run_dir}")
            raise TrainingStopped(stop.signal_name)
    return step, last_val, seen, train_seconds


def _finish(run_dir, config, step, start_step, seconds, seen, train_seconds, train, valid_samples, character,
            init_info, best, last_val) -> dict:
    """Export the run's trio and build finetune's summary dict."""
    from easyocr_ko.export import export_run

    exported = export_run(run_dir, model_dir=run_dir / "export" / "model",
                          network_dir=run_dir / "export" / "user_network", name=config.export_name,
                          overwrite=True)  # the run's own export, renewed by --resume
    return {"steps": step, "resumed_from": start_step, "seconds": round(seconds, 1),
            "samples_per_s": round(seen / train_seconds, 2) if train_seconds > 0 and seen else None,
            "train_samples": len(train), "valid_samples": len(valid_samples), "charset": len(character),
            "copied_rows": init_info["copied_rows"], "best": best,
            "last": {"accuracy": last_val.accuracy, "norm_ED": last_val.norm_ED, "CER": last_val.CER} if last_val else None,
            "export": {k: str(v) for k, v in exported.items()}}
