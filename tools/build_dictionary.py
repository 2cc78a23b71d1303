"""Maintainer script: rebuild the shipped default dictionary ``dicts/ko_default.txt`` and print counts per source.

Usage (from the repository root, with easyocr-ko installed, e.g. ``pip install -e .``)::

    python tools/build_dictionary.py --nikl ../shared/data/vocab/nikl_2003_korean_learners_vocab_5965.csv \\
        --loanwords ../shared/data/vocab/loanwords_2730.txt

The recipe (sources, order, cleaning) is :func:`easyocr_ko.text.dictionary.build_default_dictionary`; this script
only parses the options, writes the file atomically and prints one ``source<TAB>count`` line per source, then
``total<TAB>n`` and ``duplicates dropped<TAB>n``.  See ``dicts/README.md`` for the sources and their licences.
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from easyocr_ko.fsutil import write_lines_atomic
from easyocr_ko.resources import dicts_dir
from easyocr_ko.text.dictionary import ENGLISH_WORDS_FILE, build_default_dictionary

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Rebuild ``dicts/ko_default.txt`` (or ``--out``) from the NIKL CSV, the loanword list and the English list.

    Args:
        argv: command-line arguments (default: ``sys.argv[1:]``).

    Raises:
        SystemExit: bad options (argparse prints the usage).
        FileNotFoundError / EasyOcrKoError: a source is missing, not UTF-8 or lacks the ``단어`` column.
        OSError: the output cannot be written.
    """
    parser = argparse.ArgumentParser(description="Rebuild dicts/ko_default.txt and print counts per source.")
    parser.add_argument("--nikl", type=Path, required=True, help="nikl_2003_korean_learners_vocab_5965.csv")
    parser.add_argument("--loanwords", type=Path, required=True, help="loanwords_2730.txt")
    parser.add_argument("--english", type=Path, default=None, help="English word list (default: shipped)")
    parser.add_argument("--out", type=Path, default=None, help="output (default: dicts/ko_default.txt)")
    args = parser.parse_args(argv)
    english = args.english or dicts_dir() / ENGLISH_WORDS_FILE
    out = args.out or dicts_dir() / "ko_default.txt"
    dictionary = build_default_dictionary(args.nikl, args.loanwords, english)
    write_lines_atomic(dictionary.words, out)
    for source, n in dictionary.per_source.items():
        print(f"{source}\t{n}")
    print(f"total\t{len(dictionary)}")
    print(f"duplicates dropped\t{dictionary.skipped['duplicate']}")


if __name__ == "__main__":
    main()
