"""``easyocr-ko finetune``: fine-tune EasyOCR's gen2 recognizer with CTC, or any DTRB stage combination with CTC
or attention (:mod:`easyocr_ko.training.network`), DTRB-style: setup, the training step, the loop with its
validations and checkpoints, and the finish (the trio export and the summary).  The rest of the training system
has its own modules: the run folder, signals, RNG and checkpoints (:mod:`~easyocr_ko.training.state`, which lists
the files of a run folder), data (:mod:`~.data`), charset (:mod:`~.charset_choice`), losses (:mod:`~.losses`),
validation (:mod:`~.validation`), the log, metrics and curves (:mod:`~.loggers`).

Checkpoints are written to a temporary file and renamed, so a kill at any moment leaves the previous checkpoint
intact and loses at most one ``val_interval`` of work.  SIGINT or SIGTERM (Ctrl-C, ``kill``, a scheduler's stop)
saves ``last.pth`` at the current step on the way out (see :class:`~easyocr_ko.training.state.StopOnSignal`), so a
stopped run loses no steps.  Data order and augmentation depend only on (seed, step), so ``--resume`` continues
with exactly the batches, model, optimizer and RNG an uninterrupted run would have had.  ``--resume`` checks
``last.pth`` against the run folder (its keys and their types, ``character.txt``, the network) before it uses any
of it.  A run locks its folder while it runs (:mod:`easyocr_ko.training.runlock`): a second run of the same
folder is refused.
"""
from __future__ import annotations

import math
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import torch
from torch import nn

from easyocr_ko.charset import AttnCodec, CTCCodec, describe_chars, outside_charset
from easyocr_ko.config import FinetuneConfig, save_config, to_dict
from easyocr_ko.datasets.batches import (
    BatchPrefetcher,
    PreparedBatch,
    RecognitionData,
    Sample,
    Streams,
    collate_batch,
    find_datasets,
    prepare_batch,
)
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import os_errors_naming_arg, write_lines_atomic
from easyocr_ko.recognizer.device import cpu_has_bf16, resolve_device
from easyocr_ko.recognizer.dtrb import stage_string
from easyocr_ko.recognizer.model import codec_for, is_attention, stages_of
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT, Pretrained, load_pretrained
from easyocr_ko.seeding import seed_everything
from easyocr_ko.training.charset_choice import charset_base, run_charset
from easyocr_ko.training.data import RunData, run_data, validation_paths
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
from easyocr_ko.training.loggers import RunLog, TensorBoardLogger, open_logger
from easyocr_ko.training.losses import attention_loss, ctc_loss
from easyocr_ko.training.network import init_model, run_network_params
from easyocr_ko.training.runlock import RunFolderLock
from easyocr_ko.training.state import (
    StopOnSignal,
    TrainingStopped,
    prepare_run_dir,
    restore_last,
    rng_state,
    save_atomic,
)
from easyocr_ko.training.validation import Validation, validate

__all__ = ["finetune", "amp_setting", "collate_for_step"]


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


# ---------------------------------------------------------------- what a run holds

@dataclass
class _Model:
    """The network being trained and its optimisation."""

    pretrained: Pretrained
    character: str
    network_params: dict
    codec: CTCCodec | AttnCodec
    module: nn.Module  # the bare model: checkpoints, validation
    net: nn.Module  # what a training step calls: the model, or DistributedDataParallel around it
    params: list
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler
    criterion: nn.CTCLoss
    use_amp: bool
    amp_dtype: torch.dtype
    init_info: dict  # init_model's account of what was loaded and copied


@dataclass
class _Book:
    """The run's bookkeeping: where it starts, its best values, its time, its logs and its folder's lock."""

    log: RunLog
    start_step: int = 0
    best: dict = field(default_factory=lambda: {"accuracy": -1.0, "norm_ED": -1.0})
    elapsed_before: float = 0.0
    partial: dict = field(default_factory=dict)  # the interval's statistics of a last.pth saved on a signal
    t0: float = 0.0
    logger: TensorBoardLogger | None = None  # --logger tensorboard, rank 0
    lock: RunFolderLock | None = None  # the run folder's lock (rank 0), released by finetune() at the end

    def elapsed(self) -> float:
        return self.elapsed_before + time.perf_counter() - self.t0


@dataclass
class _Run:
    """What a training run holds between steps (built by :func:`_setup`)."""

    config: FinetuneConfig
    dist: DistContext
    device: torch.device
    data: RunData
    model: _Model
    book: _Book

    @property
    def run_dir(self) -> Path:
        return self.config.output


