"""Train / validation / test splits of ``easyocr-ko import``, by source image.

The set of distinct source images is ordered by a keyed hash of ``(seed, path relative to SRC)`` (a seeded
shuffle that does not depend on the order files are found) and cut by the split fractions with
largest-remainder rounding, so all crops of one photo land in one split and the same files, options and seed
give the same split.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence

__all__ = ["SPLITS", "assign_splits", "split_counts"]

SPLITS = ("train", "validation", "test")


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
    """The sort key of ``key`` under ``seed``: a keyed BLAKE2b digest, 16 bytes."""
    return hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=16).digest()


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
