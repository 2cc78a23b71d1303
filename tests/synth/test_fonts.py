"""easyocr_ko.synth.fonts: the ink-based glyph check, font inspection, path expansion and the shipped manifest."""
from __future__ import annotations

import string
from pathlib import Path

import pytest

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import HANGUL_SYLLABLES, is_hangul_syllable
from easyocr_ko.resources import fonts_dir
from easyocr_ko.synth.fonts import (
    drawn_characters,
    expand_font_paths,
    inspect_fonts,
    load_font,
    read_manifest,
    sha256_file,
    shipped_font_paths,
)

from conftest import TINY_WORDS

ASCII_PRINTABLE = string.printable[:95]  # ' ' .. '~'
LATIN_AND_DIGITS = string.ascii_letters + string.digits
# The 2,350 syllables of KS X 1001 (Wansung): exactly those EUC-KR encodes in two bytes (Python's codec
# writes the others as 8-byte jamo sequences).
KS_X_1001 = frozenset(c for c in HANGUL_SYLLABLES if len(c.encode("euc_kr")) == 2)
# Two syllables outside KS X 1001 (checked below) that BMJUA's cmap maps but that it draws blank.
NOT_KS = "똠쀍"
# Names of font families reserved for independent evaluation: never shipped.
RESERVED = ("gaegu", "gamja", "poorstory", "poor story", "eastsea", "east sea", "dokdo", "singleday",
            "single day", "cutefont", "cute font", "hakgyoansim", "학교안심", "kcc")


def test_ks_x_1001_has_2350_syllables() -> None:
    assert len(KS_X_1001) == 2350
    assert "가" in KS_X_1001 and "똥" in KS_X_1001
    assert not any(c in KS_X_1001 for c in NOT_KS)


def test_drawn_characters_finds_hangul_and_ascii(bandal: Path) -> None:
    chars = "가나다힣똠쀍" + LATIN_AND_DIGITS + " "
    assert drawn_characters(bandal, chars) == set(chars)


def test_drawn_characters_drops_missing_glyphs(bandal: Path) -> None:
    # Thai and a private-use code point are not in Bandal: Pillow would draw .notdef (tofu) for them.
    assert drawn_characters(bandal, "가\u0e01\ue000") == {"가"}


def test_drawn_characters_ignores_whitespace_other_than_space(bandal: Path) -> None:
    assert drawn_characters(bandal, "\t\n 가") == {" ", "가"}


def test_ks_x_1001_font_does_not_draw_other_syllables(bmjua: Path) -> None:
    fontTools = pytest.importorskip("fontTools.ttLib")
    cmap = fontTools.TTFont(str(bmjua)).getBestCmap()
    # The cmap claims every syllable, so a cmap check would accept 똠 and 쀍 ...
    assert all(ord(c) in cmap for c in HANGUL_SYLLABLES)
    drawn = drawn_characters(bmjua, HANGUL_SYLLABLES)
    # ... but the font draws them blank: the ink check rejects them.
    assert not any(c in drawn for c in NOT_KS)
    assert KS_X_1001 <= drawn  # all of KS X 1001 is really drawn
    assert 2350 <= len(drawn) < 2500


def test_guseul_draws_no_latin_or_digits(guseul: Path) -> None:
    drawn = drawn_characters(guseul, ASCII_PRINTABLE + "가힣똠")
    assert drawn == {" ", "가", "힣", "똠"}


def test_load_font_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="font not found"):
        load_font(tmp_path / "nope.ttf")
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font at all")
    with pytest.raises(EasyOcrKoError, match="cannot read font .*bad.ttf"):
        load_font(bad)


# ---------------------------------------------------------------- inspect_fonts


def test_inspect_fonts_shipped(two_fonts: list[Path]) -> None:
    infos = inspect_fonts(two_fonts, "가방abc")
    assert [i.name for i in infos] == ["Bandal.ttf", "Bangwool.ttf"]
    manifest = {e["file"]: e for e in read_manifest()}
    for info in infos:
        entry = manifest[info.name]
        assert (info.family, info.style) == (entry["family"], entry["style"])
        assert (info.licence, info.source, info.sha256) == (entry["licence"], entry["source"], entry["sha256"])
        assert set("가방abc") <= info.drawn
        assert info.can_draw("가방 abc") is False  # ' ' was not among the characters checked
        assert info.can_draw("방가ab")


