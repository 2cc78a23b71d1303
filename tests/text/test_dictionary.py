"""easyocr_ko.text.dictionary: cleaning (NFC, dedup, whitespace, bad entries), NIKL headwords, errors, the shipped
default dictionary and its rebuild from the shared sources with the maintainer script tools/build_dictionary.py."""
from __future__ import annotations

import importlib.util
import re
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import write_lines_atomic
from easyocr_ko.resources import default_dictionary, dicts_dir
from easyocr_ko.text.dictionary import (
    Dictionary,
    build_default_dictionary,
    corpus_entries,
    label_problem,
    load_dictionary,
    nikl_headwords,
    normalize_text,
)

HANGUL = re.compile(r"[\uac00-\ud7a3]")
BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "build_dictionary.py"


def _build_script() -> ModuleType:
    """tools/build_dictionary.py (a script, not a package module), imported from its path."""
    spec = importlib.util.spec_from_file_location("build_dictionary", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# ---------------------------------------------------------------- normalisation


def test_normalize_text_nfd_jamo_become_nfc_syllables() -> None:
    nfd = unicodedata.normalize("NFD", "한글")
    assert nfd == "\u1112\u1161\u11ab\u1100\u1173\u11af"  # 6 conjoining jamo
    assert normalize_text(nfd) == "\ud55c\uae00"  # 2 precomposed syllables
    assert len(normalize_text(nfd)) == 2


def test_normalize_text_collapses_and_strips_whitespace() -> None:
    assert normalize_text("  학교   가는\u3000길 \n") == "학교 가는 길"  # U+3000 ideographic space too
    assert normalize_text("   ") == ""


@pytest.mark.parametrize(
    "label, problem",
    [("가방", None), ("", "empty"), ("가\t방", "tab in label"), ("가\n방", "newline in label"),
     ("가\r방", "newline in label"), ("가\x07방", "control character in label"),
     ("가\x00방", "control character in label")],
)
def test_label_problem(label: str, problem: str | None) -> None:
    assert label_problem(label) == problem


# ---------------------------------------------------------------- load_dictionary


def test_load_dictionary_cleans_entries(tmp_path: Path) -> None:
    nfd_school = unicodedata.normalize("NFD", "학교")
    text = "\n".join([
        nfd_school,          # NFD in -> NFC out
        "학교",              # duplicate of the NFC form: dropped
        "  가는   길  ",     # whitespace collapsed
        "가는 길",           # duplicate after collapsing
        "가\t방",            # tab inside: cannot be a DTRB label
        "나\x07무",          # BEL control character
        "",                  # blank lines are ignored, not counted
        "   ",
        "연필",
        nfd_school,          # later duplicate
    ]) + "\n"
    d = load_dictionary([_write(tmp_path / "d.txt", text)])
    assert d.words == ["학교", "가는 길", "연필"]
    assert all(unicodedata.is_normalized("NFC", w) for w in d.words)
    assert d.skipped == {"duplicate": 3, "tab in label": 1, "control character in label": 1}
    assert d.per_source == {str(tmp_path / "d.txt"): 3}
    assert len(d) == 3


def test_load_dictionary_keeps_first_occurrence_across_files(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.txt", "사과\n바다\n")
    b = _write(tmp_path / "b.txt", "하늘\n사과\n아이\n")
    d = load_dictionary([a, b])
    assert d.words == ["사과", "바다", "하늘", "아이"]
    assert d.per_source == {str(a): 2, str(b): 2}
    assert d.skipped["duplicate"] == 1


def test_load_dictionary_accepts_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff가방\r\n나무\r\n".encode("utf-8"))
    assert load_dictionary([path]).words == ["가방", "나무"]


def test_load_dictionary_default_is_shipped_file() -> None:
    d = load_dictionary()
    assert d.per_source == {str(default_dictionary()): len(d)}
    assert d.words[:10] == list("0123456789")


def test_load_dictionary_corpus(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.txt", "나는 학교에 간다\n\n오늘 날씨가 참 좋다\n")
    d = load_dictionary(corpora=[corpus], corpus_max_words=3)
    # every entry is 1-3 consecutive words, and together they give back the corpus' words in order
    assert all(1 <= len(e.split(" ")) <= 3 for e in d.words)
    assert " ".join(d.words).split(" ") == "나는 학교에 간다 오늘 날씨가 참 좋다".split(" ")


def test_corpus_entries_rejects_max_words_below_one() -> None:
    with pytest.raises(ValueError, match="max_words"):
        corpus_entries("가 나", max_words=0)


def test_load_dictionary_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="dictionary file not found: .*missing.txt"):
        load_dictionary([tmp_path / "missing.txt"])


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n"])
def test_load_dictionary_empty_file(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path / "empty.txt", text)
    with pytest.raises(EasyOcrKoError, match=r"dictionary .*empty.txt is empty"):
        load_dictionary([path])


def test_load_dictionary_only_bad_entries(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.txt", "가\t나\n다\x07라\n")
    with pytest.raises(EasyOcrKoError, match="no usable entries"):
        load_dictionary([path])


def test_load_dictionary_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp949.txt"
    path.write_bytes("가방\n학교\n".encode("cp949"))
    with pytest.raises(EasyOcrKoError, match=r"cp949.txt is not UTF-8 text \(byte 0\): re-save it as UTF-8"):
        load_dictionary([path])


# ---------------------------------------------------------------- NIKL headwords


@pytest.mark.parametrize(
    "raw, words",
    [("가격03", ["가격"]), ("가구04", ["가구"]), ("가게", ["가게"]), ("도쿄(동경)", ["도쿄", "동경"]),
     ("베이징(북경)", ["베이징", "북경"]), ("MP3", ["MP3"]), ("1월", ["1월"]), (" 가다01 ", ["가다"])],
)
def test_nikl_headwords(raw: str, words: list[str]) -> None:
    assert nikl_headwords(raw) == words


def test_build_default_dictionary_order_and_dedup(tmp_path: Path) -> None:
    nikl = _write(tmp_path / "nikl.csv", "순위,단어,품사,풀이,등급\n1,가격03,명,價格,B\n2,가격04,명,,B\n"
                                         ",도쿄(동경),고,東京,B\n3,TV,명,,A\n")
    loan = _write(tmp_path / "loan.txt", "컴퓨터\n도쿄\n")
    english = _write(tmp_path / "en.txt", "TV\nOK\n")
    d = build_default_dictionary(nikl, loan, english)
    assert d.words == list("0123456789") + [chr(c) for c in range(65, 91)] + [chr(c) for c in range(97, 123)] \
        + ["TV", "OK", "가격", "도쿄", "동경", "컴퓨터"]
    assert d.per_source == {"digits": 10, "latin letters": 52, "english words": 2, "NIKL basic vocabulary": 3,
                            "loanwords": 1}
    assert d.skipped["duplicate"] == 3  # 가격 (04), TV (NIKL), 도쿄 (loanwords)


def test_build_default_dictionary_needs_word_column(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", "rank,word\n1,가방\n")
    loan = _write(tmp_path / "loan.txt", "컴퓨터\n")
    english = _write(tmp_path / "en.txt", "OK\n")
    with pytest.raises(EasyOcrKoError, match="has no '단어' column"):
        build_default_dictionary(bad, loan, english)


def test_write_lines_atomic(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.txt"
    write_lines_atomic(["가", "나"], out)
    assert out.read_bytes() == "가\n나\n".encode()
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.txt"]  # no temporary file left


def test_write_lines_atomic_leaves_old_file_on_error(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old\n", encoding="utf-8")

    def lines():
        yield "new"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_lines_atomic(lines(), out)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


# ---------------------------------------------------------------- the shipped default dictionary


def test_shipped_dictionary_is_clean() -> None:
    raw = default_dictionary().read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == ""  # ends with a newline
    words = lines[:-1]
    assert len(words) > 8000
    assert len(set(words)) == len(words), "duplicates"
    assert all(w and unicodedata.is_normalized("NFC", w) for w in words)
    assert all(w == normalize_text(w) and label_problem(w) is None for w in words)
    homonyms = [w for w in words if re.search(r"[\uac00-\ud7a3]\d", w)]
    assert homonyms == [], homonyms[:5]
    assert not [w for w in words if "(" in w and HANGUL.search(w)]  # A(B) alternatives were split
    assert sum(1 for w in words if HANGUL.search(w)) > 7000
    assert load_dictionary().words == words  # loading changes nothing


def test_shipped_dictionary_rebuilds_identically(shared_dir: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    vocab = shared_dir / "data" / "vocab"
    nikl = vocab / "nikl_2003_korean_learners_vocab_5965.csv"
    loan = vocab / "loanwords_2730.txt"
    if not (nikl.is_file() and loan.is_file()):
        pytest.skip(f"NIKL/loanword sources not in {vocab}")
    out = tmp_path / "ko_default.txt"
    _build_script().main(["--nikl", str(nikl), "--loanwords", str(loan), "--out", str(out)])
    assert out.read_bytes() == default_dictionary().read_bytes()
    printed = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert int(printed["total"]) == len(default_dictionary().read_text(encoding="utf-8").splitlines())
    assert printed["digits"] == "10" and printed["latin letters"] == "52"


def test_english_word_list_is_shipped() -> None:
    words = (dicts_dir() / "english_common.txt").read_text(encoding="utf-8").splitlines()
    assert words and all(w == normalize_text(w) for w in words)


def test_dictionary_len() -> None:
    assert len(Dictionary(words=["가", "나"])) == 2
