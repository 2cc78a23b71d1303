"""A fine-tuning run's logs: :class:`RunLog` (DTRB's log blocks on stderr and in ``RUN/log_train.txt``, one JSON
record per validation in ``RUN/metrics.jsonl``, the curves in ``RUN/curves.png``) and the optional experiment
logger (``easyocr-ko finetune --logger``) that mirrors the scalars of ``RUN/metrics.jsonl``.

``finetune`` writes one JSON record per validation to ``RUN/metrics.jsonl`` (step 0 is the pretrained model's
baseline).  A logger receives that same record and writes every numeric value in it, so the two always hold the
same numbers at the same steps; nothing is sent anywhere (TensorBoard's event files are plain local files).

``--logger`` choices (:data:`LOGGERS`):

- ``none`` (default): nothing beyond metrics.jsonl.
- ``tensorboard``: event files in ``RUN/tensorboard/`` (view with ``tensorboard --logdir RUN/tensorboard``).  Needs
  the optional ``tensorboard`` package: ``pip install tensorboard`` (from a checkout:
  ``pip install -e '.[tensorboard]'``).

Tags (:data:`TAGS`; record key -> TensorBoard tag, grouped into TensorBoard's ``train`` and ``valid`` sections)::

    train_loss     train/loss            mean CTC loss over the training steps since the previous validation
    lr             train/lr              learning rate of the first parameter group after the step
    samples_per_s  train/samples_per_s   training throughput over the interval, samples per second
    elapsed_s      train/elapsed_s       wall time of the run so far, seconds (summed over --resume restarts)
    valid_loss     valid/loss            mean CTC loss on the validation set
    accuracy       valid/accuracy        exact-match accuracy, 0..1
    norm_ED        valid/norm_ED         1 - normalized edit distance (ICDAR 2019 / DTRB), 0..1
    CER            valid/CER             character error rate (can exceed 1)
    best_accuracy  valid/best_accuracy   best accuracy so far (the one of best_accuracy.pth)
    best_norm_ED   valid/best_norm_ED    best norm_ED so far (the one of best_norm_ED.pth)

``step`` is the global step of every scalar, not a scalar itself.  A key not listed above is written as
``other/<key>``; ``None`` (train_loss and samples_per_s at step 0), booleans and non-numbers are skipped.

Errors are one line: ``RUN/tensorboard`` that is a file is "RUN/tensorboard is not a folder", and an event file
that cannot be written (an unwritable folder, a full disk) is an ``OSError`` naming it as a ``str`` path (not
the ``bytes`` of TensorBoard's file layer), without the traceback TensorBoard's writer thread would print.

Resume: ``RunLog.truncate_metrics(T)`` keeps the records at steps <= T when ``--resume`` restarts from the
checkpoint of step T.  The logger mirrors it with SummaryWriter's ``purge_step``: it hides every event at a step
>= ``purge_step`` written by an earlier run, so a resumed run passes ``purge_step=T + 1`` and a fresh run (whose
baseline empties metrics.jsonl: ``truncate_metrics(-1)``) passes ``purge_step=0``.  The old event files stay
on disk; readers drop the events when they read the new file's restart marker (TensorBoard's Python loader,
``tensorboard --load_fast=false``, and ``EventAccumulator``).  TensorBoard's default fast loader (the Rust data
server) ignores that marker and instead drops a tag's points at steps >= a step written again, so there the old
points after T show until the resumed run logs its first validation; from then on both views agree.
"""
from __future__ import annotations

import contextlib
import json
import numbers
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import ensure_dir, with_path, write_lines_atomic
from easyocr_ko.hangul import display_width
from easyocr_ko.plotting import korean_figure, korean_rc, save_figure

if TYPE_CHECKING:
    from torch.utils.tensorboard import SummaryWriter

    from easyocr_ko.training.validation import Validation

LOGGERS = ("none", "tensorboard")
"""The choices of ``finetune --logger``; ``none`` is the default."""

TAGS = {
    "train_loss": "train/loss",
    "lr": "train/lr",
    "samples_per_s": "train/samples_per_s",
    "elapsed_s": "train/elapsed_s",
    "valid_loss": "valid/loss",
    "accuracy": "valid/accuracy",
    "norm_ED": "valid/norm_ED",
    "CER": "valid/CER",
    "best_accuracy": "valid/best_accuracy",
    "best_norm_ED": "valid/best_norm_ED",
}
"""metrics.jsonl key -> TensorBoard tag; other keys become ``other/<key>``."""

