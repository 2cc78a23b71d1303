"""Fonts: the shipped handwriting-style set, user fonts, and an ink-based glyph check.

Many Korean handwriting fonts map all 11,172 Hangul syllables in their cmap but draw only the 2,350 of
KS X 1001 (the rest are empty or a placeholder box), and Pillow silently draws ``.notdef`` (tofu) for a
character a font lacks.  A cmap check therefore says nothing; :func:`drawn_characters` renders every
candidate character and keeps it only if the bitmap has ink, differs from the font's ``.notdef`` bitmap and
is not a placeholder shared by many characters.  The synthetic-data pipeline pairs a word with a font only
if the font draws every character of the word, so no tofu image is ever produced.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import HANGUL_SYLLABLES, is_hangul_syllable
from easyocr_ko.resources import fonts_dir

# Pillow/FreeType reads WOFF; WOFF2 needs Brotli (in Pillow's wheels)
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
_NOTDEF_PROBES = ("\U0010fffd", "\uffff", "\u0378", "\U000e0fff")  # never assigned / private: drawn as .notdef
_PLACEHOLDER_MIN_SHARED = 4  # a bitmap drawn for >= this many characters is a placeholder, not a glyph
_CHECK_SIZE = 32  # px; the check renders at this size (trdg renders at the image height, e.g. 64)
DAMAGED_MIN_FAILURES = 3  # a font whose rendering raises for more characters than this ...
DAMAGED_SHARE = 0.01  # ... and than this share of the candidates has damaged glyph data


def _bitmap(font: ImageFont.FreeTypeFont, text: str) -> tuple[bytes, bool]:
    """Render ``text`` at a fixed origin; return (bitmap digest, has ink)."""
    canvas = Image.new("L", (_CHECK_SIZE * 3, _CHECK_SIZE * 3), 0)
    ImageDraw.Draw(canvas).text((_CHECK_SIZE // 2, _CHECK_SIZE // 2), text, font=font, fill=255)
    bbox = canvas.getbbox()
    return hashlib.blake2b(canvas.tobytes(), digest_size=16).digest(), bbox is not None


def load_font(path: Path | str, size: int = _CHECK_SIZE) -> ImageFont.FreeTypeFont:
    """Open a TrueType/OpenType font with Pillow.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        EasyOcrKoError: Pillow/FreeType cannot read it.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"font not found: {path}")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as err:
        raise EasyOcrKoError(f"cannot read font {path}: {err}") from err


@functools.lru_cache(maxsize=256)
def cached_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """:func:`load_font`, kept open per (path, size) for the life of the process.

    Opening a WOFF/WOFF2 font decompresses it (about 30 ms for a 3 MB CLOVA ``.woff``, 50 times a ``.ttf``);
    renderers draw thousands of images per font, so they share one face per (path, size).  About 5 MB of
    memory per open face.  Raises as :func:`load_font`.
    """
    return load_font(path, size)


def drawn_characters(path: Path | str, chars: Iterable[str]) -> set[str]:
    """The characters of ``chars`` that the font really draws (:func:`check_font` without its failures).

    Raises:
        FileNotFoundError / EasyOcrKoError: as :func:`load_font`.
    """
    return check_font(path, chars)[0]


def check_font(path: Path | str, chars: Iterable[str]) -> tuple[set[str], Counter]:
    """The characters of ``chars`` that the font really draws, and the errors of those it could not render.

    A character counts as drawn when its rendering has ink, differs from the font's ``.notdef`` rendering
    (probed with code points no font assigns) and is not shared by ``_PLACEHOLDER_MIN_SHARED`` or more of
    the candidates (a placeholder box or blank reused for unsupported syllables).  A space counts as drawn
    when it advances the pen.  A character whose layout fails in FreeType/raqm (Pillow raises ValueError or
    OSError) is not drawn.

    Args:
        path: a .ttf, .otf, .woff or .woff2 file.
        chars: candidate characters (each a single code point; duplicates are ignored).

    Returns:
        ``(drawn, failures)``: the subset of ``chars`` that renders as a real glyph, and FreeType/raqm error
        messages of the characters whose rendering raised, with their counts (many failures mean damaged glyph
        data, see :func:`inspect_fonts`).

    Raises:
        FileNotFoundError / EasyOcrKoError: as :func:`load_font`.
    """
    font = load_font(path)
    failures: Counter = Counter()
    notdef = set()
    for probe in _NOTDEF_PROBES:
        try:
            notdef.add(_bitmap(font, probe)[0])
        except (ValueError, OSError):  # e.g. raqm_get_glyphs() failed on a plane-14 probe (HangeulJaemin3.woff2)
            pass
    by_bitmap: dict[bytes, list[str]] = defaultdict(list)
    drawn: set[str] = set()
    for ch in set(chars):
        if ch.isspace():
            if ch == " " and font.getlength(" ") > 0:
                drawn.add(ch)
            continue
        try:
            digest, ink = _bitmap(font, ch)
        except (ValueError, OSError) as err:  # FreeType/raqm cannot lay the glyph out: the font cannot draw it
            failures[str(err) or type(err).__name__] += 1
            continue
        if ink and digest not in notdef:
            by_bitmap[digest].append(ch)
    for group in by_bitmap.values():
        if len(group) < _PLACEHOLDER_MIN_SHARED:
            drawn.update(group)
    return drawn, failures