@dataclass
class _Interval:
    """Training statistics since the last validation (global over ranks)."""

    loss_sum: float = 0.0
    loss_n: int = 0
    seen: int = 0
    start: float = field(default_factory=time.perf_counter)

    def saved(self) -> dict:
        return {"loss_sum": self.loss_sum, "loss_n": self.loss_n, "seen": self.seen}


# ---------------------------------------------------------------- the verb

@os_errors_naming_arg(lambda config, *args, **kwargs: config.output)
def finetune(config: FinetuneConfig, resume: bool = False, log_stream: TextIO | None = sys.stderr,
             augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
             progress: bool = False) -> dict:
    """Fine-tune and export.  See :mod:`easyocr_ko.training.state` for what the run folder holds.

    Under torchrun (``WORLD_SIZE`` > 1) every rank calls this: see :mod:`easyocr_ko.training.distributed`.
    ``config.batch_size`` is per rank; a step trains on ``world_size * batch_size`` samples.

    Args:
        config: resolved options (for ``resume``, from :func:`easyocr_ko.training.state.load_run_config`).
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
        TrainingStopped: SIGINT / SIGTERM arrived (:class:`~easyocr_ko.training.state.StopOnSignal`): during the
            training loop, ``last.pth`` was saved at the step reached; while preparing, at once (under torchrun:
            where the ranks next meet, all ranks); during the export, after it.
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
            if run.book.start_step == 0:
                _baseline_validation(run)
                stop.stop_if_requested(ctx)
            run.book.t0 = time.perf_counter()
            with stop.deferring():  # the loop stops after a step with last.pth saved; an export is completed
                step, last_val, seen, train_seconds = _train_loop(run, stop, progress)
                summary = _finish(run, step, time.perf_counter() - run.book.t0, seen, train_seconds, last_val)
            if stop.requested:  # arrived during the export, honoured after it (nothing is left to save)
                raise TrainingStopped(str(stop.signal_name))
            return summary
        finally:
            if run is not None and run.book.logger is not None:
                run.book.logger.close()
            if run is not None and run.book.lock is not None:
                run.book.lock.release()
            shutdown(ctx)


# ---------------------------------------------------------------- setup

def _setup(config: FinetuneConfig, resume: bool, ctx: DistContext, device: torch.device,
           log_stream: TextIO | None, augment: Callable | None) -> _Run:
    """Run folder (locked on rank 0 until :func:`finetune` releases ``run.book.lock``), data, charset, model,
    optimizer, sampler; the state of ``last.pth`` when resuming."""
    lock = on_main(ctx, lambda: prepare_run_dir(config, resume))
    try:
        run = _build_run(config, resume, ctx, device, log_stream, augment)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    run.book.lock = lock
    return run


def _build_run(config: FinetuneConfig, resume: bool, ctx: DistContext, device: torch.device,
               log_stream: TextIO | None, augment: Callable | None) -> _Run:
    """:func:`_setup` once the run folder is ready and locked."""
    log = RunLog(config.output, log_stream if ctx.is_main else None, enabled=ctx.is_main, select_on=config.select_on)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    seed_everything(config.seed, with_torch=True)
    train_paths = [p for path in config.data for p in find_datasets(path, "train")]
    train = RecognitionData(train_paths, config.batch_max_length)
    valid = RecognitionData(validation_paths(config), config.batch_max_length)
    pretrained = load_pretrained(config.pretrained, download=config.download)
    if pretrained.state_dict is not None and pretrained.imgH != config.imgH:
        raise EasyOcrKoError(f"--imgH {config.imgH} differs from the pretrained model's {pretrained.imgH}")
    character, fixed = run_charset(config, resume, pretrained, train)
    model = _build_model(config, device, pretrained, character)
    run = _Run(config=config, dist=ctx, device=device, data=run_data(config, train, valid, ctx.world_size, augment),
               model=model, book=_Book(log=log))
    if resume and (config.output / "last.pth").is_file():
        _restore(run)
    else:
        on_main(ctx, lambda: _start_log(run, train_paths, fixed))
    if ctx.is_main:  # events after the resumed step are dropped, as metrics.jsonl's records are
        start = run.book.start_step
        run.book.logger = open_logger(config.logger, config.output, start + 1 if start else 0)
    _wrap_for_training(run)
    barrier(ctx)  # every rank has read the run folder before rank 0 writes to it again
    return run


def _build_model(config: FinetuneConfig, device: torch.device, pretrained: Pretrained, character: str) -> _Model:
    """The run's network (pretrained weights carried into it, frozen stages), its codec, optimizer, loss and
    mixed-precision setting."""
    network_params = run_network_params(config, pretrained)
    model, init_info = init_model(pretrained, character, config.seed, network_params)
    model.to(device)
    if config.freeze_feature_extraction:
        model.FeatureExtraction.requires_grad_(False)
    if config.freeze_sequence_modeling:
        model.SequenceModeling.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    use_amp, amp_dtype = amp_setting(config.amp, device)
    return _Model(pretrained=pretrained, character=character, network_params=network_params,
                  codec=codec_for(character, network_params), module=model, net=model, params=params,
                  optimizer=_optimizer(config, params),
                  scaler=torch.amp.GradScaler(device.type, enabled=use_amp and amp_dtype == torch.float16),
                  criterion=nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True), use_amp=use_amp,
                  amp_dtype=amp_dtype, init_info=init_info)


def _optimizer(config: FinetuneConfig, params: list) -> torch.optim.Optimizer:
    """DTRB's Adadelta (default) or Adam, with the multi-tensor (``foreach``) update: one kernel per operation
    over all parameters instead of a Python loop over them (same arithmetic)."""
    if config.optim == "adadelta":
        return torch.optim.Adadelta(params, lr=config.learning_rate, rho=config.rho, eps=config.eps, foreach=True)
    return torch.optim.Adam(params, lr=config.learning_rate, betas=(config.beta1, 0.999), foreach=True)


def _start_log(run: _Run, train_paths: list[Path], fixed: bool) -> None:
    """Write config.yaml and character.txt and the run's opening log lines (rank 0)."""
    config, log, m, data = run.config, run.book.log, run.model, run.data
    info = m.init_info
    save_config(config, run.run_dir / "config.yaml")
    write_lines_atomic([m.character], run.run_dir / "character.txt")
    valid_unknown = outside_charset(data.valid.labels(), m.character)
    log.line(f"pretrained: {m.pretrained.source}; charset {len(m.character)} characters "
             f"({'fixed' if fixed else charset_base(config, m.pretrained)[1] + ' + labels'}"
             f"{' + KS X 1001' if config.add_ksx1001 else ''}); "
             f"Prediction rows copied {info['copied_rows']}, new {info['new_rows']}")
    loaded = ("random initialisation" if m.pretrained.state_dict is None else
              f"pretrained tensors loaded {info['loaded_tensors']} of {info['total_tensors']}"
              f"{'' if info['same_network'] else ' (a different network: the rest start random, as DTRB --FT)'}")
    log.line(f"network: {stage_string(stages_of(m.network_params))} {m.network_params}; "
             f"{sum(p.numel() for p in m.module.parameters()):,} parameters; {loaded}")
    log.line(f"train: {len(data.train)} samples from {', '.join(map(str, train_paths))}; "
             f"skipped {data.train.skipped or 0}")
    log.line(f"valid: {len(data.valid_samples)} samples; characters outside the charset in valid labels: "
             f"{describe_chars(valid_unknown) if valid_unknown else 'none'}")
    if data.real is not None:
        log.line(f"real valid: {len(data.real)} samples from {', '.join(map(str, config.real_valid_data))} "
                 f"(validation only); checkpoints chosen on the {config.select_on} validation")
    ranks = f"; {run.dist.world_size} processes ({torch.distributed.get_backend()})" if run.dist.active else ""
    log.line(f"device {run.device}{' (AMP ' + str(m.amp_dtype).split('.')[-1] + ')' if m.use_amp else ''}; "
             f"batch {config.batch_size}{' per process' if run.dist.active else ''}; {config.optim} lr "
             f"{config.learning_rate}; {data.sampler.epoch_steps():.0f} steps per epoch{ranks}")


