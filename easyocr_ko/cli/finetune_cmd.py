"""``easyocr-ko finetune``: fine-tune the gen2 recognizer, or any DTRB stage combination
(:func:`easyocr_ko.training.finetune.finetune`), on one process or, with ``--nproc``, under torchrun."""
from __future__ import annotations

import atexit
import gc
import logging
import os
import signal
import tempfile
from pathlib import Path
from typing import Any

import click

from easyocr_ko.cli.options import EXISTING, PATH, debug_requested
from easyocr_ko.errors import EasyOcrKoError

__all__ = ["finetune"]


def _floats(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple | None:
    if value is None:
        return None
    try:
        return tuple(float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give comma-separated numbers, e.g. 0.5,0.5") from None


@click.command(options_metavar="--data DIR --output DIR [--config FILE.yaml] [OPTIONS]")
@click.option("--data", "data", type=EXISTING, multiple=True, help="Training data: LMDB, DTRB folder, gen/import "
              "output or a tree of LMDBs (repeatable).")
@click.option("--output", "-o", type=PATH, help="Run folder to create [runs/finetune].")
@click.option("--valid-data", "valid_data", type=EXISTING, multiple=True,
              help="Validation data [the validation split of gen/import outputs in --data].")
@click.option("--real-valid-data", "real_valid_data", type=EXISTING, multiple=True,
              help="Real handwriting for validation only (never trained on), read in full at every validation "
              "and logged as real_accuracy / real_CER beside --valid-data (repeatable).")
@click.option("--select-on", type=click.Choice(["valid", "real"]),
              help="Validation that chooses best_accuracy.pth / best_norm_ED.pth [valid].")
@click.option("--batch-ratio", callback=_floats, help="Share of each --data in a batch, e.g. 0.5,0.5 (DTRB).")
@click.option("--pretrained", help="korean_g2 | english_g2 | auto (korean_g2 if present, else the bundled model) | "
              "PATH to a gen2 or DTRB .pth | none [korean_g2].")
@click.option("--Transformation", "Transformation", type=click.Choice(["None", "TPS"]),
              help="DTRB stage 1 [the pretrained model's: None].")
@click.option("--FeatureExtraction", "FeatureExtraction", type=click.Choice(["VGG", "RCNN", "ResNet"]),
              help="DTRB stage 2 [the pretrained model's: VGG].")
@click.option("--SequenceModeling", "SequenceModeling", type=click.Choice(["None", "BiLSTM"]),
              help="DTRB stage 3 [the pretrained model's: BiLSTM].")
@click.option("--Prediction", "Prediction", type=click.Choice(["CTC", "Attn"]),
              help="DTRB stage 4; Attn models are not exported as a trio (Reader decodes CTC only) "
                   "[the pretrained model's: CTC].")
@click.option("--num_fiducial", "--num-fiducial", "num_fiducial", type=click.IntRange(min=4),
              help="TPS fiducial points [20].")
@click.option("--imgH", "--imgh", "imgH", type=click.IntRange(min=16),
              help="Input height in px; must equal the pretrained model's (gen2: 64) [64].")
@click.option("--imgW", "--imgw", "imgW", type=click.IntRange(min=8),
              help="TPS input/output width in px [imgH * 100 / 32: 200 at imgH 64].")
@click.option("--output_channel", "--output-channel", "output_channel", type=click.IntRange(min=16),
              help="FeatureExtraction channels [256 VGG, 512 RCNN/ResNet, or the pretrained model's].")
@click.option("--hidden_size", "--hidden-size", "hidden_size", type=click.IntRange(min=1),
              help="BiLSTM / attention hidden size [256, or the pretrained model's].")
@click.option("--download/--no-download", default=None, help="Allow fetching korean_g2/english_g2 [off].")
@click.option("--character", help="Explicit (fixed) character list.")
@click.option("--character-file", type=EXISTING, help="File holding the explicit character list.")
@click.option("--add-ksx1001", is_flag=True, default=None, help="Add all 2,350 KS X 1001 syllables to the charset.")
@click.option("--skip-unknown", is_flag=True, default=None,
              help="Drop (and count) samples with characters outside a fixed charset instead of failing.")
@click.option("--num-iter", type=click.IntRange(min=1), help="Training steps [3000].")
@click.option("--val-interval", type=click.IntRange(min=1), help="Validate/log/checkpoint every N steps [500].")
@click.option("--batch-size", type=click.IntRange(min=1), help="Batch size [32].")
@click.option("--optim", type=click.Choice(["adadelta", "adam"]), help="Optimizer [adadelta].")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), help="Learning rate [1.0 adadelta, 1e-4 adam].")
@click.option("--schedule", type=click.Choice(["constant", "cosine"]),
              help="Learning-rate schedule: constant (DTRB) or cosine to 0 at --num-iter [constant].")