MISSING_TENSORBOARD = ("--logger tensorboard needs the tensorboard package: pip install tensorboard "
                       "(from a checkout: pip install -e '.[tensorboard]')")


def scalars(record: dict[str, Any]) -> dict[str, float]:
    """The scalars a logger writes for one metrics.jsonl record: ``{tag: value}`` for every real-number value
    (``step``, ``None``, booleans and non-numbers left out), tags from :data:`TAGS`.

    >>> scalars({"step": 0, "train_loss": None, "valid_loss": 2.5, "accuracy": 0.25, "note": "x"})
    {'valid/loss': 2.5, 'valid/accuracy': 0.25}
    >>> scalars({"step": 10, "lr": 1, "grad_norm": 3.0})
    {'train/lr': 1.0, 'other/grad_norm': 3.0}
    """
    return {TAGS.get(key, f"other/{key}"): float(value) for key, value in record.items()
            if key != "step" and isinstance(value, numbers.Real) and not isinstance(value, bool)}


def _summary_writer_class() -> type[SummaryWriter]:
    """``torch.utils.tensorboard.SummaryWriter``; :class:`EasyOcrKoError` (one line) without the tensorboard
    package (or with one too old for torch)."""
    try:
        import tensorboard  # noqa: F401  (torch.utils.tensorboard needs it; checked first, even if torch's is loaded)
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as exc:
        raise EasyOcrKoError(MISSING_TENSORBOARD) from exc
    return SummaryWriter


_WRITER_THREAD = "_AsyncWriterThread"
"""The class name of TensorBoard's event-writer thread (``tensorboard.summary.writer.event_file_writer``)."""


def _quiet_writer_threads() -> None:
    """Install (once) a ``threading.excepthook`` that stays silent for TensorBoard's writer thread.

    That thread writes the event file; when a write fails it keeps the exception, which the writer raises again
    in the calling thread on its next ``add_*``/``flush``/``close`` (where :class:`TensorBoardLogger` turns it
    into one line), and then lets it escape, so Python would also print its traceback.  Exceptions of every
    other thread go to the hook that was installed before.
    """
    previous = threading.excepthook
    if getattr(previous, "_easyocr_ko_quiet", False):
        return

    def hook(args: threading.ExceptHookArgs) -> None:
        if type(args.thread).__name__ == _WRITER_THREAD and isinstance(args.exc_value, Exception):
            return
        previous(args)

    hook._easyocr_ko_quiet = True  # type: ignore[attr-defined]
    threading.excepthook = hook


@contextlib.contextmanager
def _str_paths(log_dir: Path) -> Iterator[None]:
    """Re-raise an ``OSError`` of TensorBoard's file layer, which names files as ``bytes``, naming them as
    ``str`` (and ``log_dir`` when it names none), so that the error is one readable line."""
    try:
        yield
    except OSError as err:
        if not isinstance(err.filename, bytes) and not isinstance(err.filename2, bytes):
            named = with_path(err, log_dir)
            if named is err:
                raise
            raise named from err
        named = type(err)(err.errno, err.strerror or str(err), os.fsdecode(err.filename),
                          None, None if err.filename2 is None else os.fsdecode(err.filename2))
        raise named from err