def _restore(run: _Run) -> None:
    """Continue from ``last.pth`` (:func:`~easyocr_ko.training.state.restore_last`): weights, optimizer, scaler,
    this rank's RNG, step, best values, elapsed time and a signal-interrupted interval's statistics."""
    path, m, book = run.run_dir / "last.pth", run.model, run.book
    book.start_step, book.best, book.elapsed_before, book.partial = restore_last(
        path, m.module, m.optimizer, m.scaler, run.dist, m.character, m.network_params, run.config.optim)
    if run.config.num_iter < book.start_step:  # nothing to train, and the schedule would be of another run
        raise EasyOcrKoError(f"--resume: --num-iter {run.config.num_iter} is below the step the run reached "
                             f"({book.start_step}); give --num-iter {book.start_step} or more")
    if run.dist.is_main:
        book.log.truncate_metrics(book.start_step)
    book.log.line(f"resumed from {path} at step {book.start_step}")


def _wrap_for_training(run: _Run) -> None:
    """channels_last weights for the training steps (oneDNN's and cuDNN's fast convolution and max-pool
    layout: 1.2x on a 2-core CPU, bench/bench_train.py); under torchrun, BatchNorm over all ranks and
    ``DistributedDataParallel``."""
    run.model.module.to(memory_format=torch.channels_last)
    if run.dist.active:
        convert_sync_batchnorm(run.model.module, run.device)
        run.model.net = data_parallel(run.model.module, run.device)


