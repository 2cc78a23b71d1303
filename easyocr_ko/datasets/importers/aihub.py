"""``easyocr-ko import aihub``: AI Hub JSON annotation files -> boxes of source images.

Every ``*.json`` under SRC is read.  Either a COCO-like file (AI Hub 「야외 실제 촬영 한글 이미지」,
「한국어 글자체 이미지」): ``images`` (``id``, ``width``, ``height``, ``file_name``) and ``annotations`` (also
spelt ``annoations``) with ``image_id``, ``text`` and ``bbox`` ``[x, y, w, h]``; or a per-image file with an
``images`` list of one, an ``image`` / ``Images`` record (``file_name``, or ``identifier`` + ``type``) and a
box list under ``annotations`` / ``annoations`` / ``bbox`` / ``Bbox`` / ``text.word`` whose boxes carry the
text in ``text`` / ``data`` / ``value`` and the region as ``bbox`` (x, y, w, h), ``x`` + ``y`` point lists,
``wordbox`` (x1, y1, x2, y2) or ``points``.  An annotation without a box is the whole image when it is its
image's only annotation (the handwriting sets' pre-cropped syllables, words and sentences).  Image names are
looked up beside the JSON file, at SRC, then by file name anywhere under SRC (AI Hub keeps labels and images in
parallel folder trees).
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from easyocr_ko.datasets.importers.context import IMAGE_EXTENSIONS, Box, ReadContext, read_text

__all__ = ["MAX_COORDINATE", "parse_box", "read_aihub"]


def _lookup(obj: Any, dotted: str) -> Any:
    """``obj[a][b]`` for ``dotted`` = ``a.b``, or ``None`` where a key is missing or a value is not an object."""
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
    """The bounding rectangle of points given as x and y lists, or ``None`` if they are not numbers."""
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
    """A rectangle (or ``None``: not numbers) as :func:`parse_box`'s ``(status, rect)``."""
    if rect is None:
        return "malformed", None
    if rect[2] <= rect[0] or rect[3] <= rect[1]:
        return "empty", None
    return "ok", rect


def _polygon(value: Any) -> tuple[int, int, int, int] | None:
    """The bounding rectangle of a polygon given as ``[x, y]`` pairs or a flat list of >= 3 points."""
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
    """The image file an image record names (``file_name`` and its spellings, else ``identifier`` + ``type``)."""
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


def _read_json(ctx: ReadContext, path: Path) -> Any:
    """The parsed JSON of an annotation file, or ``None`` after reporting why it cannot be read."""
    text = read_text(ctx, path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        ctx.problem(path, err.lineno, f"malformed JSON (column {err.colno}: {err.msg}): file skipped")
        ctx.collected.skipped_files["malformed JSON file"] += 1
        return None


_Group = tuple[dict, list[tuple[int, Any]]]  # an image record and its (position, annotation) pairs


def _group_by_image(ctx: ReadContext, path: Path, doc: dict, list_key: str, boxes: list) -> list[_Group]:
    """The annotations of one JSON file grouped by the image record they belong to, in file order; annotations
    that are not objects or name an unknown ``image_id`` are counted and reported."""
    records = _image_records(doc)
    if records is None:
        records = [{}]  # per-image file without an image record: the image is named like the JSON file
    by_id: dict[str, dict] = {}
    for record in records:
        if isinstance(record, dict) and "id" in record:
            by_id.setdefault(str(record["id"]), record)
    single = records[0] if len(records) == 1 and isinstance(records[0], dict) else None
    groups: dict[int, _Group] = {}
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
    return list(groups.values())


def _add_image_boxes(ctx: ReadContext, path: Path, list_key: str, record: dict, anns: list[tuple[int, Any]]) -> None:
    """Resolve one image of a JSON file and add its annotations with a valid label and box."""
    config = ctx.config
    name = _image_name(record) or path.stem  # no record: the image is named like the JSON file
    image, reason = ctx.resolve_image(name, path.parent, search=True)
    if image is None:
        ctx.skip(reason, len(anns))
        ctx.problem(path, None, f"{reason}: {name}")
        return
    rel = ctx.rel(path)
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


def _read_aihub_file(ctx: ReadContext, path: Path) -> None:
    """Collect the boxes of one AI Hub JSON file (a file that cannot be used is counted and reported)."""
    doc = _read_json(ctx, path)
    if doc is None:
        return
    if not isinstance(doc, dict):
        ctx.problem(path, None, "JSON is not an object: file skipped")
        ctx.collected.skipped_files["JSON without annotations"] += 1
        return
    list_fields = ctx.config.box_list_fields
    list_key = next((k for k in list_fields if isinstance(_lookup(doc, k), list)), None)
    if list_key is None:
        ctx.problem(path, None, f"no list of boxes under {', '.join(list_fields)}: file skipped")
        ctx.collected.skipped_files["JSON without annotations"] += 1
        return
    for record, anns in _group_by_image(ctx, path, doc, list_key, _lookup(doc, list_key)):
        _add_image_boxes(ctx, path, list_key, record, anns)


def read_aihub(ctx: ReadContext) -> None:
    """Collect the boxes of every ``*.json`` file under the root (formats: :mod:`easyocr_ko.datasets.importers`)."""
    for path in ctx.files(lambda n: n.lower().endswith(".json")):
        ctx.collected.annotation_files += 1
        _read_aihub_file(ctx, path)
