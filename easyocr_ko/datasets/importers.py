"""``easyocr-ko import``: real datasets (AI Hub JSON, DACON csv, ``gt.txt`` / ``labels.txt``) -> word crops ->
DTRB folders and LMDBs split into train / validation / test by source image.

Output layout (``OUT`` = ``ImportConfig.output``; the same as ``easyocr-ko gen`` plus a test split)::

    OUT/import_config.yaml            the resolved options
    OUT/train/gt.txt                  images/000000001.png<TAB>label  (UTF-8, NFC; DTRB gt format)
    OUT/train/images/*.png            the crops, PNG, grey or BGR as the source (alpha composited on white)
    OUT/train/sources.tsv             index, image, source image, annotation, box: where each crop came from
    OUT/lmdb/train/data.mdb           DTRB LMDB of the same samples (+ sources.tsv, keyed by LMDB index)
    OUT/validation/..., OUT/test/...  the same for the other splits; a split with no sample is not written
    OUT/summary.json                  counts per split, skipped items by reason, problems with file and line

Input formats (details and tiny examples in README, "Importing real datasets"):

* ``aihub``: every ``*.json`` under SRC.  Either a COCO-like file (AI Hub 「야외 실제 촬영 한글 이미지」,
  「한국어 글자체 이미지」): ``images`` (``id``, ``width``, ``height``, ``file_name``) and ``annotations`` (also
  spelt ``annoations``) with ``image_id``, ``text`` and ``bbox`` ``[x, y, w, h]``; or a per-image file with an
  ``images`` list of one, an ``image`` / ``Images`` record (``file_name``, or ``identifier`` + ``type``) and a
  box list under ``annotations`` / ``annoations`` / ``bbox`` / ``Bbox`` / ``text.word`` whose boxes carry the
  text in ``text`` / ``data`` / ``value`` and the region as ``bbox`` (x, y, w, h), ``x`` + ``y`` point lists,
  ``wordbox`` (x1, y1, x2, y2) or ``points``.  An annotation without a box is the whole image when it is its
  image's only annotation (the handwriting sets' pre-cropped syllables, words and sentences).
* ``dacon``: every ``*.csv`` under SRC with the columns ``img_path`` and ``label`` (DACON 「손글씨 OCR」:
  ``id,img_path,label``); each row is one whole image.
* ``gt``: every ``gt.txt`` / ``labels.txt`` under SRC (or the file SRC): ``path<TAB>label`` (DTRB) or
  ``path label`` (first space separates; the seed projects' ``labels.txt``), detected per file.

Image paths are relative to the annotation file's folder (then to SRC).  A path that is absolute, contains
``..`` or resolves (through a symlink) outside SRC is rejected and counted; nothing outside SRC is read.

Splits are made by source image: the set of distinct source images is ordered by a keyed hash of
``(seed, path relative to SRC)`` (a seeded shuffle that does not depend on the order files are found) and cut
by the ``split`` fractions with largest-remainder rounding, so all crops of one photo land in one split and
the same files, options and seed give byte-identical output.

Robustness: a malformed JSON file, csv row or gt line is reported with its file and line and the rest
continues; undecodable images, empty / unreadable (``xx``) / invalid labels and empty or out-of-image boxes are
skipped and counted by reason.  Everything is written into ``OUT/.import-tmp-*`` and moved into place only
when complete; an interrupted run leaves ``OUT`` as it was.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import shutil
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Sequence

import cv2
import numpy as np
from tqdm import tqdm

from easyocr_ko.config import save_config
from easyocr_ko.text.dictionary import label_problem, normalize_text
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import make_temp_dir, names_os_errors, write_lines_atomic
from easyocr_ko.datasets.dtrb import write_lmdb

FORMATS = ("aihub", "dacon", "gt")
SPLITS = ("train", "validation", "test")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
MIN_INSIDE = 0.5  # a box reaching outside the image is cut to it if at least this share of its area is inside
MAX_PROBLEMS = 1000  # problems listed in summary.json; all are counted in problems_total
_OWN_OUTPUTS = {"import_config.yaml", "summary.json", "lmdb", *SPLITS}
_STAGE_PREFIX = ".import-tmp-"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def parse_split(text: str) -> tuple[float, float, float]:
    """Parse ``--split``: three comma-separated fractions train,validation,test that sum to 1.

    >>> parse_split("0.8,0.1,0.1")
    (0.8, 0.1, 0.1)

    Raises:
        EasyOcrKoError: not three numbers in [0, 1], or their sum is not 1 (within 1e-6).
    """
    hint = "--split takes three fractions train,validation,test that sum to 1, e.g. 0.8,0.1,0.1"
    try:
        values = tuple(float(v) for v in str(text).split(","))
    except ValueError:
        raise EasyOcrKoError(f"{hint}; got {text!r}") from None
    return _check_split(values, hint, text)


def _check_split(values: Sequence[float], hint: str, shown: Any) -> tuple[float, float, float]:
    if len(values) != 3 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise EasyOcrKoError(f"{hint}; got {shown!r}")
    values = tuple(float(v) for v in values)
    if not all(0.0 <= v <= 1.0 for v in values):
        raise EasyOcrKoError(f"{hint}; each must be in [0, 1], got {shown!r}")
    if abs(sum(values) - 1.0) > 1e-6:
        raise EasyOcrKoError(f"{hint}; {shown!r} sums to {sum(values):g}")
    return values  # type: ignore[return-value]


@dataclass(frozen=True)
class ImportConfig:
    """Options of ``easyocr-ko import``.

    Attributes:
        format: ``aihub``, ``dacon`` or ``gt``.
        source: SRC, the dataset folder (or one annotation file, whose folder is then the dataset root).
        output: dataset folder to create.
        split: fractions of source images for train, validation, test; sum 1 (a string ``"0.8,0.1,0.1"`` is
            parsed).  A split that receives no crop is not written.
        seed: seeds the split; same files, options and seed give the same output.
        margin: pixels added on every side of a box (clipped to the image); 0 = the box as annotated.
        text_fields: keys tried in order for a box's text (``a.b`` looks inside nested objects).
        bbox_fields: keys tried in order for a box's rectangle of 4 numbers, read as ``bbox_format``
            (8 numbers or 4 ``[x, y]`` pairs are a polygon and become its bounding rectangle).
        bbox_format: ``xywh`` (x, y, width, height, AI Hub/COCO) or ``xyxy`` (x1, y1, x2, y2), in pixels.
        box_list_fields: keys tried in order for the list of boxes in an AI Hub JSON file.
        unreadable: labels that mark unreadable text and are skipped (AI Hub writes ``xx``); compared after NFC.
        skip_all_x: also skip every label made only of ``x`` / ``X`` characters.
        gt_format: ``auto`` (tab if the file has a tab, else space), ``tab`` or ``space``.
        gt_names: file names searched under SRC for the ``gt`` format.
    """

    format: str
    source: Path
    output: Path
    split: tuple = (0.8, 0.1, 0.1)
    seed: int = 0
    margin: int = 0
    text_fields: tuple = ("text", "data", "value")
    bbox_fields: tuple = ("bbox",)
    bbox_format: str = "xywh"
    box_list_fields: tuple = ("annotations", "annoations", "bbox", "Bbox", "text.word")
    unreadable: tuple = ("xx",)
    skip_all_x: bool = False
    gt_format: str = "auto"
    gt_names: tuple = ("gt.txt", "labels.txt")

    def __post_init__(self) -> None:
        hint = "split takes three fractions train,validation,test that sum to 1, e.g. 0.8,0.1,0.1"
        if isinstance(self.split, str):
            object.__setattr__(self, "split", parse_split(self.split))
        else:
            object.__setattr__(self, "split", _check_split(tuple(self.split), hint, self.split))
        for name in ("text_fields", "bbox_fields", "box_list_fields", "unreadable", "gt_names"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))
        object.__setattr__(self, "unreadable", tuple(unicodedata.normalize("NFC", u) for u in self.unreadable))
        checks = [
            (self.format in FORMATS, f"format must be one of {', '.join(FORMATS)}, got {self.format!r}"),
            (isinstance(self.margin, int) and self.margin >= 0, "margin must be an integer >= 0 (pixels)"),
            (self.bbox_format in ("xywh", "xyxy"), "bbox_format must be 'xywh' or 'xyxy'"),
            (self.gt_format in ("auto", "tab", "space"), "gt_format must be 'auto', 'tab' or 'space'"),
            (bool(self.text_fields) and all(self.text_fields), "text_fields needs at least one key"),
            (bool(self.gt_names) and all(self.gt_names), "gt_names needs at least one file name"),
        ]
        for ok, message in checks:
            if not ok:
                raise EasyOcrKoError(message)


# ---------------------------------------------------------------- what the readers collect

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


class _Context:
    """Dataset root, path resolution and tallies shared by the readers."""

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
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def problem(self, file: Path, line: int | None, reason: str) -> None:
        self.collected.problems.append(Problem(self.rel(file), line, reason))

    def skip(self, reason: str, n: int = 1) -> None:
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


# ---------------------------------------------------------------- AI Hub JSON

def _lookup(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


MAX_COORDINATE = 1 << 31  # px; a box edge beyond this is no image's (and would overflow float arithmetic)


def _is_number(v: Any) -> bool:
    """A finite int or float within +-MAX_COORDINATE (JSON also gives NaN, Infinity and unbounded integers)."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(v) and abs(v) <= MAX_COORDINATE
    except OverflowError:  # an integer too large for a float
        return False


