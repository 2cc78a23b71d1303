"""Tests of easyocr_ko.datasets.importers.options: ``--split`` parsing and ``ImportConfig``'s checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from easyocr_ko.datasets.importers import ImportConfig, parse_split
from easyocr_ko.errors import EasyOcrKoError


def test_parse_split_and_config_errors():
    assert parse_split("0.8,0.1,0.1") == (0.8, 0.1, 0.1)
    assert parse_split("1,0,0") == (1.0, 0.0, 0.0)
    for bad, why in [("0.8,0.2", "got '0.8,0.2'"), ("0.5,0.2,0.2", "sums to 0.9"), ("a,b,c", "got 'a,b,c'"),
                     ("1.5,-0.25,-0.25", "each must be in")]:
        with pytest.raises(EasyOcrKoError, match=f"--split takes three fractions.*{why}"):
            parse_split(bad)
    with pytest.raises(EasyOcrKoError, match="sums to 1.1"):
        ImportConfig("gt", Path("s"), Path("o"), split=(0.8, 0.2, 0.1))
    with pytest.raises(EasyOcrKoError, match="format must be one of aihub, dacon, gt"):
        ImportConfig("coco", Path("s"), Path("o"))
    assert ImportConfig("gt", Path("s"), Path("o"), split="0,0,1").split == (0.0, 0.0, 1.0)
