"""``easyocr-ko texts``: print synthetic label lines as ``gen --text-mix`` would draw them (registered on the
``easyocr-ko`` group by :mod:`easyocr_ko.cli.main`).

A thin command: it parses the options, calls :func:`easyocr_ko.text.generator.generate_texts` (and
:func:`~easyocr_ko.text.generator.mix_summary` with ``--json``) and prints.  Its options are named as ``gen``'s:
``--count/-c``, ``--seed``, ``--text-mix``, ``--dict``.  Errors are raised as
:class:`~easyocr_ko.errors.EasyOcrKoError` / ``OSError``; the group turns them into one line
``easyocr-ko: error: ...`` and exit status 1.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from easyocr_ko.text.dictionary import load_dictionary
from easyocr_ko.text.generator import TextMix, generate_texts, mix_summary

__all__ = ["texts_cmd"]


@click.command("texts")
@click.option("--count", "-c", type=click.IntRange(min=0), default=20, show_default=True, help="Lines to print.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed and options: same lines.")
@click.option("--text-mix", "text_mix", default=None,
              help="Proportions of the kinds of lines, e.g. 'word=0.4,sentence=0.2,digits=0.15,latin=0.15,name=0.1,"
                   "max_chars=25' [word=0.4,name=0.1,sentence=0.2,digits=0.15,latin=0.15,max_chars=25].")
@click.option("--dict", "dict_paths", multiple=True, type=click.Path(path_type=Path),
              help="Dictionary file (repeatable) [shipped].")
@click.option("--json", "as_json", is_flag=True, help="Print a summary (mix_summary) as JSON instead of lines.")
def texts_cmd(count: int, seed: int, text_mix: str | None, dict_paths: tuple[Path, ...], as_json: bool) -> None:
    """Print synthetic text lines (kind<TAB>text) as gen --text-mix would draw them."""
    mix = TextMix.parse(text_mix) if text_mix else TextMix()
    samples = generate_texts(count, load_dictionary(dict_paths).words, seed, mix)
    if as_json:
        click.echo(json.dumps(mix_summary(samples), ensure_ascii=False, indent=2))
        return
    for text, kind in samples:
        click.echo(f"{kind}\t{text}")