@click.option("--warmup-steps", type=click.IntRange(min=0), help="Linear learning-rate warm-up steps [0].")
@click.option("--grad-clip", type=click.FloatRange(min=0, min_open=True), help="Gradient norm clip [5].")
@click.option("--freeze-feature-extraction/--no-freeze-feature-extraction", default=None)
@click.option("--freeze-sequence-modeling/--no-freeze-sequence-modeling", default=None)
@click.option("--augment",
              help="Training-time augmentation: none, light, handwriting, full, or 'preset,key=value' [none].")
@click.option("--max-width", type=click.IntRange(min=16), help="Cap on padded batch width in px [1600].")
@click.option("--batch-max-length", type=click.IntRange(min=1), help="Longest label used [50].")
@click.option("--val-samples", type=click.IntRange(min=0), help="Validation samples used, 0 = all [2000].")
@click.option("--seed", type=int, help="Seed [1111].")
@click.option("--device", help="auto | cpu | cuda | cuda:N | mps (Apple GPUs; untested on Apple hardware) [auto].")
@click.option("--amp/--no-amp", default=None,
              help="Mixed precision training steps: CUDA, or bf16 on CPUs that have it [on].")
@click.option("--num-threads", type=click.IntRange(min=1), help="CPU threads for torch [all].")
@click.option("--export-name", help="NAME of the exported trio [custom].")
@click.option("--logger", type=click.Choice(["none", "tensorboard"]),
              help="Also log metrics.jsonl's scalars for TensorBoard in RUN/tensorboard (extra [tensorboard]) [none].")
@click.option("--config", "config_file", type=EXISTING, help="YAML file of options (CLI options win).")
@click.option("--resume", "resume_dir", type=EXISTING, help="Continue the run in this folder exactly.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (DTRB's log blocks still print).")
@click.option("--nproc", type=click.IntRange(min=1), default=1,
              help="Processes on this machine, one per GPU (launches torchrun --standalone; DDP, gloo on CPU) [1].")
def finetune(config_file: Path | None, resume_dir: Path | None, quiet: bool, nproc: int, **options: Any) -> None:
    """Fine-tune EasyOCR's gen2 Korean recognizer (None-VGG-BiLSTM-CTC), or a DTRB stage combination
    (--Transformation --FeatureExtraction --SequenceModeling --Prediction), on DTRB data and export the
    custom.pth / custom.yaml / custom.py trio (CTC models).

    Several devices: --nproc N on one machine, or torchrun --nproc_per_node N -m easyocr_ko.cli finetune ...
    (torchrun's rendezvous options for several machines); --batch-size is per process."""
    from easyocr_ko.training.distributed import env_world_size
    from easyocr_ko.training.state import StopOnSignal

    ctx = click.get_current_context()
    # Python's last garbage collection at exit walks the ~360,000 objects of torch, EasyOCR and matplotlib: seconds
    # of CPU in every rank and in the launcher (tens of seconds on a busy machine) between the last line and the
    # exit.  Frozen objects are left out of it; exiting frees them all the same.
    atexit.register(gc.freeze)
    for key in ("data", "valid_data", "real_valid_data"):
        options[key] = tuple(options[key]) or None
    if resume_dir is None and not options.get("data") and config_file is None:
        raise click.UsageError("give --data (or --resume RUN_DIR)")
    launch = nproc > 1 and env_world_size() == 1
    reports = os.environ.get(RANK_REPORTS_ENV) if not launch and env_world_size() > 1 else None
    try:
        with StopOnSignal():  # SIGINT / SIGTERM: one line and exit 130 from the start (training: see finetune)
            config = _config(config_file, resume_dir, options)  # refused here, before any rank starts
            if launch:
                ctx.exit(_launch_torchrun(ctx, nproc))
            _train(config, resume_dir is not None, quiet)
    except (EasyOcrKoError, OSError, click.BadParameter, KeyboardInterrupt) as err:
        if reports is None or debug_requested(ctx.find_root()):
            raise
        ctx.exit(_leave_report(Path(reports), err))  # a rank of --nproc: the launcher prints one line for all


