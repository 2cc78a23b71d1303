"""The options of ``easyocr-ko import`` (:class:`ImportConfig`) and the ``--split`` parser."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from easyocr_ko.config import check_types
from easyocr_ko.errors import EasyOcrKoError

__all__ = ["FORMATS", "ImportConfig", "parse_split"]

FORMATS = ("aihub", "dacon", "gt")


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
    """``values`` as three floats in [0, 1] summing to 1; ``shown`` is what the error message quotes.

    Raises:
        EasyOcrKoError: not three numbers in [0, 1] summing to 1 (within 1e-6); the message starts with ``hint``.
    """
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

    Raises:
        EasyOcrKoError: an option of the wrong type (:func:`easyocr_ko.config.check_types`), an unknown format,
            bbox or gt format, a negative margin, split fractions that are not three numbers in [0, 1] summing to
            1, or no text field / gt file name.
    """

    format: str
    source: Path
    output: Path
    split: tuple[float, ...] = (0.8, 0.1, 0.1)
    seed: int = 0
    margin: int = 0
    text_fields: tuple[str, ...] = ("text", "data", "value")
    bbox_fields: tuple[str, ...] = ("bbox",)
    bbox_format: str = "xywh"
    box_list_fields: tuple[str, ...] = ("annotations", "annoations", "bbox", "Bbox", "text.word")
    unreadable: tuple[str, ...] = ("xx",)
    skip_all_x: bool = False
    gt_format: str = "auto"
    gt_names: tuple[str, ...] = ("gt.txt", "labels.txt")

    def __post_init__(self) -> None:
        hint = "split takes three fractions train,validation,test that sum to 1, e.g. 0.8,0.1,0.1"
        if isinstance(self.split, str):  # the forms a string may take, before the types are checked
            object.__setattr__(self, "split", parse_split(self.split))
        for name in ("text_fields", "bbox_fields", "box_list_fields", "unreadable", "gt_names"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
        check_types(self)
        object.__setattr__(self, "split", _check_split(tuple(self.split), hint, self.split))
        for name in ("text_fields", "bbox_fields", "box_list_fields", "unreadable", "gt_names"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
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