def test_tiny_dict_drawn_by_two_fonts(two_fonts: list[Path]) -> None:
    chars = {c for w in TINY_WORDS for c in w}
    for info in inspect_fonts(two_fonts, chars):
        assert all(info.can_draw(w) for w in TINY_WORDS), info.name


def test_inspect_fonts_user_font_outside_fonts_dir(tmp_path: Path, bandal: Path) -> None:
    copy = tmp_path / "MyFont.ttf"
    copy.write_bytes(bandal.read_bytes())
    (info,) = inspect_fonts([copy], "가")
    assert info.licence == "user" and info.source == str(copy)
    assert info.sha256 == sha256_file(bandal)


def test_inspect_fonts_guseul_cannot_draw_digits(guseul: Path) -> None:
    (info,) = inspect_fonts([guseul], "가방1a")
    assert info.can_draw("가방") and not info.can_draw("가방1") and not info.can_draw("a")


def test_inspect_fonts_rejects_latin_only_font(latin_font: Path, bandal: Path) -> None:
    with pytest.raises(EasyOcrKoError, match=f"font {latin_font} draws no Hangul syllable"):
        inspect_fonts([bandal, latin_font], "abc")


def test_inspect_fonts_probes_hangul_even_without_korean_words(bandal: Path) -> None:
    (info,) = inspect_fonts([bandal], "abc")  # an English-only dictionary does not reject a Korean font
    assert "가" in info.drawn  # U+AC00 is among the ~115 syllables always probed


# ---------------------------------------------------------------- expand_font_paths


def test_expand_font_paths(tmp_path: Path, bandal: Path, bangwool: Path) -> None:
    folder = tmp_path / "fonts"
    (folder / "sub").mkdir(parents=True)
    a = folder / "b.ttf"
    b = folder / "sub" / "a.OTF"
    a.write_bytes(bandal.read_bytes())
    b.write_bytes(bangwool.read_bytes())
    (folder / "readme.txt").write_text("x", encoding="utf-8")
    assert expand_font_paths([folder]) == [a, b]
    assert expand_font_paths([a, folder, a]) == [a, b]  # unique, first occurrence kept


def test_expand_font_paths_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="font not found"):
        expand_font_paths([tmp_path / "nope.ttf"])
    txt = tmp_path / "x.txt"
    txt.write_text("x", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match="is not a .ttf, .otf, .woff or .woff2 font"):
        expand_font_paths([txt])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EasyOcrKoError, match="no .ttf, .otf, .woff or .woff2 font in folder"):
        expand_font_paths([empty])


# ---------------------------------------------------------------- the shipped fonts and manifest


def test_manifest_lists_exactly_the_shipped_fonts() -> None:
    folder = fonts_dir()
    on_disk = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".otf"))
    entries = read_manifest()
    assert sorted(e["file"] for e in entries) == on_disk
    assert [p.name for p in shipped_font_paths()] == [e["file"] for e in entries]
    assert [p.name for p in shipped_font_paths(handwriting_only=True)] == [e["file"] for e in entries
                                                                           if e["handwriting"]]
    for e in entries:
        assert e["licence"] and e["source"], e["file"]
        assert e["licence_files"] and all((folder / f).is_file() for f in e["licence_files"]), e["file"]


def test_no_reserved_evaluation_font_is_shipped() -> None:
    for e in read_manifest():
        names = f"{e['file']} {e['family']}".lower()
        assert not any(r in names or r in names.replace(" ", "") for r in RESERVED), e["file"]


def test_manifest_sha256_match_files() -> None:
    for e in read_manifest():
        assert sha256_file(fonts_dir() / e["file"]) == e["sha256"], e["file"]


@pytest.mark.parametrize("name", ["BMJUA_ttf.ttf", "Guseul.ttf"])
def test_manifest_counts_match_a_recount(name: str) -> None:
    (entry,) = [e for e in read_manifest() if e["file"] == name]
    path = fonts_dir() / name
    chars = (HANGUL_SYLLABLES if name != "Guseul.ttf" else HANGUL_SYLLABLES[::41]) + ASCII_PRINTABLE
    drawn = drawn_characters(path, chars)
    hangul = sum(1 for c in drawn if is_hangul_syllable(c))
    if name == "Guseul.ttf":  # full recount of 11,172 is slow for a fully drawn font: check a spread sample
        assert entry["hangul_syllables"] == 11172 and hangul == len(HANGUL_SYLLABLES[::41])
    else:
        assert hangul == entry["hangul_syllables"]
    assert sum(1 for c in drawn if c in ASCII_PRINTABLE) == entry["ascii_printable"]


