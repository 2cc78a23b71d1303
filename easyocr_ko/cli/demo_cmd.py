"""``easyocr-ko demo``: the local web page of :mod:`easyocr_ko.demo.app` (:func:`~easyocr_ko.demo.app.serve_demo`)."""
from __future__ import annotations

import click

from easyocr_ko.demo import DEFAULT_MAX_UPLOAD_MB
from easyocr_ko.resources import BUNDLED_NAME, CHECKPOINT_CHOICES

__all__ = ["demo"]


@click.command()
@click.option("--model", default=BUNDLED_NAME, show_default=True, help="The recognizer: the bundled korean_hw, an "
              "exported trio (folder or file), a finetune run folder or a checkpoint (as read --model).")
@click.option("--checkpoint", type=click.Choice(CHECKPOINT_CHOICES), default="best_accuracy",
              show_default=True, help="Which checkpoint of a --model run folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind: 127.0.0.1 serves this "
              "machine only; 0.0.0.0 serves the network too.")
@click.option("--port", type=int, default=7860, show_default=True, help="TCP port.")
@click.option("--max-upload-mb", type=float, default=DEFAULT_MAX_UPLOAD_MB, show_default=True,
              help="Largest upload accepted, MB.")
@click.option("--gpu/--cpu", default=False, help="Read on CUDA [cpu].")
def demo(model: str, checkpoint: str, host: str, port: int, max_upload_mb: float, gpu: bool) -> None:
    """Serve a web page to try the recognizer: upload a photo and see its text boxes with their texts and
    confidences, or write Korean on a drawing pad and see what it reads.  Needs the [demo] extra
    (pip install -e '.[demo]' in the checkout); nothing is sent off the machine."""
    from easyocr_ko.demo.app import DemoConfig, serve_demo

    serve_demo(DemoConfig(model=model, checkpoint=checkpoint, host=host, port=port, max_upload_mb=max_upload_mb,
                          gpu=gpu))
