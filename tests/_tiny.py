"""Tiny models and datasets for CPU tests of training, export and evaluation (not a test module)."""
from __future__ import annotations

import io
from pathlib import Path

import torch
from PIL import Image, ImageDraw, ImageFont

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.datasets.dtrb import write_lmdb
from easyocr_ko.recognizer.model import build_model
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT

FONT = Path(__file__).resolve().parent.parent / "fonts" / "Bandal.ttf"
WORDS = ["가나", "나다", "다라", "라마", "마바", "바사", "사아", "아자", "가다", "나라", "다마", "라바", "마사", "바아",
         "사자", "아가"]
TINY_PARAMS = {"input_channel": 1, "output_channel": 64, "hidden_size": 64}


def render_png(text: str, height: int = 32, font: Path = FONT, offset: int = 0) -> bytes:
    """Black text on white, ``height`` px tall, as PNG bytes."""
    f = ImageFont.truetype(str(font), int(height * 0.75))
    width = int(f.getlength(text)) + 8
    img = Image.new("L", (width, height), 255)
    ImageDraw.Draw(img).text((4 + offset, height // 8), text, font=f, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def make_dataset(root: Path, words: list[str] = WORDS, val_words: list[str] | None = None, height: int = 32,
                 val_offset: int = 1) -> Path:
    """A gen-like output folder: root/lmdb/train and root/lmdb/validation (drawn ``val_offset`` px to the right)."""
    write_lmdb(((render_png(w, height), w) for w in words), root / "lmdb" / "train")
    write_lmdb(((render_png(w, height, offset=val_offset), w) for w in (val_words or words)),
               root / "lmdb" / "validation")
    return root


def tiny_checkpoint(path: Path, character: str = "가나다라마바사아자", imgH: int = 32, seed: int = 0) -> Path:
    """An easyocr-ko checkpoint of a tiny gen2 model (:data:`TINY_PARAMS`: output_channel 64, hidden 64)."""
    torch.manual_seed(seed)
    model = build_model(len(character) + 1, **TINY_PARAMS)
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": character,
                "network_params": dict(TINY_PARAMS), "imgH": imgH}, path)
    return path


def reader_first_passes(reader, crops: list) -> tuple[list, list]:
    """``reader.recognize(crop)`` on each crop alone: its ``(text, confidence)`` per crop and the logits
    (1, T, num_class) of its first pass (a low-confidence read runs a second, contrast-adjusted one)."""
    captured, firsts, theirs = [], [], []
    hook = reader.recognizer.register_forward_hook(lambda _m, _i, out: captured.append(out.detach().clone()))
    try:
        for crop in crops:
            captured.clear()
            theirs.append(reader.recognize(crop)[0][1:])
            firsts.append(captured[0])
    finally:
        hook.remove()
    return theirs, firsts


def recognize(model, codec, crops: list, imgH: int = 64) -> list[tuple[str, float]]:
    """Read greyscale crops one by one as a CPU ``Reader.recognize`` does (each crop its own batch, Reader's
    contrast retry): ``(text, confidence)`` per crop."""
    from easyocr_ko.recognizer.predict import RecognizeOptions, read_batch

    return [(r.text, r.confidence) for crop in crops
            for r in read_batch(model, codec, [crop], RecognizeOptions(imgH=imgH))]


def folder_set(root: Path, words: list[str], height: int = 32, fonts: list[Path] | None = None,
               kinds: list[str] | None = None) -> Path:
    """A DTRB folder (gt.txt + PNGs) of ``words`` for eval; with ``fonts``, gen's fonts.tsv (word k drawn with font
    k mod len(fonts)), with ``kinds`` also its ``kind`` column (word k has kind k mod len(kinds)).  Every third
    word is drawn 9 px taller, and words shift by 0-2 px."""
    (root / "images").mkdir(parents=True)
    gt, manifest = [], ["index\timage\tfont\tfamily" + ("\tkind\trenderer" if kinds else "")]
    for k, word in enumerate(words):
        font = fonts[k % len(fonts)] if fonts else FONT
        name = f"images/{k + 1:09d}.png"
        (root / name).write_bytes(render_png(word, height if k % 3 else height + 9, font=font, offset=k % 3))
        gt.append(f"{name}\t{word}")
        manifest.append(f"{k + 1}\t{name}\t{font.name}\t{font.stem}"
                        + (f"\t{kinds[k % len(kinds)]}\ttrdg" if kinds else ""))
    (root / "gt.txt").write_text("\n".join(gt) + "\n", encoding="utf-8")
    if fonts:
        (root / "fonts.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return root


def tiny_finetune_config(data: Path, init: Path, out: Path, **kw) -> FinetuneConfig:
    """A FinetuneConfig for the tiny tests: ``data`` (one set), ``init`` (:func:`tiny_checkpoint`), run folder
    ``out``, imgH 32, batch 16, 10 steps, validation every 5, Adam lr 3e-3, seed 7, one thread; ``kw`` override."""
    base = dict(data=(data,), output=out, pretrained=str(init), imgH=32, batch_size=16, num_iter=10,
                val_interval=5, optim="adam", lr=3e-3, seed=7, num_threads=1, show_examples=2)
    base.update(kw)
    return FinetuneConfig(**base)
