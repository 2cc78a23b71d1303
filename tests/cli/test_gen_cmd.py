"""Tests of easyocr_ko.cli.gen_cmd: the ``easyocr-ko gen`` and ``easyocr-ko lmdb`` verbs through click's CliRunner:
outputs, exit codes, ``--augment`` values refused before anything is written, and the one-line error contract
("easyocr-ko: error: ..." on stderr, exit status 1)."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from click.testing import CliRunner, Result

from easyocr_ko.cli import main
from easyocr_ko.datasets.dtrb import LmdbDataset
from easyocr_ko.synth import generate as synth

from _cli import BAD_AUGMENT, assert_one_line_error, assert_rejected
from conftest import TINY_WORDS


def _run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _gen(out: Path, dict_file: Path, fonts: list[Path], *extra: object) -> Result:
    font_args = [x for f in fonts for x in ("--font", f)]
    return _run("gen", "-o", out, "--dict", dict_file, *font_args, "--workers", 1, "-q", *extra)


def test_gen_writes_everything(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    result = _gen(out, tiny_dict, two_fonts, "--count", 50, "--seed", 3)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # -q: no progress bar
    assert "dictionary: 12 entries; fonts: 2" in result.stdout
    assert "train: 45 images from" in result.stdout and "validation: 5 images from" in result.stdout
    for split, n in (("train", 45), ("validation", 5)):
        lines = (out / split / "gt.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n and all(line.split("\t")[1] in TINY_WORDS for line in lines)
        assert len(list((out / split / "images").glob("*.png"))) == n
        assert len((out / split / "fonts.tsv").read_text(encoding="utf-8").splitlines()) == n + 1
        assert len(LmdbDataset(out / "lmdb" / split)) == n
        assert (out / "lmdb" / split / "fonts.tsv").is_file()
    assert (out / "contact_sheet.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {s: v["images"] for s, v in summary["splits"].items()} == {"train": 45, "validation": 5}
    config = yaml.safe_load((out / "gen_config.yaml").read_text(encoding="utf-8"))
    assert (config["count"], config["seed"], config["workers"]) == (50, 3, 1)
    assert config["dicts"] == [str(tiny_dict)] and config["fonts"] == [str(f) for f in two_fonts]


def test_gen_config_file_and_cli_precedence(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    config_file = tmp_path / "gen.yaml"
    config_file.write_text("count: 12\nseed: 4\nval_count: 2\nmargins: [2, 2, 2, 2]\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _gen(out, tiny_dict, two_fonts, "--config", config_file, "--count", 10, "--margins", "3")
    assert result.exit_code == 0, result.output
    saved = yaml.safe_load((out / "gen_config.yaml").read_text(encoding="utf-8"))
    assert (saved["count"], saved["seed"], saved["val_count"], saved["margins"]) == (10, 4, 2, [3, 3, 3, 3])
    assert len((out / "train" / "gt.txt").read_text(encoding="utf-8").splitlines()) == 8


def test_gen_unknown_config_key(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    config_file = tmp_path / "gen.yaml"
    config_file.write_text("count: 12\nfont_size: 3\n", encoding="utf-8")
    result = _gen(tmp_path / "out", tiny_dict, two_fonts, "--config", config_file)
    assert_one_line_error(result, "unknown keys font_size")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", ["--dict", "--font"])
def test_gen_missing_input_file(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path], option: str) -> None:
    missing = tmp_path / "missing.txt"
    args = {"--dict": (missing, two_fonts), "--font": (tiny_dict, [missing])}[option]
    assert_one_line_error(_gen(tmp_path / "out", *args), str(missing))


def test_gen_empty_dictionary(tmp_path: Path, two_fonts: list[Path]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    assert_one_line_error(_gen(tmp_path / "out", empty, two_fonts), f"dictionary {empty} is empty")
    assert not (tmp_path / "out").exists()


def test_gen_non_utf8_dictionary(tmp_path: Path, two_fonts: list[Path]) -> None:
    bad = tmp_path / "cp949.txt"
    bad.write_bytes("가방\n".encode("cp949"))
    assert_one_line_error(_gen(tmp_path / "out", bad, two_fonts), "is not UTF-8 text")


def test_gen_font_without_hangul(tmp_path: Path, tiny_dict: Path, bandal: Path, latin_font: Path) -> None:
    result = _gen(tmp_path / "out", tiny_dict, [bandal, latin_font])
    assert_one_line_error(result, f"font {latin_font} draws no Hangul syllable")
    assert not (tmp_path / "out").exists()


def test_gen_non_empty_output_without_overwrite(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    assert_one_line_error(_gen(out, tiny_dict, two_fonts, "-c", 5), f"output folder {out} is not empty",
                           "--overwrite")
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]


def test_gen_overwrite_refuses_foreign_files(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    assert _gen(out, tiny_dict, two_fonts, "-c", 5).exit_code == 0
    before = (out / "train" / "gt.txt").read_bytes()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    assert_one_line_error(_gen(out, tiny_dict, two_fonts, "-c", 5, "--seed", 1, "--overwrite"),
                           "--overwrite refused", "mine.txt")
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert (out / "train" / "gt.txt").read_bytes() == before


def test_gen_overwrite_replaces_earlier_output(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    assert _gen(out, tiny_dict, two_fonts, "-c", 5).exit_code == 0
    result = _gen(out, tiny_dict, two_fonts, "-c", 8, "--overwrite")
    assert result.exit_code == 0, result.output
    assert len(LmdbDataset(out / "lmdb" / "train")) + len(LmdbDataset(out / "lmdb" / "validation")) == 8


def test_gen_bad_option_value(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    result = _gen(tmp_path / "out", tiny_dict, two_fonts, "--val-font", "nope")
    assert_one_line_error(result, "--val-font 'nope' matches no font")


def test_gen_interrupted(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(synth, "render_text", interrupt)
    out = tmp_path / "out"
    result = _gen(out, tiny_dict, two_fonts, "-c", 5)
    assert result.exit_code == 130
    assert result.stderr.splitlines() == ["easyocr-ko: interrupted; nothing half-written was kept"]
    assert sorted(p.name for p in out.iterdir()) == ["gen_config.yaml"]


# ---------------------------------------------------------------- --augment values gen refuses


@pytest.mark.parametrize("spec, fragments", BAD_AUGMENT, ids=[s for s, _ in BAD_AUGMENT])
def test_gen_rejects_a_bad_augment_before_writing(tmp_path: Path, spec: str, fragments: list[str]) -> None:
    out = tmp_path / "out"
    result = _run("gen", "--output", out, "--count", 4, "--workers", 1, "-q", "--augment", spec)
    assert_rejected(result, out, *fragments)


def test_gen_rejects_a_bad_augment_from_the_config_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config_file = tmp_path / "gen.yaml"
    config_file.write_text(yaml.safe_dump({"augment": "fancy", "count": 4}), encoding="utf-8")
    result = _run("gen", "--output", out, "--config", config_file, "-q")
    assert_rejected(result, out, "unknown augment preset 'fancy'")


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


# ---------------------------------------------------------------- easyocr-ko lmdb


@pytest.fixture
def dtrb_folder(tmp_path: Path) -> Path:
    root = tmp_path / "dtrb"
    root.mkdir()
    for i, value in enumerate((0, 120, 255), start=1):
        ok, buf = cv2.imencode(".png", np.full((10, 30), value, dtype=np.uint8))
        (root / f"{i}.png").write_bytes(buf.tobytes())
    (root / "gt.txt").write_text("1.png\t가방\n2.png\t나무\n3.png\t다리미\n", encoding="utf-8")
    return root


def test_lmdb_converts_a_folder(tmp_path: Path, dtrb_folder: Path) -> None:
    out = tmp_path / "db"
    result = _run("lmdb", dtrb_folder, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote 3 samples to {out}\n"
    db = LmdbDataset(out)
    assert db.labels() == ["가방", "나무", "다리미"]
    assert db[1][0] == (dtrb_folder / "2.png").read_bytes()
    assert_one_line_error(_run("lmdb", dtrb_folder, "-o", out), "already exists")
    assert _run("lmdb", dtrb_folder, "-o", out, "--overwrite").exit_code == 0


def test_lmdb_bad_line_and_skip_bad(tmp_path: Path, dtrb_folder: Path) -> None:
    gt = dtrb_folder / "gt.txt"
    gt.write_text(gt.read_text(encoding="utf-8") + "4.png\t라디오\n5.png 마음\n", encoding="utf-8")
    # the gt file is parsed first: its malformed line 5 is reported before the missing image of line 4
    assert_one_line_error(_run("lmdb", dtrb_folder, "-o", tmp_path / "db"),
                           f"{gt}:5: no tab between image path and label")
    assert not (tmp_path / "db").exists()
    result = _run("lmdb", dtrb_folder, "-o", tmp_path / "db", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"wrote 3 samples to {tmp_path / 'db'}", "skipped 1 x image not found",
                                          "skipped 1 x no tab between image path and label"]


def test_lmdb_other_gt_file(tmp_path: Path, dtrb_folder: Path) -> None:
    val = tmp_path / "val.txt"
    val.write_text("3.png\t하늘\n", encoding="utf-8")
    result = _run("lmdb", dtrb_folder, "-o", tmp_path / "db", "--gt", val)
    assert result.exit_code == 0, result.output
    assert LmdbDataset(tmp_path / "db").labels() == ["하늘"]


@pytest.mark.slow
def test_gen_with_the_shared_clova_woff_folder(tmp_path: Path, shared_dir: Path) -> None:
    """Issue 10's done-when: `easyocr-ko gen --font ../shared/data/fonts/clova --count 200 --output X` (52 .woff
    writers) writes a complete dataset whose images are drawn in those fonts."""
    clova = shared_dir / "data" / "fonts" / "clova"
    if not clova.is_dir():
        pytest.skip("shared CLOVA fonts not present")
    out = tmp_path / "clova"
    result = _run("gen", "--font", clova, "--count", 200, "--output", out, "--workers", 2, "-q")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sum(s["images"] for s in summary["splits"].values()) == 200
    rows = [line.split("\t") for line in (out / "train" / "fonts.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert len(rows) == summary["splits"]["train"]["images"]
    assert len({r[2] for r in rows}) > 20 and all(r[2].endswith(".woff") for r in rows)
    for split in ("train", "validation"):
        assert len(LmdbDataset(out / "lmdb" / split)) == summary["splits"][split]["images"]
