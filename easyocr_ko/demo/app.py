"""The web page of ``easyocr-ko demo``, built with Gradio (the ``[demo]`` extra, imported only here and only when
the demo runs): upload a photo and see its text boxes drawn with each text and confidence, or write Korean on a
drawing pad with the mouse, a finger or a stylus and see what the recognizer reads.

Nothing leaves the machine: Gradio's analytics and version check are off, there is no share link, the fonts are
Gradio's own local files, and the server binds to 127.0.0.1 unless told otherwise.  A bad upload (empty, too
large, not an image) gets a message on the page, never a traceback, and the server goes on serving.
"""
from __future__ import annotations

import logging
import os
import socket
import sys
from dataclasses import dataclass
from typing import Any

from easyocr_ko.demo import DEFAULT_MAX_UPLOAD_MB
from easyocr_ko.demo.reading import DemoInputError, DemoReader
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.resources import BUNDLED_NAME, fonts_dir

__all__ = ["DemoConfig", "import_gradio", "build_page", "serve_demo"]

log = logging.getLogger(__name__)
INSTALL_HINT = "pip install -e '.[demo]' in the easyocr-ko checkout"
PAD_SIZE = (900, 300)  # drawing pad canvas, px (width, height): room for a word or two
PAGE_FONT = "NanumSquareRoundR.ttf"  # a shipped Hangul font (1 MB) served with the page (NanumGothic.ttf has an
# empty TSI3 table, which Chromium's font sanitizer refuses)
PAGE_NOTE = ("Reads with **{model}** beside EasyOCR's CRAFT detector, on this machine; nothing is sent anywhere. "
             "Upload a photo to see its text boxes, or write Korean on the pad below.")


@dataclass(frozen=True)
class DemoConfig:
    """Options of ``easyocr-ko demo``.

    Attributes:
        model: what ``read --model`` accepts: ``korean_hw`` (bundled), a trio folder/file, a run folder, a
            checkpoint.
        checkpoint: which checkpoint of a run folder (``best_accuracy``, ``best_norm_ED``, ``last``).
        host: address to bind (``127.0.0.1``: this machine only).
        port: TCP port (1-65535).
        max_upload_mb: largest upload accepted, MB (> 0).
        gpu: read on CUDA.
    """

    model: str = BUNDLED_NAME
    checkpoint: str = "best_accuracy"
    host: str = "127.0.0.1"
    port: int = 7860
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    gpu: bool = False


def import_gradio() -> Any:
    """Import Gradio with its analytics and version check turned off (before the import, as Gradio reads the
    setting then).

    Returns:
        The ``gradio`` module.

    Raises:
        EasyOcrKoError: Gradio is not installed (the message says how to install the ``[demo]`` extra).
    """
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    try:
        import gradio
    except ImportError as err:
        raise EasyOcrKoError(f"the web demo needs Gradio, which cannot be imported ({err}): {INSTALL_HINT}") from None
    return gradio


def _cell(text: str) -> str:
    """A text as one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or "(nothing)"


def _rows_markdown(rows: list[dict], model: str) -> str:
    if not rows:
        return f"No text found by the detector (model {model})."
    lines = [f"**{len(rows)} box(es)**, model {model}:", "", "| # | text | confidence | box (x0,y0 x1,y1) |",
             "|---:|---|---:|---|"]
    for i, row in enumerate(rows, 1):
        (x0, y0), (x1, y1) = row["box"][0], row["box"][2]
        lines.append(f"| {i} | {_cell(row['text'])} | {row['confidence']:.4f} | {x0},{y0} {x1},{y1} |")
    return "\n".join(lines)


def _failure(err: Exception) -> str:
    """The page's message for an upload or drawing that could not be read (no traceback; bugs are logged)."""
    if isinstance(err, (EasyOcrKoError, OSError)):
        text = str(err).splitlines()[0] if str(err) else type(err).__name__
        return f"⚠️ **Could not read it:** {text}"
    log.error("the demo failed on an input", exc_info=err)
    return f"⚠️ **Could not read it:** an internal error ({type(err).__name__}); the server log has the details"


def photo_handler(reader: DemoReader) -> Any:
    """The upload's event handler: file path (or ``None``) -> (photo with boxes uint8 RGB (H, W, 3) or ``None``,
    Markdown)."""
    def read_photo(path: str | None) -> tuple[Any, str]:
        if path is None:
            return None, ""
        try:
            result = reader.read_photo(path)
        except Exception as err:  # every failure becomes a message on the page
            return None, _failure(err)
        return result.image, _rows_markdown(result.rows, reader.name)
    return read_photo