@dataclass(frozen=True)
class FontInfo:
    """One font file and what it can draw.

    Attributes:
        path: the font file.
        family: family name from the font's name table (e.g. ``Nanum Pen``).
        style: style name (``Regular``, ``Bold`` ...).
        licence: SPDX-like licence id from the manifest (``OFL-1.1``, ``GPL-2.0``...), or ``user`` for fonts
            the user passed.
        source: where the file came from.
        sha256: hex digest of the file.
        drawn: characters the font draws among those it was checked for.
    """

    path: Path
    family: str
    style: str
    licence: str
    source: str
    sha256: str
    drawn: frozenset

    @property
    def name(self) -> str:
        """The file name, which identifies the font in gen's manifests and eval's per-font report."""
        return self.path.name

    def can_draw(self, text: str) -> bool:
        """True if every character of ``text`` is drawn by this font."""
        return all(c in self.drawn for c in text)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path | None = None) -> list[dict]:
    """Entries of ``fonts/manifest.json`` (the shipped fonts), each a dict with ``file``, ``family``,
    ``style``, ``licence``, ``licence_files``, ``source``, ``sha256``, ``hangul_syllables`` (of the 11,172
    that it really draws) and ``handwriting`` (bool)."""
    folder = folder or fonts_dir()
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["fonts"]


def expand_font_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Expand files and folders (searched recursively for .ttf/.otf/.woff/.woff2) into a sorted, unique list of files.

    Raises:
        FileNotFoundError: a path does not exist.
        EasyOcrKoError: a file is not .ttf/.otf/.woff/.woff2, or a folder holds no font.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
            if not found:
                raise EasyOcrKoError(f"no .ttf, .otf, .woff or .woff2 font in folder {path}")
            out += found
        elif path.is_file():
            if path.suffix.lower() not in FONT_SUFFIXES:
                raise EasyOcrKoError(f"{path} is not a .ttf, .otf, .woff or .woff2 font")
            out.append(path)
        else:
            raise FileNotFoundError(f"font not found: {path}")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


SHIPPED_FONTS = "shipped"
"""A ``--font`` / ``fonts:`` entry that stands for the shipped fonts' folder, wherever the package is installed."""


def resolve_font_entries(entries: Sequence[Path | str], root: Path | str | None = None) -> list[Path]:
    """``gen``'s ``fonts`` entries as paths: :data:`SHIPPED_FONTS` -> the shipped fonts' folder; a relative path
    -> under ``root`` when it is given (else left relative to the current folder); ``~`` expanded.

    Args:
        entries: font files or folders, as given (``--font``, a ``--config`` file's ``fonts:``).
        root: the fonts root (``gen --fonts-root``, ``EASYOCR_KO_FONTS``), or ``None``.

    Returns:
        One path per entry, in order; nothing is checked here (see :func:`expand_font_paths`).

    Raises:
        FileNotFoundError: ``root`` is given but is not a folder (the message names it).
    """
    base = Path(root).expanduser() if root is not None else None
    if base is not None and not base.is_dir():
        raise FileNotFoundError(f"fonts root not found: {base} (gen --fonts-root / EASYOCR_KO_FONTS / fonts_root:)")
    out = []
    for entry in entries:
        path = Path(entry).expanduser()
        if str(entry) == SHIPPED_FONTS:
            path = fonts_dir()
        elif base is not None and not path.is_absolute():
            path = base / path
        out.append(path)
    return out


def shipped_font_paths(handwriting_only: bool = False) -> list[Path]:
    """The fonts listed in the shipped manifest, in manifest order."""
    folder = fonts_dir()
    return [folder / e["file"] for e in read_manifest(folder) if e["handwriting"] or not handwriting_only]


