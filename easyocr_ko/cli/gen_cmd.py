"""``easyocr-ko gen`` (synthetic DTRB data: :func:`easyocr_ko.synth.generate.generate`) and ``easyocr-ko lmdb``
(a DTRB folder to an LMDB: :func:`easyocr_ko.datasets.dtrb.folder_to_lmdb`)."""
from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from easyocr_ko.cli.options import EXISTING, PATH

__all__ = ["gen", "lmdb_cmd"]


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """Turn SIGTERM (what ``kill`` and job schedulers send) into ``KeyboardInterrupt`` in the main thread, as
    Ctrl-C: gen then stops its worker processes, removes its staging folder and ends with the CLI's one line and
    exit status 130.  Left alone where SIGTERM already has a handler or is ignored, and outside the main thread;
    the previous handler comes back on exit."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


@click.command(options_metavar="--output DIR [--config FILE.yaml] [OPTIONS]")
@click.option("--output", "-o", type=PATH, required=True, help="Dataset folder to create.")
@click.option("--count", "-c", type=click.IntRange(min=1), help="Images in all splits together [300].")
@click.option("--val-fraction", type=click.FloatRange(0, 1, max_open=True), help="Validation share [0.1].")
@click.option("--val-count", type=click.IntRange(min=0), help="Validation images (overrides --val-fraction).")
@click.option("--split-by", type=click.Choice(["word", "sample"]),
              help="'word': train and validation vocabularies are disjoint [word].")
@click.option("--dict", "dicts", type=EXISTING, multiple=True, help="Dictionary file (repeatable) [shipped].")
@click.option("--corpus", "corpora", type=EXISTING, multiple=True, help="Plain-text corpus (repeatable).")
@click.option("--font", "fonts", type=EXISTING, multiple=True, help="Font file or folder (repeatable); 'shipped': the "
              "shipped fonts [shipped].")
@click.option("--fonts-root", type=EXISTING, envvar="EASYOCR_KO_FONTS", show_envvar=True,
              help="Folder that a --config file's relative 'fonts:' paths are read under [the file's fonts_root, "
                   "else the current folder].")
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
    (gt.txt + images, and LMDB), with a per-image font manifest and a contact sheet.  Options may come from a
    --config YAML file (its keys as in the gen_config.yaml a run writes); the command line wins."""
    from easyocr_ko.config import GenConfig, build_config
    from easyocr_ko.synth.fonts import SHIPPED_FONTS
    from easyocr_ko.synth.generate import generate

    # --font paths are the shell's, relative to the current folder; only a --config file's are read under the root
    options["fonts"] = tuple(f if str(f) == SHIPPED_FONTS else f.absolute() for f in options["fonts"])
    for key in ("dicts", "corpora", "fonts", "val_fonts", "exclude_fonts"):
        options[key] = tuple(options[key]) or None
    config = build_config(GenConfig, config_file, options)
    with _sigterm_as_ctrl_c():
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


@click.command("lmdb")
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