# ---------------------------------------------------------------- validation and checkpoints

def _baseline_validation(run: _Run) -> None:
    """Step 0: the pretrained model on this validation set, the baseline fine-tuning must beat."""
    if run.dist.is_main:
        val, real = _validate(run), _validate_real(run)
        chosen = real if real is not None and run.config.select_on == "real" else val
        log = run.book.log
        log.block(0, run.config.num_iter, None, val, chosen.accuracy, chosen.norm_ED, 0.0, run.config.show_examples,
                  real)
        log.truncate_metrics(-1)
        record = {"step": 0, "train_loss": None, "valid_loss": val.loss, "accuracy": val.accuracy,
                  "norm_ED": val.norm_ED, "CER": val.CER, "elapsed_s": 0.0, "samples_per_s": None,
                  **_real_record(real)}
        log.metrics(record)
        if run.book.logger is not None:
            run.book.logger.log(record)
    barrier(run.dist)


def _validate_real(run: _Run) -> Validation | None:
    """:func:`_validate` on every sample of ``--real-valid-data``; ``None`` without it."""
    real = run.data.real
    if real is None:
        return None
    return _validate(run, real, [s for group in real.samples for s in group])


def _real_record(real: Validation | None) -> dict:
    """The real-data figures of a ``metrics.jsonl`` record (empty without ``--real-valid-data``)."""
    if real is None:
        return {}
    return {"real_valid_loss": real.loss, "real_accuracy": real.accuracy, "real_norm_ED": real.norm_ED,
            "real_CER": real.CER, "real_n": real.n}


def _validate(run: _Run, data: RecognitionData | None = None, samples: list[Sample] | None = None) -> Validation:
    """:func:`~easyocr_ko.training.validation.validate` (of the run's validation subset, or of ``data``/``samples``)
    on the bare model in the layout EasyOCR's Reader uses (contiguous float32 weights), then back to training
    mode and channels_last."""
    model, config = run.model.module, run.config
    model.to(memory_format=torch.contiguous_format)
    try:
        return validate(model, data or run.data.valid, run.data.valid_samples if samples is None else samples,
                        run.model.codec, config.imgH, config.batch_size, run.device, run.model.criterion)
    finally:
        model.to(memory_format=torch.channels_last)
        model.train()
        if config.freeze_feature_extraction:
            model.get_submodule("FeatureExtraction").eval()


def _validate_and_save(run: _Run, step: int, interval: _Interval) -> Validation | None:
    """Validate on rank 0, write best_accuracy / best_norm_ED when improved and last.pth, log the block and the
    metrics record; the other ranks wait.  Returns the validation (``None`` on other ranks)."""
    seconds = time.perf_counter() - interval.start
    val = None
    real = None
    book = run.book
    if run.dist.is_main:
        val, real = _validate(run), _validate_real(run)
        record = {"step": step, "train_loss": interval.loss_sum / max(interval.loss_n, 1), "valid_loss": val.loss,
                  "accuracy": val.accuracy, "norm_ED": val.norm_ED, "CER": val.CER,
                  "elapsed_s": round(book.elapsed(), 1), "lr": run.model.optimizer.param_groups[0]["lr"],
                  "samples_per_s": round(interval.seen / max(seconds, 1e-9), 2), **_real_record(real)}
        chosen = real if real is not None and run.config.select_on == "real" else val
        for metric, name in (("accuracy", "best_accuracy.pth"), ("norm_ED", "best_norm_ED.pth")):
            if getattr(chosen, metric) > book.best[metric]:
                book.best[metric] = getattr(chosen, metric)
                save_atomic(_model_checkpoint(run, step, record), run.run_dir / name)
    _save_last(run, step, record if run.dist.is_main else None, None)
    if run.dist.is_main:
        assert val is not None  # validated above on rank 0
        record.update(best_accuracy=book.best["accuracy"], best_norm_ED=book.best["norm_ED"])
        book.log.block(step, run.config.num_iter, record["train_loss"], val, book.best["accuracy"],
                       book.best["norm_ED"], record["elapsed_s"], run.config.show_examples, real)
        book.log.metrics(record)
        if book.logger is not None:
            book.logger.log(record)
    barrier(run.dist)
    return val