def _config(config_file: Path | None, resume_dir: Path | None, options: dict) -> Any:
    from easyocr_ko.config import FinetuneConfig, build_config
    from easyocr_ko.training.state import load_run_config

    if resume_dir is not None:
        return load_run_config(resume_dir, options)
    return build_config(FinetuneConfig, config_file, options)


def _train(config: Any, resume: bool, quiet: bool) -> None:
    from easyocr_ko.training.finetune import finetune as run

    summary = run(config, resume=resume, progress=not quiet)
    if os.environ.get("RANK", "0") != "0":
        return  # under torchrun only rank 0 reports
    best = summary["best"]
    click.echo(f"{summary['steps']} steps in {summary['seconds']} s ({summary['samples_per_s']} samples/s); "
               f"train {summary['train_samples']}, valid {summary['valid_samples']}; charset {summary['charset']} "
               f"({summary['copied_rows']} pretrained rows kept)")
    click.echo(f"best_accuracy {best['accuracy']:.4f}, best_norm_ED {best['norm_ED']:.4f}; run folder {config.output}")
    if summary["export"]:
        click.echo(f"exported {summary['export']['pth']}; "
                   f"install it for easyocr.Reader with: easyocr-ko export {config.output}")
    else:
        click.echo(f"Attn model: not exported (EasyOCR's Reader decodes CTC only); evaluate it with "
                   f"easyocr-ko eval --model {config.output}")


def _launch_torchrun(ctx: click.Context, nproc: int) -> int:
    """Run this ``finetune`` command again as ``nproc`` processes under torchrun (``--standalone``: a rendezvous
    on this machine) and return the exit status for all of them: 0, 1 (a user error, or a rank that failed) or
    130 (stopped by a signal).  The options given on the command line are passed on as given, ``--nproc`` left out.

    torchrun's agent runs in this process (``torch.distributed.run``, what the ``torchrun`` command runs), so
    there is no process between this one and the ranks.  It starts each rank in a session of its own (a terminal's
    Ctrl-C reaches them once, through here) and passes SIGINT / SIGTERM / SIGHUP / SIGQUIT on to every rank; the
    ranks agree on the step to stop after and save ``last.pth``, and this process returns only once all of them
    have exited: after :data:`SHUTDOWN_TIMEOUT_S` s (torchrun's ``TORCH_ELASTIC_SHUTDOWN_TIMEOUT`` when set) the
    agent kills the ranks still running, and a second signal stops them at once.

    Each rank leaves the final line it would print (a user error or "interrupted") in a file of a temporary folder
    (:data:`RANK_REPORTS_ENV`); this process prints one of them, so a user error is one line, not one per rank, and
    torchrun's log lines and ``ChildFailedError`` traceback are not shown (they are with ``--debug``).
    """
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    debug = debug_requested(ctx.find_root())
    command = ["--standalone", f"--nproc_per_node={nproc}", "-m", "easyocr_ko.cli"] + (["--debug"] if debug else [])
    os.environ.setdefault("TORCH_ELASTIC_SHUTDOWN_TIMEOUT", str(SHUTDOWN_TIMEOUT_S))
    if not debug:
        _quiet_torchrun_logs()
    signalled, failures = None, {}
    with tempfile.TemporaryDirectory(prefix="easyocr-ko-ranks-") as reports:
        os.environ[RANK_REPORTS_ENV] = reports
        try:
            run(parse_args(command + ["finetune"] + _command_line_options(ctx)))
        except SignalException as err:  # raised once every rank has exited (or was killed)
            signalled = err.sigval
        except ChildFailedError as err:
            if debug:
                raise
            failures = {rank: (failure.exitcode, failure.signal_name()) for rank, failure in err.failures.items()}
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):  # the ranks are gone: report without interruption
                signal.signal(signum, signal.SIG_IGN)
            del os.environ[RANK_REPORTS_ENV]
        return _report(Path(reports), signalled is not None, failures)