def _pixel_rect(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int] | None:
    """Edges widened to whole pixels (floor of the start, ceil of the end), or ``None`` if an edge is not a finite
    number within +-MAX_COORDINATE (e.g. ``x + w`` overflowing to infinity)."""
    if not all(_is_number(v) for v in (x0, y0, x1, y1)):
        return None
    return math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)


def _rect_from_points(xs: Sequence[Any], ys: Sequence[Any]) -> tuple[int, int, int, int] | None:
    if not xs or len(xs) != len(ys) or not all(_is_number(v) for v in (*xs, *ys)):
        return None
    return _pixel_rect(min(xs), min(ys), max(xs), max(ys))


def parse_box(record: dict, bbox_fields: Sequence[str] = ("bbox",),
              bbox_format: str = "xywh") -> tuple[str, tuple[int, int, int, int] | None]:
    """Read the rectangle of one annotation.

    Recognised, in this order: ``bbox_fields`` (4 numbers as ``bbox_format``; 8 numbers or ``[x, y]`` pairs
    as a polygon), ``x`` + ``y`` point lists, ``wordbox`` (x1, y1, x2, y2), ``points`` (polygon).  Float
    coordinates are widened to whole pixels (floor of the start, ceil of the end).

    Returns:
        ``("ok", (x0, y0, x1, y1))`` with x1, y1 exclusive; ``("none", None)`` if the record has no box;
        ``("malformed", None)`` if a box key holds something else, or numbers that are not finite or lie beyond
        +-:data:`MAX_COORDINATE` (``[1e308, 0, 1e308, 64]``, NaN, Infinity); ``("empty", None)`` for zero or
        negative width or height.
    """
    for key in bbox_fields:
        value = record.get(key)
        if value is None:
            continue
        if isinstance(value, list) and len(value) == 4 and all(_is_number(v) for v in value):
            a, b, c, d = value
            x0, y0, x1, y1 = (a, b, a + c, b + d) if bbox_format == "xywh" else (a, b, c, d)
            rect = _pixel_rect(x0, y0, x1, y1)
            if rect is None:
                return "malformed", None
            if x1 <= x0 or y1 <= y0:
                return "empty", None
            return "ok", rect
        return _checked(_polygon(value))
    if "x" in record and "y" in record:
        xs, ys = record["x"], record["y"]
        return _checked(_rect_from_points(xs, ys) if isinstance(xs, list) and isinstance(ys, list) else None)
    if record.get("wordbox") is not None:
        value = record["wordbox"]
        if not (isinstance(value, list) and len(value) == 4 and all(_is_number(v) for v in value)):
            return "malformed", None
        return _checked(_pixel_rect(*value))
    if record.get("points") is not None:
        return _checked(_polygon(record["points"]))
    return "none", None


