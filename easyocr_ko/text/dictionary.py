"""Word lists for synthetic data: loading, cleaning (NFC, deduplication) and the shipped default dictionary.

A dictionary file is UTF-8 text with one entry per line (trdg's ``--dict`` format).  Entries are normalised
to Unicode NFC (Hangul typed on macOS often arrives as NFD jamo), surrounding whitespace is stripped, inner
runs of whitespace become one space, and duplicates are dropped keeping the first occurrence.  Entries that
cannot be a DTRB label (a tab or another control character) are skipped and counted, never written.

The default dictionary (``dicts/ko_default.txt``) follows the seed project "손글씨 인식 모델 성능 개선 -
EasyOCR Fine-tuning": digits + Latin letters + common English words + the NIKL basic vocabulary
(국립국어원 「한국어 학습용 어휘 목록」, 2003, KOGL Type 1) + a loanword list.  :func:`build_default_dictionary`
builds it; the maintainer script ``tools/build_dictionary.py`` writes it (see ``dicts/README.md``).
"""
from __future__ import annotations

import csv
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import SYLLABLE_FIRST, SYLLABLE_LAST

__all__ = ["ENGLISH_WORDS_FILE", "Dictionary", "normalize_text", "label_problem", "nikl_headwords", "corpus_entries",
           "load_dictionary", "build_default_dictionary"]

_WS = re.compile(r"\s+")
_HOMONYM = re.compile(rf"(?<=[{chr(SYLLABLE_FIRST)}-{chr(SYLLABLE_LAST)}])\d+$")  # 가격03: a homonym number
_PAREN = re.compile(r"^(?P<head>[^()]+)\((?P<alt>[^()]+)\)$")


def normalize_text(text: str) -> str:
    """Normalise one label: NFC, strip, collapse inner whitespace to single spaces.

    Args:
        text: any string.

    Returns:
        The NFC form with no leading/trailing whitespace and single spaces inside.  Characters are never
        removed except whitespace, so ``len(normalize_text(s))`` can only shrink by whitespace.

    >>> normalize_text("  \u1112\u1161\u11ab  \uae00 ")  # NFD jamo in, NFC syllables out
    '한 글'
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot be a DTRB label, or ``None`` if it can.

    DTRB's gt format is ``path<TAB>label<NEWLINE>``, so a label must not contain a tab, a newline or any other
    control character (Unicode category Cc), and must not be empty.

    Args:
        label: the label as it would be written (not normalised).

    Returns:
        ``None``, or one of ``"empty"``, ``"tab in label"``, ``"newline in label"``, ``"control character in label"``.

    >>> label_problem("가방"), label_problem("가\\t방")
    (None, 'tab in label')
    """
    if not label:
        return "empty"
    if "\t" in label:
        return "tab in label"
    if "\n" in label or "\r" in label:
        return "newline in label"
    if any(unicodedata.category(c) == "Cc" for c in label):
        return "control character in label"
    return None


def nikl_headwords(raw: str) -> list[str]:
    """Clean one NIKL headword: strip homonym numbers and split parenthesised alternatives.

    Args:
        raw: one value of the NIKL CSV's ``단어`` column.

    Returns:
        0-2 normalised words (0 for a blank value).

    >>> nikl_headwords("가격03"), nikl_headwords("도쿄(동경)")
    (['가격'], ['도쿄', '동경'])
    """
    word = normalize_text(raw)
    match = _PAREN.match(word)
    parts = [match["head"], match["alt"]] if match else [word]
    return [_HOMONYM.sub("", normalize_text(p)) for p in parts if normalize_text(p)]


@dataclass
class Dictionary:
    """A cleaned word list.

    Attributes:
        words: NFC entries, unique, in first-seen order.
        per_source: number of entries each source contributed (after deduplication against earlier ones).
        skipped: entries not taken, by reason (``duplicate``, ``tab in label`` ...).
    """

    words: list[str]
    per_source: dict[str, int] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)

    def __len__(self) -> int:
        return len(self.words)


class _Builder:
    """Merges sources into one :class:`Dictionary`, keeping the first occurrence of each entry."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.dictionary = Dictionary(words=[])

    def add(self, source: str, entries: Iterable[str]) -> None:
        """Add ``entries`` under the name ``source``: blank ones ignored, bad or repeated ones counted as skipped."""
        added = 0
        for raw in entries:
            entry = normalize_text(raw)
            if not entry:
                continue
            problem = label_problem(raw.strip())  # before normalize_text turns a tab into a space
            if problem:
                self.dictionary.skipped[problem] += 1
                continue
            if entry in self.seen:
                self.dictionary.skipped["duplicate"] += 1
                continue
            self.seen.add(entry)
            self.dictionary.words.append(entry)
            added += 1
        self.dictionary.per_source[source] = self.dictionary.per_source.get(source, 0) + added


def _read_text(path: Path) -> str:
    """The text of a UTF-8 file (a BOM is dropped).

    Raises:
        FileNotFoundError: ``path`` is not a file.
        EasyOcrKoError: the file is not UTF-8.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dictionary file not found: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise EasyOcrKoError(f"{path} is not UTF-8 text (byte {err.start}): re-save it as UTF-8") from err