def pad_handler(reader: DemoReader) -> Any:
    """The pad's event handler: the Sketchpad's value (a dict with ``composite``, uint8 (H, W) grey) -> Markdown."""
    def read_pad(value: dict | None) -> str:
        try:
            composite = None if value is None else value.get("composite")
            if composite is None:
                raise DemoInputError("the pad is empty: write a word on it first")
            row = reader.read_drawing(composite)
        except Exception as err:  # every failure becomes a message on the page
            return _failure(err)
        text = row["text"] or "(nothing)"
        return f"Reading: **{_cell(text)}** (confidence {row['confidence']:.4f})"
    return read_pad


def build_page(reader: DemoReader, gr: Any) -> Any:
    """The demo page.

    Args:
        reader: the loaded :class:`~easyocr_ko.demo.reading.DemoReader`.
        gr: the ``gradio`` module (:func:`import_gradio`).

    Returns:
        A ``gradio.Blocks``, not launched.
    """
    with gr.Blocks(title="easyocr-ko demo", analytics_enabled=False) as page:
        gr.Markdown("# easyocr-ko: Korean handwriting recognition\n" + PAGE_NOTE.format(model=reader.name))
        gr.Markdown("## Read a photo")
        with gr.Row():
            upload = gr.File(label="Photo (PNG, JPEG, BMP, TIFF, WebP)", file_count="single", type="filepath",
                             elem_id="photo-upload", scale=1)
            boxes = gr.Image(label="Boxes, texts and confidences", type="numpy", interactive=False,
                             buttons=["download", "fullscreen"], elem_id="photo-boxes", scale=2)
        photo_text = gr.Markdown(elem_id="photo-result")
        gr.Markdown("## Write on the pad\nPick the brush (left of the pad), write a word with the mouse, a finger "
                    "or a stylus, then press **Read**.")
        pad = gr.Sketchpad(label="Drawing pad", type="numpy", image_mode="L", canvas_size=PAD_SIZE,
                           brush=gr.Brush(default_size=6, colors=["#000000"], color_mode="fixed"), layers=False,
                           buttons=["download", "fullscreen"], elem_id="drawing-pad")
        read_button = gr.Button("Read", variant="primary", elem_id="read-drawing")
        pad_text = gr.Markdown(elem_id="pad-result")
        upload.upload(photo_handler(reader), inputs=upload, outputs=[boxes, photo_text])
        upload.clear(lambda: (None, ""), outputs=[boxes, photo_text])
        read_button.click(pad_handler(reader), inputs=pad, outputs=pad_text)
    return page


def _page_style(gr: Any) -> tuple[Any, str, list[str]]:
    """Gradio's default theme with a shipped Hangul font after its own (local) fonts, so that the page shows Korean
    even in a browser without a Korean system font: (theme, CSS, the font file to serve)."""
    font = fonts_dir() / PAGE_FONT
    if not font.is_file():
        return gr.themes.Default(), "", []
    css = ("@font-face { font-family: 'easyocr-ko-hangul'; "
           f"src: url('/gradio_api/file={font.resolve().as_posix()}') format('truetype'); }}")
    theme = gr.themes.Default(font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 600)),
                                    "easyocr-ko-hangul", "ui-sans-serif", "system-ui", "sans-serif"])
    return theme, css, [str(font.resolve())]


def _check_port(host: str, port: int) -> None:
    """Refuse a port out of range or in use before the model is loaded (Gradio's own message names its internals)."""
    if not 1 <= port <= 65535:
        raise EasyOcrKoError(f"--port must be in 1..65535, not {port}")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        raise EasyOcrKoError(f"cannot serve on {host}:{port} ({err.strerror or err}): pick another --port or "
                             "--host") from None


def serve_demo(config: DemoConfig) -> None:
    """Load the recognizer and CRAFT, then serve the page at ``http://HOST:PORT/`` until interrupted (the URL is
    printed on stderr once it serves).

    Raises:
        EasyOcrKoError: Gradio is not installed; the model or CRAFT is missing or refused; a bad option.
        OSError: the port cannot be bound.
    """
    _check_port(config.host, config.port)
    gr = import_gradio()
    reader = DemoReader(config.model, config.checkpoint, config.gpu, config.max_upload_mb)
    page = build_page(reader, gr)
    page.queue(default_concurrency_limit=1)
    theme, css, served = _page_style(gr)
    page.launch(server_name=config.host, server_port=config.port, share=False, inbrowser=False, quiet=True,
                prevent_thread_lock=True, max_file_size=reader.max_bytes, show_error=False, footer_links=[],
                ssr_mode=False, pwa=False, mcp_server=False, enable_monitoring=False, run_history=False,
                allowed_paths=served, theme=theme, css=css)
    print(f"easyocr-ko demo: serving http://{config.host}:{config.port}/ (model {reader.name}); Ctrl+C stops it",
          file=sys.stderr, flush=True)
    page.block_thread()