def _checked(rect: tuple[int, int, int, int] | None) -> tuple[str, tuple[int, int, int, int] | None]:
    if rect is None:
        return "malformed", None
    if rect[2] <= rect[0] or rect[3] <= rect[1]:
        return "empty", None
    return "ok", rect


def _polygon(value: Any) -> tuple[int, int, int, int] | None:
    if not isinstance(value, list):
        return None
    if value and all(isinstance(p, list) and len(p) == 2 for p in value):
        return _rect_from_points([p[0] for p in value], [p[1] for p in value])
    if len(value) >= 6 and len(value) % 2 == 0:
        return _rect_from_points(value[0::2], value[1::2])
    return None


def _image_records(doc: dict) -> list[dict] | None:
    """The image records of a JSON document: ``images`` list, or a single ``image`` / ``Images`` record."""
    if isinstance(doc.get("images"), list):
        return doc["images"]
    for key in ("image", "Images", "Image"):
        if isinstance(doc.get(key), dict):
            return [doc[key]]
    return None


def _image_name(record: dict) -> str | None:
    for key in ("file_name", "filename", "fileName", "file"):
        if isinstance(record.get(key), str) and record[key].strip():
            return record[key]
    ident = record.get("identifier")
    if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident).strip():
        ident = str(ident).strip()
        ext = record.get("type")
        if isinstance(ext, str) and ext.strip() and not ident.lower().endswith(IMAGE_EXTENSIONS):
            return f"{ident}.{ext.strip().lstrip('.').lower()}"
        return ident
    return None


