"""Fixtures of the importer tests: an AI Hub file with every kind of box and label it must handle."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from _import_helpers import photo, write_image, write_json


@pytest.fixture
def aihub_src(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    """A COCO-like AI Hub file (with the 'annoations' misspelling), images in a separate folder."""
    src = tmp_path / "src"
    p1 = write_image(src / "images" / "p1.png", photo(40, 60, 1))
    p2 = write_image(src / "images" / "p2.png", photo(30, 50, 2, channels=1))
    anns = [
        (1, "한글", [5, 6, 20, 10]),
        (1, unicodedata.normalize("NFD", "한"), [0, 0, 10, 10]),
        (1, "xx", [1, 1, 5, 5]),
        (1, "", [1, 1, 5, 5]),
        (1, None, [1, 1, 5, 5]),
        (1, "zero", [10, 10, 0, 5]),
        (1, "far", [100, 100, 10, 10]),
        (1, "가장자리", [-2, 30, 20, 10]),       # 18 x 10 of 20 x 10 inside: clipped
        (1, "mostly out", [55, 35, 10, 10]),    # 5 x 5 of 10 x 10 inside: < half, skipped
        (1, "tab\tin", [1, 1, 5, 5]),
        (2, "둘", [1.5, 2.2, 10, 5]),            # floats widen to whole pixels: x 1..12, y 2..8
        (9, "nobody", [1, 1, 5, 5]),
        (2, "bad", ["a", 1, 2, 3]),
    ]
    write_json(src / "labels" / "ann.json", {
        "images": [{"id": "1", "width": 60, "height": 40, "file_name": "p1.png"},
                   {"id": "2", "width": 50, "height": 30, "file_name": "p2.png"}],
        "annoations": [{"id": i, "image_id": str(img), "text": text, "bbox": box}
                       for i, (img, text, box) in enumerate(anns)],
    })
    return src, {"p1": p1, "p2": p2}
