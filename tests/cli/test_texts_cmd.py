"""Tests of easyocr_ko.cli.texts_cmd: the ``easyocr-ko texts`` verb through click's CliRunner: lines as
kind<TAB>text, the JSON summary, options named as ``gen``'s (``--count/-c``, ``--text-mix``), and the one-line
error contract."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from easyocr_ko.cli import main
from easyocr_ko.text.dictionary import load_dictionary
from easyocr_ko.text.generator import KIND_NAMES, TextMix, generate_texts


def _run(*args: object) -> Result:
    return CliRunner().invoke(main, ["texts", *[str(a) for a in args]])


def _dict(tmp_path: Path) -> Path:
    dictionary = tmp_path / "d.txt"
    dictionary.write_text("사과\n학교\n", encoding="utf-8")
    return dictionary


def test_texts_command_prints_kind_and_text(tmp_path: Path) -> None:
    result = _run("--count", 6, "--text-mix", "word=1", "--dict", _dict(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 6 and all(line in ("word\t사과", "word\t학교") for line in lines)
    bad = _run("--text-mix", "word=x")
    assert bad.exit_code != 0


def test_texts_prints_what_generate_texts_draws() -> None:
    result = _run("-c", 30, "--seed", 4, "--text-mix", "sentence=1,digits=1,latin=1,name=1")
    assert result.exit_code == 0, result.output
    expected = generate_texts(30, load_dictionary().words, 4, TextMix.parse("sentence=1,digits=1,latin=1,name=1"))
    assert result.output.splitlines() == [f"{kind}\t{text}" for text, kind in expected]


def test_texts_json_summary(tmp_path: Path) -> None:
    result = _run("--count", 10, "--text-mix", "word=1", "--dict", _dict(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["lines"] == 10 and summary["per_kind"]["word"] == 10
    assert set(summary["per_kind"]) == set(KIND_NAMES)


def test_texts_bad_mix_is_one_line_error() -> None:
    result = _run("--text-mix", "word=x")
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("easyocr-ko: error: ") and "word='x'" in lines[0]
    assert result.stdout == ""


def test_texts_old_option_names_are_gone() -> None:
    assert _run("--n", 3).exit_code == 2
    assert _run("--mix", "word=1").exit_code == 2
