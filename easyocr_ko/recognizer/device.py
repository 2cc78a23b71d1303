"""Where the recognizer runs: the ``--device`` option and whether this CPU computes bf16 natively."""
from __future__ import annotations

import torch

from easyocr_ko.errors import EasyOcrKoError

__all__ = ["mps_available", "resolve_device", "cpu_has_bf16"]


def mps_available() -> bool:
    """True if this torch build has Apple's Metal backend (MPS) and the machine can use it."""
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str) -> torch.device:
    """The torch device of a ``--device`` value.

    Args:
        name: ``auto`` (CUDA if available, else the CPU; never MPS, which must be asked for), ``cpu``, ``cuda``,
            ``cuda:N``, or ``mps`` (Apple GPUs, where torch has them, as EasyOCR's Reader uses them; not tested
            on Apple hardware by this project).

    Returns:
        A :class:`torch.device`.

    Raises:
        EasyOcrKoError: CUDA or MPS requested but not available on this machine, or not a device name torch
            knows (one line naming the value).
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise EasyOcrKoError(f"--device {name}: CUDA is not available on this machine (use cpu or auto)")
    if name.startswith("mps") and not mps_available():
        raise EasyOcrKoError(f"--device {name}: Apple's MPS is not available on this machine or in this torch build "
                             "(use cpu or auto)")
    try:
        return torch.device(name)
    except (RuntimeError, ValueError):
        raise EasyOcrKoError(f"--device {name!r} is not a device: use auto, cpu, cuda, cuda:N or mps") from None


def cpu_has_bf16() -> bool:
    """True if this CPU computes bf16 natively (AVX512-BF16 or AMX), where bf16 autocast speeds training up
    (1.8x measured on a 2-core AVX512-BF16 EPYC, bench/bench_train.py)."""
    probe = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool((probe and probe()) or (amx and amx()))
