"""``easyocr-ko import``: the click command (registered on the ``easyocr-ko`` group by ``easyocr_ko.cli``).

It parses options, builds an :class:`~easyocr_ko.datasets.importers.ImportConfig`, calls
:func:`~easyocr_ko.datasets.importers.run_import` and prints the counts on stdout and the first problems on stderr.
Errors are raised as :class:`~easyocr_ko.errors.EasyOcrKoError`; the group turns them into one line
``easyocr-ko: error: ...`` and exit status 1.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from easyocr_ko.cli.options import EXISTING, PATH

SHOWN_PROBLEMS = 20


def _fields(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(v.strip() for v in value.split(",") if v.strip())


@click.command("import", options_metavar="--output DIR [--config FILE.yaml] [OPTIONS]")
@click.argument("format", type=click.Choice(["aihub", "dacon", "gt"]))
@click.argument("source", type=EXISTING)
@click.option("--output", "-o", type=PATH, required=True, help="Dataset folder to create.")
@click.option("--split", help="Fractions of source images train,validation,test, summing to 1; 0,0,1 makes "
              "a test set [0.8,0.1,0.1].")
@click.option("--seed", type=int, help="Seeds the split by source image [0].")
@click.option("--margin", type=click.IntRange(min=0), help="Pixels added around every box, clipped [0].")
@click.option("--text-field", "text_fields", help="aihub: keys tried for a box's text, comma-separated "
              "(a.b looks inside objects) [text,data,value].")
@click.option("--bbox-field", "bbox_fields", help="aihub: keys tried for a box's 4 numbers [bbox].")
@click.option("--bbox-format", type=click.Choice(["xywh", "xyxy"]), help="aihub: how the 4 numbers read [xywh].")
@click.option("--box-list-field", "box_list_fields",
              help="aihub: keys tried for the list of boxes [annotations,annoations,bbox,Bbox,text.word].")
@click.option("--unreadable", multiple=True, help="Label that marks unreadable text, skipped (repeatable; "
              "'' skips none) [xx].")
@click.option("--skip-all-x/--no-skip-all-x", default=None, help="Also skip labels made only of x/X [off].")
@click.option("--gt-format", type=click.Choice(["auto", "tab", "space"]),
              help="gt: 'path<TAB>label', 'path label', or detect per file [auto].")
@click.option("--gt-name", "gt_names", multiple=True, help="gt: annotation file name to look for (repeatable) "
              "[gt.txt, labels.txt].")
@click.option("--config", "config_file", type=EXISTING, help="YAML file of options (CLI options win).")
@click.option("--overwrite", is_flag=True, help="Replace an earlier import output in --output.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def import_cmd(config_file: Path | None, overwrite: bool, quiet: bool, **options: Any) -> None:
    """Turn a real dataset (FORMAT aihub: AI Hub JSON; dacon: DACON csv; gt: gt.txt / labels.txt) under SOURCE
    into word crops in DTRB train/validation/test folders and LMDBs, split by source image.  Options may come
    from a --config YAML file (its keys as in the import_config.yaml a run writes); the command line wins."""
    from easyocr_ko.config import build_config
    from easyocr_ko.datasets.importers import ImportConfig, parse_split, run_import

    if options["split"] is not None:
        options["split"] = parse_split(options["split"])
    for key in ("text_fields", "bbox_fields", "box_list_fields"):
        options[key] = _fields(options[key])
    for key in ("unreadable", "gt_names"):
        options[key] = tuple(options[key]) or None
    config = build_config(ImportConfig, config_file, options)
    summary = run_import(config, overwrite=overwrite, progress=not quiet)

    click.echo(f"{summary['samples']} samples in {summary['annotation_files']} annotation files; "
               f"{summary['written']} crops written")
    for name, split in summary["splits"].items():
        click.echo(f"{name}: {split['crops']} crops from {split['source_images']} source images")
    for reason, n in summary["skipped"].items():
        click.echo(f"  skipped {n} x {reason}")
    for reason, n in summary["skipped_files"].items():
        click.echo(f"  skipped file {n} x {reason}")
    for reason, n in summary["adjusted"].items():
        click.echo(f"  kept {n} x {reason}")
    for problem in summary["problems"][:SHOWN_PROBLEMS]:
        click.echo(f"easyocr-ko: warning: {problem}", err=True)
    if summary["problems_total"] > SHOWN_PROBLEMS:
        click.echo(f"easyocr-ko: warning: {summary['problems_total'] - SHOWN_PROBLEMS} more problems "
                   f"listed in {config.output}/summary.json", err=True)
    click.echo(f"wrote {config.output}/{{{','.join(summary['splits'])}}}/gt.txt, {config.output}/lmdb/, "
               "summary.json")
