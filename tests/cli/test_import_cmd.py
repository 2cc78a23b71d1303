"""Tests of easyocr_ko.cli.import_cmd, the ``import`` verb through click's CliRunner, and its output trained on
with ``finetune`` and evaluated with ``eval``."""
from __future__ import annotations

import click
import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from easyocr_ko.cli import main as cli_main
from easyocr_ko.cli.import_cmd import import_cmd

from _import_helpers import gt, photo, read_image, write_image, write_json
from _tiny import WORDS, render_png, tiny_checkpoint


def _group() -> click.Group:
    """A group of the same class as ``easyocr-ko`` (it formats errors) holding only ``import``."""
    group = type(cli_main)(name="easyocr-ko")
    group.add_command(import_cmd)
    return group


def test_cli_import_gt(tmp_path):
    src = tmp_path / "src"
    write_image(src / "a.png", photo(6, 6, 60))
    write_image(src / "b.png", photo(6, 6, 61))
    (src / "gt.txt").write_text("a.png\t가\nb.png\t나\nc.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(_group(), ["import", "gt", str(src), "-o", str(out), "--split", "0.5,0.5,0",
                                           "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    assert "train: 1 crops from 1 source images" in result.stdout
    assert "validation: 1 crops from 1 source images" in result.stdout
    assert "skipped 1 x malformed gt line" in result.stdout
    assert result.stderr == "easyocr-ko: warning: gt.txt:3: malformed gt line: no tab between image path and label\n"
    saved = (out / "import_config.yaml").read_text(encoding="utf-8")
    assert "seed: 3" in saved and "- 0.5" in saved


def test_cli_bad_split_is_one_error_line(tmp_path):
    src = tmp_path / "src"
    write_image(src / "a.png", photo(6, 6, 62))
    (src / "gt.txt").write_text("a.png\t가\n", encoding="utf-8")
    result = CliRunner().invoke(_group(), ["import", "gt", str(src), "-o", str(tmp_path / "out"),
                                           "--split", "0.7,0.2"])
    assert result.exit_code == 1
    assert result.stderr == ("easyocr-ko: error: --split takes three fractions train,validation,test that sum "
                             "to 1, e.g. 0.8,0.1,0.1; got '0.7,0.2'\n")
    assert not (tmp_path / "out").exists()


def test_cli_config_file_and_options(tmp_path):
    src = tmp_path / "src"
    img = write_image(src / "a.png", photo(20, 20, 63))
    write_json(src / "a.json", {"images": [{"id": 1, "file_name": "a.png"}],
                                "annotations": [{"image_id": 1, "label": "값", "box": [5, 5, 10, 10]}]})
    config = tmp_path / "import.yaml"
    config.write_text("split: [0, 0, 1]\nmargin: 9\nbbox_format: xyxy\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(_group(), ["import", "aihub", str(src), "-o", str(out), "--config", str(config),
                                           "--margin", "1", "--text-field", "label", "--bbox-field", "box", "-q"])
    assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(read_image(out / "test" / "images" / "000000001.png"), img[4:11, 4:11])


@pytest.mark.slow  # trains, then eval builds an easyocr.Reader
def test_import_output_trains_with_finetune_and_evaluates_with_eval(tmp_path):
    """An AI Hub-style set of 12 'photos' (two word boxes each) imports, fine-tunes a tiny model on its train
    split (validating on its validation split) and evaluates on its test split, all through the CLI."""
    src = tmp_path / "aihub"
    images, annotations = [], []
    for k in range(12):
        words = [WORDS[k % len(WORDS)], WORDS[(k + 5) % len(WORDS)]]
        crops = [cv2.imdecode(np.frombuffer(render_png(w, 32), np.uint8), cv2.IMREAD_GRAYSCALE) for w in words]
        page = np.full((90, 20 + max(c.shape[1] for c in crops)), 255, np.uint8)
        for j, crop in enumerate(crops):
            y = 10 + 40 * j
            page[y:y + crop.shape[0], 10:10 + crop.shape[1]] = crop
            annotations.append({"id": str(len(annotations) + 1), "image_id": str(k), "text": words[j],
                                "bbox": [10, y, crop.shape[1], crop.shape[0]]})
        write_image(src / f"page_{k:02d}.png", page)
        images.append({"id": str(k), "width": page.shape[1], "height": page.shape[0],
                       "file_name": f"page_{k:02d}.png"})
    write_json(src / "labels.json", {"images": images, "annotations": annotations})

    out = tmp_path / "crops"
    runner = CliRunner()
    result = runner.invoke(cli_main, ["import", "aihub", str(src), "--output", str(out), "--split", "0.5,0.25,0.25"])
    assert result.exit_code == 0, result.output
    assert {split: len(gt(out, split)) for split in ("train", "validation", "test")} == \
           {"train": 12, "validation": 6, "test": 6}

    init = tiny_checkpoint(tmp_path / "init.pth", imgH=64)  # the default imgH, as for EasyOCR's gen2 models
    run_dir = tmp_path / "run"
    result = runner.invoke(cli_main, ["finetune", "--data", str(out), "--output", str(run_dir), "--pretrained",
                                      str(init), "--num-iter", "4", "--val-interval", "2", "--batch-size", "4",
                                      "--num-threads", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "train 12, valid 6" in result.output
    assert (run_dir / "export" / "model" / "custom.pth").is_file()

    result = runner.invoke(cli_main, ["eval", "--data", str(out), "--split", "test", "--model", str(run_dir),
                                      "--no-quantize", "-q"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("run "))
    assert row.split("|")[1].strip() == "6"
