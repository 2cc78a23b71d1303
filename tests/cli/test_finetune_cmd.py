"""Tests of easyocr_ko.cli.finetune_cmd, the ``finetune`` verb through click's CliRunner: option values its config
rejects give one line on stderr, exit status 1, and no run folder. (Training through the CLI is tested in
tests/training/.)"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from easyocr_ko.cli import main

from _cli import BAD_AUGMENT, assert_rejected


def _run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("spec, fragments", BAD_AUGMENT, ids=[s for s, _ in BAD_AUGMENT])
def test_finetune_rejects_a_bad_augment_before_writing(tmp_path: Path, spec: str, fragments: list[str]) -> None:
    out = tmp_path / "run"
    data = tmp_path / "data"
    data.mkdir()
    result = _run("finetune", "--data", data, "--output", out, "--num-iter", 1, "--device", "cpu", "-q",
                  "--augment", spec)
    assert_rejected(result, out, *fragments)
