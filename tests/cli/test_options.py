"""Tests of easyocr_ko.cli.options, what the command modules share: the debug switch, path options that leave the
existence check to the library, and JSON output."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from easyocr_ko.cli.main import main
from easyocr_ko.cli.options import DEBUG_ENV, EXISTING, debug_requested, echo_json


@pytest.mark.parametrize("value, wanted", [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False),
                                           ("", False), ("no", False), ("2", False)])
def test_debug_requested_by_the_environment(monkeypatch, value: str, wanted: bool) -> None:
    monkeypatch.setenv(DEBUG_ENV, value)
    assert debug_requested(click.Context(main)) is wanted


def test_debug_requested_by_the_flag(monkeypatch) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    ctx = click.Context(main)
    assert not debug_requested(ctx)
    ctx.params["debug"] = True
    assert debug_requested(ctx)


def test_existing_paths_are_not_checked_by_click(tmp_path: Path) -> None:
    """The library reports a missing path in one line (exit 1); click would print its usage and exit 2."""
    missing = tmp_path / "missing.txt"
    assert EXISTING.convert(str(missing), None, None) == missing


def test_echo_json_is_indented_with_hangul_unescaped(capsys) -> None:
    echo_json({"text": "한글", "n": [1]})
    assert capsys.readouterr().out == '{\n "text": "한글",\n "n": [\n  1\n ]\n}\n'