def _model_checkpoint(run: _Run, step: int, metrics: dict | None) -> dict:
    m = run.model
    return {"format": CHECKPOINT_FORMAT,
            "model": {k: v.detach().cpu().contiguous() for k, v in m.module.state_dict().items()},
            "character": m.character, "network_params": dict(m.network_params),
            "imgH": run.config.imgH, "config": to_dict(run.config), "step": step, "best": dict(run.book.best),
            "metrics": metrics or {}}


def _save_last(run: _Run, step: int, record: dict | None, partial: dict | None) -> None:
    """Write last.pth (rank 0) with everything an exact ``--resume`` needs: model, optimizer, scaler, every
    rank's RNG state, step, best values, elapsed time and, between validations, the interval's statistics.
    Every rank must call it (the RNG states are gathered)."""
    rngs = gather_objects(run.dist, rng_state())
    if not run.dist.is_main:
        return
    last = _model_checkpoint(run, step, record)
    last.update(optimizer=run.model.optimizer.state_dict(), scaler=run.model.scaler.state_dict(), rng=rngs[0],
                elapsed=run.book.elapsed(), world_size=run.dist.world_size)
    if run.dist.active:
        last["rng_ranks"] = rngs
    if partial is not None:
        last["partial_interval"] = partial
    save_atomic(last, run.run_dir / "last.pth")


# ---------------------------------------------------------------- the step and the loop

def _make_batch(run: _Run, step: int) -> PreparedBatch:
    """This rank's slice of global batch ``step``, decoded, augmented and resized (runs in the prefetch
    thread)."""
    config, ctx, data = run.config, run.dist, run.data
    pairs = data.sampler.batch(step)[ctx.rank * config.batch_size:(ctx.rank + 1) * config.batch_size]
    samples = [data.train.samples[d][i] for d, i in pairs]
    return prepare_batch(data.train, samples, config.imgH, data.augment, rng_keys=(config.seed, Streams.AUGMENT, step),
                         first_pos=ctx.rank * config.batch_size)


def collate_for_step(run: _Run, prepared: PreparedBatch, stop: StopOnSignal) -> tuple[torch.Tensor, torch.Tensor,
                                                                                   torch.Tensor, int]:
    """Pad this rank's batch to the global batch's width (agreed over ranks with the stop request, in one
    collective) and move it to the device.  Returns (images, targets, lengths, signal number or 0)."""
    width = prepared.width(run.config.imgH, run.config.max_width)
    signum = signal.Signals[stop.signal_name].value if stop.signal_name is not None else 0
    width, signum = (int(v) for v in all_max(run.dist, [width, signum]))
    codec = run.model.codec
    if isinstance(codec, AttnCodec):  # [GO] + classes + [s], padded: (N, batch_max_length + 2)
        images, _, _, labels = collate_batch(prepared, None, run.config.imgH, width)
        targets, lengths = codec.encode(labels, run.config.batch_max_length)
    else:
        images, ctc_targets, ctc_lengths, _ = collate_batch(prepared, codec, run.config.imgH, width)
        assert ctc_targets is not None and ctc_lengths is not None  # the codec is set: labels are encoded
        targets, lengths = ctc_targets, ctc_lengths
    images = images.to(run.device).contiguous(memory_format=torch.channels_last)
    return images, targets, lengths, signum