# The --nproc launcher's ranks find here the folder where each leaves its final line (RANK.txt: status TAB line).
RANK_REPORTS_ENV = "EASYOCR_KO_RANK_REPORTS"
# Seconds the ranks have, after a signal reached the launcher, to finish their step (or validation) and save
# last.pth before torchrun kills them (torchrun's default is 30 s, shorter than a validation can take).
SHUTDOWN_TIMEOUT_S = 600
INTERRUPTED = "easyocr-ko: interrupted; nothing half-written was kept"  # what easyocr_ko.cli.main prints


def _command_line_options(ctx: click.Context) -> list[str]:
    """The options of this ``finetune`` call that were given on the command line, as arguments, ``--nproc`` left
    out."""
    from click.core import ParameterSource

    args = []
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name == "nproc" or param.name is None or \
                ctx.get_parameter_source(param.name) != ParameterSource.COMMANDLINE:
            continue
        value = ctx.params[param.name]
        if param.is_flag and not param.secondary_opts:
            args += [param.opts[0]] if value else []
        elif param.is_flag:
            args.append(param.opts[0] if value else param.secondary_opts[0])
        elif param.multiple:
            for item in value:
                args += [param.opts[0], str(item)]
        elif isinstance(value, tuple):
            args += [param.opts[0], ",".join(map(str, value))]
        else:
            args += [param.opts[0], str(value)]
    return args


def _quiet_torchrun_logs() -> None:
    """Stop the log lines of torchrun's agent (``W... Sending process N closing signal SIGTERM``, ``E... failed
    (exitcode: 1)``, the OMP_NUM_THREADS notice): this process reports the outcome in one line."""
    for name in ("torch.distributed.elastic", "torch.distributed.launcher", "torch.distributed.run"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _leave_report(folder: Path, err: BaseException) -> int:
    """In a rank of the ``--nproc`` launcher: write the line this rank would print for ``err`` to
    ``folder/RANK.txt`` instead, and return the exit status (1 for a user error, 130 for an interruption).
    Further SIGINT / SIGTERM (torchrun stops the other ranks when one ends) are ignored from here on."""
    from easyocr_ko.cli.main import error_line

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    status, line = (130, INTERRUPTED) if isinstance(err, KeyboardInterrupt) else \
        (1, f"easyocr-ko: error: {error_line(err)}")
    (folder / f"{os.environ.get('RANK', '0')}.txt").write_text(f"{status}\t{line}\n", encoding="utf-8")
    return status


def _report(folder: Path, signalled: bool, failures: dict[int, tuple[int, str]]) -> int:
    """Print the one line for all ranks (a user error first, by rank; then an interruption; then a rank that
    failed without a report: a bug, whose traceback it printed, or a kill) and return the exit status.

    Args:
        folder: the ranks' reports (``RANK.txt``: status TAB line).
        signalled: the launcher got SIGINT / SIGTERM and passed it on.
        failures: rank -> (exit code, signal name) of the ranks that exited non-zero.
    """
    reports: dict[int, tuple[int, str]] = {}
    for path in folder.glob("*.txt"):
        status, _, line = path.read_text(encoding="utf-8").rstrip("\n").partition("\t")
        if path.stem.isdigit() and status in ("1", "130"):
            reports[int(path.stem)] = int(status), line
    for wanted in (1, 130):
        lines = [line for _rank, (status, line) in sorted(reports.items()) if status == wanted]
        if lines:
            click.echo(lines[0], err=True)
            return wanted
    if signalled:
        click.echo(INTERRUPTED, err=True)
        return 130
    if failures:
        rank = min(failures)
        exitcode, name = failures[rank]
        how = f"was killed by {name}" if exitcode < 0 else f"failed with exit status {exitcode}"
        click.echo(f"easyocr-ko: error: rank {rank} of the --nproc run {how} (its output, if any, is above); the other "
                   "ranks were stopped", err=True)
        return 1
    return 0
