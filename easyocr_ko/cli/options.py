"""What the command modules share: path types, the debug switch and JSON output."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

__all__ = ["PATH", "EXISTING", "DEBUG_ENV", "debug_requested", "echo_json"]

PATH = click.Path(path_type=Path)
# Existence is checked by the library, which reports a missing path in one line with exit code 1 (click would
# print its usage text and exit 2).
EXISTING = click.Path(path_type=Path)
DEBUG_ENV = "EASYOCR_KO_DEBUG"


def debug_requested(ctx: click.Context) -> bool:
    """``--debug`` on the group, or ``EASYOCR_KO_DEBUG`` set to 1/true/yes/on."""
    return bool(ctx.params.get("debug")) or os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON with Hangul unescaped."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))