def _train_step(run: _Run, step: int, images: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor) -> float:
    """One optimizer step (forward under autocast, CTC or attention loss in float32, backward, gradient
    clipping).  Returns the batch loss averaged over ranks.

    Raises:
        EasyOcrKoError: the loss is NaN or infinite (on any rank); raised before the weights change.
    """
    config, m = run.config, run.model
    attn = isinstance(m.codec, AttnCodec)
    with torch.autocast(device_type=run.device.type, dtype=m.amp_dtype, enabled=m.use_amp):
        # Attn: teacher forcing with [GO] + the label (DTRB: model(image, text[:, :-1], is_train=True))
        logits = m.net(images, targets[:, :-1].to(run.device), is_train=True) if attn else m.net(images, None)
    if attn:
        loss = attention_loss(logits.float(), targets.to(run.device))
    else:
        loss = ctc_loss(logits, targets, lengths, m.criterion)
    if config.schedule != "constant" or config.warmup_steps:
        for group in m.optimizer.param_groups:
            group["lr"] = config.lr_at(step)
    mean_loss = all_mean(run.dist, loss.detach())  # every rank sees the same value and stops together
    if not math.isfinite(mean_loss):
        raise EasyOcrKoError(
            f"training loss became {mean_loss} at step {step + 1} (lr {m.optimizer.param_groups[0]['lr']:g}); "
            f"stopped before the weights were changed (last.pth and best_*.pth hold the last validation's); "
            f"try a lower --lr, --warmup-steps, --no-amp, or look for broken images or labels in --data")
    m.optimizer.zero_grad(set_to_none=True)
    m.scaler.scale(loss).backward()
    m.scaler.unscale_(m.optimizer)
    torch.nn.utils.clip_grad_norm_(m.params, config.grad_clip, foreach=True)
    m.scaler.step(m.optimizer)
    m.scaler.update()
    return mean_loss


def _train_loop(run: _Run, stop: StopOnSignal, progress: bool) -> tuple[int, Validation | None, int, float]:
    """The steps from ``run.book.start_step`` to ``num_iter`` with validation and checkpoints every
    ``val_interval`` steps, the next batch made in a background thread; on SIGINT / SIGTERM (of any rank) save
    ``last.pth`` at the step reached and raise :class:`~easyocr_ko.training.state.TrainingStopped`.  Returns
    (step, last validation, samples seen, training seconds)."""
    from tqdm import tqdm

    config, partial = run.config, run.book.partial
    step, seen, train_seconds, last_val = run.book.start_step, 0, 0.0, None
    interval = _Interval(float(partial.get("loss_sum", 0.0)), int(partial.get("loss_n", 0)),
                         int(partial.get("seen", 0)))
    global_batch = config.batch_size * run.dist.world_size
    bar = tqdm(total=config.num_iter, initial=step, unit="step", desc="finetune", file=sys.stderr,
               disable=not (progress and run.dist.is_main), dynamic_ncols=True)
    run.model.module.train()
    if config.freeze_feature_extraction:
        run.model.module.get_submodule("FeatureExtraction").eval()
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
                run.book.log.line(f"stopped by {name} at step {step}: saved last.pth; continue with: "
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


# ---------------------------------------------------------------- the finish

def _finish(run: _Run, step: int, seconds: float, seen: int, train_seconds: float,
            last_val: Validation | None) -> dict:
    """Export the run's trio (rank 0) and build finetune's summary dict."""
    from easyocr_ko.trio.export import export_run

    exported: dict = {}
    if run.dist.is_main and is_attention(run.model.network_params):
        run.book.log.line("no trio exported: EasyOCR's Reader decodes CTC only; evaluate or read this Attn model "
                          f"with easyocr-ko eval --model {run.run_dir} / easyocr-ko read --model {run.run_dir}")
    elif run.dist.is_main:
        exported = export_run(run.run_dir, model_dir=run.run_dir / "export" / "model",
                              network_dir=run.run_dir / "export" / "user_network", name=run.config.export_name,
                              overwrite=True)  # the run's own export, renewed by --resume
    return {"steps": step, "resumed_from": run.book.start_step, "seconds": round(seconds, 1),
            "samples_per_s": round(seen / train_seconds, 2) if train_seconds > 0 and seen else None,
            "train_samples": len(run.data.train), "valid_samples": len(run.data.valid_samples),
            "charset": len(run.model.character), "copied_rows": run.model.init_info["copied_rows"],
            "best": run.book.best, "world_size": run.dist.world_size,
            "last": ({"accuracy": last_val.accuracy, "norm_ED": last_val.norm_ED, "CER": last_val.CER}
                     if last_val else None),
            "export": {k: str(v) for k, v in exported.items()}}
