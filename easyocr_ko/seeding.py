"""Seeding the process-wide random number generators, the one helper ``gen`` and ``finetune`` share.

Everything easyocr-ko draws itself comes from explicit generators (``np.random.default_rng(...)``,
``random.Random(seed)``); this seeds the global ones that other code draws from: trdg (Python ``random``, numpy's
global RNG, OpenCV's ``cv2.randn``) and torch's weight initialisation and dropout.
"""
from __future__ import annotations

import random

import cv2
import numpy as np

__all__ = ["seed_everything"]


def seed_everything(value: int, *, with_torch: bool = False) -> None:
    """Seed Python ``random`` (with ``value``), numpy's global RNG (``value mod 2^32``), OpenCV's RNG of the
    calling thread (``value mod 2^31``) and, with ``with_torch``, torch's CPU and CUDA generators (``value``).

    Args:
        value: the seed, an int >= 0 (``gen``: a 64-bit per-render seed; ``finetune``: ``--seed``).
        with_torch: also seed torch (imported only then: ``gen``'s workers never load it).

    >>> seed_everything(3)
    >>> first = random.random()
    >>> seed_everything(3)
    >>> random.random() == first
    True
    """
    random.seed(value)
    np.random.seed(value % (1 << 32))
    cv2.setRNGSeed(value % (1 << 31))
    if with_torch:
        import torch

        torch.manual_seed(value)
