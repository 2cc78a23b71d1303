"""Helpers of the command-line tests (tests/cli/): the one-line error contract and option values every verb
taking ``--augment`` refuses; the hostile-input tests at the root use them too."""
from __future__ import annotations

from pathlib import Path

from click.testing import Result

# --augment values gen and finetune refuse, each with fragments of the one error line it gives.
BAD_AUGMENT = [
    ("bogus", ["unknown augment preset 'bogus'", "none, light, handwriting, full"]),
    ("light,blur_p", ["augment option 'blur_p' must be key=value"]),
    ("full,warp_p=0.5", ["unknown augment option 'warp_p'"]),
    ("handwriting,noise_p=often", ["augment option noise_p must be a number, got 'often'"]),
    ("full,jpeg_quality=5", ["augment option jpeg_quality must be in [10, 95], got 5"]),
]


def one_line_error(result: Result, *fragments: str, log_before: bool = False) -> str:
    """A user error: exit status 1 and one ``easyocr-ko: error: ...`` line holding every fragment, alone on stderr
    (with ``log_before``: after finetune's log blocks, which go to stderr by design, as its last line).  Returns
    the line."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    lines = result.stderr.splitlines()
    if log_before:
        assert lines and sum(line.startswith("easyocr-ko:") for line in lines) == 1, result.stderr
        lines = lines[-1:]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("easyocr-ko: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def assert_one_line_error(result: Result, *fragments: str) -> None:
    """:func:`one_line_error`, and nothing on stdout."""
    one_line_error(result, *fragments)
    assert result.stdout == ""


def assert_rejected(result: Result, out: Path, *fragments: str) -> None:
    """A user error (as :func:`assert_one_line_error`) found before the output folder ``out`` was made."""
    assert_one_line_error(result, *fragments)
    assert not out.exists(), sorted(out.rglob("*"))  # rejected before the output folder was made
