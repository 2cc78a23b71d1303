"""``easyocr-ko eval`` end to end (:mod:`easyocr_ko.evaluation.evaluate`): scoring several models of one set with
normalisation, limit and groups, and one-line errors for bad input."""
from __future__ import annotations

import shutil

import pytest
import torch
import yaml
from click.testing import CliRunner

from easyocr_ko.cli import main
from easyocr_ko.datasets.dtrb import write_lmdb
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.evaluate import evaluate
from easyocr_ko.evaluation.metrics import Normalization
from easyocr_ko.evaluation.options import EvalConfig
from easyocr_ko.evaluation.read import ReadSettings
from easyocr_ko.evaluation.report import format_report
from easyocr_ko.evaluation.sets import load_eval_set

from _tiny import FONT, WORDS, folder_set


def test_evaluate_api_normalization_limit_and_json(run, tmp_path):
    folder = folder_set(tmp_path / "set", WORDS)
    config = EvalConfig(data=folder, models=(str(run), str(run / "best_accuracy.pth")), limit=5, seed=3,
                        read=ReadSettings(quantize=False, device="cpu"),
                        normalization=Normalization(casefold=True, remove_spaces=True), min_group=1)
    report = evaluate(config)
    assert [r.spec.name for r in report.results] == ["run", "run#2"]
    assert [r.spec.kind for r in report.results] == ["checkpoint", "checkpoint"]
    again = load_eval_set(folder, limit=5, seed=3)
    assert report.evalset.ids == again.ids == sorted(again.ids) and len(again.ids) == 5 and again.total == 16
    assert report.results[0].summary.normalization == \
           "NFC; strip outer whitespace; all whitespace removed; casefold (case-insensitive)"
    assert [r.text for r in report.results[0].predictions.readings] == \
           [r.text for r in report.results[1].predictions.readings]
    data = report.to_json()
    assert data["normalization"]["casefold"] is True and data["samples"] == 5
    assert "font" not in data["models"]["run"]["groups"]  # no fonts.tsv: no font groups, no chart
    assert report.files == []


def test_text_kind_groups_from_gen_manifest(run, tmp_path):
    folder = folder_set(tmp_path / "set", WORDS[:9], fonts=[FONT], kinds=["word", "name", "digits"])
    report = evaluate(EvalConfig(data=folder, models=(str(run),), read=ReadSettings(quantize=False, device="cpu"),
                                 min_group=1))
    groups = report.results[0].groups["text_kind"]
    assert {k: g.n for k, g in groups.items()} == {"digits": 3, "name": 3, "word": 3}
    text = "\n".join(format_report(report))
    assert "CER per text kind" in text and "\ndigits " in text


# ---------------------------------------------------------------- bad input: one line, exit 1

def _fails(args: list[str], match: str) -> None:
    result = CliRunner().invoke(main, ["eval", *args, "-q", "--device", "cpu"])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("easyocr-ko: error: "), result.stderr
    assert match in result.stderr, result.stderr


def test_bad_inputs(run, trio_name, tmp_path, monkeypatch):
    model = str(run)
    folder = folder_set(tmp_path / "set", WORDS[:3])
    (folder / "images" / "000000002.png").unlink()
    _fails(["--data", str(folder), "--model", model], "gt.txt:2: image not found")

    latin1 = folder_set(tmp_path / "latin1", WORDS[:2])
    (latin1 / "gt.txt").write_bytes("images/000000001.png\tcafé\n".encode("latin-1"))
    _fails(["--data", str(latin1), "--model", model], "is not UTF-8")

    write_lmdb(iter([]), tmp_path / "empty" / "lmdb" / "validation")
    _fails(["--data", str(tmp_path / "empty"), "--model", model], "no usable sample")
    _fails(["--data", str(tmp_path / "empty"), "--model", model, "--split", "test"], "has no test split")

    trio = tmp_path / "trio"
    shutil.copytree(run / "export", trio)
    yaml_file = trio / "user_network" / f"{trio_name}.yaml"
    config = yaml.safe_load(yaml_file.read_text(encoding="utf-8"))
    config["character_list"] = config["character_list"][:-1]
    yaml_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    good = folder_set(tmp_path / "good", WORDS[:2])
    _fails(["--data", str(good), "--model", str(trio)], "8 characters (+ blank = 9 classes) but")

    state = torch.load(trio / "model" / f"{trio_name}.pth", weights_only=True)
    torch.save({k[7:]: v for k, v in state.items()}, trio / "model" / f"{trio_name}.pth")
    _fails(["--data", str(good), "--model", str(trio / "model" / f"{trio_name}.pth")], "must start with 'module.'")

    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "no_easyocr_here"))
    _fails(["--data", str(good), "--model", "korean_g2"], "korean_g2.pth is not in")
    _fails(["--data", str(good), "--model", model, "--lang", "xx"], "unknown language code 'xx'")
    _fails(["--data", str(tmp_path / "missing"), "--model", model], "dataset not found")

    usage = CliRunner().invoke(main, ["eval", "--model", model])
    assert usage.exit_code == 2 and "--data" in usage.stderr


def test_no_model_and_a_file_as_output_are_refused_before_anything_is_read(tmp_path):
    with pytest.raises(EasyOcrKoError, match="give at least one --model"):
        evaluate(EvalConfig(data=tmp_path / "nothing", models=()))
    (tmp_path / "file").write_text("x")
    with pytest.raises(EasyOcrKoError, match="is a file, not a folder"):
        evaluate(EvalConfig(data=tmp_path / "nothing", models=("english_g2",), output=tmp_path / "file"))