class TensorBoardLogger:
    """Writes each metrics.jsonl record as TensorBoard scalars in ``run_dir / "tensorboard"``.

    Args:
        run_dir: the run folder (``FinetuneConfig.output``); ``tensorboard/`` is created in it, with one new
            ``events.out.tfevents.*`` file per logger.
        purge_step: on a resumed run, the first step it will log (``T + 1`` for a resume from step T): events
            of earlier runs at steps >= ``purge_step`` are hidden from TensorBoard, mirroring
            ``RunLog.truncate_metrics(T)``.  ``0`` hides everything earlier runs wrote (a fresh run); ``None``
            hides nothing.  The old files stay on disk: readers drop the events when they read the new file.

    Raises:
        EasyOcrKoError: the tensorboard package is not installed.
        NotAFolderError: ``run_dir / "tensorboard"`` (or a folder above it) is a file: "PATH is not a folder".
        OSError: the event file cannot be created or written (one line naming it as a ``str`` path, not the
            ``bytes`` TensorBoard's file layer uses; its writer thread's traceback is not printed).

    Use it on the process that writes metrics.jsonl (rank 0) only, as a context manager or with :meth:`close`.
    """

    def __init__(self, run_dir: Path, purge_step: int | None = None):
        writer_class = _summary_writer_class()
        self.log_dir = Path(run_dir) / "tensorboard"
        ensure_dir(self.log_dir)
        _quiet_writer_threads()
        with _str_paths(self.log_dir):
            self._writer = writer_class(log_dir=str(self.log_dir), purge_step=purge_step)

    def log(self, record: dict[str, Any]) -> None:
        """Write the scalars of one metrics.jsonl record (see :func:`scalars`) at ``global_step=record["step"]``
        and flush them to disk.

        Raises:
            KeyError: no ``step``.
            OSError: the event file cannot be written (naming it as a ``str`` path).
        """
        step = int(record["step"])
        with _str_paths(self.log_dir):
            for tag, value in scalars(record).items():
                self._writer.add_scalar(tag, value, global_step=step)
            self._writer.flush()

    def close(self) -> None:
        """Flush and close the event file; closing twice is harmless.

        Raises:
            OSError: the last events cannot be written (naming the file as a ``str`` path).
        """
        with _str_paths(self.log_dir):
            self._writer.close()

    def __enter__(self) -> TensorBoardLogger:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_logger(name: str, run_dir: Path, purge_step: int | None = None) -> TensorBoardLogger | None:
    """The logger ``finetune --logger NAME`` asks for: ``None`` for ``"none"``, else a :class:`TensorBoardLogger`
    in ``run_dir / "tensorboard"`` (``purge_step``: see there; ``T + 1`` on a resume from step T, ``0`` on a
    fresh run).

    Raises:
        EasyOcrKoError: an unknown name (the message lists :data:`LOGGERS`), or ``"tensorboard"`` without the
            tensorboard package (one line naming ``pip install tensorboard``).
    """
    if name == "none":
        return None
    if name == "tensorboard":
        return TensorBoardLogger(run_dir, purge_step)
    raise EasyOcrKoError(f"unknown --logger {name!r}: choose one of {', '.join(LOGGERS)}")


def check_logger(name: str) -> None:
    """Check now what :func:`open_logger` would refuse later, without writing anything: ``finetune`` calls it
    before it makes or changes the run folder, so a missing package leaves no half-started run behind.

    Raises:
        EasyOcrKoError: as :func:`open_logger` (an unknown name, or ``"tensorboard"`` without the package).
    """
    if name == "tensorboard":
        _summary_writer_class()
    elif name != "none":
        raise EasyOcrKoError(f"unknown --logger {name!r}: choose one of {', '.join(LOGGERS)}")


# ---------------------------------------------------------------- the run's own log

def pad_display(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (Hangul and other wide characters take 2)."""
    return text + " " * max(0, width - display_width(text))


class RunLog:
    """DTRB-style log blocks to stderr and ``RUN/log_train.txt``, ``RUN/metrics.jsonl`` and ``RUN/curves.png``.

    Args:
        run_dir: the run folder.
        stream: where log lines go besides ``log_train.txt`` (``None``: the file only).
        enabled: False on ranks other than 0: they write nothing.
        select_on: ``"valid"`` or ``"real"``, the validation whose accuracy chose ``best_accuracy.pth``.
    """

    def __init__(self, run_dir: Path, stream: TextIO | None = sys.stderr, enabled: bool = True,
                 select_on: str = "valid"):
        self.run_dir = run_dir
        self.stream = stream
        self.enabled = enabled  # False on ranks other than 0: they write nothing
        self.select_on = select_on  # which validation's accuracy marks best_accuracy.pth in curves.png

    def line(self, text: str) -> None:
        """Append ``text`` to ``log_train.txt`` and print it to the stream."""
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
        """Append one record (a JSON object) to ``metrics.jsonl`` and redraw ``curves.png``."""
        if not self.enabled:
            return
        with open(self.run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        self.plot()

    def read_metrics(self) -> list[dict]:
        """The records of ``metrics.jsonl`` in order (none when there is no file)."""
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