def corpus_entries(text: str, max_words: int = 3) -> list[str]:
    """Cut a plain-text corpus into entries of 1..``max_words`` consecutive words.

    Each line is normalised and split on whitespace; consecutive, non-overlapping chunks of up to
    ``max_words`` words become entries, so a corpus contributes short phrases with natural spacing.

    Args:
        text: the corpus.
        max_words: longest entry in words (>= 1).

    Returns:
        The entries, in corpus order.

    Raises:
        ValueError: ``max_words < 1``.
    """
    if max_words < 1:
        raise ValueError("max_words must be >= 1")
    out = []
    for line in text.splitlines():
        words = normalize_text(line).split(" ")
        words = [w for w in words if w]
        i = 0
        while i < len(words):
            n = 1 + (i * 7919 + len(words)) % max_words  # deterministic mix of phrase lengths
            out.append(" ".join(words[i : i + n]))
            i += n
    return out


def load_dictionary(
    paths: Sequence[Path | str] = (),
    corpora: Sequence[Path | str] = (),
    corpus_max_words: int = 3,
) -> Dictionary:
    """Load and clean dictionary files and plain-text corpora into one word list.

    Args:
        paths: dictionary files, one entry per line (UTF-8, BOM allowed).  Empty means the shipped default
            dictionary ``dicts/ko_default.txt``, unless ``corpora`` are given.
        corpora: plain-text files cut into short phrases with :func:`corpus_entries`.
        corpus_max_words: longest phrase taken from a corpus.

    Returns:
        The merged :class:`Dictionary`.

    Raises:
        FileNotFoundError: a file does not exist.
        EasyOcrKoError: a file is not UTF-8, or a file (or the whole set) yields no usable entry.
    """
    from easyocr_ko.resources import default_dictionary

    if not paths and not corpora:
        paths = [default_dictionary()]
    builder = _Builder()
    for path in paths:
        lines = _read_text(Path(path)).splitlines()
        if not any(normalize_text(line) for line in lines):
            raise EasyOcrKoError(f"dictionary {path} is empty")
        builder.add(str(path), lines)
    for path in corpora:
        builder.add(str(path), corpus_entries(_read_text(Path(path)), corpus_max_words))
    if not builder.dictionary.words:
        raise EasyOcrKoError("the dictionaries and corpora given contain no usable entries")
    return builder.dictionary


ENGLISH_WORDS_FILE = "english_common.txt"
"""Name of the shipped English word list in ``dicts/`` (a source of the default dictionary)."""


def build_default_dictionary(nikl_csv: Path, loanwords: Path, english_words: Path) -> Dictionary:
    """Build the default dictionary of the seed project from its sources.

    Order: digits ``0-9``, Latin letters ``A-Z a-z``, common English words (``english_words``, one per
    line), NIKL headwords (CSV column ``단어``, homonym numbers stripped, ``A(B)`` split into ``A`` and ``B``),
    loanwords.  Deduplicated across sources, first occurrence kept.

    Args:
        nikl_csv: the NIKL vocabulary CSV (``nikl_2003_korean_learners_vocab_5965.csv``).
        loanwords: the loanword list, one per line (``loanwords_2730.txt``).
        english_words: the English word list (the shipped one: ``dicts_dir() / ENGLISH_WORDS_FILE``).

    Returns:
        The :class:`Dictionary`; ``per_source`` is keyed ``digits``, ``latin letters``, ``english words``,
        ``NIKL basic vocabulary``, ``loanwords``.

    Raises:
        FileNotFoundError / EasyOcrKoError: a source is missing, not UTF-8 or lacks the ``단어`` column.
    """
    builder = _Builder()
    builder.add("digits", list(string.digits))
    builder.add("latin letters", list(string.ascii_uppercase + string.ascii_lowercase))
    builder.add("english words", _read_text(english_words).splitlines())
    rows = list(csv.DictReader(_read_text(nikl_csv).splitlines()))
    if not rows or "단어" not in rows[0]:
        raise EasyOcrKoError(f"{nikl_csv} has no '단어' column: is it the NIKL vocabulary CSV?")
    builder.add("NIKL basic vocabulary", [w for row in rows for w in nikl_headwords(row["단어"])])
    builder.add("loanwords", _read_text(loanwords).splitlines())
    return builder.dictionary
