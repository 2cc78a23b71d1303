"""Option values the verbs' configs reject, through click's CliRunner: one line on stderr naming the bad value,
exit status 1, and nothing written (the check runs when the config is built, before any output exists)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from easyocr_ko.cli import main


def _run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _assert_rejected(result: Result, out: Path, *fragments: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("easyocr-ko: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert result.stdout == ""
    assert not out.exists(), sorted(out.rglob("*"))  # rejected before the output folder was made


BAD_AUGMENT = [
    ("bogus", ["unknown augment preset 'bogus'", "none, light, handwriting, full"]),
    ("light,blur_p", ["augment option 'blur_p' must be key=value"]),
    ("full,warp_p=0.5", ["unknown augment option 'warp_p'"]),
    ("handwriting,noise_p=often", ["augment option noise_p must be a number, got 'often'"]),
    ("full,jpeg_quality=5", ["augment option jpeg_quality must be in [10, 95], got 5"]),
]


@pytest.mark.parametrize("spec, fragments", BAD_AUGMENT, ids=[s for s, _ in BAD_AUGMENT])
def test_gen_rejects_a_bad_augment_before_writing(tmp_path: Path, spec: str, fragments: list[str]) -> None:
    out = tmp_path / "out"
    result = _run("gen", "--output", out, "--count", 4, "--workers", 1, "-q", "--augment", spec)
    _assert_rejected(result, out, *fragments)


def test_gen_rejects_a_bad_augment_from_the_config_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config_file = tmp_path / "gen.yaml"
    config_file.write_text(yaml.safe_dump({"augment": "fancy", "count": 4}), encoding="utf-8")
    result = _run("gen", "--output", out, "--config", config_file, "-q")
    _assert_rejected(result, out, "unknown augment preset 'fancy'")


def test_an_explicit_augment_overrides_a_bad_one_in_the_config_file(tmp_path: Path) -> None:
    """Explicit options win over the file, so only the resolved value is checked: here the error is the
    next problem (no dictionary file), not the file's augment."""
    out = tmp_path / "out"
    config_file = tmp_path / "gen.yaml"
    config_file.write_text(yaml.safe_dump({"augment": "fancy"}), encoding="utf-8")
    result = _run("gen", "--output", out, "--config", config_file, "--augment", "light", "--dict",
                  tmp_path / "missing.txt", "-q")
    assert result.exit_code == 1
    assert "fancy" not in result.stderr and "missing.txt" in result.stderr


@pytest.mark.parametrize("spec, fragments", BAD_AUGMENT, ids=[s for s, _ in BAD_AUGMENT])
def test_finetune_rejects_a_bad_augment_before_writing(tmp_path: Path, spec: str, fragments: list[str]) -> None:
    out = tmp_path / "run"
    data = tmp_path / "data"
    data.mkdir()
    result = _run("finetune", "--data", data, "--output", out, "--num-iter", 1, "--device", "cpu", "-q",
                  "--augment", spec)
    _assert_rejected(result, out, *fragments)