def damage_reason(failures: Counter, candidates: int) -> str | None:
    """Why a font counts as damaged, or ``None``: rendering raised for more than
    ``max(DAMAGED_MIN_FAILURES, DAMAGED_SHARE * candidates)`` characters (a font whose header is intact but whose
    glyph data is corrupt fails on most of them, e.g. FreeType's ``invalid composite glyph``; a sound font fails
    on none, or on a stray character raqm cannot lay out)."""
    n = sum(failures.values())
    if n <= max(DAMAGED_MIN_FAILURES, DAMAGED_SHARE * candidates):
        return None
    message, _ = failures.most_common(1)[0]
    return f"damaged glyph data: {n} of {candidates} characters fail to render ({message})"


def inspect_fonts(paths: Sequence[Path], chars: Iterable[str],
                  rejected: dict[str, str] | None = None) -> list[FontInfo]:
    """Check each font against ``chars`` and describe it.

    Every font must draw at least one Hangul syllable: the check also renders a spread sample of syllables
    when ``chars`` holds too few to tell.  A font that cannot be read or whose glyph data is damaged
    (:func:`damage_reason`) is left out and recorded in ``rejected`` (path -> reason), and the others are used;
    it is an error only when no font is left.

    Raises:
        EasyOcrKoError: a font that can be read draws no Hangul syllable at all (trdg would render tofu), or
            every font was rejected (the message names them and why).
    """
    chars = set(chars) | set(HANGUL_SYLLABLES[::97])  # always probe ~115 syllables spread over the block
    manifest = {}
    try:
        manifest = {e["file"]: e for e in read_manifest()}
    except FileNotFoundError:
        pass
    infos = []
    rejected = {} if rejected is None else rejected
    for path in paths:
        path = Path(path)
        try:
            drawn, failures = check_font(path, chars)
            family, style = load_font(path).getname()
        except (EasyOcrKoError, ValueError, OSError) as err:
            if isinstance(err, FileNotFoundError):
                raise
            rejected[str(path)] = str(err).splitlines()[0] if str(err) else type(err).__name__
            continue
        damaged = damage_reason(failures, len(chars))
        if damaged:
            rejected[str(path)] = damaged
            continue
        if not any(is_hangul_syllable(c) for c in drawn):
            raise EasyOcrKoError(f"font {path} draws no Hangul syllable: it cannot render Korean text")
        entry = manifest.get(path.name) if path.parent.resolve() == fonts_dir().resolve() else None
        infos.append(
            FontInfo(
                path=path,
                family=family or path.stem,
                style=style or "",
                licence=entry["licence"] if entry else "user",
                source=entry["source"] if entry else str(path),
                sha256=entry["sha256"] if entry else sha256_file(path),
                drawn=frozenset(drawn),
            )
        )
    if not infos and rejected:
        raise EasyOcrKoError("no usable font: " + "; ".join(f"{p} rejected ({why})" for p, why in rejected.items()))
    return infos


def update_manifest(folder: Path | None = None) -> list[dict]:
    """Recompute the measured fields of ``manifest.json`` (sha256, family, style, ``hangul_syllables``,
    ``ascii_printable``) from the font files; the hand-entered fields (file, licence, licence_files, source,
    handwriting) are kept.  Written atomically.  Maintainers run it through ``tools/update_font_manifest.py``
    after adding or changing a shipped font.

    Args:
        folder: the folder holding ``manifest.json`` and the fonts it lists (default: the shipped ``fonts/``).

    Returns:
        The manifest's entries, as written.

    Raises:
        FileNotFoundError: ``manifest.json`` or a font it lists is missing.
        EasyOcrKoError: a listed font cannot be read.
    """
    import string

    from easyocr_ko.fsutil import write_lines_atomic

    folder = folder or fonts_dir()
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    ascii_printable = string.printable[:95]
    for entry in data["fonts"]:
        path = folder / entry["file"]
        drawn = drawn_characters(path, HANGUL_SYLLABLES + ascii_printable)
        family, style = load_font(path).getname()
        entry.update(
            family=family,
            style=style,
            sha256=sha256_file(path),
            hangul_syllables=sum(1 for c in drawn if is_hangul_syllable(c)),
            ascii_printable=sum(1 for c in drawn if c in ascii_printable),
        )
    write_lines_atomic([json.dumps(data, ensure_ascii=False, indent=1)], folder / "manifest.json")
    return data["fonts"]
