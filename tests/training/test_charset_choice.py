"""easyocr_ko.training.charset_choice: a fixed charset, the default (the pretrained list extended by the labels),
the resumed run's, and training labels outside a fixed charset (refused, or dropped with skip_unknown)."""
from __future__ import annotations

import pytest

from easyocr_ko.charset import korean_g2_characters, ks_x_1001_hangul
from easyocr_ko.config import FinetuneConfig
from easyocr_ko.datasets.batches import RecognitionData, find_datasets
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import Pretrained
from easyocr_ko.training.charset_choice import choose_charset, run_charset
from easyocr_ko.training.finetune import finetune

from _tiny import WORDS
from _tiny import tiny_finetune_config as _config

NONE = Pretrained(None, "", {}, "none")  # --pretrained none: random initialisation




def test_choose_charset_fixed_or_extended(tmp_path):
    fixed = FinetuneConfig(data=("d",), character="나가", add_ksx1001=True)
    character, is_fixed = choose_charset(fixed, NONE, ["다"])
    assert is_fixed and character.startswith("나가") and len(character) == 2 + len(ks_x_1001_hangul()) - 2
    default, is_fixed = choose_charset(FinetuneConfig(data=("d",)), NONE, ["했", "a"])
    assert not is_fixed and default == korean_g2_characters() + "했"  # korean_g2's list, then the labels' others
    (tmp_path / "chars.txt").write_bytes(b"\xff\xfe")
    with pytest.raises(EasyOcrKoError, match="is not UTF-8"):
        choose_charset(FinetuneConfig(data=("d",), character_file=tmp_path / "chars.txt"), NONE, [])


def test_run_charset_keeps_the_resumed_runs_list(data, tmp_path):
    train = RecognitionData(find_datasets(data, "train"), 25)
    (tmp_path / "character.txt").write_text("가나다라마바사아자차\n", encoding="utf-8")
    config = FinetuneConfig(data=(data,), output=tmp_path, character="가")
    assert run_charset(config, True, NONE, train) == ("가나다라마바사아자차", True)
    with pytest.raises(EasyOcrKoError, match="training label characters are outside the fixed charset"):
        run_charset(config, False, NONE, train)


# ---------------------------------------------------------------- through finetune

def test_fixed_charset_outside_characters(data, init, tmp_path):
    with pytest.raises(EasyOcrKoError, match="outside the fixed charset"):
        finetune(_config(data, init, tmp_path / "a", character="가나다"), log_stream=None)
    summary = finetune(_config(data, init, tmp_path / "b", character="가나다라", skip_unknown=True, num_iter=2,
                               val_interval=2), log_stream=None)
    kept = [w for w in WORDS if set(w) <= set("가나다라")]
    assert summary["train_samples"] == len(kept)
    log = (tmp_path / "b" / "log_train.txt").read_text(encoding="utf-8")
    assert "character outside the charset" in log


def test_default_charset_extends_pretrained_list(data, init, tmp_path):
    finetune(_config(data, init, tmp_path / "run", num_iter=1, val_interval=1), log_stream=None)
    character = (tmp_path / "run" / "character.txt").read_text(encoding="utf-8").rstrip("\n")
    assert character == "가나다라마바사아자"  # the tiny init's own list already covers every label
