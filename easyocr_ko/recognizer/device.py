"""Where the recognizer runs: the ``--device`` option and whether this CPU computes bf16 natively."""
from __future__ import annotations

import torch

from easyocr_ko.errors import EasyOcrKoError

__all__ = ["resolve_device", "cpu_has_bf16"]


def resolve_device(name: str) -> torch.device:
    """``auto`` -> CUDA if available else CPU.

    Raises:
        EasyOcrKoError: CUDA requested but not available, or not a device name torch knows.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise EasyOcrKoError(f"--device {name}: CUDA is not available on this machine (use cpu or auto)")
    try:
        return torch.device(name)
    except (RuntimeError, ValueError):
        raise EasyOcrKoError(f"--device {name!r} is not a device: use auto, cpu, cuda or cuda:N") from None


def cpu_has_bf16() -> bool:
    """True if this CPU computes bf16 natively (AVX512-BF16 or AMX), where bf16 autocast speeds training up
    (1.8x measured on a 2-core AVX512-BF16 EPYC, bench/bench_train.py)."""
    probe = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool((probe and probe()) or (amx and amx()))
