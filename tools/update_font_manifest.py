"""Refresh the measured fields of ``fonts/manifest.json`` after adding or changing a shipped font.

Maintainer tool, not part of the installed package.  It recounts, for every font the manifest lists, its family
and style names, SHA-256, the Hangul syllables it really draws (of the 11,172) and the printable ASCII characters
it draws, keeping the hand-entered fields (file, licence, licence_files, source, handwriting), and writes the
manifest atomically (:func:`easyocr_ko.synth.fonts.update_manifest`).  Checking all 32 shipped fonts takes a few
minutes.

Usage (from the repository root)::

    .venv/bin/python tools/update_font_manifest.py            # the shipped fonts/ folder
    .venv/bin/python tools/update_font_manifest.py --folder F # another folder with a manifest.json

Then update the table in ``fonts/README.md`` from the printed counts.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.synth.fonts import update_manifest


def main(argv: list[str] | None = None) -> int:
    """Refresh the manifest and print one line per font; return the exit status (1 on a user error)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="folder of manifest.json and its fonts [the shipped fonts/]")
    args = parser.parse_args(argv)
    try:
        entries = update_manifest(args.folder)
    except (EasyOcrKoError, OSError) as err:
        print(f"update_font_manifest: error: {err}", file=sys.stderr)
        return 1
    for e in entries:
        print(f"{e['file']:28s} {e['family']:24s} hangul={e['hangul_syllables']:5d} ascii={e['ascii_printable']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
