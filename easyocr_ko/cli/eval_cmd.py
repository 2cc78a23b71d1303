"""``easyocr-ko eval``: the click command (registered on the ``easyocr-ko`` group by ``easyocr_ko.cli``).

Two uses:

* ``easyocr-ko eval --data DIR --model M [--model M ...] [--output DIR]``: read the evaluation set with every
  model exactly as ``easyocr.Reader`` would, print one side-by-side table (accuracy, norm_ED, CER, jamo CER,
  single-syllable accuracy, worst font, lines/s) and the per-font / per-kind / per-length CER tables; with
  ``--output`` also write ``<model>_predictions.tsv``, ``summary.json`` and ``font_cer.png``;
* ``easyocr-ko eval --image IMG --model M --top-n 5``: read one image and print, per position, the n best
  characters with their probabilities.

The work is done by :func:`easyocr_ko.evaluation.evaluate.evaluate` (models: :mod:`easyocr_ko.evaluation.models`,
the set: :mod:`easyocr_ko.evaluation.sets`, reading: :mod:`easyocr_ko.evaluation.read`, output:
:mod:`easyocr_ko.evaluation.report`) and :func:`easyocr_ko.evaluation.read.top_candidates`.

Errors are raised as :class:`~easyocr_ko.errors.EasyOcrKoError` / ``OSError`` (``FileNotFoundError`` ...); the
group turns them into one line ``easyocr-ko: error: ...`` and exit status 1.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from easyocr_ko.cli.options import EXISTING, PATH
from easyocr_ko.resources import CHECKPOINT_CHOICES

__all__ = ["eval_cmd"]



def _langs(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    langs = tuple(v.strip() for v in value.split(",") if v.strip())
    if not langs:
        raise click.BadParameter("give comma-separated EasyOCR language codes, e.g. ko,en")
    return langs


@click.command("eval")
@click.option("--data", type=EXISTING, help="Evaluation set: LMDB, DTRB folder (gt.txt + images), gen/import output "
              "(its --split) or a tree of LMDBs.")
@click.option("--model", "-m", "models", multiple=True, required=True,
              help="korean_g2 | english_g2 | korean_hw (bundled) | run folder | checkpoint .pth | exported trio "
                   "(folder, NAME.yaml or NAME.pth); LABEL=SPEC names it in the table (repeatable: side by side).")
@click.option("--output", "-o", type=PATH, help="Write <model>_predictions.tsv, summary.json, font_cer.png here "
              "[print only].")
@click.option("--image", type=EXISTING, help="Instead of --data: read one image and print the top-n candidates.")
@click.option("--top-n", type=click.IntRange(min=1), default=5, show_default=True,
              help="Candidates per position with --image.")
@click.option("--split", default="validation", show_default=True, help="Split of a gen/import output.")
@click.option("--checkpoint", type=click.Choice(CHECKPOINT_CHOICES), default="best_accuracy", show_default=True,
              help="Checkpoint of a run folder.")
@click.option("--lang", "lang_list", default="ko,en", show_default=True, callback=_langs,
              help="Reader's lang_list: built-in models ignore characters outside these languages, as Reader.")
@click.option("--quantize/--no-quantize", default=True, show_default=True,
              help="Reader's int8 quantization on CPU (its default); --no-quantize reads batched float32.")
@click.option("--engine", type=click.Choice(["reader", "onnx"]), default="reader", show_default=True,
              help="reader: PyTorch, as EasyOCR's Reader; onnx: onnxruntime on the CPU, the same readings (CTC "
              "models; needs pip install onnxruntime), for speed comparisons.")
@click.option("--device", default="auto", show_default=True,
              help="auto | cpu | cuda | cuda:N | mps (Reader's gpu=; auto: CUDA, else CPU).")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Images per batch without quantization.")
@click.option("--limit", type=click.IntRange(min=1), help="Evaluate a seeded random subset of N images.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --limit subset.")
@click.option("--nfc/--no-nfc", default=True, show_default=True, help="Unicode NFC before comparing.")
@click.option("--collapse-spaces", is_flag=True, help="Inner whitespace runs count as one space.")
@click.option("--remove-spaces", is_flag=True, help="Ignore all whitespace.")
@click.option("--casefold", is_flag=True, help="Compare case-insensitively.")
@click.option("--min-group", type=click.IntRange(min=1), default=10, show_default=True,
              help="Smallest group (font, kind, length) that can be named the worst.")
@click.option("--json", "as_json", is_flag=True, help="Print summary.json's content instead of tables.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def eval_cmd(data: Path | None, models: tuple[str, ...], output: Path | None, image: Path | None, top_n: int,
             split: str, checkpoint: str, lang_list: tuple[str, ...], quantize: bool, engine: str, device: str,
             batch_size: int, limit: int | None, seed: int, nfc: bool, collapse_spaces: bool, remove_spaces: bool,
             casefold: bool, min_group: int, as_json: bool, quiet: bool) -> None:
    """Compare recognizers (stock EasyOCR models, fine-tuned runs, exported trios) on one evaluation set with
    the numbers easyocr.Reader delivers: accuracy, norm_ED, CER, jamo CER, per font / content kind / length,
    confusions; or show the top-n candidates per position for one image."""
    from easyocr_ko.evaluation.evaluate import evaluate
    from easyocr_ko.evaluation.metrics import Normalization
    from easyocr_ko.evaluation.options import EvalConfig
    from easyocr_ko.evaluation.read import ReadSettings, top_candidates
    from easyocr_ko.evaluation.report import format_report

    if (data is None) == (image is None):
        raise click.UsageError("give either --data (evaluate a set) or --image (top-n candidates for one image)")
    if image is not None:
        if len(models) != 1:
            raise click.UsageError("--image takes exactly one --model")
        if engine != "reader":
            raise click.UsageError("--engine onnx reads --data sets; --image shows the Reader engine's candidates")
        top = top_candidates(models[0], image, top_n, lang_list, quantize, device, checkpoint)
        if as_json:
            click.echo(json.dumps({"text": top.text, "confidence": top.confidence, "contrast_pass": top.contrast_pass,
                                   "candidates": [{"step": c.step, "options": c.options} for c in top.candidates]},
                                  ensure_ascii=False, indent=1))
            return
        second = " (contrast-adjusted second pass)" if top.contrast_pass else ""
        click.echo(f"{image}: {top.text!r} confidence {top.confidence:.4f}{second}")
        for pos, cand in enumerate(top.candidates, start=1):
            options = "  ".join(f"{c if c else '[blank]'} {p:.4f}" for c, p in cand.options)
            click.echo(f"{pos:3d} (step {cand.step:3d}): {options}")
        return
    assert data is not None  # checked above: --data or --image
    config = EvalConfig(
        data=data, models=models, output=output, split=split, checkpoint=checkpoint,
        read=ReadSettings(lang_list=lang_list, quantize=quantize, device=device, batch_size=batch_size, engine=engine),
        normalization=Normalization(nfc=nfc, collapse_spaces=collapse_spaces, remove_spaces=remove_spaces,
                                    casefold=casefold),
        limit=limit, seed=seed, min_group=min_group)
    report = evaluate(config, progress=not quiet)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    for line in format_report(report):
        click.echo(line)