# ---------------------------------------------------------------- WOFF / WOFF2 and fonts whose cmap lies

def _woff_copy(src: Path, dest: Path) -> Path:
    """``src`` re-wrapped as WOFF 1.0 by fontTools (zlib-compressed tables, same outlines)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(src))
    font.flavor = "woff"
    font.save(str(dest))
    return dest


def test_woff_font_draws_what_its_ttf_draws(tmp_path: Path, bandal: Path) -> None:
    woff = _woff_copy(bandal, tmp_path / "Bandal.woff")
    assert expand_font_paths([tmp_path]) == [woff]
    chars = "가나다라똠쀍" + LATIN_AND_DIGITS
    assert drawn_characters(woff, chars) == drawn_characters(bandal, chars)


def test_cached_font_is_one_face_per_path_and_size(tmp_path: Path, bandal: Path) -> None:
    from easyocr_ko.synth.fonts import cached_font

    woff = str(_woff_copy(bandal, tmp_path / "Bandal.woff"))
    assert cached_font(woff, 40) is cached_font(woff, 40)
    assert cached_font(woff, 40) is not cached_font(woff, 41)
    assert cached_font(woff, 40).getbbox("가")[2] > 0


def test_font_whose_cmap_maps_empty_glyphs_draws_only_its_real_syllables(tmp_path: Path, bandal: Path) -> None:
    """A font that maps code points to an empty glyph (as HangeulJaemin3, KNPS Kkomi/Bandali and ChusaLove do
    for the syllables beyond the ones they draw) must not be given those characters: a cmap check would say
    yes and gen would write blank images with labels."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(bandal))
    blank = font.getBestCmap()[ord(" ")]  # the space glyph: no outline
    claimed = "똠쀍뙇"
    for table in font["cmap"].tables:
        if table.isUnicode():
            for ch in claimed:
                table.cmap[ord(ch)] = blank
    liar = tmp_path / "Liar.woff"
    font.flavor = "woff"
    font.save(str(liar))
    assert all(ord(c) in TTFont(str(liar)).getBestCmap() for c in claimed)  # the cmap claims them
    drawn = drawn_characters(liar, claimed + "가나다")
    assert drawn == set("가나다")
    info = inspect_fonts([liar], claimed + "가나다")[0]
    assert not info.can_draw("똠") and info.can_draw("가나")


def test_shared_woff2_fonts_and_the_cmap_liars(shared_dir: Path) -> None:
    """The shared hands: WOFF2 fonts open (FreeType with Brotli), and the four fonts whose cmap maps all 11,172
    syllables draw only 2,350 (KS X 1001) or 2,810 of them."""
    other = shared_dir / "data" / "fonts" / "other"
    seg = other / "SeguSegu-Regular.woff2"
    jaemin = other / "HangeulJaemin3.woff2"
    if not (seg.is_file() and jaemin.is_file()):
        pytest.skip("shared handwriting fonts not present")
    assert seg in expand_font_paths([other])
    sample = HANGUL_SYLLABLES[::5]  # 2,235 syllables spread over the block
    assert len(drawn_characters(seg, sample)) == len(sample)
    drawn = drawn_characters(jaemin, sample)
    assert drawn == {c for c in sample if c in KS_X_1001}  # the cmap claims them all; only KS X 1001 is inked
    assert "A" in drawn_characters(jaemin, "A1가")  # the font's one raqm-failing probe does not break the check


def test_update_font_manifest_tool_recounts_and_keeps_hand_entered_fields(tmp_path: Path) -> None:
    """tools/update_font_manifest.py (the maintainer entry point) refreshes the measured fields of a manifest."""
    import importlib.util
    import json
    import shutil

    tool = Path(__file__).resolve().parents[2] / "tools" / "update_font_manifest.py"
    spec = importlib.util.spec_from_file_location("update_font_manifest", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (shipped,) = [e for e in read_manifest() if e["file"] == "Bandal.ttf"]
    shutil.copy(fonts_dir() / "Bandal.ttf", tmp_path / "Bandal.ttf")
    hand_entered = {k: shipped[k] for k in ("file", "licence", "licence_files", "source", "handwriting")}
    (tmp_path / "manifest.json").write_text(json.dumps({"fonts": [dict(hand_entered, sha256="stale")]}),
                                            encoding="utf-8")
    assert module.main(["--folder", str(tmp_path)]) == 0
    (entry,) = read_manifest(tmp_path)
    assert entry == shipped
    assert module.main(["--folder", str(tmp_path / "missing")]) == 1