def _read_json(ctx: _Context, path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        ctx.problem(path, None, f"not UTF-8 (byte {err.start}): file skipped")
        ctx.collected.skipped_files["annotation file not UTF-8"] += 1
        return None
    except OSError as err:
        ctx.problem(path, None, f"cannot read: {err.strerror}")
        ctx.collected.skipped_files["unreadable annotation file"] += 1
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        ctx.problem(path, err.lineno, f"malformed JSON (column {err.colno}: {err.msg}): file skipped")
        ctx.collected.skipped_files["malformed JSON file"] += 1
        return None


def _read_aihub_file(ctx: _Context, path: Path) -> None:
    config = ctx.config
    doc = _read_json(ctx, path)
    if doc is None:
        return
    if not isinstance(doc, dict):
        ctx.problem(path, None, "JSON is not an object: file skipped")
        ctx.collected.skipped_files["JSON without annotations"] += 1
        return
    list_key, boxes = next(((k, _lookup(doc, k)) for k in config.box_list_fields
                            if isinstance(_lookup(doc, k), list)), (None, None))
    if boxes is None:
        ctx.problem(path, None, f"no list of boxes under {', '.join(config.box_list_fields)}: file skipped")
        ctx.collected.skipped_files["JSON without annotations"] += 1
        return
    records = _image_records(doc)
    if records is None:
        records = [{}]  # per-image file without an image record: the image is named like the JSON file
    by_id: dict[str, dict] = {}
    for record in records:
        if isinstance(record, dict) and "id" in record:
            by_id.setdefault(str(record["id"]), record)
    single = records[0] if len(records) == 1 and isinstance(records[0], dict) else None

    # group the annotations by image, keeping their order
    groups: dict[int, tuple[dict, list[tuple[int, Any]]]] = {}
    rel = ctx.rel(path)
    for i, ann in enumerate(boxes):
        ctx.collected.samples += 1
        if not isinstance(ann, dict):
            ctx.skip("malformed annotation")
            ctx.problem(path, None, f"{list_key}[{i}] is not an object")
            continue
        image_id = ann.get("image_id")
        if image_id is not None and str(image_id) in by_id:
            record = by_id[str(image_id)]
        elif single is not None and (image_id is None or not by_id):
            record = single
        else:
            ctx.skip("annotation for an unknown image_id")
            ctx.problem(path, None, f"{list_key}[{i}]: image_id {image_id!r} is not in images")
            continue
        groups.setdefault(id(record), (record, []))[1].append((i, ann))

    for record, anns in groups.values():
        name = _image_name(record) or path.stem  # no record: the image is named like the JSON file
        image, reason = ctx.resolve_image(name, path.parent, search=True)
        if image is None:
            ctx.skip(reason, len(anns))
            ctx.problem(path, None, f"{reason}: {name}")
            continue
        kept = []
        for i, ann in anns:
            label, why = ctx.clean_label(next((v for f in config.text_fields
                                               for v in [_lookup(ann, f)] if v is not None), None))
            if label is None:
                ctx.skip(why)
                continue
            status, rect = parse_box(ann, config.bbox_fields, config.bbox_format)
            if status == "none":
                if len(anns) != 1:
                    ctx.skip("no box (and not the image's only annotation)")
                    continue
            elif status == "malformed":
                ctx.skip("malformed box")
                ctx.problem(path, None, f"{list_key}[{i}]: box is not numbers")
                continue
            elif status == "empty":
                ctx.skip("empty box")
                continue
            kept.append(Box(label, rect, f"{rel}#{list_key}[{i}]"))
        if kept:
            ctx.add(image, kept)


def read_aihub(ctx: _Context) -> None:
    """Collect the boxes of every ``*.json`` file under the root (see the module docstring)."""
    for path in ctx.files(lambda n: n.lower().endswith(".json")):
        ctx.collected.annotation_files += 1
        _read_aihub_file(ctx, path)


# ---------------------------------------------------------------- DACON csv

def _read_text(ctx: _Context, path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        ctx.problem(path, None, f"not UTF-8 (byte {err.start}): file skipped")
        ctx.collected.skipped_files["annotation file not UTF-8"] += 1
    except OSError as err:
        ctx.problem(path, None, f"cannot read: {err.strerror}")
        ctx.collected.skipped_files["unreadable annotation file"] += 1
    return None


def _add_whole_image(ctx: _Context, path: Path, line: int, ref: str, raw_label: Any) -> None:
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


def read_dacon(ctx: _Context) -> None:
    """Collect the rows of every ``*.csv`` under the root that has ``img_path`` and ``label`` columns."""
    for path in ctx.files(lambda n: n.lower().endswith(".csv")):
        ctx.collected.annotation_files += 1
        text = _read_text(ctx, path)
        if text is None:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as err:
            header = None
            ctx.problem(path, reader.line_num, f"malformed csv header: {err}")
        columns = [h.strip() for h in header] if header else []
        if "img_path" not in columns or "label" not in columns:
            ctx.problem(path, 1, "no 'img_path' and 'label' columns (DACON: id,img_path,label): file skipped")
            ctx.collected.skipped_files["csv without img_path,label columns"] += 1
            continue
        i_path, i_label = columns.index("img_path"), columns.index("label")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                ctx.collected.samples += 1
                ctx.skip("malformed csv row")
                ctx.problem(path, reader.line_num, f"malformed csv row: {err}")
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            ctx.collected.samples += 1
            line = reader.line_num
            if len(row) != len(columns):
                ctx.skip("malformed csv row")
                ctx.problem(path, line, f"malformed csv row: {len(row)} fields, the header has {len(columns)}")
                continue
            _add_whole_image(ctx, path, line, row[i_path], row[i_label])


# ---------------------------------------------------------------- gt.txt / labels.txt

def read_gt_files(ctx: _Context) -> None:
    """Collect the lines of every gt file (``gt_names``) under the root, or of the file SRC."""
    names = set(ctx.config.gt_names)
    for path in ctx.files(lambda n: n in names):
        ctx.collected.annotation_files += 1
        text = _read_text(ctx, path)
        if text is None:
            continue
        lines = text.split("\n")
        style = ctx.config.gt_format
        if style == "auto":
            style = "tab" if "\t" in text else "space"
        for n, raw in enumerate(lines, start=1):
            line = raw[:-1] if raw.endswith("\r") else raw
            if not line.strip():
                continue
            ctx.collected.samples += 1
            if style == "tab":
                parts = line.split("\t")
                why = "" if len(parts) == 2 else ("no tab between image path and label" if len(parts) == 1
                                                  else "tab inside label")
            else:
                parts = line.strip().split(" ", 1)
                why = "" if len(parts) == 2 else "no space between image path and label"
            if why:
                ctx.skip("malformed gt line")
                ctx.problem(path, n, f"malformed gt line: {why}")
                continue
            _add_whole_image(ctx, path, n, parts[0], parts[1])


READERS: dict[str, Callable[[_Context], None]] = {"aihub": read_aihub, "dacon": read_dacon, "gt": read_gt_files}


def collect(config: ImportConfig) -> tuple[Collected, Path]:
    """Read the annotations of ``config.source`` in ``config.format``.

    Returns:
        What was found, and the resolved dataset root.

    Raises:
        FileNotFoundError: SRC does not exist.
    """
    ctx = _Context(config)
    READERS[config.format](ctx)
    return ctx.collected, ctx.root


# ---------------------------------------------------------------- splits

def split_counts(n: int, fractions: Sequence[float]) -> list[int]:
    """Split ``n`` items by ``fractions`` (sum 1) with largest-remainder rounding; ties go to the first split.

    >>> split_counts(10, (0.8, 0.1, 0.1)), split_counts(5, (0.8, 0.1, 0.1))
    ([8, 1, 1], [4, 1, 0])
    """
    raw = [n * f for f in fractions]
    counts = [int(math.floor(r + 1e-9)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _rank(seed: int, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}\0{key}".encode("utf-8"), digest_size=16).digest()


def assign_splits(keys: Iterable[str], fractions: Sequence[float], seed: int = 0) -> dict[str, str]:
    """Assign each source image (by key) to ``train`` / ``validation`` / ``test``.

    The distinct keys are ordered by a keyed BLAKE2b hash of ``(seed, key)`` (a seeded shuffle independent
    of the input order) and cut by :func:`split_counts`.

    Returns:
        ``{key: split name}``.
    """
    ordered = sorted(set(keys), key=lambda k: (_rank(seed, k), k))
    out: dict[str, str] = {}
    start = 0
    for name, count in zip(SPLITS, split_counts(len(ordered), fractions)):
        out.update((k, name) for k in ordered[start:start + count])
        start += count
    return out


# ---------------------------------------------------------------- images and crops

def load_image(data: bytes) -> np.ndarray | None:
    """Decode image bytes with OpenCV to uint8 grey (H, W) or BGR (H, W, 3).

    16-bit images are scaled to 8 bits; an alpha channel is composited on white (transparent ink-on-nothing
    scans then read as dark ink on paper, as in the rest of the data).  EXIF orientation is ignored: boxes
    are in the stored pixel grid.

    Returns:
        The pixels, or ``None`` if the bytes are not a decodable, non-empty image (also when OpenCV refuses an
        image over its 2^30-pixel limit, which it reports by raising ``cv2.error``).
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    if buf.size == 0:
        return None
    try:
        img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    except cv2.error:
        return None
    if img is None or img.size == 0:
        return None
    if img.dtype == np.uint16:
        img = (img.astype(np.uint32) * 255 + 32767) // 65535
        img = img.astype(np.uint8)
    elif img.dtype != np.uint8:
        return None
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    elif img.ndim == 3 and img.shape[2] == 4:
        alpha = img[:, :, 3:4].astype(np.float32) / 255.0
        img = np.rint(img[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    elif not (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)):
        return None
    return np.ascontiguousarray(img)


def crop_box(image: np.ndarray, rect: tuple[int, int, int, int] | None,
             margin: int = 0) -> tuple[np.ndarray | None, str, tuple[int, int, int, int]]:
    """Cut one box out of an image.

    Args:
        image: (H, W) or (H, W, C) uint8.
        rect: ``(x0, y0, x1, y1)`` pixel edges, x1/y1 exclusive, or ``None`` for the whole image.
        margin: pixels added on every side, clipped to the image.

    Returns:
        ``(crop, note, (x, y, w, h))``: the crop (a view), ``"clipped"`` if the box reached outside the image
        and was cut to it, else ``""``, and the crop's rectangle.  ``(None, "outside", box)`` when less than
        :data:`MIN_INSIDE` of the box's area lies inside the image (annotators overshoot the edge by a few
        pixels; a box mostly outside would crop something else than its text).
    """
    h, w = image.shape[:2]
    if rect is None:
        return image, "", (0, 0, w, h)
    x0, y0, x1, y1 = rect
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    inside = max(0, cx1 - cx0) * max(0, cy1 - cy0)
    if inside == 0 or inside < MIN_INSIDE * (x1 - x0) * (y1 - y0):
        return None, "outside", (x0, y0, x1 - x0, y1 - y0)
    note = "clipped" if (cx0, cy0, cx1, cy1) != (x0, y0, x1, y1) else ""
    cx0, cy0 = max(0, cx0 - margin), max(0, cy0 - margin)
    cx1, cy1 = min(w, cx1 + margin), min(h, cy1 + margin)
    return image[cy0:cy1, cx0:cx1], note, (cx0, cy0, cx1 - cx0, cy1 - cy0)


def _encode_png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise EasyOcrKoError("OpenCV could not encode a PNG crop")
    return buf.tobytes()


# ---------------------------------------------------------------- writing

@dataclass
class SplitSummary:
    """Counts for one split: crops written and the distinct source images they came from."""

    crops: int = 0
    source_images: int = 0


def _write_split(name: str, sources: list[Source], stage: Path, config: ImportConfig, collected: Collected,
                 progress: tqdm) -> SplitSummary:
    """Crop a split's sources into ``stage/<name>`` and ``stage/lmdb/<name>``; remove both if nothing was
    written."""
    split_dir = stage / name
    (split_dir / "images").mkdir(parents=True)
    summary = SplitSummary()
    gt_lines: list[str] = []
    source_lines = ["index\timage\tsource\tannotation\tbox"]

    def samples() -> Iterator[tuple[bytes, str]]:
        for source in sources:
            try:
                image = load_image(source.path.read_bytes())
            except OSError:
                image = None
            if image is None:
                collected.skipped["undecodable image"] += len(source.boxes)
                collected.skipped_files["undecodable image"] += 1
                collected.problems.append(Problem(source.key, None, "undecodable image: skipped"))
                progress.update(len(source.boxes))
                continue
            used = False
            for box in source.boxes:
                progress.update(1)
                crop, note, (x, y, w, h) = crop_box(image, box.rect, config.margin)
                if crop is None:
                    collected.skipped["box outside the image"] += 1
                    continue
                if note == "clipped":
                    collected.adjusted["box clipped to the image"] += 1
                png = _encode_png(crop)
                index = len(gt_lines) + 1
                image_name = f"images/{index:09d}.png"
                (split_dir / image_name).write_bytes(png)
                gt_lines.append(f"{image_name}\t{box.label}")
                source_lines.append(f"{index}\t{image_name}\t{source.key}\t{box.origin}\t{x},{y},{w},{h}")
                used = True
                yield png, box.label
            summary.source_images += used

    lmdb_dir = stage / "lmdb" / name
    lmdb_dir.parent.mkdir(parents=True, exist_ok=True)
    summary.crops = write_lmdb(samples(), lmdb_dir).written
    if summary.crops == 0:
        shutil.rmtree(split_dir)
        shutil.rmtree(lmdb_dir)
        return summary
    write_lines_atomic(gt_lines, split_dir / "gt.txt")
    write_lines_atomic(source_lines, split_dir / "sources.tsv")
    shutil.copyfile(split_dir / "sources.tsv", lmdb_dir / "sources.tsv")
    return summary


def _check_output(out: Path, overwrite: bool) -> tuple[bool, list[Path]]:
    """Check ``out`` may receive the import; return (whether it existed, earlier import outputs to replace).

    Raises:
        EasyOcrKoError: ``out`` is a file, is not empty (without ``overwrite``), or holds files import did not
            write.
    """
    if out.exists() and not out.is_dir():
        raise EasyOcrKoError(f"{out} exists and is not a folder")
    if not out.exists():
        return False, []
    for leftover in out.glob(f"{_STAGE_PREFIX}*"):  # a killed run's staging folder
        shutil.rmtree(leftover, ignore_errors=True)
    present = sorted(out.iterdir())
    if not present:
        return True, []
    if not overwrite:
        raise EasyOcrKoError(f"output folder {out} is not empty: choose an empty folder or pass --overwrite")
    foreign = sorted(p.name for p in present if p.name not in _OWN_OUTPUTS)
    if foreign:
        raise EasyOcrKoError(f"--overwrite refused: {out} holds files import did not write ({', '.join(foreign)})")
    return True, present


def _commit(stage: Path, out: Path, replace: list[Path]) -> None:
    for old in replace:
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    for item in sorted(stage.iterdir()):
        os.replace(item, out / item.name)


@names_os_errors(lambda config, *args, **kwargs: config.output)
def run_import(config: ImportConfig, overwrite: bool = False, progress: bool = True) -> dict:
    """Run ``easyocr-ko import``: read the annotations, split by source image, crop, write both formats.

    Args:
        config: resolved options.
        overwrite: replace an earlier import output in ``config.output``; never other files.
        progress: show a tqdm bar on stderr.

    Returns:
        The summary written to ``summary.json``: ``splits`` (per split ``crops`` and ``source_images``),
        ``samples`` (boxes / rows / lines seen), ``written``, ``skipped`` (samples by reason; ``samples ==
        written + sum(skipped)``), ``skipped_files`` (annotation files and images by reason), ``adjusted``,
        ``problems`` (the first :data:`MAX_PROBLEMS` as ``file:line: reason``), ``problems_total``,
        ``annotation_files``, ``seconds``.

    Raises:
        FileNotFoundError: SRC does not exist.
        EasyOcrKoError: bad options, a non-empty output folder without ``overwrite`` (or with files import
            did not write), no annotation file found, or no usable crop at all (the message gives the counts
            by reason and the first problem, e.g. a csv without a ``label`` column).
        OSError: a file cannot be written (naming it, or the output folder).
    """
    start = time.perf_counter()
    out = Path(config.output)
    existed, replace = _check_output(out, overwrite)
    collected, root = collect(config)
    what = {"aihub": "*.json", "dacon": "*.csv", "gt": " / ".join(config.gt_names)}[config.format]
    if collected.annotation_files == 0:
        raise EasyOcrKoError(f"no {what} annotation file found in {config.source}")
    assignment = assign_splits(collected.sources, config.split, config.seed)
    by_split: dict[str, list[Source]] = {name: [] for name in SPLITS}
    for key in sorted(collected.sources):
        by_split[assignment[key]].append(collected.sources[key])

    out.mkdir(parents=True, exist_ok=True)
    stage = make_temp_dir(out, _STAGE_PREFIX)
    splits: dict[str, dict] = {}
    try:
        total = sum(len(s.boxes) for s in collected.sources.values())
        with tqdm(total=total, desc="import", unit="box", disable=not progress, dynamic_ncols=True) as bar:
            for name in SPLITS:
                if not by_split[name]:
                    continue
                bar.set_description(f"import {name}")
                result = _write_split(name, by_split[name], stage, config, collected, bar)
                if result.crops:
                    splits[name] = {"crops": result.crops, "source_images": result.source_images}
        written = sum(s["crops"] for s in splits.values())
        if written == 0:
            reasons = (", ".join(f"{n} x {r}" for r, n in collected.skipped.most_common(5))
                       or ", ".join(f"{n} file x {r}" for r, n in collected.skipped_files.most_common(5))
                       or "no sample")
            first = f"; first problem: {collected.problems[0]}" if collected.problems else ""
            raise EasyOcrKoError(f"no usable crop in {config.source} ({reasons}); nothing written{first}")
        summary = {
            "format": config.format,
            "source": str(root),
            "annotation_files": collected.annotation_files,
            "samples": collected.samples,
            "written": written,
            "splits": splits,
            "skipped": dict(collected.skipped.most_common()),
            "skipped_files": dict(collected.skipped_files.most_common()),
            "adjusted": dict(collected.adjusted),
            "problems_total": len(collected.problems),
            "problems": [str(p) for p in collected.problems[:MAX_PROBLEMS]],
            "seconds": round(time.perf_counter() - start, 2),
        }
        save_config(config, stage / "import_config.yaml")
        write_lines_atomic([json.dumps(summary, ensure_ascii=False, indent=1)], stage / "summary.json")
        _commit(stage, out, replace)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if not existed and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
    return summary
