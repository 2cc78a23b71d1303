"""A fine-tuning run's state outside the model: stopping on a signal, the global RNGs, checkpoints written
atomically, the run folder (made, locked, its saved config read back for ``--resume``) and the check of a
``last.pth`` before a resume uses it.

Run folder (``FinetuneConfig.output``; :data:`RUN_FILES`)::

    config.yaml          the resolved options          character.txt   the charset, one string
    log_train.txt        DTRB's log blocks (also on stderr)
    metrics.jsonl        one JSON object per validation   curves.png      loss / accuracy / norm_ED curves
    best_accuracy.pth    best_norm_ED.pth                 last.pth        (+ optimizer, step, RNG: --resume)
    export/model/NAME.pth, export/user_network/NAME.{yaml,py}   the EasyOCR trio of best_accuracy (CTC only)
    tensorboard/         metrics.jsonl's scalars as TensorBoard events (``--logger tensorboard``)

Checkpoints are dicts of plain types and tensors (``torch.load(..., weights_only=True)`` reads them), written
to a temporary file and renamed (:func:`save_atomic`), so a kill at any moment leaves the previous checkpoint
intact.  ``last.pth`` also holds the optimizer, the scaler, every rank's RNG state (:func:`rng_state`) and, when a
signal stopped the run between two validations, that interval's statistics: :func:`restore_last` puts them back
for an exact ``--resume``.
"""
from __future__ import annotations

import io
import math
import random
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
import yaml
from torch import nn

from easyocr_ko.config import FinetuneConfig, build_config, shown
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import write_bytes_atomic
from easyocr_ko.recognizer.dtrb import stage_string
from easyocr_ko.recognizer.model import num_class_for, stages_of
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT, check_finite, check_state_dict, load_checkpoint_file
from easyocr_ko.training.distributed import DistContext, all_max
from easyocr_ko.training.loggers import check_logger
from easyocr_ko.training.runlock import RunFolderLock, lock_run_folder

__all__ = ["RUN_FILES", "LAST_KEYS", "StopOnSignal", "TrainingStopped", "save_atomic", "rng_state", "set_rng_state",
           "prepare_run_dir", "load_run_config", "checked_last", "restore_last"]

RUN_FILES = ("config.yaml", "character.txt", "log_train.txt", "metrics.jsonl", "curves.png", "last.pth",
             "best_accuracy.pth", "best_norm_ED.pth", "export", "tensorboard")


# ---------------------------------------------------------------- signals

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
    """Raised by ``finetune`` after it saved ``last.pth`` because of SIGINT / SIGTERM; the CLI exits 130."""


# ---------------------------------------------------------------- RNG and checkpoints

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


# ---------------------------------------------------------------- the run folder

def prepare_run_dir(config: FinetuneConfig, resume: bool) -> RunFolderLock:
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


LAST_KEYS = ("model", "character", "optimizer", "rng", "step", "best", "elapsed")
"""What every ``last.pth`` holds (``finetune``'s ``_save_last``); ``best_*.pth`` have no ``optimizer``, ``rng``,
``elapsed``."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def checked_last(path: Path, character: str, network_params: dict) -> dict:
    """``last.pth`` read and checked against the run before anything of it is used: an easyocr-ko checkpoint with
    every key of :data:`LAST_KEYS`, values of the right types, the character list of the run's ``character.txt``
    (``character``), and weights that load strictly into the run's network (``network_params``) and are finite.

    Args:
        path: the run's ``last.pth``; the run folder is its parent.
        character: the run's character list.
        network_params: the run's network configuration.

    Returns:
        The checkpoint's dict.

    Raises:
        EasyOcrKoError: one line naming ``path`` and what is wrong with it.
    """
    state = load_checkpoint_file(path)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise EasyOcrKoError(f"--resume: {path} is not a checkpoint finetune wrote")
    missing = [k for k in LAST_KEYS if k not in state]
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
    if state["character"] != character:
        saved = state["character"]
        raise EasyOcrKoError(f"--resume: {path.parent / 'character.txt'} ({len(character)} characters) does not "
                             f"match the character list of {path} ("
                             f"{len(saved) if isinstance(saved, str) else shown(saved)} characters): put back the "
                             "run's character.txt")
    check_state_dict(state["model"], network_params, num_class_for(character, network_params), f"--resume: {path}")
    check_finite(state["model"], f"--resume: {path}")
    return state


def restore_last(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, scaler: torch.amp.GradScaler,
                 dist: DistContext, character: str, network_params: dict, optim: str) -> tuple[int, dict, float, dict]:
    """Load the run's ``last.pth`` for ``--resume``: the weights into ``model``, the optimizer and scaler states,
    and this rank's RNG state (:func:`set_rng_state`), after :func:`checked_last` checked it.

    Args:
        path: the run's ``last.pth``.
        model: the bare model of the run (``network_params`` over ``character``).
        optimizer / scaler: the run's, built as the saved run built them (``optim``: their kind, for the message).
        dist: this process's rank and the number of processes (must be the saved run's).
        character / network_params: the run's character list and network.
        optim: ``--optim`` of the run.

    Returns:
        ``(step, best, elapsed seconds, partial)``: the step to continue from, the best values so far, the run's
        time before this process, and the statistics of the interval a signal interrupted (``{}`` when the
        checkpoint was written by a validation).

    Raises:
        EasyOcrKoError: ``last.pth`` is not one ``finetune`` wrote for this run (:func:`checked_last`), its
            optimizer, scaler or RNG state does not load, or it was saved by another number of processes; one
            line naming the file.
    """
    state = checked_last(path, character, network_params)
    saved_world = state.get("world_size", 1)
    if saved_world != dist.world_size:
        raise EasyOcrKoError(f"--resume: this run trained with {saved_world} process(es), not "
                             f"{dist.world_size}: resume it with --nproc {saved_world} (the global batch is "
                             "processes x --batch-size)")
    model.load_state_dict(state["model"])
    try:
        optimizer.load_state_dict(state["optimizer"])
        if state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        ranks = state.get("rng_ranks") or [state["rng"]]
        set_rng_state(ranks[dist.rank] if dist.rank < len(ranks) else state["rng"])
    except (KeyError, IndexError, TypeError, ValueError, RuntimeError, AttributeError) as err:
        detail = str(err).splitlines()[0] if str(err) else ""
        raise EasyOcrKoError(f"--resume: {path}: its optimizer, scaler or RNG state does not load into this run "
                             f"({optim}, {stage_string(stages_of(network_params))}): "
                             f"{type(err).__name__}: {detail}") from None
    partial = state.get("partial_interval")  # saved on a signal between two validations
    return state["step"], dict(state["best"]), float(state["elapsed"]), partial if isinstance(partial, dict) else {}
