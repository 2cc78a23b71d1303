"""Tests of easyocr_ko.datasets.importers.splits: split sizes and the seeded, order-free assignment."""
from __future__ import annotations

from easyocr_ko.datasets.importers import assign_splits, split_counts


def test_split_counts_and_assignment():
    assert split_counts(10, (0.8, 0.1, 0.1)) == [8, 1, 1]
    assert split_counts(5, (0.8, 0.1, 0.1)) == [4, 1, 0]
    assert split_counts(7, (0.5, 0.25, 0.25)) == [3, 2, 2]
    assert split_counts(3, (0.0, 0.0, 1.0)) == [0, 0, 3]
    assert split_counts(0, (0.8, 0.1, 0.1)) == [0, 0, 0]
    keys = [f"img/{i:03d}.png" for i in range(10)]
    a = assign_splits(keys, (0.8, 0.1, 0.1), seed=0)
    assert a == assign_splits(reversed(keys), (0.8, 0.1, 0.1), seed=0)   # independent of discovery order
    assert sorted(a.values()) == ["test"] + ["train"] * 8 + ["validation"]
    assert a != assign_splits(keys, (0.8, 0.1, 0.1), seed=1)
