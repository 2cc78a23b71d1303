"""What the readers of ``easyocr-ko import`` collect, and the context they share: the dataset root, safe image
path resolution (nothing outside SRC is read), label cleaning and the tallies of what was skipped and why."""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from easyocr_ko.datasets.importers.options import ImportConfig
from easyocr_ko.text.dictionary import label_problem, normalize_text

__all__ = [
    "IMAGE_EXTENSIONS",
    "Box",
    "Collected",
    "Problem",
    "ReadContext",
    "Source",
    "add_whole_image",
    "read_text",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Box:
    """One labelled region of a source image.

    Attributes:
        label: NFC, a valid DTRB label.
        rect: ``(x0, y0, x1, y1)`` integer pixel edges (x1, y1 exclusive) before clipping, or ``None`` for the
            whole image.
        origin: where it was read: ``file:line`` or ``file#annotations[3]`` (file relative to SRC).
    """

    label: str
    rect: tuple[int, int, int, int] | None
    origin: str


@dataclass
class Source:
    """A source image and its boxes; ``key`` (path relative to SRC, POSIX) decides its split."""

    path: Path
    key: str
    boxes: list[Box] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the user should look at: ``file`` (relative to SRC), 1-based ``line`` or ``None``, reason."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


@dataclass
class Collected:
    """What a reader found.

    Attributes:
        sources: source images by key, each with its valid boxes.
        annotation_files: annotation files read (parsed or not).
        samples: boxes / rows / lines seen; every one is either a crop in the output or counted in ``skipped``.
        skipped: samples left out, by reason.
        skipped_files: annotation files and images left out, by reason.
        adjusted: samples kept after a correction, by correction (``box clipped to the image``).
        problems: malformed files, rows and lines, unsafe paths, missing or corrupt images.
    """

    sources: dict[str, Source] = field(default_factory=dict)
    annotation_files: int = 0
    samples: int = 0
    skipped: Counter = field(default_factory=Counter)
    skipped_files: Counter = field(default_factory=Counter)
    adjusted: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


class ReadContext:
    """Dataset root, path resolution and tallies shared by the readers.

    Args:
        config: the import's options; ``config.source`` is SRC, a folder or one annotation file (whose folder
            is then the root), and ``config.output`` is never searched.

    Attributes:
        config: the options.
        root: the dataset root, resolved; no file outside it is read.
        collected: what the readers found so far.

    Raises:
        FileNotFoundError: SRC does not exist.
    """

    def __init__(self, config: ImportConfig):
        src = Path(config.source)
        if not src.exists():
            raise FileNotFoundError(f"dataset not found: {src}")
        self.config = config
        self.root = (src if src.is_dir() else src.parent).resolve()
        self.single_file = None if src.is_dir() else src.resolve()
        self.output = Path(config.output).resolve()
        self.collected = Collected()
        self._names: dict[str, list[Path]] | None = None
        self._stems: dict[str, list[Path]] = {}

    # ---- bookkeeping
    def rel(self, path: Path) -> str:
        """``path`` relative to the root, POSIX-style (as written if it lies outside)."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def problem(self, file: Path, line: int | None, reason: str) -> None:
        """Report a problem of ``file`` (at 1-based ``line``, or ``None`` for the whole file)."""
        self.collected.problems.append(Problem(self.rel(file), line, reason))

    def skip(self, reason: str, n: int = 1) -> None:
        """Count ``n`` samples left out for ``reason``."""
        self.collected.skipped[reason] += n

    # ---- files
    def files(self, accept: Callable[[str], bool]) -> list[Path]:
        """Annotation files under the root (or the single file given), sorted; OUT is never searched."""
        if self.single_file is not None:
            return [self.single_file]
        found = []
        for folder, dirs, names in os.walk(self.root, followlinks=False):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if (here / d).resolve() != self.output)
            found += [here / n for n in names if accept(n) and (here / n).is_file()]
        return sorted(found, key=lambda p: p.relative_to(self.root).as_posix())

    def _index(self) -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
        """Image files under the root by file name and by stem (built once, on first use)."""
        if self._names is None:
            self._names, self._stems = {}, {}
            for folder, dirs, names in os.walk(self.root, followlinks=False):
                here = Path(folder)
                dirs[:] = sorted(d for d in dirs if (here / d).resolve() != self.output)
                for n in sorted(names):
                    if n.lower().endswith(IMAGE_EXTENSIONS):
                        self._names.setdefault(n, []).append(here / n)
                        self._stems.setdefault(Path(n).stem, []).append(here / n)
        return self._names, self._stems

    def inside(self, path: Path) -> Path | None:
        """``path`` resolved (symlinks followed) if it stays inside the root, else ``None``."""
        resolved = path.resolve()
        return resolved if resolved.is_relative_to(self.root) else None

    def resolve_image(self, ref: Any, base: Path, search: bool = False) -> tuple[Path | None, str]:
        """Find the image an annotation names.

        Args:
            ref: the name as written (``\\`` is read as ``/``).
            base: the annotation file's folder; the name is tried there, then at the root.
            search: if still not found, look the file name up among all images under the root (AI Hub keeps
                labels and images in parallel folder trees).

        Returns:
            ``(resolved path, "")`` or ``(None, reason)``.
        """
        if not isinstance(ref, str) or not ref.strip():
            return None, "no image file name"
        name = ref.strip().replace("\\", "/")
        if name.startswith("/") or _WINDOWS_DRIVE.match(name):
            return None, "absolute image path"
        if ".." in name.split("/"):
            return None, "'..' in image path"
        escaped = False
        for candidate in (base / name, self.root / name):
            if candidate.is_file() or candidate.is_symlink():
                resolved = self.inside(candidate)
                if resolved is None:
                    escaped = True
                elif resolved.is_file():
                    return resolved, ""
        if escaped:
            return None, "image path leaves the dataset root"
        if search:  # by file name, then by stem (an annotation's "jpg" for a .png file, or no name at all)
            names, stems = self._index()
            posix = PurePosixPath(name)
            stem = posix.stem if posix.suffix.lower() in IMAGE_EXTENSIONS else posix.name
            for matches in (names.get(posix.name, []), stems.get(stem, [])):
                if len(matches) > 1:  # prefer those whose trailing folders match the name as written
                    matches = [m for m in matches if m.relative_to(self.root).as_posix().endswith(name)] or matches
                if len(matches) > 1:
                    return None, "ambiguous image name"
                if matches:
                    resolved = self.inside(matches[0])
                    if resolved is None:
                        return None, "image path leaves the dataset root"
                    if resolved.is_file():
                        return resolved, ""
        return None, "image not found"

    def add(self, image: Path, boxes: list[Box]) -> None:
        """Add ``boxes`` to the source image ``image`` (a resolved path inside the root)."""
        key = image.relative_to(self.root).as_posix()
        self.collected.sources.setdefault(key, Source(image, key)).boxes.extend(boxes)

    # ---- labels
    def clean_label(self, raw: Any) -> tuple[str | None, str]:
        """``(label, "")`` or ``(None, reason)``: NFC, stripped, whitespace runs collapsed; DTRB-valid."""
        if raw is None:
            return None, "no text"
        if not isinstance(raw, str):
            return None, "text is not a string"
        text = unicodedata.normalize("NFC", raw).strip()
        problem = label_problem(text)
        if problem:
            return None, "empty text" if problem == "empty" else problem
        label = normalize_text(text)
        if label in self.config.unreadable:
            return None, f"unreadable marker {label!r}"
        if self.config.skip_all_x and set(label) <= {"x", "X"}:
            return None, "unreadable marker (only x)"
        return label, ""


def read_text(ctx: ReadContext, path: Path) -> str | None:
    """An annotation file's text (UTF-8, a BOM dropped), or ``None`` after reporting why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        ctx.problem(path, None, f"not UTF-8 (byte {err.start}): file skipped")
        ctx.collected.skipped_files["annotation file not UTF-8"] += 1
    except OSError as err:
        ctx.problem(path, None, f"cannot read: {err.strerror}")
        ctx.collected.skipped_files["unreadable annotation file"] += 1
    return None


def add_whole_image(ctx: ReadContext, path: Path, line: int, ref: str, raw_label: Any) -> None:
    """One row naming a whole image: check the label and the path, then add it."""
    label, why = ctx.clean_label(raw_label)
    if label is None:
        ctx.skip(why)
        return
    image, why = ctx.resolve_image(ref, path.parent)
    if image is None:
        ctx.skip(why)
        ctx.problem(path, line, f"{why}: {ref}")
        return
    ctx.add(image, [Box(label, None, f"{ctx.rel(path)}:{line}")])
