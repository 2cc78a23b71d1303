"""easyocr_ko.evaluation.sets: an eval set's samples, truths as stored, and gen's font manifest (read strictly:
it comes with the user's data)."""
from __future__ import annotations

from pathlib import Path

import pytest

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.sets import NO_FONT, load_eval_set, read_font_manifest

from _tiny import FONT, WORDS, folder_set


def test_fonts_and_text_kinds_come_from_gens_manifest(tmp_path):
    folder = folder_set(tmp_path / "set", WORDS[:9], fonts=[FONT], kinds=["word", "name", "digits"])
    evalset = load_eval_set(folder)
    assert evalset.text_kinds == ["word", "name", "digits"] * 3 and evalset.fonts == [FONT.name] * 9
    plain = folder_set(tmp_path / "plain", WORDS[:3], fonts=[FONT])  # older manifests: no kind column
    assert load_eval_set(plain).text_kinds is None
    bare = load_eval_set(folder_set(tmp_path / "bare", WORDS[:2]))  # no manifest at all
    assert bare.fonts is None and bare.text_kinds is None and bare.truths == WORDS[:2]


def test_a_sample_the_manifest_does_not_list_has_no_font(tmp_path):
    folder = folder_set(tmp_path / "set", WORDS[:3], fonts=[FONT])
    lines = (folder / "fonts.tsv").read_text(encoding="utf-8").splitlines()
    (folder / "fonts.tsv").write_text("\n".join(lines[:2] + [""]) + "\n", encoding="utf-8")  # blank line skipped
    assert load_eval_set(folder).fonts == [FONT.name, NO_FONT, NO_FONT]


def test_read_font_manifest_keys_rows_by_index_and_image(tmp_path):
    path = tmp_path / "fonts.tsv"
    path.write_text("index\timage\tfont\tfamily\tkind\n1\timages/a.png\tA.ttf\tA\tword\n\n"
                    "2\timages/b.png\tB.ttf\tB\n", encoding="utf-8")
    rows = read_font_manifest(path)
    assert rows["#1"] is rows["images/a.png"] and rows["#1"]["kind"] == "word"
    assert rows["#2"] == {"index": "2", "image": "images/b.png", "font": "B.ttf", "family": "B"}


@pytest.mark.parametrize("content,match", [
    (b"index\timage\tfont\n1\ta.png\tcaf\xe9.ttf\n", r"fonts.tsv is not UTF-8"),
    (b"", r"fonts.tsv:1: expected the header 'index<TAB>image<TAB>font'"),
    (b"image\tfont\n", r"fonts.tsv:1: expected the header"),
    (b"index\timage\tfont\n1\ta.png\n", r"fonts.tsv:2: expected index<TAB>image<TAB>font"),
    (b"index\timage\tfont\none\ta.png\tA.ttf\n", r"fonts.tsv:2: expected index"),
])
def test_read_font_manifest_refuses_a_malformed_file_in_one_line(tmp_path: Path, content: bytes, match: str):
    path = tmp_path / "fonts.tsv"
    path.write_bytes(content)
    with pytest.raises(EasyOcrKoError, match=match):
        read_font_manifest(path)
